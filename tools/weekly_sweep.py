"""Choose notebook 05's defaults on data the course does not ship.

Runs notebook 05's weekly pipeline (two-week features plus query vectors, a
segmenter fitted on weeks 1 to 3, updated weekly) on variations of the streaming
generator (other seeds, other sizes) and prints, per variation and forgetting
value: the worst week's ARI with the planted personas, whether a segment lost its
persona (a quarter of viewers unassigned), the refit rule's fit gap in quiet and
change weeks, and the weeks it fires when acted on. A last table shows the worst
case over every variation, which is how the defaults were chosen:

* ``WeeklySegmenter(forgetting=...)``: the best worst-week ARI among the values
  that kept every persona in every variation, one step back from the first that
  did not;
* ``dynamic.REFIT_RULE["fit_gap"]``: between the quiet weeks' largest gap and the
  frozen model's smallest peak.

    .venv/bin/python tools/weekly_sweep.py            # every variation (many minutes: the generator is slow)
    .venv/bin/python tools/weekly_sweep.py --quick    # two small ones

Prints, never asserts; tests/test_weekly_unseen.py holds the defaults on one unseen seed.
"""

from __future__ import annotations

import argparse
import time

import pandas as pd

from course_utils import dynamic
from course_utils.lessons import nb05

VARIATIONS = [  # (seed, subscribers at the start, sign-ups per week); 23 / 8000 / 200 is the shipped file
    (23, 8000, 200), (1, 8000, 200), (2, 8000, 200), (3, 4000, 100), (4, 4000, 100), (5, 3000, 75),
    (7, 1500, 40), (6, 16000, 400),
]
QUICK = [(7, 1500, 40), (5, 3000, 75)]
FORGETTING = (0.0, 0.25, 0.5, 0.6, 0.7, 0.8, 0.9)
QUIET, CHANGE = (4, 11, 12), (5, 6, 7, 8, 9, 10)


def run(variation) -> pd.DataFrame:
    start = time.perf_counter()
    logs = nb05.generated_logs(*variation)
    frames = nb05.build_weekly(logs["watch"], logs["search"])
    fitted = dynamic.WeeklySegmenter(n_segments=nb05.N_SEGMENTS, n_init=10).fit(
        pd.concat([frames[w] for w in nb05.FIT_WEEKS]))
    rows = []
    for f in FORGETTING:
        plain = nb05.replay_rule(fitted, frames, logs["truth"], f, act=False)
        acted = nb05.replay_rule(fitted, frames, logs["truth"], f, act=True)
        rows.append({"seed": variation[0], "subscribers": variation[1], "forgetting": f,
                     "worst ARI": plain["ARI"].min(), "week": int(plain["ARI"].idxmin()),
                     "persona lost": bool((plain["unassigned"] >= dynamic.REFIT_RULE["unassigned_share"]).any()),
                     "gap quiet": acted.loc[list(QUIET), "fit gap"].max(),
                     "gap change": acted.loc[list(CHANGE), "fit gap"].max(),
                     "rule fires": ",".join(map(str, acted.index[acted["refit?"]])) or "-"})
    table = pd.DataFrame(rows)
    print(f"\n== seed {variation[0]}, {variation[1]} subscribers (+{variation[2]}/week): "
          f"{time.perf_counter() - start:.0f} s")
    print(table.drop(columns=["seed", "subscribers"]).round(3).to_string(index=False), flush=True)
    return table


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="two small variations only")
    args = parser.parse_args()
    everything = pd.concat([run(v) for v in (QUICK if args.quick else VARIATIONS)])
    worst = everything.groupby("forgetting").agg(**{
        "worst ARI": ("worst ARI", "min"), "variations losing a persona": ("persona lost", "sum"),
        "largest quiet gap": ("gap quiet", "max"), "smallest change-week peak": ("gap change", "min")})
    print("\nworst case over every variation:")
    print(worst.round(3).to_string())


if __name__ == "__main__":
    main()
