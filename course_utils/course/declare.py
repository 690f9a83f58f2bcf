"""The pieces an exercises module declares: cached references and known mistakes.

>>> @reference
... def clean():                       # computed once per kernel
...     return rfm.clean_transactions(raw())[0]
>>> clean() is clean()                 # every call hands out a fresh copy
False

>>> Mistake(
...     "line_items",
...     "frequency counts line items, not invoices: use nunique on InvoiceNo.",
...     wrong=lambda: clean().groupby("CustomerID").size(),
... )                                                            # doctest: +SKIP

A mistake says how to compute the wrong answer (``wrong``) or how to recognise
it (``when``); either way a test feeds an ``example`` of it to its check and
expects this mistake's verdict, so a declared diagnosis cannot silently stop
firing.
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["Mistake", "defensive_copy", "reference"]


def defensive_copy(value):
    """A copy that a learner may change without changing the original."""
    if isinstance(value, (pd.DataFrame, pd.Series, pd.Index)):
        return value.copy(deep=True)
    if isinstance(value, np.ndarray):
        return value.copy()
    if value is None or isinstance(value, (str, bytes, int, float, complex, bool, np.generic, pd.Timestamp,
                                           pd.Timedelta, frozenset)):
        return value
    if isinstance(value, tuple) and all(isinstance(v, (str, int, float, bool)) for v in value):
        return value
    return copy.deepcopy(value)


def reference(func: Callable) -> Callable:
    """Cache ``func``'s result per arguments and hand out defensive copies.

    The cached original is reachable as ``func.shared(...)`` for read-only use
    inside the checks, where copying a large table on every call would be waste.
    """
    cached = functools.lru_cache(maxsize=None)(func)

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        return defensive_copy(cached(*args, **kwargs))

    wrapper.shared = cached
    wrapper.cache_clear = cached.cache_clear
    return wrapper


@dataclass(frozen=True)
class Mistake:
    """A known mistake: its name, how to spot it, and what to tell the learner.

    Parameters
    ----------
    name : str
        Short identifier, unique within the exercise (``"line_items"``). It is
        what the grader counts and the instructor guide lists.
    message : str or callable
        What the learner reads. A callable gets the converted answer and the
        check's context (``message(value, **context)``) and returns the text.
    wrong : callable, optional
        Computes the wrong answer from the data (``wrong(**context)``); the
        answer matches when the exercise judges it the same as this.
    when : callable, optional
        A test on the answer instead (``when(value, **context) -> bool``).
    raw : bool
        ``when`` looks at the answer as given, before conversion (for mistakes
        of kind, such as returning the rows instead of a mask).
    example : callable, optional
        An answer that shows the mistake, for the tests; defaults to ``wrong``.
    example_context : callable, optional
        The context to check that example with (a dict), when it needs one.
    tolerance : float, optional
        For numeric exercises: how close counts as this mistake.
    """

    name: str
    message: Any
    wrong: Callable | None = None
    when: Callable | None = None
    raw: bool = False
    example: Callable | None = None
    example_context: Callable | None = None
    tolerance: float | None = None

    def __post_init__(self):
        if not self.name or not isinstance(self.name, str):
            raise ValueError(f"a Mistake needs a name, got {self.name!r}")
        if (self.wrong is None) == (self.when is None):
            raise ValueError(f"mistake {self.name!r}: give exactly one of wrong= or when=")
        if self.when is not None and self.example is None:
            raise ValueError(f"mistake {self.name!r}: a when= test needs an example= answer for its test")
        if self.raw and self.when is None:
            raise ValueError(f"mistake {self.name!r}: raw=True goes with when=")

    def example_answer(self, **context):
        """An answer that shows this mistake."""
        make = self.example or self.wrong
        return make(**context)

    def example_check_context(self) -> dict:
        """The context its example is checked with."""
        return dict(self.example_context()) if self.example_context is not None else {}

    def render(self, value, **context) -> str:
        return self.message(value, **context) if callable(self.message) else str(self.message)
