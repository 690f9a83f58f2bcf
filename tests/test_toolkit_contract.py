"""Property test: every public toolkit function, fed bad input, either refuses it clearly or
answers right; never a library's own exception, never a silent wrong value.

The cases and mutations live in ``tests/contract_cases.py`` (shared with
``tools/probe_contract.py``, which tallies them). Hypothesis varies the data each
case is built from and picks the bad-input class (empty, all-missing, wrong dtypes,
nullable and categorical dtypes, time zones, numbers for dates and durations,
duplicate or non-default index, single row, k > n, unicode ids, huge values), then
also feeds generated junk into single columns and arguments. "Right" is judged by
the answer on the equivalent input, a simple reference implementation, or the
case's invariants. The examples are derandomized (tests/conftest.py) and bounded.
"""

import inspect

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from course_utils import (
    autoencoders,
    clustering,
    dashboard,
    data,
    dynamic,
    embeddings,
    features,
    graph,
    monitoring,
    rfm,
    sessions,
    store,
    threads,
    validation,
)
from tests.contract_cases import CASES as ALL_CASES
from tests.contract_cases import Mutation, outcome, probes

#: The property tests below run the cases whose function is quick; the slow ones (a pipeline, a
#: network's fit) run in the ``..._of_slow_functions`` tests with fewer examples and the slow mark.
#: (The quick tests keep their source as it was: derandomized Hypothesis seeds each test from it.)
CASES = [c for c in ALL_CASES if not c.slow]
SLOW_CASES = [c for c in ALL_CASES if c.slow]
IDS = [case.name for case in CASES]

FAST = settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck))
#: Cases whose function takes a second or more per call (a pipeline, a network's fit) get fewer examples.
SLOW = settings(max_examples=3, deadline=None, suppress_health_check=list(HealthCheck))


def _params(cases):
    """Each case as a pytest parameter; slow cases carry the ``slow`` mark (still run by make test)."""
    return [pytest.param(c, id=c.name, marks=[pytest.mark.slow] if c.slow else []) for c in cases]


def _check(case, base, mutation):
    category, detail = outcome(case, base, mutation)
    assert category in ("clear", "right"), f"{case.name} <- {mutation.label}: {category}: {detail}"


def _bad_input_class(case, seed, pick):
    base, mutations = probes(case, seed)
    mutation = pick.draw(st.sampled_from(mutations), label="mutation") if mutations else None
    if mutation is None:
        _check(case, base, Mutation("as given", base, "either", ()))
    else:
        _check(case, base, mutation)


@pytest.mark.parametrize("case", CASES, ids=IDS)
@FAST
@given(seed=st.integers(0, 2**31 - 1), pick=st.data())
def test_bad_input_classes(case, seed, pick):
    _bad_input_class(case, seed, pick)


@pytest.mark.parametrize("case", _params(SLOW_CASES))
@SLOW
@given(seed=st.integers(0, 2**31 - 1), pick=st.data())
def test_bad_input_classes_of_slow_functions(case, seed, pick):
    _bad_input_class(case, seed, pick)


junk_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-(10**12), 10**12), st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=6), st.sampled_from([pd.NA, pd.NaT, np.nan, pd.Timestamp("2011-03-05 10:00"),
                                          pd.Timestamp("2011-03-05", tz="UTC"), np.int64(3), np.float32(2.5),
                                          "2011-03-05", "05/03/2011", "25/03/2011", "30min", "😀", b"x", [1], {}]))


def _junk(case, seed, pick):
    base, _ = probes(case, seed)
    targets = [(key, col) for key, cols in case.frames.items() for col in cols] + [(key, None) for key in case.args]
    key, col = pick.draw(st.sampled_from(targets), label="target")
    if col is None:
        value = pick.draw(junk_scalars, label=key)
        kwargs = dict(base, **{key: value})
        names = (key,)
    else:
        frame = base[key].copy()
        values = pick.draw(st.lists(junk_scalars, min_size=len(frame), max_size=len(frame)), label=f"{key}.{col}")
        frame[col] = pd.Series(values, index=frame.index, dtype=object)
        kwargs = dict(base, **{key: frame})
        names = (col, key)
    _check(case, base, Mutation(f"generated junk in {key}{'.' + str(col) if col is not None else ''}", kwargs,
                                "either", names))


@pytest.mark.parametrize("case", [c for c in CASES if c.frames or c.args], ids=[c.name for c in CASES
                                                                                 if c.frames or c.args])
@FAST
@given(seed=st.integers(0, 2**31 - 1), pick=st.data())
def test_generated_junk_in_one_column_or_argument(case, seed, pick):
    _junk(case, seed, pick)


