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
``cli``            ``python -m course_utils ...``
=================  ==========================================================
"""
