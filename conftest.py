"""Loaded for every test run, including nbval over solutions/ and notebooks/.

Kernels started by nbval or by tests inherit this process's environment, so the
progress file is pointed at a throw-away path before anything runs: tests never
write a learner's real progress. Matplotlib draws off screen.
"""

import os
import tempfile
from pathlib import Path

_SESSION_TMP = tempfile.mkdtemp(prefix="course-tests-")
os.environ["COURSE_PROGRESS_FILE"] = str(Path(_SESSION_TMP) / "progress.json")
os.environ["MPLBACKEND"] = "Agg"
