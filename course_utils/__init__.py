"""Helpers for the course "Consumer Segmentation with Clustering and Embeddings".

Modules are small and named by what they do: ``data`` (shipped datasets),
``synthetic`` (their seeded generators), ``checks`` (the exercise contract),
``progress``, ``grading``, ``doctor`` and ``authoring``; ``exercises.nbNN``
holds the exercises of notebook NN.
"""

from course_utils.checks import ____  # noqa: F401

__version__ = "0.1.0"
