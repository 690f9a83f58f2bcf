"""`make lab` opens a working JupyterLab on the learner's workspace.

The end-to-end test runs `make lab` itself (with a throw-away workspace and headless
flags), opens every workspace notebook in headless Chromium, runs all its cells from the
Run menu, and checks what a learner would see: no error output, no red stderr box, a
rendered "Not attempted" box, no news popup, no kernel-selection dialog, and no "Kernel is
running over TCP without encryption" line. Running all seven takes about five minutes on
two cores; COURSE_LAB_RUN_ALL=0 runs only 00 and 01 and opens the others (a quicker local
check).
"""

import json
import os
import secrets
import shlex
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
RUN_ALL = os.environ.get("COURSE_LAB_RUN_ALL", "1") != "0"
RUN = {"00_setup_and_tour.ipynb", "01_rfm_kmeans.ipynb"}
ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def make_lab_lines(root, **variables) -> list:
    """The commands `make lab` runs, as make itself prints them (dry run)."""
    args = ["make", "-n", "-s", "lab"] + [f"{k}={v}" for k, v in variables.items()]
    out = subprocess.run(args, cwd=root, capture_output=True, text=True, check=True).stdout
    return out.splitlines()


def make_lab_command(root, **variables) -> list:
    lines = [line for line in make_lab_lines(root, **variables) if "jupyter lab" in line]
    assert lines, "`make -n lab` shows no jupyter lab command"
    return shlex.split(lines[-1])


def test_make_lab_command_is_offline_and_rooted_at_the_workspace(root):
    cmd = make_lab_command(root)
    assert cmd[0].endswith("/bin/jupyter") and cmd[1] == "lab"  # inside the venv make created
    assert f"--ServerApp.root_dir={root / 'workspace'}" in cmd
    assert "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate" in cmd
    assert "--KernelManager.transport=ipc" in cmd  # no "running over TCP without encryption"
    assert ("--allow-root" in cmd) == (os.geteuid() == 0)
    lines = make_lab_lines(root)
    sync = [i for i, line in enumerate(lines) if "course_utils workspace" in line]
    launch = [i for i, line in enumerate(lines) if "jupyter lab" in line]
    assert sync and sync[0] < launch[-1], "make lab must fill the workspace before opening JupyterLab"
    assert any("lab-overrides.json" in line and "overrides.json" in line for line in lines)


class Lab:
    """`make lab` started headless on a throw-away workspace; stopped by `close()`."""

    def __init__(self, root, tmp):
        self.port, self.token = free_port(), secrets.token_hex(16)
        self.base = f"http://127.0.0.1:{self.port}"
        self.workspace = tmp / "workspace"
        # a short runtime path: kernels' IPC sockets live there and a socket path is limited to ~100 bytes
        self.runtime = Path(tempfile.mkdtemp(prefix="lab-"))
        self.env = dict(os.environ, JUPYTER_CONFIG_DIR=str(tmp / "config"), JUPYTER_RUNTIME_DIR=str(self.runtime),
                        JUPYTER_DATA_DIR=str(tmp / "data"), COURSE_PROGRESS_FILE=str(tmp / "progress.json"),
                        COURSE_STORE_PATH=str(tmp / "segment_store.duckdb"))
        self.env.pop("MPLBACKEND", None)  # as a learner's kernel: inline figures
        self.log_path = tmp / "lab.log"
        self.log = open(self.log_path, "w")
        flags = f"--no-browser --ip=127.0.0.1 --port={self.port} --IdentityProvider.token={self.token}"
        self.proc = subprocess.Popen(["make", "-s", "lab", f"COURSE_WORKSPACE={self.workspace}", f"LAB_ARGS={flags}"],
                                     cwd=root, env=self.env, stdout=self.log, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, self.text()
            try:
                self.api("status")
                return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.5)
        raise AssertionError("JupyterLab did not answer within 120 s:\n" + self.text())

    def api(self, path, method="GET"):
        req = urllib.request.Request(f"{self.base}/api/{path}?token={self.token}", method=method)
        with urllib.request.urlopen(req, timeout=10) as r:
            body = r.read()
        return json.loads(body) if body else None

    def text(self) -> str:
        self.log.flush()
        return self.log_path.read_text(errors="replace")

    def close(self):
        try:
            self.api("shutdown", method="POST")
        except Exception:
            pass
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGTERM)  # make and the server it started: our own group
            self.proc.wait(timeout=10)
        self.log.close()
        shutil.rmtree(self.runtime, ignore_errors=True)


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    server = Lab(ROOT, tmp_path_factory.mktemp("lab"))
    yield server
    server.close()


