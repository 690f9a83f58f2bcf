"""The capture format: answers leave the kernel as data and come back the same, or not at all.

The grader decodes what a submission's kernel sends. Decoding must rebuild every kind of
answer the course asks for (so a check judges it exactly as in the kernel), and must
refuse anything else without executing it.
"""

import datetime as dt
import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from course_utils.course import capture
from course_utils.course.answers import describe
from course_utils.course.checks import ____
from course_utils.course.registry import exercise_modules, exercises_of


def trip(value):
    """Out of the kernel and back: encode, through JSON as Jupyter sends it, decode."""
    return capture.decode(json.loads(json.dumps(capture.encode(value), allow_nan=False)))


def same(a, b) -> bool:
    if isinstance(a, (pd.Series, pd.DataFrame)):
        dtypes_a = a.dtypes if isinstance(a, pd.DataFrame) else [a.dtype]
        dtypes_b = b.dtypes if isinstance(b, pd.DataFrame) else [b.dtype]
        return (type(a) is type(b) and a.equals(b) and list(dtypes_a) == list(dtypes_b)
                and a.index.equals(b.index) and type(a.index) is type(b.index) and a.index.dtype == b.index.dtype
                and list(a.index.names) == list(b.index.names)
                and (not isinstance(a, pd.DataFrame) or list(a.columns) == list(b.columns)))
    if isinstance(a, pd.Index):
        return type(a) is type(b) and a.equals(b) and a.dtype == b.dtype and a.name == b.name
    if isinstance(a, np.ndarray):
        dtype = a.dtype.newbyteorder("<") if a.dtype.byteorder == ">" else a.dtype  # the trip is little-endian
        return b.dtype == dtype and b.shape == a.shape and np.array_equal(a, b, equal_nan=a.dtype.kind in "fcmM")
    if isinstance(a, float) and np.isnan(a):
        return isinstance(b, float) and np.isnan(b)
    if isinstance(a, dict):
        return type(b) is dict and list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)):
        return type(a) is type(b) and len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    return type(a) is type(b) and (a is b or a == b)


VALUES = {
    "int": 42, "big int": 2**100, "negative": -7, "float": 0.25, "nan": float("nan"), "inf": float("inf"),
    "text": "Champions", "none": None, "bool": True, "placeholder": ____, "complex": 1 + 2j,
    "list": [1, "a", None, [2.5]], "tuple": (1, 2), "set": {"a", "b"}, "frozenset": frozenset({1}),
    "dict with odd keys": {("a", 1): 1, 2: "x", pd.Timestamp("2024-01-01"): [1]},
    "range": range(4, 13), "date": dt.date(2024, 1, 2), "datetime": dt.datetime(2024, 1, 2, 3, 4),
    "pytimedelta": dt.timedelta(minutes=45),
    "np int": np.int64(3), "np float": np.float32(2.5), "np bool": np.bool_(True),
    "np datetime": np.datetime64("2024-01-02", "D"),
    "int array": np.arange(6).reshape(2, 3), "float array": np.array([0.5, np.nan]),
    "bool array": np.array([True, False]), "text array": np.array(["a", "bc"]),
    "object array": np.array([1, "a", None], dtype=object), "empty array": np.array([], dtype=float),
    "datetime array": np.array(["2024-01-01", "NaT"], dtype="M8[s]"), "big-endian": np.arange(3, dtype=">i4"),
    "timestamp": pd.Timestamp("2011-12-10"), "timestamp tz": pd.Timestamp("2011-12-10 10:00", tz="Europe/Paris"),
    "timedelta": pd.Timedelta("45min"), "NaT": pd.NaT, "NA": pd.NA,
    "series": pd.Series([3.0, 1.5], index=pd.Index(["C1", "C2"], name="customer_id"), name="amount"),
    "series of text": pd.Series(["a", None, "c"]),
    "series of objects": pd.Series(["a", 1, None], dtype=object),
    "bool mask": pd.Series([True, False, True], index=[10, 11, 12]),
    "nullable ints": pd.Series(pd.array([1, None, 3], dtype="Int64")),
    "nullable booleans": pd.Series(pd.array([True, None], dtype="boolean")),
    "categorical": pd.Series(pd.Categorical(["b", "a", "b"], categories=["b", "a"], ordered=True)),
    "dates": pd.Series(pd.to_datetime(["2024-01-01", None])),
    "dates tz": pd.Series(pd.date_range("2024-03-30", periods=3, freq="D", tz="Europe/Paris")),
    "durations": pd.Series(pd.to_timedelta([1, 2], unit="s")),
    "frame": pd.DataFrame({"recency": [1, 2], "frequency": [3, 4], "segment": ["a", "b"]},
                          index=pd.Index(["C1", "C2"], name="CustomerID")),
    "frame with duplicate columns": pd.DataFrame([[1, 2]], columns=["a", "a"]),
    "frame with int columns": pd.DataFrame(np.eye(2), columns=[0, 1]),
    "empty frame": pd.DataFrame(),
    "multiindex": pd.Series([1, 2], index=pd.MultiIndex.from_tuples([(4, "u1"), (5, "u2")], names=["week", "user"])),
    "range index": pd.RangeIndex(2, 10, 2, name="r"), "index": pd.Index([3, 1, 2]),
    "datetime index": pd.DatetimeIndex(["2024-01-01", "2024-01-02"], name="day"),
    "categorical alone": pd.Categorical(["x", "y"]),
    "dict of series": {4: pd.Series([0, 1], index=["u1", "u2"]), 5: pd.Series([1], index=["u3"])},
}


