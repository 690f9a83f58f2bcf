"""One source per notebook: generated notebooks match their sources and leak no solution."""

import shutil
import textwrap

import nbformat
import pytest

from course_utils.course import authoring
from course_utils.course.authoring import AuthoringError, Region

SOURCES = authoring.sources(authoring.Path(__file__).resolve().parent.parent)


def test_there_is_at_least_one_source():
    assert SOURCES, "no solutions/NN_name.py found"


def test_regenerating_changes_nothing_in_the_tree(root):
    drift = authoring.generate(root, check=True)
    assert not drift, f"out of date, run `make notebooks`: {[str(p) for p in drift]}"


def test_every_generated_notebook_has_a_source(root):
    stems = {s.stem for s in SOURCES}
    for folder in ("solutions", "notebooks"):
        for nb in (root / folder).glob("*.ipynb"):
            assert nb.stem in stems, f"{folder}/{nb.name} has no solutions/{nb.stem}.py"


def test_generation_is_byte_stable(tmp_path, root):
    (tmp_path / "solutions").mkdir()
    for source in SOURCES:
        shutil.copy(source, tmp_path / "solutions" / source.name)
    authoring.generate(tmp_path)
    first = {p: p.read_bytes() for p in tmp_path.rglob("*.ipynb")}
    assert authoring.generate(tmp_path) == []
    assert {p: p.read_bytes() for p in tmp_path.rglob("*.ipynb")} == first
    assert len(first) == 2 * len(SOURCES)


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_no_solution_code_in_the_learner_notebook(root, source):
    nb = authoring.read_source(source)
    learner = nbformat.read(root / "notebooks" / f"{source.stem}.ipynb", as_version=4)
    learner_lines = {line.strip() for c in learner.cells for line in c.source.split("\n")}
    shared = set()  # lines that also appear outside solution regions are fair game
    for cell in nb.cells:
        if cell.cell_type == "code" and not authoring._is_solution_cell(cell):
            for part in authoring.split_regions(cell.source):
                if isinstance(part, str):
                    shared |= {line.strip() for line in part.split("\n")}
    leaked = []
    for cell in nb.cells:
        if authoring._is_solution_cell(cell):
            lines = [s.strip() for s in cell.source.split("\n") if s.strip() and not s.strip().startswith("#")]
        elif cell.cell_type == "code":
            lines = authoring.solution_lines(cell.source)
        else:
            continue
        leaked += [s for s in lines if s not in shared and s in learner_lines]  # whole lines, not fragments
    assert not leaked, f"solution code in notebooks/{source.stem}.ipynb: {leaked}"


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_learner_notebook_shape(root, source):
    learner = nbformat.read(root / "notebooks" / f"{source.stem}.ipynb", as_version=4)
    solution = nbformat.read(root / "solutions" / f"{source.stem}.ipynb", as_version=4)
    assert learner.metadata["course"]["version"] == "learner"
    assert solution.metadata["course"]["version"] == "solution"
    assert "jupytext" not in learner.metadata
    for cell in learner.cells + solution.cells:
        assert cell.get("outputs", []) == [] and cell.get("execution_count") is None
        assert "solution" not in cell.metadata.get("tags", []) or cell in solution.cells
        assert "BEGIN SOLUTION" not in cell.source and "END SOLUTION" not in cell.source
    assert any("____" in c.source for c in learner.cells if c.cell_type == "code")
    ids = [c.id for c in learner.cells]
    assert len(ids) == len(set(ids))


def test_region_becomes_prompt_and_placeholder():
    src = 'x = 1\n# BEGIN SOLUTION: Add one to x.\ntmp = x + 1\ny, z = tmp, 2\n# END SOLUTION\nq1.check(y)'
    out = authoring.learner_source(src)
    assert out == "x = 1\n# Add one to x.\ny, z = ____, ____\nq1.check(y)"
    assert authoring.solution_source(src) == "x = 1\ntmp = x + 1\ny, z = tmp, 2\nq1.check(y)"


def test_indented_region_keeps_its_indent():
    src = "def f():\n    # BEGIN SOLUTION: Return the answer.\n    answer = 42\n    # END SOLUTION\n    return answer"
    assert "    # Return the answer.\n    answer = ____" in authoring.learner_source(src)


def test_region_without_assignment_gets_a_bare_placeholder():
    assert authoring.starter_for(Region("Plot it.", "plt.plot([1])", "")) == "# Plot it.\n____  # your code here"


@pytest.mark.parametrize(
    "src, message",
    [
        ("# BEGIN SOLUTION: a\nx = 1", "has no END SOLUTION"),
        ("x = 1\n# END SOLUTION", "without a BEGIN"),
        ("# BEGIN SOLUTION\nx = 1\n# END SOLUTION", "one-line prompt"),
        ("# BEGIN SOLUTION: a\n# BEGIN SOLUTION: b\n# END SOLUTION", "inside another"),
        ("# BEGIN SOLUTION: a\nx = (\n# END SOLUTION", "does not parse"),
    ],
)
def test_markup_errors_say_where(src, message):
    with pytest.raises(AuthoringError, match=message):
        authoring.learner_source(src, where="demo.py, cell 3")


def test_the_id_comes_from_the_file_name(tmp_path):
    good = tmp_path / "07_x.py"
    good.write_text("# %%\nx = 1\n")
    assert authoring.notebook_id(good) == "07"
    solution, _ = authoring.build(good)
    assert '"id": "07"' in solution and '"exercises": "course_utils.exercises.nb07"' in solution


@pytest.mark.parametrize(
    "name, header, message",
    [
        ("7_x.py", "", "named NN_name.py"),
        ("07_X.py", "", "named NN_name.py"),
        ("07_x.py", "#   course:\n#     id: \"08\"\n", "file name says '07'"),
        ("07_x.py", "#   course:\n#     exercises: course_utils.exercises.nb07\n", "remove 'exercises:'"),
    ],
)
def test_a_second_id_is_refused(tmp_path, name, header, message):
    bad = tmp_path / name
    bad.write_text(f"# ---\n# jupyter:\n{header}# ---\n\n# %%\nx = 1\n")
    with pytest.raises(AuthoringError, match=message):
        authoring.read_source(bad)


def _code_only(text: str) -> str:
    """Code with comments and all whitespace removed, for layout-blind comparison."""
    lines = [line.split("  #")[0] for line in text.split("\n") if not line.strip().startswith("#")]
    return "".join("".join(lines).split())


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_every_solution_text_matches_the_worked_solution(source):
    """`q.solution()` shows text kept in the exercises module (it must work without
    solutions/); it must say what the solution notebook actually does."""
    import importlib

    nb = authoring.read_source(source)
    regions = "".join(
        _code_only(part.code)
        for cell in nb.cells if cell.cell_type == "code"
        for part in authoring.split_regions(cell.source) if isinstance(part, Region)
    )
    module = importlib.import_module(f"course_utils.exercises.nb{authoring.notebook_id(source)}")
    for name in module.EXERCISES:
        code = getattr(module, name).solution_code
        if not code.strip():  # choices, orderings and written answers show an explanation instead
            continue
        shown = _code_only(textwrap.dedent(code))
        assert shown and shown in regions, f"{name}.solution() differs from the solution in {source.name}"