def test_jupyterlab_serves_the_workspace_only_with_the_token(lab, root):
    listing = lab.api("contents")
    names = {item["name"] for item in listing["content"]}
    expected = {p.name for p in (root / "notebooks").glob("*.ipynb")}
    assert expected <= names  # make lab copied every notebook into the workspace
    assert {p.name for p in lab.workspace.glob("*.ipynb")} == expected
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{lab.base}/api/contents", timeout=5)
    assert refused.value.code == 403
    assert "Copied into" in lab.text()


#: the status bar says the notebook's kernel is idle
IDLE = ("() => Array.from(document.querySelectorAll('.jp-StatusBar-TextItem'))"
        ".some(e => e.textContent.trim() === 'Python 3 (ipykernel) | Idle')")
NOTEBOOKS = sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_each_workspace_notebook_in_the_browser(lab, name):
    if CHROMIUM is None:
        if os.environ.get("COURSE_REQUIRE_BROWSER") == "1":
            pytest.fail("Chromium is required here (COURSE_REQUIRE_BROWSER=1) but not installed")
        pytest.skip("Chromium is not installed (apt-get install chromium; .ci/run does it)")
    from playwright.sync_api import sync_playwright

    run = RUN_ALL or name in RUN
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                                    args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page_errors = []
        page.on("pageerror", lambda e: page_errors.append(str(e)))
        # a JupyterLab workspace of its own, so the tabs of the previous test are not restored
        page.goto(f"{lab.base}/lab/workspaces/w{name[:2]}/tree/{name}?token={lab.token}")
        page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=120_000)
        # the kernel has started and is idle (status bar), and its session exists
        page.wait_for_function(IDLE, timeout=120_000)
        deadline = time.monotonic() + 60
        while not any(s["path"].endswith(name) for s in lab.api("sessions")):
            assert time.monotonic() < deadline, "no kernel session for the notebook"
            time.sleep(0.5)
        if run:
            page.get_by_role("menuitem", name="Run", exact=True).click()
            page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
            page.wait_for_function(
                "() => { const p = Array.from(document.querySelectorAll('.jp-Notebook .jp-CodeCell .jp-InputPrompt'))"
                ".map(e => e.textContent.trim()); return p.length > 0 && p.every(t => /^\\[\\d+\\]:$/.test(t)); }",
                timeout=600_000)
            page.wait_for_function(IDLE, timeout=60_000)
            boxes = page.evaluate(
                "Array.from(document.querySelectorAll('.jp-OutputArea-output.jp-RenderedHTMLCommon'))"
                ".map(e => e.textContent).filter(t => t.includes('Not attempted.'))")
            red = page.evaluate(
                "Array.from(document.querySelectorAll('.jp-OutputArea-output'))"
                ".filter(e => e.getAttribute('data-mime-type') === 'application/vnd.jupyter.stderr')"
                ".map(e => e.textContent.slice(0, 300))")
            page.keyboard.press("Control+s")
            page.wait_for_function("() => !document.querySelector('.jp-mod-dirty')", timeout=30_000)
        dialogs = page.evaluate("Array.from(document.querySelectorAll('.jp-Dialog')).map(e => e.textContent)")
        toasts = page.evaluate(
            "Array.from(document.querySelectorAll('.Toastify__toast, .jp-Notification-Toast'))"
            ".map(e => e.textContent)")
        browser.close()
    for session in lab.api("sessions"):  # stop this notebook's kernel: the next test starts afresh
        lab.api(f"sessions/{session['id']}", method="DELETE")
    assert dialogs == [], f"a dialog is open: {dialogs}"  # e.g. "Select Kernel"
    assert not [t for t in toasts if "news" in t.lower()], toasts
    assert page_errors == []
    log = lab.text()
    assert "without encryption" not in log
    assert "Traceback" not in log
    if run:
        assert boxes, "no rendered 'Not attempted' box"
        assert red == [], f"red stderr boxes in {name}: {red}"
        saved = json.loads((lab.workspace / name).read_text())
        errors = [o for c in saved["cells"] for o in c.get("outputs", []) if o["output_type"] == "error"]
        assert errors == [], [f"{e['ename']}: {e['evalue']}" for e in errors]
        assert all(c.get("execution_count") for c in saved["cells"] if c["cell_type"] == "code")