@pytest.mark.parametrize("name", list(VALUES))
def test_every_kind_of_answer_comes_back_the_same(name):
    value = VALUES[name]
    back = trip(value)
    if name == "placeholder":
        assert back is ____
    elif name == "NA":
        assert back is pd.NA
    elif name == "NaT":
        assert back is pd.NaT
    elif name == "categorical alone":
        assert isinstance(back, pd.Categorical) and back.equals(value)
    else:
        assert same(value, back), (value, back)


def test_objects_the_format_does_not_carry_come_back_as_stand_ins_that_describe_themselves():
    class Model:
        def __repr__(self):
            return "Model(k=5)"

    for value, type_name in [(len, "builtin_function_or_method"), (Model(), "Model"), ((x for x in []), "generator"),
                             (b"bytes", "bytes")]:
        back = trip(value)
        assert isinstance(back, capture.Uncaptured) and type(back).__name__ == type_name
        assert describe(back) == describe(value) or describe(back).startswith(type_name)
    assert repr(trip(Model())) == "Model(k=5)"
    fitted = Model()
    fitted.labels_, fitted.n_iter_, fitted._private_, fitted.model_ = np.array([0, 1]), 3, 1, Model()
    back = trip(fitted)
    assert np.array_equal(back.labels_, [0, 1]) and back.n_iter_ == 3  # a check may look at fitted data
    assert not hasattr(back, "_private_") and not hasattr(back, "model_") and not hasattr(back, "fit")


def test_too_large_too_deep_and_exploding_answers_become_stand_ins():
    big = capture.encode(np.zeros(10_000), limit=1_000)
    assert big["$"] == "uncaptured" and "larger than" in big["why"]
    nested = []
    for _ in range(100):
        nested = [nested]
    assert capture.encode(nested)["why"].startswith("nested more than")
    loop = []
    loop.append(loop)
    assert capture.encode(loop)["$"] == "uncaptured"

    class Exploding(pd.Series):
        @property
        def array(self):
            raise RuntimeError("boom")

    assert "RuntimeError while reading it" in capture.encode(Exploding([1]))["why"]


@pytest.mark.parametrize(
    "payload, phrase",
    [
        ({"$": "pickle", "v": "gASV"}, "unknown tag"),
        ({"$": "ndarray", "dtype": "|O8", "shape": [1], "b64": "AAAAAAAAAAA="}, "dtype the grader does not accept"),
        ({"$": "ndarray", "dtype": "<i8", "shape": [2], "b64": "AAAAAAAAAAA="}, "does not fit its shape"),
        ({"$": "ndarray", "dtype": "<i8", "shape": [1], "b64": "!!!"}, "not base64"),
        ({"$": "ndarray", "dtype": "[('a', 'O')]", "shape": [1], "b64": ""}, "dtype the grader does not accept"),
        ({"$": "ndarray", "dtype": "<i8", "shape": [10**9, 10**9], "b64": ""}, "more than"),
        ({"$": "ndarray", "dtype": "object", "shape": [2], "v": [1]}, "do not fit its shape"),
        ({"$": "int", "v": "12; import os"}, "malformed integer"),
        ({"$": "float", "v": "1e999"}, "malformed float"),
        ({"$": "series", "values": {"$": "ndarray", "dtype": "str", "shape": [1], "v": ["a"]},
          "index": {"$": "index", "range": [0, 2, 1]}, "name": None}, "differ in length"),
        ({"$": "categorical", "categories": {"$": "index", "range": [0, 1, 1]},
          "codes": {"$": "ndarray", "dtype": "|i1", "shape": [1], "b64": "BQ=="}}, "out of range"),
        ({"$": "dict", "items": [[[1], 2]]}, "unhashable key"),
        ({"$": "timestamp", "v": "2024-01-01", "unit": "fortnight"}, "unknown time unit"),
        ({"$": "ext", "dtype": "str", "s": ["a", 1]}, "other than text"),
        ("just text", None),
        (12.5, None),
        ({"no tag": 1}, "unknown tag"),
        ([[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]], "nested too deeply"),
    ],
)
def test_decoding_refuses_anything_outside_the_format(payload, phrase):
    if phrase is None:
        assert capture.decode(payload) == payload
        return
    with pytest.raises(capture.CaptureError, match=phrase):
        capture.decode(payload)


