"""``python -m course_utils doctor``: is this machine ready for the course?

One row per item, ``[ OK ]`` or ``[FAIL]``, each failure followed by the command
that fixes it. Exits non-zero when anything failed.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from importlib import metadata

from packaging.requirements import Requirement
from packaging.version import InvalidVersion, Version

DIST = "course-utils"
SUPPORTED_PYTHON = ((3, 10), (3, 13))
SETUP_FIX = "run `make lab` (or `make install`) from the course folder to install the pinned versions"


@dataclass
class Item:
    name: str
    ok: bool
    detail: str = ""
    fix: str = ""

    def lines(self) -> list:
        out = [f"[{' OK ' if self.ok else 'FAIL'}] {self.name}" + (f": {self.detail}" if self.detail else "")]
        if not self.ok and self.fix:
            out.append(f"       fix: {self.fix}")
        return out


def check_python(version=None) -> Item:
    v = tuple(version or sys.version_info[:3])
    (lo, hi) = SUPPORTED_PYTHON
    text = ".".join(map(str, v))
    ok = lo <= v[:2] <= hi
    return Item(
        "python",
        ok,
        f"{text} ({sys.executable})" if version is None else text,
        "" if ok else f"install Python {lo[0]}.{lo[1]} to {hi[0]}.{hi[1]} and run `make lab PYTHON=python3.X`",
    )


def requirements() -> list:
    """The course's requirements, read from the installed package's metadata."""
    try:
        reqs = metadata.requires(DIST) or []
    except metadata.PackageNotFoundError:
        return []
    out = []
    for text in reqs:
        req = Requirement(text)
        if req.marker is None or req.marker.evaluate({"extra": ""}):
            out.append(req)
    return out


def check_package(req: Requirement) -> Item:
    try:
        installed = metadata.version(req.name)
    except metadata.PackageNotFoundError:
        return Item(req.name, False, f"not installed (needs {req.specifier})", SETUP_FIX)
    try:
        ok = req.specifier.contains(Version(installed), prereleases=True)
    except InvalidVersion:
        ok = False
    detail = f"{installed}" + ("" if ok else f", but the course needs {req.specifier}")
    return Item(req.name, ok, detail, "" if ok else SETUP_FIX)


def check_packages() -> list:
    reqs = requirements()
    if not reqs:
        return [Item("course-utils package", False, "not installed in this Python", SETUP_FIX)]
    return [check_package(r) for r in reqs]


KERAS_FIX = ("reinstall the pinned packages (`make install`); if you set KERAS_BACKEND yourself, unset it or set it "
             "to jax: the course runs Keras on the JAX backend")


def check_keras() -> Item:
    """Keras imports and runs on the JAX backend (what the autoencoders of notebook 04 use)."""
    import subprocess

    code = ("import course_utils.autoencoders as a, keras, jax, numpy as np; "
            "print(keras.__version__, keras.backend.backend(), jax.__version__, "
            "float(keras.ops.sum(keras.ops.ones((2, 2)))))")
    try:  # a fresh process: this one may already hold another backend
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return Item("keras on jax", False, f"{type(exc).__name__}: {exc}", KERAS_FIX)
    words = done.stdout.split()
    if done.returncode != 0 or len(words) != 4:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return Item("keras on jax", False, f"Keras does not import: {last}", KERAS_FIX)
    version, backend, jax_version, total = words
    if backend != "jax" or total != "4.0":
        return Item("keras on jax", False, f"Keras {version} runs on {backend!r}, not jax", KERAS_FIX)
    return Item("keras on jax", True, f"Keras {version} on JAX {jax_version} (CPU)")


def check_datasets() -> list:
    from course_utils import data

    items = []
    for name, spec in data.DATASETS.items():
        ok, problem = data.verify(name)
        items.append(
            Item(
                f"dataset {spec.filename}",
                ok,
                "checksum matches" if ok else problem,
                "" if ok else f"{data.RESTORE_COMMAND} {name}",
            )
        )
    return items


def check_kernel(timeout: float = 60) -> Item:
    """Start a kernel, import course_utils in it, and report its Python."""
    from course_utils.course.grading import new_kernel_manager

    km = kc = None
    try:
        km = new_kernel_manager(asynchronous=False)(kernel_name="python3")
        km.start_kernel()
        kc = km.client()
        kc.start_channels()
        kc.wait_for_ready(timeout=timeout)
        outputs = []
        reply = kc.execute_interactive(
            "import sys, course_utils; print(sys.executable)",
            timeout=timeout,
            output_hook=outputs.append,
        )
    except Exception as exc:
        return Item(
            "kernel starts",
            False,
            f"{type(exc).__name__}: {exc}",
            "python -m ipykernel install --sys-prefix  (then restart JupyterLab)",
        )
    finally:
        if kc is not None:
            kc.stop_channels()
        if km is not None and km.has_kernel:
            km.shutdown_kernel(now=True)
    if reply["content"]["status"] != "ok":
        return Item(
            "kernel starts",
            False,
            f"the python3 kernel cannot import course_utils ({reply['content'].get('ename')})",
            "the 'python3' kernel is not this environment's Python: run "
            "`python -m ipykernel install --sys-prefix` with the course's Python",
        )
    text = "".join(m["content"].get("text", "") for m in outputs if m["msg_type"] == "stream").strip()
    return Item("kernel starts", True, f"python3 kernel runs {text}")


def run(kernel: bool = True, out=None) -> bool:
    """Run every check, print one row per item, return True when all pass."""
    out = out or sys.stdout
    items = [check_python()] + check_packages() + [check_keras()] + check_datasets()
    if kernel:
        items.append(check_kernel())
    for item in items:
        for line in item.lines():
            print(line, file=out)
    failed = [i for i in items if not i.ok]
    print(
        f"\n{len(items) - len(failed)}/{len(items)} checks passed"
        + (f"; {len(failed)} failed (see the fix under each [FAIL])" if failed else ". You are ready."),
        file=out,
    )
    return not failed
