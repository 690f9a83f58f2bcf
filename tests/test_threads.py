"""Native thread pools: the course limits them (COURSE_THREADS, default 1); the toolkit alone
leaves them alone unless asked; libraries loaded before or after are both limited."""

import json
import os
import subprocess
import sys

import pytest

from course_utils import threads

PROBE = """
import json, os, sys
{before}
{imports}
from threadpoolctl import threadpool_info
from sklearn.utils._openmp_helpers import _openmp_effective_n_threads
import numba
pools = {{p["user_api"]: p["num_threads"] for p in threadpool_info()}}
print(json.dumps({{"openmp": _openmp_effective_n_threads(), "pools": pools, "numba": numba.get_num_threads(),
                  "env": os.environ.get("OMP_NUM_THREADS")}}))
"""


def probe(imports, course_threads=None, before="", cpus=4):
    """Run a fresh interpreter that imports `imports`, and report the thread pools it ends up with."""
    env = {k: v for k, v in os.environ.items() if k not in threads.POOL_VARIABLES + ("NUMBA_NUM_THREADS",)}
    env.pop(threads.ENV_VAR, None)
    if course_threads is not None:
        env[threads.ENV_VAR] = course_threads
    # pretend to have `cpus` cores so that "unlimited" is visibly more than 1 on any machine
    env["OMP_NUM_THREADS"] = env["OPENBLAS_NUM_THREADS"] = env["NUMBA_NUM_THREADS"] = str(cpus)
    out = subprocess.run([sys.executable, "-c", PROBE.format(before=before, imports=imports)], env=env,
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.mark.slow
def test_the_course_limits_every_pool_to_one_thread_by_default():
    got = probe("import course_utils.exercises.nb01")
    assert got["openmp"] == 1 and got["numba"] == 1 and got["env"] == "1"
    assert set(got["pools"].values()) == {1}


@pytest.mark.slow
def test_libraries_loaded_before_the_course_are_limited_too():
    got = probe("import course_utils.course", before="import sklearn.cluster, numba, numpy")
    assert got["openmp"] == 1 and got["numba"] == 1 and set(got["pools"].values()) == {1}


@pytest.mark.slow
def test_the_toolkit_alone_changes_nothing_unless_asked():
    alone = probe("import course_utils.clustering")
    assert alone["openmp"] == 4 and alone["numba"] == 4 and alone["env"] == "4"
    asked = probe("import course_utils.clustering", course_threads="2")
    assert asked["openmp"] == 2 and asked["numba"] == 2


@pytest.mark.slow
def test_the_switch_turns_the_course_limit_off_or_changes_it():
    off = probe("import course_utils.course", course_threads="off")
    assert off["openmp"] == 4 and off["env"] == "4"
    two = probe("import course_utils.course", course_threads="2")
    assert two["openmp"] == 2 and set(two["pools"].values()) == {2}


@pytest.mark.parametrize("text, expected", [("", 1), ("3", 3), ("off", None), ("OFF", None), ("0", None),
                                            (" 2 ", 2)])
def test_reading_the_switch(monkeypatch, text, expected):
    monkeypatch.setenv(threads.ENV_VAR, text)
    assert threads.threads_from_environment(1) == expected


@pytest.mark.parametrize("text", ["many", "-2", "1.5"])
def test_a_bad_switch_warns_and_keeps_the_default(monkeypatch, text):
    monkeypatch.setenv(threads.ENV_VAR, text)
    with pytest.warns(UserWarning, match="COURSE_THREADS"):
        assert threads.threads_from_environment(1) == 1


@pytest.mark.parametrize("bad", [0, -1, 1.5, "2", True, None])
def test_limit_threads_refuses_bad_counts(bad):
    with pytest.raises(ValueError, match="whole number of threads"):
        threads.limit_threads(bad)


def test_limit_threads_takes_a_numpy_integer(monkeypatch):
    import numpy as np
    from threadpoolctl import threadpool_info

    before = threadpool_info()
    for var in (*threads.POOL_VARIABLES, "NUMBA_NUM_THREADS"):  # restored after the test
        monkeypatch.setenv(var, os.environ.get(var, ""))
    monkeypatch.setattr(threads, "_applied", threads._applied)
    try:
        assert threads.limit_threads(np.int64(1)) == 1 and type(threads.limit_threads(np.int64(1))) is int
    finally:
        from threadpoolctl import threadpool_limits
        threadpool_limits(limits={p["prefix"]: p["num_threads"] for p in before})


@pytest.mark.parametrize("bad", [0, 1.5, "1", True])
def test_the_default_of_the_switch_is_checked(bad):
    with pytest.raises(ValueError, match="default"):
        threads.threads_from_environment(bad)
