"""Each notebook's reference pipeline, computed once per kernel.

``lessons.nbNN`` runs the notebook's worked solution on the shipped data and
hands out copies of its results: the checks compare with them, a notebook
continues from them when an exercise is skipped, and the tests and benchmarks
reuse them. Functions decorated with
:func:`course_utils.course.declare.reference` compute once and return copies,
so changing what you got never changes the reference.
"""
