"""Property test: no check of any notebook (nor any exercise kind) crashes on a strange answer.

Tests run with ``COURSE_CHECKS_DEBUG=1``: a check that raises anything but an
AnswerError fails here instead of hiding behind "could not be checked".

Hypothesis generates junk (None, text, numbers with NaN and inf, nested lists,
arrays of any shape and dtype, DataFrames with other columns, Series with odd
indexes, exception objects, objects that raise when touched, and damaged copies
of the reference answer) and feeds it to every exercise of every module.
"""

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from course_utils.course.checks import STATUSES, ____
from course_utils.course.registry import exercise_modules, exercises_of
from tests.kind_samples import samples

ALL_EXERCISES = [ex for nb in exercise_modules() for ex in exercises_of(nb)] + samples()
IDS = [f"{ex.notebook}.{ex.name}" for ex in ALL_EXERCISES]


class Hostile:
    """An object that raises from every dunder a check might touch."""

    def _boom(self, *a, **k):
        raise RuntimeError("hostile object")

    __eq__ = __ne__ = __lt__ = __gt__ = __len__ = __iter__ = __float__ = __int__ = _boom
    __bool__ = __repr__ = __str__ = __getitem__ = __array__ = __hash__ = _boom

    def __getattr__(self, name):
        raise RuntimeError(f"hostile attribute {name}")


class WeirdInt(int):
    def __eq__(self, other):
        raise ValueError("cannot compare")

    __hash__ = int.__hash__


# Built lazily: Hypothesis reprs the values of sampled_from, and Hostile cannot be repr'd.
ODD_FACTORIES = [
    lambda: ValueError("bad"),
    lambda: KeyError("k"),
    Hostile,
    lambda: WeirdInt(3),
    object,
    lambda: len,
    lambda: pd.Series,
]

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.complex_numbers(allow_nan=True),
    st.text(max_size=20),
    st.binary(max_size=10),
    st.sampled_from([pd.NA, pd.NaT, np.nan, np.datetime64("2024-01-01"), ____, Ellipsis]),
)

column_names = st.sampled_from(
    ["customer_id", "amount", "CustomerID", "recency", "frequency", "monetary", "cluster", "x", 0, 1]
)


@st.composite
def frames(draw):
    n = draw(st.integers(0, 30))
    cols = draw(st.lists(column_names, min_size=0, max_size=4))
    data = {}
    for c in cols:
        kind = draw(st.sampled_from(["float", "int", "str", "nan"]))
        if kind == "float":
            data[c] = draw(st.lists(st.floats(allow_nan=True, allow_infinity=True), min_size=n, max_size=n))
        elif kind == "int":
            data[c] = draw(st.lists(st.integers(-5, 5), min_size=n, max_size=n))
        elif kind == "str":
            data[c] = draw(st.lists(st.text(max_size=4), min_size=n, max_size=n))
        else:
            data[c] = [np.nan] * n
    frame = pd.DataFrame(data, index=range(n)) if data else pd.DataFrame(index=range(n))
    if draw(st.booleans()) and n:
        frame.index = [f"C{i:04d}" for i in draw(st.lists(st.integers(0, 200), min_size=n, max_size=n))]
    return frame


@st.composite
def series(draw):
    n = draw(st.integers(0, 30))
    values = draw(
        st.one_of(
            st.lists(st.floats(allow_nan=True, allow_infinity=True), min_size=n, max_size=n),
            st.lists(st.text(max_size=4), min_size=n, max_size=n),
            st.lists(st.integers(-3, 3), min_size=n, max_size=n),
        )
    )
    index = draw(
        st.one_of(
            st.just(list(range(n))),
            st.lists(st.sampled_from(["C0001", "C0002", None, "x", 3.5]), min_size=n, max_size=n),
        )
    )
    return pd.Series(values, index=index, dtype=object if draw(st.booleans()) else None)


arrays = hnp.arrays(
    dtype=st.sampled_from([np.float64, np.int64, np.bool_, np.dtype("U3"), np.complex128]),
    shape=hnp.array_shapes(min_dims=0, max_dims=3, max_side=5),
)

junk = st.recursive(
    st.one_of(
        scalars,
        arrays,
        frames(),
        series(),
        st.sampled_from(ODD_FACTORIES).map(lambda make: make()),
    ),
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=3), inner, max_size=3),
                            st.tuples(inner, inner)),
    max_leaves=8,
)


def damaged_references(ex):
    """Near misses built from the reference: the answers most likely to trip a check."""
    ref = ex.reference()
    out = [ref]
    if isinstance(ref, (pd.Series, pd.DataFrame)):
        out += [ref.iloc[:0], ref.iloc[::-1], ref.head(1), ref.to_numpy(), ref.reset_index(),
                ref.astype(str), ref.mask(ref.notna() | ref.isna()), ref.sample(frac=1, random_state=0)]
        out.append(ref.to_frame() if isinstance(ref, pd.Series) else ref.T)
        out.append(ref.to_dict() if isinstance(ref, pd.Series) else ref.to_dict("list"))
    elif isinstance(ref, (int, float, np.number)):
        out += [ref + 1, -ref, str(ref), [ref], np.array([ref]), float("nan")]
    return out


def assert_well_formed(result):
    assert result.status in STATUSES
    assert isinstance(result.message, str) and result.message.strip()


@pytest.mark.parametrize("ex", ALL_EXERCISES, ids=IDS)
@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(answer=junk)
def test_check_never_raises_on_junk(ex, answer):
    assert_well_formed(ex.check(answer))


@pytest.mark.parametrize("ex", ALL_EXERCISES, ids=IDS)
def test_check_never_raises_on_damaged_references(ex):
    for answer in damaged_references(ex):
        assert_well_formed(ex.check(answer))


@pytest.mark.parametrize("ex", ALL_EXERCISES, ids=IDS)
def test_every_exercise_is_documented(ex):
    assert ex.title and ex.expects and ex.hints and ex.solution_text().strip()
    if not hasattr(ex, "rubric"):  # a written answer is judged after its self-score
        assert ex.check(ex.reference()).correct, "the reference answer must pass its own check"
    assert ex.check(____).status == "not_attempted"


CONTEXTUAL = [(ex, key) for ex in ALL_EXERCISES for key in ex.context]


@pytest.mark.parametrize("ex, key", CONTEXTUAL, ids=[f"{e.notebook}.{e.name}.{k}" for e, k in CONTEXTUAL])
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(value=junk)
def test_check_never_raises_on_junk_context(ex, key, value):
    """What an exercise receives from an earlier one is the learner's too: junk gets a message."""
    answer = ex.reference() if not hasattr(ex, "rubric") else ex.model_answer
    assert_well_formed(ex.check(answer, **{key: value}))
