"""Exercise objects, one module per notebook (``nb00``, ``nb01``, ...).

A notebook imports its exercises with, for example::

    from course_utils.exercises.nb00 import q1, q2, ____

Each module declares its exercises and ends with
``EXERCISES = register(__name__, [q1, q2, ...])`` (see
:mod:`course_utils.course.registry`). The reference pipelines the checks compare
with live in :mod:`course_utils.lessons`.
"""
