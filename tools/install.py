"""Run ``pip install`` and say what it is doing, so a first install never looks hung.

``make install`` (and so ``make lab`` and ``make test``) calls this with the
venv's Python: ``python tools/install.py -c requirements/lock-py3.X.txt -e ".[test]"``.
pip's own output is long (a line per package) and silent for tens of seconds
while it unpacks; this prints one line per step, a count while packages are
collected, and a line every few seconds while pip installs. pip's full output
is printed only when it fails. Standard library only: it runs before anything
is installed.
"""

import subprocess
import sys
import threading
import time

HEARTBEAT = 10  # seconds without news before a "still working" line


def main(args):
    cmd = [sys.executable, "-m", "pip", "install", "--disable-pip-version-check", "--progress-bar", "off", *args]
    start = time.monotonic()
    state = {"phase": "collecting", "collected": 0, "said": start, "to_install": 0}
    lines = []
    lock = threading.Lock()

    def say(text):
        with lock:
            print(f"  [{time.monotonic() - start:4.0f} s] {text}", flush=True)
            state["said"] = time.monotonic()

    done = threading.Event()

    def heartbeat():
        while not done.wait(1):
            if time.monotonic() - state["said"] >= HEARTBEAT:
                if state["phase"] == "installing":
                    say(f"still installing {state['to_install']} packages (pip unpacks them; the longest step)")
                else:
                    say(f"still {state['phase']} ({state['collected']} packages so far)")

    threading.Thread(target=heartbeat, daemon=True).start()
    say("resolving the pinned versions and fetching packages (from pip's cache when it has them)")
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1)
    for line in proc.stdout:
        lines.append(line)
        text = line.strip()
        if text.startswith(("Collecting ", "Requirement already satisfied", "Obtaining ")):
            state["phase"] = "collecting"
            state["collected"] += 1
            if state["collected"] % 25 == 0:
                say(f"collected {state['collected']} packages")
        elif text.startswith(("Installing build dependencies", "Getting requirements to build",
                              "Preparing editable metadata", "Preparing metadata")):
            if state["phase"] != "preparing":
                state["phase"] = "preparing"
                say("preparing the course package (pip first installs its build tools)")
        elif text.startswith(("Building wheel", "Building editable")):
            if state["phase"] != "building":
                state["phase"] = "building"
                say("building the course package (course_utils, editable)")
        elif text.startswith("Installing collected packages:"):
            state["phase"] = "installing"
            state["to_install"] = len(text.split(":", 1)[1].split(","))
            say(f"installing {state['to_install']} packages")
        elif text.startswith("Successfully installed"):
            say(f"installed {len(text.split()) - 2} packages")
    code = proc.wait()
    done.set()
    if code != 0:
        sys.stdout.write("".join(lines[-80:]))
        print(f"pip failed (exit {code}); its last lines are above.", file=sys.stderr)
        return code
    say("done")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
