"""The course machinery: exercises and their checks, progress, grading, the doctor,
notebook authoring and the command line.

The segmentation toolkit (``course_utils.rfm``, ``clustering``, ``sessions``, ...)
never imports anything from here; a test enforces it, so the toolkit can be
copied into a learner's own project on its own.

=================  ==========================================================
``checks``         the exercise contract: ``check()``, ``hint()``, ``solution()``
``answers``        converters from what a learner gave to what a check compares
``declare``        cached references and known mistakes, declared as data
``kinds``          value, numeric, choice, ordering, matching, written exercises
``registry``       which notebooks exist and their exercises in order
``progress``       the learner's outcomes over time, kept in a local file
``grading``        run submitted notebooks in fresh kernels and judge their answers
``sandbox``        one notebook in a fresh kernel, its own folder and a guard process
``capture``        answers carried out of a kernel as data (never unpickled)
``report``         the class report: one self-contained HTML page
``guide``          the instructor guide's parts generated from the declared mistakes
``doctor``         is this machine ready?
``authoring``      build learner and solution notebooks from one source
``scaffold``       start a new notebook: source, exercises, tests, README rows
``figures``        numbers quoted in a notebook's prose, tied to the code that computes them
``workspace``      the learner's own copies of the notebooks (``make lab``)
``cli``            ``python -m course_utils ...``
=================  ==========================================================

Importing the machinery (every notebook does, through its exercises) limits the
native thread pools to ``COURSE_THREADS`` threads, one by default, so that a busy
machine costs seconds instead of minutes; see :mod:`course_utils.threads`.
"""

from course_utils.threads import COURSE_DEFAULT as _COURSE_DEFAULT
from course_utils.threads import apply_environment as _apply_threads

_apply_threads(default=_COURSE_DEFAULT)
