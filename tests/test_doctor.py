"""The doctor: one [ OK ]/[FAIL] row per item, a fix under each failure, exit code."""

import io
import shutil
import subprocess
import sys

import pytest
from packaging.requirements import Requirement

from course_utils.course import doctor


def run_doctor(**kwargs):
    out = io.StringIO()
    ok = doctor.run(out=out, **kwargs)
    return ok, out.getvalue()


def test_all_green_here():
    ok, text = run_doctor(kernel=False)
    assert ok, text
    assert "[FAIL]" not in text and "You are ready" in text
    for name in ["pandas", "scikit-learn", "hdbscan", "gensim", "umap-learn", "duckdb", "jupyterlab"]:
        assert f"[ OK ] {name}:" in text


@pytest.mark.slow
def test_kernel_check_starts_a_real_kernel():
    item = doctor.check_kernel(timeout=60)
    assert item.ok, item.detail
    assert sys.executable in item.detail or "python" in item.detail


def test_missing_dataset_names_the_file_and_the_restore_command(tmp_path, monkeypatch):
    from course_utils import data

    for f in data.data_dir().iterdir():
        if f.is_file() and f.name != "tour_orders.csv":
            shutil.copy(f, tmp_path / f.name)
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path))
    ok, text = run_doctor(kernel=False)
    assert not ok
    assert f"[FAIL] dataset tour_orders.csv: {tmp_path / 'tour_orders.csv'} is missing" in text
    assert "fix: python -m course_utils data --restore tour_orders" in text


def test_damaged_dataset_is_caught(tmp_path, monkeypatch):
    from course_utils import data

    for f in data.data_dir().iterdir():
        if f.is_file():
            shutil.copy(f, tmp_path / f.name)
    (tmp_path / "tour_orders.csv").write_text("order_id\nO1\n")
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path))
    ok, text = run_doctor(kernel=False)
    assert not ok and "has changed" in text


@pytest.mark.parametrize(
    "version, ok", [((3, 9, 18), False), ((3, 10, 0), True), ((3, 13, 1), True), ((3, 14, 0), False)]
)
def test_python_range(version, ok):
    item = doctor.check_python(version)
    assert item.ok is ok
    assert ok or "3.10 to 3.13" in item.fix


def test_package_out_of_range_or_missing():
    low = doctor.check_package(Requirement("pandas>=99"))
    assert not low.ok and "the course needs >=99" in low.detail and "make lab" in low.fix
    gone = doctor.check_package(Requirement("no-such-package-xyz>=1"))
    assert not gone.ok and "not installed" in gone.detail


def test_cli_exit_code_follows_failures(tmp_path):
    env_ok = subprocess.run([sys.executable, "-m", "course_utils", "doctor", "--no-kernel"],
                            capture_output=True, text=True)
    assert env_ok.returncode == 0, env_ok.stdout
    import os

    env = dict(os.environ, COURSE_DATA_DIR=str(tmp_path))  # an empty data folder
    bad = subprocess.run([sys.executable, "-m", "course_utils", "doctor", "--no-kernel"],
                         capture_output=True, text=True, env=env)
    assert bad.returncode == 1 and "[FAIL] dataset" in bad.stdout and "--restore" in bad.stdout
