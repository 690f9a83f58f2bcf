"""Run one submitted notebook in a fresh kernel, apart from everything else.

What :func:`run_notebook` arranges, and why:

* **Its own folder.** The kernel starts in a new temporary folder that holds a
  copy of this one notebook and nothing else; its ``TMPDIR``, progress file and
  segment store live there too, and the whole folder is removed afterwards. A
  notebook that deletes or writes files changes only its own copy.
* **Nothing carried over.** Its IPython folder (startup files), Jupyter config folder,
  user site-packages and numba cache are fresh too (:data:`PRIVATE_DIRS`): a notebook
  cannot leave code that runs when the next notebook's kernel starts.
* **The installed course, not the folder's.** The kernel runs with
  ``PYTHONSAFEPATH=1`` and a first request, before any cell, takes the working
  folder off ``sys.path``: a ``course_utils/`` planted next to the notebook is
  never imported.
* **An expendable parent.** The kernel is started under a small guard process,
  so ``os.kill(os.getppid(), ...)`` kills the guard, not the grader: the grader
  sees a dead kernel, records it and goes on. When grading of the notebook ends,
  the kernel's whole process group is killed (stray subprocesses with it).
* **A budget.** ``timeout`` seconds for the whole notebook; a kernel that ignores
  the interrupt is killed; outputs beyond :data:`OUTPUT_BUDGET` bytes are dropped.
* **Its answers, captured.** :mod:`course_utils.course.capture` is installed in
  the kernel before the first cell; its notes come back in :attr:`Run.notes`.

It does not make submitted code harmless: the kernel runs as the user who runs
the grader, and can read, write or kill whatever that user can, including the
course's installation that later kernels import. Run the grader under a separate,
unprivileged user that cannot write the course (the README shows how).
"""

from __future__ import annotations

import contextlib
import math
import os
import re
import secrets
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from course_utils.course import capture
from course_utils.course.checks import MIME_TYPE

#: Seconds past the budget before a kernel that ignores the interrupt is killed.
WATCHDOG_GRACE = 20
#: Outputs (bytes of text and data) kept per notebook; later outputs are dropped.
OUTPUT_BUDGET = 16 * 2**20
#: Most capture notes other than checks (hints, views) kept per notebook.
MAX_NOTES = 5_000

#: The guard: started in the kernel's place, it starts the kernel as its child and waits.
#: ``-I`` keeps it away from the working folder and the environment's Python settings.
GUARD = r"""
import os, signal, subprocess, sys
signal.signal(signal.SIGINT, lambda *a: None)
child = subprocess.Popen(sys.argv[1:], env=dict(os.environ, JPY_PARENT_PID=str(os.getpid())))
def forward(signum, frame):
    try:
        child.send_signal(signum)
    except OSError:
        pass
signal.signal(signal.SIGTERM, forward)
code = child.wait()
sys.exit(code if code >= 0 else 128 - code)
"""


def new_kernel_manager(asynchronous: bool = True, guard: bool = False):
    """A kernel manager class for the course's python3 kernel.

    On Linux and macOS the kernel talks over local (IPC) sockets rather than TCP
    on localhost: nothing listens on a port, and ipykernel prints no warning.
    The socket files are removed when the kernel shuts down. nbclient needs the
    asynchronous manager (a blocking client would freeze its timeouts). With
    ``guard=True`` (POSIX only) the kernel is started under the guard process.
    """
    from jupyter_client.manager import AsyncKernelManager, KernelManager

    base = AsyncKernelManager if asynchronous else KernelManager
    guarded = guard and os.name == "posix"

    class CourseKernelManager(base):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            if os.name == "posix":
                self.transport = "ipc"
                self.ip = os.path.join(tempfile.gettempdir(), f"course-kernel-{uuid.uuid4().hex[:12]}")

        def format_kernel_cmd(self, extra_arguments=None):
            cmd = super().format_kernel_cmd(extra_arguments)
            return [sys.executable, "-I", "-c", GUARD, *cmd] if guarded else cmd

    return CourseKernelManager


@dataclass
class Run:
    """What running one notebook left behind (nothing here is trusted beyond what it says it is)."""

    #: ``[(cell index, note)]`` from the capture wrappers, in arrival order; for checks only the
    #: latest note per exercise is kept.
    notes: list = field(default_factory=list)
    #: ``[(cell index, record)]``: the course's own check/hint/solution records shown in the outputs.
    records: list = field(default_factory=list)
    #: The first cell error: ``(cell index, exception name, message)``.
    error: tuple | None = None
    #: Index of the last cell that started running (-1: none).
    last_cell: int = -1
    #: Why the notebook did not run to its end ("" when it did).
    problem: str = ""
    #: "timeout", "died", "error" or "".
    kind: str = ""
    dropped_outputs: int = 0
    foreign_notes: int = 0
    seconds: float = 0.0


