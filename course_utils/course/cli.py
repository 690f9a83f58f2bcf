"""Command line: ``python -m course_utils <command>``.

Commands
--------
grade PATH [PATH ...]   run notebooks in fresh kernels, judge their answers, write a class report
doctor                  check Python, packages, datasets and the kernel
progress                show your best and latest check outcomes per notebook
workspace               copy the notebooks you have not got yet into workspace/ (make lab runs it)
restore NN              put a fresh copy of notebook NN in workspace/, keeping yours under a dated name
data                    list, verify or restore the shipped datasets
notebooks               regenerate notebooks from solutions/*.py (authors)
guide                   regenerate the instructor guide's lists of diagnosed mistakes (authors)
new-notebook NN name    start a new notebook: source, exercises, lesson, tests, README rows (authors)
drill                   interview drills: the questions due, or --mock N for a timed mock interview
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def _timeout(text: str) -> float:
    from course_utils.course.grading import check_timeout

    try:
        return check_timeout(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc).replace("--timeout ", "")) from None


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive whole number, got {text!r}")
    return value


def _minutes(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of minutes, got {text!r}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"expected a positive number of minutes, got {text!r}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m course_utils", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)

    g = sub.add_parser("grade", help="grade notebooks (files or folders)")
    g.add_argument("paths", nargs="+", help="notebooks, or folders of notebooks")
    g.add_argument("--json", action="store_true", help="print the grades as JSON")
    g.add_argument("--timeout", type=_timeout, default=300, help="seconds per notebook (default 300)")
    g.add_argument("--csv", help="write the rows to this CSV (default grades.csv when grading several)")
    g.add_argument("--report", help="write the class report, one self-contained HTML page, to this file")

    d = sub.add_parser("doctor", help="check that this machine is ready")
    d.add_argument("--no-kernel", action="store_true", help="skip starting a kernel")

    sub.add_parser("progress", help="show your progress per notebook")

    w = sub.add_parser("workspace", help="copy notebooks not yet in your workspace (never replaces yours)")
    w.add_argument("--root", help="course folder (default: the one this package is in)")
    w.add_argument("--workspace", help="your workspace folder (default: $COURSE_WORKSPACE or <course>/workspace)")

    r = sub.add_parser("restore", help="a fresh copy of one notebook in your workspace; yours is kept, dated")
    r.add_argument("notebook", help="the notebook's number, e.g. 01")
    r.add_argument("--root", help="course folder (default: the one this package is in)")
    r.add_argument("--workspace", help="your workspace folder (default: $COURSE_WORKSPACE or <course>/workspace)")

    data = sub.add_parser("data", help="list, verify or restore datasets")
    data.add_argument("names", nargs="*", help="datasets (default: all)")
    mode = data.add_mutually_exclusive_group()
    mode.add_argument("--restore", action="store_true", help="rebuild missing or damaged files")
    mode.add_argument("--verify", action="store_true", help="check files against SHA256SUMS")
    mode.add_argument("--rebuild-checksums", action="store_true",
                      help="authors: regenerate every file and rewrite SHA256SUMS")

    n = sub.add_parser("notebooks", help="authors: build notebooks from solutions/*.py")
    n.add_argument("--check", action="store_true", help="only report notebooks that are out of date")
    n.add_argument("--root", default=".", help="course root (default: .)")

    gd = sub.add_parser("guide", help="authors: regenerate docs/instructor_guide.md's generated parts")
    gd.add_argument("--check", action="store_true", help="only report whether the guide is up to date")
    gd.add_argument("--root", default=".", help="course root (default: .)")

    s = sub.add_parser("new-notebook", help="authors: scaffold a new notebook")
    s.add_argument("id", help="two digits, e.g. 07")
    s.add_argument("name", help="lower-case words joined by _, e.g. churn_models")
    s.add_argument("--title", help="the title (default: the name in words)")
    s.add_argument("--level", default="intermediate", help="beginner, intermediate, advanced or all")
    s.add_argument("--root", default=".", help="course root (default: .)")

    dr = sub.add_parser("drill", help="interview drills: what is due, or a timed mock interview")
    dr.add_argument("--mock", type=_count, metavar="N", help="a mock interview of N mixed questions")
    dr.add_argument("--minutes", type=_minutes, metavar="M",
                    help="the time budget (default for --mock: the questions' own budgets added up)")
    dr.add_argument("--seed", type=int, metavar="S", help="which questions a mock draws (default: a new draw)")
    dr.add_argument("--topic", metavar="T", help="only this topic (--list shows them)")
    dr.add_argument("--list", action="store_true", help="list the topics and questions, and what is due")
    dr.add_argument("--limit", type=_count, default=10, metavar="N",
                    help="at most N due questions in one session (default 10)")
    return parser


def _data_command(args) -> int:
    from course_utils import data

    try:
        if args.restore:
            from tqdm import tqdm

            damaged = [name for name in (args.names or list(data.DATASETS)) if not data.verify(name)[0]]
            done = []
            # rebuilding a large file takes seconds: one step per file
            for name in tqdm(damaged, desc="rebuilding datasets", unit="file", disable=not damaged):
                done += data.restore([name])
            print("restored: " + (", ".join(done) if done else "nothing (all files verified)"))
            return 0
        if args.rebuild_checksums:
            for spec in data.DATASETS.values():
                spec.write(data.data_dir() / spec.filename)
            print(f"wrote {data.write_checksums()}")
            return 0
        names = args.names or list(data.DATASETS)
        bad = 0
        for name in names:
            ok, problem = data.verify(name)
            bad += not ok
            print(f"[{' OK ' if ok else 'FAIL'}] {name}" + ("" if ok else f": {problem}"))
        if bad:
            print(f"fix: {data.RESTORE_COMMAND}")
        if not args.verify:
            print()
            print(data.list_datasets().to_string(index=False))
        return 1 if bad else 0
    except (ValueError, TypeError, FileNotFoundError, RuntimeError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


def _workspace_command(args) -> int:
    from course_utils.course import workspace

    root = Path(args.root) if args.root else None
    folder = Path(args.workspace) if args.workspace else workspace.workspace_dir(root)
    try:
        if args.command == "workspace":
            print(workspace.describe_sync(workspace.sync(root, folder), folder))
            return 0
        fresh, kept = workspace.restore(args.notebook, root, folder)
    except (ValueError, FileNotFoundError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if kept is not None:
        print(f"Your previous notebook is kept as {kept}")
    print(f"Fresh copy: {fresh}")
    return 0


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "grade":
        from course_utils.course import grading

        return grading.main(args.paths, as_json=args.json, timeout=args.timeout, csv_path=args.csv,
                            report_path=args.report)
    if args.command == "doctor":
        from course_utils.course import doctor

        return 0 if doctor.run(kernel=not args.no_kernel) else 1
    if args.command == "progress":
        from course_utils.course import progress

        text = progress.show()
        return 1 if text.startswith("[FAIL]") else 0
    if args.command == "data":
        return _data_command(args)
    if args.command in ("workspace", "restore"):
        return _workspace_command(args)
    if args.command == "notebooks":
        from course_utils.course import authoring

        root = Path(args.root)
        try:
            changed = authoring.generate(root, check=args.check)
        except authoring.AuthoringError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        verb = "out of date" if args.check else "written"
        for path in changed:
            print(f"{verb}: {path}")
        if not changed:
            print("all notebooks up to date")
        return 1 if (args.check and changed) else 0
    if args.command == "drill":
        from course_utils.course import drill

        return drill.main(args)
    if args.command == "guide":
        from course_utils.course import guide

        try:
            changed = guide.generate(Path(args.root), check=args.check)
        except guide.GuideError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        for path in changed:
            print(f"{'out of date' if args.check else 'written'}: {path}")
        if not changed:
            print("the instructor guide is up to date")
        return 1 if (args.check and changed) else 0
    if args.command == "new-notebook":
        from course_utils.course import scaffold

        try:
            written = scaffold.scaffold(Path(args.root), args.id, args.name, title=args.title, level=args.level)
        except ValueError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        for path in written:
            print(f"written: {path}")
        print("\nA new notebook touches these places (see README, 'For course authors'):")
        print(scaffold.touches_text())
        return 0
    return 2


if __name__ == "__main__":
    sys.exit(main())