@pytest.mark.parametrize("case", _params([c for c in SLOW_CASES if c.frames or c.args]))
@SLOW
@given(seed=st.integers(0, 2**31 - 1), pick=st.data())
def test_generated_junk_in_one_column_or_argument_of_slow_functions(case, seed, pick):
    _junk(case, seed, pick)


# -- every public function is probed -----------------------------------------------------------
TOOLKIT = [validation, rfm, sessions, features, embeddings, dynamic, store, monitoring, dashboard, clustering, data,
           graph, autoencoders, threads]

#: Public functions the probes leave out, and why.
EXEMPT = {
    "store.default_path": "takes no argument",
    "store.SegmentStore.close": "takes no argument",
    "store.StoreBusyError": "an exception class",
    "clustering.ClusterExplanation": "the result class of explain_clusters (probed there)",
    "clustering.ClusterExplanation.plot": "draws the tree of a result; takes only matplotlib options",
    "clustering.ReducedHDBSCAN.fit_predict": "fit(X).labels_, probed as fit",
    "data.data_dir": "takes no argument",
    "autoencoders.keras_backend": "takes no argument",
    "data.list_datasets": "takes no argument",
    "data.sha256": "a checksum of a path the course builds (verify and restore are probed)",
    "data.expected_checksums": "reads the course's SHA256SUMS (verify is probed)",
    "data.write_checksums": "for course authors: rewrites SHA256SUMS",
    "validation.float_values": "a conversion used after require_numeric (probed through every numeric column)",
    "validation.require_columns": "probed through every frame of every case (missing and repeated columns)",
    "validation.require_complete": "probed through every 'one missing' and 'all missing' mutation",
    "validation.require_finite": "probed through every 'an infinite value' mutation",
    "validation.numeric_matrix": "probed through every clustering, embedding and drift case",
    "threads.limit_threads": "changes this process's thread pools for every later test; tests/test_threads.py "
                             "checks its input (bad counts refused, numpy integers accepted)",
    "threads.threads_from_environment": "reads COURSE_THREADS; tests/test_threads.py covers every reading of it",
    "threads.apply_environment": "limit_threads after threads_from_environment (both covered in test_threads.py)",
}
# The shipped datasets' generators, writers and readers run on the course's own files with fixed seeds
# (tests/test_data.py checks them byte for byte); data.load is their entry point and is probed.
SHIPPED = ("_tables", "write_", "read_", "clickstream_pages", "tour_orders_rows")


def public_functions() -> list:
    names = []
    for module in TOOLKIT:
        short = module.__name__.split(".", 1)[1]
        for name, obj in vars(module).items():
            if name.startswith("_") or getattr(obj, "__module__", "") != module.__name__ or not callable(obj):
                continue
            names.append(f"{short}.{name}")
            if inspect.isclass(obj):
                names += [f"{short}.{name}.{m}" for m, f in vars(obj).items()
                          if not m.startswith("_") and callable(f)]
    for spec in data.DATASETS.values():
        module = spec.read.__module__
        names += [f"data.{n}" for n, o in vars(__import__(module, fromlist=["x"])).items()
                  if callable(o) and getattr(o, "__module__", "") == module and not n.startswith("_")
                  and not inspect.isclass(o)]
    return sorted(set(names))


def probed() -> set:
    covered = set()
    for case in ALL_CASES:
        name = case.name
        covered.add(name)
        head, _, rest = name.rpartition(".")
        for part in rest.split("+"):
            covered.add(f"{head}.{part}" if head else part)
        if head.count(".") == 1 and head.split(".")[1][:1].isupper():  # a method's case probes its class too
            covered.add(head)
    covered |= {"store.SegmentStore.weeks", "store.SegmentStore.write_week", "embeddings.QueryEmbedder.fit",
                "embeddings.QueryEmbedder.transform", "clustering.ReducedHDBSCAN", "dynamic.WeeklySegmenter.fit",
                "dynamic.WeeklySegmenter.predict", "dynamic.WeeklySegmenter.centroids"}
    return covered


def test_every_public_toolkit_function_is_probed():
    covered = probed()
    missing = [name for name in public_functions() if name not in covered and name not in EXEMPT
               and not any(part in name.rsplit(".", 1)[-1] for part in SHIPPED)]
    assert not missing, f"public functions with no probe in tests/contract_cases.py (add a Case): {missing}"


def test_probes_catch_a_broken_validator(monkeypatch):
    """A validator that lets bare numbers through as durations is caught by the probes."""
    case = next(c for c in CASES if c.name == "sessions.sessionize")
    base, mutations = probes(case)
    bare = next(m for m in mutations if m.label == "gap: a bare number for a duration")
    assert outcome(case, base, bare)[0] == "clear"
    monkeypatch.setattr(validation, "positive_duration", lambda value, name="gap": pd.Timedelta(value))
    monkeypatch.setattr(sessions, "positive_duration", validation.positive_duration)
    assert outcome(case, base, bare)[0] == "silent"