def test_a_very_deep_payload_is_refused_not_crashed():
    deep = 1
    for _ in range(50_000):
        deep = [deep]
    with pytest.raises(capture.CaptureError):
        capture.decode(deep)


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=8),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.sampled_from(["$", "v", "dtype", "shape", "b64", "s", "items", "index", "values", "name",
                                       "range", "multi", "names", "unit", "tz", "codes", "categories", "type",
                                       "repr", "why", "a", "re", "im", "columns", "data", "i8"]),
                      children | st.sampled_from(["ndarray", "series", "frame", "index", "ext", "dict", "tuple",
                                                  "categorical", "datetime_tz", "timestamp", "<i8", "str", "object",
                                                  "uncaptured", "np", "range"]), max_size=5),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(JSON)
def test_decoding_any_json_either_succeeds_or_says_why(payload):
    try:
        capture.decode(payload)
    except capture.CaptureError:
        pass


# -- the verdict after the trip is the verdict in the kernel -------------------------------------
ALL = [ex for nb in exercise_modules() for ex in exercises_of(nb)]


@pytest.mark.parametrize("ex", ALL, ids=[f"{e.notebook}.{e.name}" for e in ALL])
def test_every_declared_mistake_gets_the_same_verdict_after_the_trip(ex):
    """What the grader judges is what the learner checked: same status, same mistake, same message."""
    for mistake in ex.all_mistakes():
        answer = mistake.example_answer()
        context = mistake.example_check_context()
        here = ex.evaluate(answer, **context)
        sent, sent_context = ex.portable(answer, **context)  # what the kernel's check sends, and judges
        sent_here = ex.evaluate(sent, **sent_context)
        there = ex.evaluate(trip(sent), **{k: trip(v) for k, v in sent_context.items()})
        assert (there.status, there.mistake, there.message) == (
            sent_here.status, sent_here.mistake, sent_here.message), mistake.name
        # the same verdict as the learner's own object (an unseeded function gives other numbers on every call)
        assert (there.status, there.mistake) == (here.status, here.mistake), mistake.name
        if mistake.name != "not_reproducible":
            assert there.message == here.message, mistake.name


@pytest.mark.parametrize("ex", ALL, ids=[f"{e.notebook}.{e.name}" for e in ALL])
def test_the_reference_answer_gets_the_same_verdict_after_the_trip(ex):
    """A right answer stays right in the grader, functions, graphs and fitted models included."""
    from course_utils.course.kinds import WrittenExercise

    if isinstance(ex, WrittenExercise):
        return  # judged on the learner's self-score, which travels as data
    try:
        answer = ex.reference()
    except TypeError:
        pytest.skip("the reference needs the learner's context")
    here = ex.evaluate(answer)
    sent, sent_context = ex.portable(answer)
    there = ex.evaluate(trip(sent), **{k: trip(v) for k, v in sent_context.items()})
    assert (there.status, there.message) == (here.status, here.message)
    assert here.status == "correct"


def test_an_answer_that_cannot_travel_is_judged_from_what_the_kernel_computed():
    """q5 of notebook 02 asks for a function: the kernel runs it; an error it raised reaches the grader too."""
    from course_utils.course.checks import Carried
    from course_utils.exercises import nb02

    def broken(X, k, n_resamples=10, random_state=0):
        raise KeyError("oops")

    here = nb02.q5.evaluate(broken)
    sent, _ = nb02.q5.portable(broken)
    assert isinstance(sent, Carried) and sent.error
    there = nb02.q5.evaluate(trip(sent))
    assert (there.status, there.message) == (here.status, here.message) and here.status == "incorrect"
    assert isinstance(trip(nb02.q5.portable(nb02.q5.reference())[0]), Carried)
