"""Loaded for every test run, including nbval over solutions/ and notebooks/.

Kernels started by nbval or by tests inherit this process's environment, so the
progress file and the segment store are pointed at throw-away paths before anything
runs: tests never write a learner's real progress or store. Matplotlib draws off screen,
and checks run in debug mode, so a bug in a check fails the test that meets it.
"""

import atexit
import os
import shutil
import tempfile
from pathlib import Path

_SESSION_TMP = tempfile.mkdtemp(prefix="course-tests-")
# Removed when the test run ends (its kernels are gone by then): repeated runs leave nothing behind.
atexit.register(shutil.rmtree, _SESSION_TMP, ignore_errors=True)
os.environ["COURSE_PROGRESS_FILE"] = str(Path(_SESSION_TMP) / "progress.json")
os.environ["COURSE_STORE_PATH"] = str(Path(_SESSION_TMP) / "segment_store.duckdb")
os.environ["MPLBACKEND"] = "Agg"
# A bug inside a check raises instead of becoming a polite "could not be checked".
os.environ["COURSE_CHECKS_DEBUG"] = "1"
