"""`make lab` opens a working JupyterLab: start it headless and ask for notebooks/."""

import json
import os
import secrets
import shlex
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def make_lab_command(root) -> list:
    """The command `make lab` runs, as make itself prints it (dry run)."""
    out = subprocess.run(["make", "-n", "-s", "lab"], cwd=root, capture_output=True, text=True, check=True).stdout
    lines = [line for line in out.splitlines() if "jupyter lab" in line]
    assert lines, f"`make -n lab` shows no jupyter lab command:\n{out}"
    return shlex.split(lines[-1])


def test_make_lab_command_is_offlineand_rooted_at_the_course(root):
    cmd = make_lab_command(root)
    assert cmd[0].endswith("/bin/jupyter") and cmd[1] == "lab"  # inside the venv make created
    assert f"--ServerApp.root_dir={root}" in cmd
    assert "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate" in cmd
    assert ("--allow-root" in cmd) == (os.geteuid() == 0)


def test_jupyterlab_serves_the_notebooks(root, tmp_path):
    port, token = free_port(), secrets.token_hex(16)
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(tmp_path / "config"), JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"),
               JUPYTER_DATA_DIR=str(tmp_path / "data"))
    # exactly what `make lab` runs (with this interpreter's jupyter), plus headless flags
    cmd = [sys.executable, "-m", "jupyter"] + make_lab_command(root)[1:] + [
        "--no-browser", "--ip=127.0.0.1", f"--port={port}", f"--IdentityProvider.token={token}",
    ]
    log = open(tmp_path / "lab.log", "w")
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        listing, deadline = None, time.monotonic() + 90
        while time.monotonic() < deadline:
            assert proc.poll() is None, (tmp_path / "lab.log").read_text()
            try:
                with urllib.request.urlopen(f"{base}/api/contents/notebooks?token={token}", timeout=5) as r:
                    listing = json.load(r)
                break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.5)
        assert listing is not None, "JupyterLab did not answer within 90 s:\n" + (tmp_path / "lab.log").read_text()
        names = {item["name"] for item in listing["content"]}
        assert "00_setup_and_tour.ipynb" in names
        expected = {p.name for p in (root / "notebooks").glob("*.ipynb")}
        assert expected <= names

        # without the token the server refuses
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(f"{base}/api/contents/notebooks", timeout=5)
        assert refused.value.code == 403

        # the lab page itself is served
        with urllib.request.urlopen(f"{base}/lab?token={token}", timeout=10) as r:
            assert r.status == 200 and b"JupyterLab" in r.read()
    finally:
        req = urllib.request.Request(f"{base}/api/shutdown?token={token}", method="POST")
        try:
            urllib.request.urlopen(req, timeout=5)
        except Exception:
            pass
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()
    assert proc.returncode is not None