class _Client:
    """Builds the nbclient client lazily (importing nbclient costs time)."""

    @staticmethod
    def make(nb, workdir: Path, timeout: float, run: Run, nonce: str):
        from nbclient import NotebookClient

        class CapturingClient(NotebookClient):
            def output(self, outs, msg, display_id, cell_index):
                content = msg.get("content") or {}
                data = content.get("data") if isinstance(content, dict) else None
                if isinstance(data, dict) and capture.MIME_TYPE in data:
                    _keep_note(run, cell_index, data[capture.MIME_TYPE], nonce)
                    return None
                size = _size(content)
                if self._used + size > OUTPUT_BUDGET:
                    run.dropped_outputs += 1
                    return None
                self._used += size
                if isinstance(data, dict) and isinstance(data.get(MIME_TYPE), dict):
                    run.records.append((cell_index, dict(data[MIME_TYPE])))
                return super().output(outs, msg, display_id, cell_index)

        client = CapturingClient(
            nb,
            timeout=max(1, math.ceil(timeout)),
            kernel_name="python3",
            allow_errors=True,
            interrupt_on_timeout=True,
            shutdown_kernel="immediate",  # a timed-out kernel may be busy: do not wait for it
            resources={"metadata": {"path": str(workdir)}},
            kernel_manager_class=new_kernel_manager(guard=True),
        )
        client._used = 0
        return client


def _size(content) -> int:
    if not isinstance(content, dict):
        return 0
    total = len(str(content.get("text", "")))
    data = content.get("data")
    if isinstance(data, dict):
        total += sum(len(v) if isinstance(v, str) else len(str(v)) for v in data.values())
    return total


def _keep_note(run: Run, cell_index: int, note, nonce: str) -> None:
    if not isinstance(note, dict) or note.get("nonce") != nonce:
        run.foreign_notes += 1
        return
    if note.get("kind") == "check":
        key = (note.get("notebook"), note.get("exercise"))
        run.notes = [(c, n) for c, n in run.notes
                     if not (n.get("kind") == "check" and (n.get("notebook"), n.get("exercise")) == key)]
    elif len(run.notes) >= MAX_NOTES:
        return
    run.notes.append((cell_index, note))


#: Settings folders that code run at every kernel start is read from (IPython startup files,
#: kernel config, user site-packages, numba's cache of compiled code): each kernel gets its own,
#: so one notebook cannot plant code that runs in the kernels of the notebooks after it.
PRIVATE_DIRS = {"IPYTHONDIR": "ipython", "JUPYTER_CONFIG_DIR": "jupyter", "PYTHONUSERBASE": "userbase",
                "NUMBA_CACHE_DIR": "numba"}


def kernel_env(run_dir: Path, workdir: Path) -> dict:
    """The kernel's environment: the grader's, with every course path and settings folder in ``run_dir``."""
    env = dict(os.environ)
    (run_dir / "tmp").mkdir(exist_ok=True)
    for name, folder in PRIVATE_DIRS.items():
        (run_dir / folder).mkdir(exist_ok=True)
        env[name] = str(run_dir / folder)
    env.update(
        PYTHONSAFEPATH="1",  # python 3.11+: the working folder is not put on sys.path
        PYTHONDONTWRITEBYTECODE="1",
        COURSE_PROGRESS_FILE=str(run_dir / "progress.json"),
        COURSE_STORE_PATH=str(workdir / "segment_store.duckdb"),
        COURSE_CHECKS_STRICT="0",  # a submitted solution notebook is graded, not crashed
        TMPDIR=str(run_dir / "tmp"),
    )
    return env


def _remove(path: Path) -> None:
    """Remove a run folder, whatever the notebook did to it (made it read-only, removed it)."""

    def retry(func, p, *_):
        with contextlib.suppress(OSError):
            os.chmod(os.path.dirname(p), stat.S_IRWXU)
            os.chmod(p, stat.S_IRWXU)
            func(p)

    if not os.path.lexists(path):
        return
    if sys.version_info >= (3, 12):
        shutil.rmtree(path, onexc=retry)
    else:
        shutil.rmtree(path, onerror=retry)
    with contextlib.suppress(OSError):
        shutil.rmtree(path, ignore_errors=True)


def _kill_group(pgid) -> None:
    if not hasattr(os, "killpg") or not pgid or pgid <= 1 or pgid == os.getpgrp():
        return
    with contextlib.suppress(OSError):
        os.killpg(pgid, signal.SIGKILL)


def _kill_kernel(pid) -> None:
    if not hasattr(os, "getpgid") or not pid or pid <= 1 or pid == os.getpid():
        return
    with contextlib.suppress(OSError):
        _kill_group(os.getpgid(pid))
    with contextlib.suppress(OSError):
        os.kill(pid, signal.SIGKILL)


