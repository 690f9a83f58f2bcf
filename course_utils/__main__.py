"""``python -m course_utils <command>``: see :mod:`course_utils.course.cli`."""

import sys

from course_utils.course.cli import main

if __name__ == "__main__":
    sys.exit(main())
