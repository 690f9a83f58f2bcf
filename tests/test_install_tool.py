"""tools/install.py: what `make install` runs; it reports each step and shows pip's output when pip fails."""

import subprocess
import sys
from pathlib import Path

TOOL = Path(__file__).resolve().parent.parent / "tools" / "install.py"


def run(*args):
    return subprocess.run([sys.executable, str(TOOL), *args], capture_output=True, text=True, timeout=300)


def test_a_step_line_and_done_when_pip_succeeds():
    out = run("--no-index", "--no-deps", "pip")  # already installed: pip says so and stops
    assert out.returncode == 0, out.stdout + out.stderr
    assert "resolving the pinned versions" in out.stdout and out.stdout.rstrip().endswith("done")
    assert "Requirement already satisfied" not in out.stdout  # pip's own lines stay hidden


def test_pip_output_is_shown_when_pip_fails():
    out = run("--no-index", "no-such-package-for-the-course")
    assert out.returncode != 0
    assert "no-such-package-for-the-course" in out.stdout  # pip's own explanation
    assert "pip failed" in out.stderr
