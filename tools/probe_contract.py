"""Probe every public toolkit function with bad input and tally what happens.

Run from the course folder:  .venv/bin/python tools/probe_contract.py [--details] [--seed N]

Each probe feeds one bad-input class (see tests/contract_cases.py) to one public
function and classifies the outcome:

* clear error:  ValueError/TypeError (FileNotFoundError for a missing file) naming the
  argument or column, where the input cannot be interpreted;
* right result: the same answer as on the equivalent input, or as a simple reference
  implementation;
* unhelpful:    another exception, a message that names nothing, or a refusal of an
  input that means something;
* silent:       a wrong answer, or an answer where a refusal was due.

The goal is unhelpful = silent = 0. ``--details`` lists every probe that misses it.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.contract_cases import CASES, exists, outcome, probes

COLUMNS = ("clear", "right", "unhelpful", "silent")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--details", action="store_true", help="list the probes that are unhelpful or silent")
    parser.add_argument("--seed", type=int, default=0, help="seed of the base inputs")
    parser.add_argument("--only", default="", help="only functions whose name contains this")
    args = parser.parse_args(argv)
    tally, misses = defaultdict(Counter), []
    for case in CASES:
        if args.only not in case.name:
            continue
        if not exists(case):
            print(f"(skipped: {case.name} does not exist in this version of the toolkit)")
            continue
        base, mutations = probes(case, args.seed)
        for mutation in mutations:
            category, detail = outcome(case, base, mutation)
            tally[case.area][category] += 1
            if category not in ("clear", "right"):
                misses.append((case.name, mutation.label, category, detail))
    if not tally:
        print("no case matches")
        return 1
    width = max(len(a) for a in tally) + 2
    print(f"{'area':<{width}}" + "".join(f"{c:>11}" for c in ("clear error", "right", "unhelpful", "silent")))
    total = Counter()
    for area, counts in tally.items():
        total.update(counts)
        print(f"{area:<{width}}" + "".join(f"{counts[c]:>11}" for c in COLUMNS))
    print(f"{'all ' + str(sum(total.values())) + ' probes':<{width}}" + "".join(f"{total[c]:>11}" for c in COLUMNS))
    if args.details:
        for name, label, category, detail in misses:
            print(f"- {category}: {name} <- {label}: {detail[:300]}")
    return 0 if not misses else 1


if __name__ == "__main__":
    sys.exit(main())
