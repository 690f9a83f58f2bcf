"""The learner's workspace: make lab copies notebooks there and never replaces one; restore
keeps the old file under a dated name; course commands leave the workspace alone."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from course_utils.course import authoring, workspace
from course_utils.course.cli import main

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def course(tmp_path):
    """A copy of the parts of the course the workspace commands use."""
    shutil.copytree(ROOT / "notebooks", tmp_path / "notebooks")
    (tmp_path / "solutions").mkdir()
    for source in authoring.sources(ROOT):
        shutil.copy(source, tmp_path / "solutions" / source.name)
        shutil.copy(source.with_suffix(".ipynb"), tmp_path / "solutions" / source.with_suffix(".ipynb").name)
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def learner_edit(path: Path) -> bytes:
    """What JupyterLab does when a learner answers q1 and saves: new source, outputs, counts."""
    nb = nbformat.read(path, as_version=4)
    cell = next(c for c in nb.cells if c.cell_type == "code" and "= ____" in c.source)
    cell.source = cell.source.replace("= ____", "= 42  # my answer") + "\nimport os  # unused, as learners write"
    cell.execution_count = 3
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="my output\n")]
    nbformat.write(nb, path)
    return path.read_bytes()


def test_sync_copies_what_is_missing_and_never_replaces(course):
    ws = course / "workspace"
    first = workspace.sync(course, ws)
    names = sorted(p.name for p in (course / "notebooks").glob("*.ipynb"))
    assert first["copied"] == names and first["kept"] == [] and first["newer"] == []
    mine = learner_edit(ws / names[1])
    (ws / names[0]).unlink()  # a deleted notebook comes back
    second = workspace.sync(course, ws)
    assert second["copied"] == [names[0]] and names[1] in second["kept"]
    assert (ws / names[1]).read_bytes() == mine
    assert (ws / names[0]).read_bytes() == (course / "notebooks" / names[0]).read_bytes()
    text = workspace.describe_sync(second, ws)
    assert f"Copied into {ws}: {names[0]}" in text and "kept as they are" in text


def test_sync_says_when_the_course_has_a_newer_notebook(course):
    ws = course / "workspace"
    workspace.sync(course, ws)
    mine = learner_edit(ws / "01_rfm_kmeans.ipynb")
    pristine = course / "notebooks" / "01_rfm_kmeans.ipynb"
    pristine.write_text(pristine.read_text().replace("K-Means", "K-means"))  # the course changed
    result = workspace.sync(course, ws)
    assert result["newer"] == ["01_rfm_kmeans.ipynb"]
    assert (ws / "01_rfm_kmeans.ipynb").read_bytes() == mine  # still yours
    assert "python -m course_utils restore 01" in workspace.describe_sync(result, ws)
    workspace.restore("01", course, ws)
    assert workspace.sync(course, ws)["newer"] == []


def test_restore_keeps_the_old_copy_under_a_dated_name(course):
    ws = course / "workspace"
    workspace.sync(course, ws)
    mine = learner_edit(ws / "01_rfm_kmeans.ipynb")
    fresh, kept = workspace.restore("01", course, ws)
    assert fresh == ws / "01_rfm_kmeans.ipynb"
    assert fresh.read_bytes() == (course / "notebooks" / "01_rfm_kmeans.ipynb").read_bytes()
    assert kept.read_bytes() == mine
    assert kept.name.startswith("01_rfm_kmeans.saved-") and kept.suffix == ".ipynb"
    # twice in the same second: nothing is overwritten
    learner_edit(fresh)
    second = fresh.read_bytes()
    _, kept2 = workspace.restore("01_rfm_kmeans.ipynb", course, ws)
    assert kept2 != kept and kept2.read_bytes() == second and kept.read_bytes() == mine
    # a notebook that was never copied is simply copied
    (ws / "00_setup_and_tour.ipynb").unlink()
    assert workspace.restore("00_setup_and_tour", course, ws)[1] is None


@pytest.mark.parametrize("name, message", [("42", "no notebook '42'; the course has: 00_setup_and_tour, 01_rfm"),
                                           ("1", "no notebook '1'"), ("rfm", "no notebook 'rfm'"),
                                           ("", "by its number"), (None, "by its number")])
def test_restore_names_the_notebooks_it_knows(course, name, message):
    with pytest.raises(ValueError, match=message):
        workspace.restore(name, course, course / "workspace")
    assert not (course / "workspace").exists() or not any((course / "workspace").iterdir())


def test_commands(course, capsys):
    ws = course / "ws"
    assert main(["workspace", "--root", str(course), "--workspace", str(ws)]) == 0
    assert "Copied into" in capsys.readouterr().out
    learner_edit(ws / "01_rfm_kmeans.ipynb")
    assert main(["restore", "01", "--root", str(course), "--workspace", str(ws)]) == 0
    out = capsys.readouterr().out
    assert "Your previous notebook is kept as" in out and "Fresh copy:" in out
    assert main(["restore", "09", "--root", str(course), "--workspace", str(ws)]) == 2
    assert "no notebook '09'" in capsys.readouterr().err
    assert main(["workspace", "--root", str(course / "nowhere"), "--workspace", str(ws)]) == 2


def test_the_workspace_defaults_to_the_course_folder(monkeypatch, tmp_path):
    monkeypatch.delenv(workspace.ENV_VAR, raising=False)
    assert workspace.workspace_dir() == ROOT / "workspace"
    monkeypatch.setenv(workspace.ENV_VAR, str(tmp_path / "mine"))
    assert workspace.workspace_dir() == tmp_path / "mine"


def test_the_workspace_is_git_ignored():
    assert "/workspace/" in (ROOT / ".gitignore").read_text().split()


@pytest.mark.slow
def test_make_test_and_make_notebooks_leave_a_saved_workspace_notebook_alone(course):
    """Edit and save a workspace notebook, then do what `make test` and `make notebooks` do."""
    ws = course / "workspace"
    workspace.sync(course, ws)
    mine = learner_edit(ws / "01_rfm_kmeans.ipynb")
    pristine = {p: p.read_bytes() for p in (course / "notebooks").glob("*.ipynb")}
    # make test: ruff over the whole course folder, then the authoring drift check
    ruff = subprocess.run([sys.executable, "-m", "ruff", "check", "."], cwd=course, capture_output=True, text=True)
    assert ruff.returncode == 0, ruff.stdout + ruff.stderr
    assert authoring.generate(course, check=True) == []
    # make notebooks
    out = subprocess.run([sys.executable, "-m", "course_utils", "notebooks", "--root", str(course)],
                         capture_output=True, text=True)
    assert out.returncode == 0 and "all notebooks up to date" in out.stdout, out.stdout + out.stderr
    assert (ws / "01_rfm_kmeans.ipynb").read_bytes() == mine
    assert {p: p.read_bytes() for p in (course / "notebooks").glob("*.ipynb")} == pristine
    assert json.loads((ws / "01_rfm_kmeans.ipynb").read_text())["cells"]  # still a notebook