def _death(process) -> str:
    code = None
    with contextlib.suppress(Exception):
        code = process.wait(timeout=5) if process is not None else None
    if code is None:
        return "the kernel stopped answering"
    if code < 0:
        name = signal.Signals(-code).name if -code in signal.Signals._value2member_map_ else str(-code)
        return f"the kernel's parent process was killed ({name})"
    if code > 128:
        sig = code - 128
        name = signal.Signals(sig).name if sig in signal.Signals._value2member_map_ else str(sig)
        return f"the kernel was killed ({name})"
    return f"the kernel exited with code {code}"


def run_notebook(nb, name: str, timeout: float) -> Run:
    """Execute ``nb`` (a notebook node, changed in place) in a fresh kernel in a fresh folder.

    ``timeout`` is the budget for the whole notebook. When it runs out the kernel
    is interrupted (so the running cell stops), and a watchdog kills a kernel that
    ignores the interrupt. Errors inside cells are kept (later cells still run).
    """
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    run = Run()
    nonce = secrets.token_hex(16)
    run_dir = Path(tempfile.mkdtemp(prefix="course-grade-"))
    workdir = run_dir / "work"
    workdir.mkdir()
    safe_name = re.sub(r"[^\w.-]", "_", name)[-100:] or "submission.ipynb"
    nbformat.write(nb, workdir / safe_name)
    scratch = nbformat.v4.new_code_cell(capture.preamble(nonce))
    nb.cells.append(scratch)  # nbclient keeps each executed cell at its index: give the preamble one
    client = _Client.make(nb, workdir, timeout, run, nonce)
    start = time.monotonic()
    deadline = start + timeout
    finished = threading.Event()
    kernel_pid = None
    pgid_box = {}

    def watchdog():
        # Last resort for a kernel that ignores the interrupt: kill its process group.
        if not finished.wait(timeout + WATCHDOG_GRACE):
            _kill_group(pgid_box.get("pgid"))
            _kill_kernel(kernel_pid)

    threading.Thread(target=watchdog, daemon=True).start()
    index, out_of_time = -1, None
    cells = len(nb.cells) - 1
    try:
        # What the kernel prints outside the notebook (a crash report, os.write(1, ...)) goes nowhere:
        # not to the instructor's terminal, and not into a file a runaway loop could fill.
        with client.setup_kernel(env=kernel_env(run_dir, workdir), stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL):
            provisioner = getattr(client.km, "provisioner", None)
            pgid_box["pgid"] = getattr(provisioner, "pgid", None)
            pgid_box["process"] = getattr(provisioner, "process", None)
            client.execute_cell(scratch, cells, store_history=False)
            started = "".join(o.get("text", "") for o in scratch.outputs if o.get("output_type") == "stream")
            found = re.search(r"course-capture-pid (\d+)", started)
            if not found:
                errors = [f"{o.get('ename')}: {o.get('evalue')}" for o in scratch.outputs
                          if o.get("output_type") == "error"]
                run.problem = ("the kernel could not load the course package"
                               + (f" ({errors[0][:200]})" if errors else ""))
                run.kind = "error"
                return run
            kernel_pid = int(found.group(1))
            for index in range(cells):
                cell = nb.cells[index]
                run.last_cell = index
                client.timeout = max(1, math.ceil(deadline - time.monotonic()))
                client.execute_cell(cell, index)
                if run.error is None:
                    for output in cell.get("outputs", []):
                        if output.get("output_type") == "error":
                            run.error = (index, str(output.get("ename", "Error")), str(output.get("evalue", "")))
                            break
                if time.monotonic() >= deadline:
                    out_of_time = index + 1  # this cell used up the budget
                    break
    except CellTimeoutError:
        out_of_time = index + 1
    except DeadKernelError:
        if time.monotonic() > deadline:
            out_of_time = index + 1
        else:
            why = _death(pgid_box.get("process"))
            where = f"in cell {index + 1}" if index >= 0 else "while starting"
            run.problem, run.kind = f"the kernel died {where}: {why}; the cells after it did not run", "died"
    except Exception as exc:
        run.problem, run.kind = f"could not run the notebook: {type(exc).__name__}: {str(exc)[:300]}", "error"
    finally:
        finished.set()
        _kill_group(pgid_box.get("pgid"))
        _kill_kernel(kernel_pid)
        if nb.cells and nb.cells[-1] is scratch:
            nb.cells.pop()
        _remove(run_dir)
        run.seconds = round(time.monotonic() - start, 1)
    if out_of_time is not None:
        run.problem = f"timed out after {timeout:g} s in cell {max(out_of_time, 1)}; the cells after it did not run"
        run.kind = "timeout"
    return run
