"""Packaging: pyproject, environment.yml, the locks, the Makefile and CI agree."""

import re
import sys

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import Version

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    tomllib = pytest.importorskip("tomli")

# conda-forge names that differ from PyPI names
CONDA_TO_PYPI = {"python-duckdb": "duckdb"}


def pyproject(root):
    return tomllib.loads((root / "pyproject.toml").read_text())


def pyproject_requirements(root):
    project = pyproject(root)["project"]
    reqs = project["dependencies"] + project["optional-dependencies"]["test"]
    return {canonicalize_name(Requirement(r).name): SpecifierSet(str(Requirement(r).specifier)) for r in reqs}


def conda_requirements(root):
    env = yaml.safe_load((root / "environment.yml").read_text())
    out, python, pip_extras = {}, None, []
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            pip_extras += dep.get("pip", [])
            continue
        name, _, spec = dep.partition(" ")
        name = CONDA_TO_PYPI.get(name, name)
        if name == "python":
            python = SpecifierSet(spec.replace(" ", ""))
        elif name != "pip":
            out[canonicalize_name(name)] = SpecifierSet(spec.replace(" ", ""))
    return out, python, pip_extras, env


def test_environment_yml_lists_the_same_packages_and_ranges(root):
    mine = pyproject_requirements(root)
    conda, _, _, _ = conda_requirements(root)
    assert set(conda) == set(mine), (
        f"only in pyproject: {sorted(set(mine) - set(conda))}; "
        f"only in environment.yml: {sorted(set(conda) - set(mine))}"
    )
    differ = {n: (str(mine[n]), str(conda[n])) for n in mine if mine[n] != conda[n]}
    assert not differ, f"ranges differ (pyproject, environment.yml): {differ}"


def test_environment_yml_python_matches_requires_python(root):
    _, python, pip_extras, env = conda_requirements(root)
    assert python == SpecifierSet(pyproject(root)["project"]["requires-python"])
    assert env["channels"] == ["conda-forge"]
    assert any("-e ." in p or "--editable ." in p for p in pip_extras), "the course package itself"


def test_the_agreement_check_notices_a_difference(root, tmp_path):
    """The comparison above must be able to fail: change one range and see it differ."""
    (tmp_path / "environment.yml").write_text(
        (root / "environment.yml").read_text().replace("pandas >=2.2,<4", "pandas >=1.0")
    )
    (tmp_path / "pyproject.toml").write_text((root / "pyproject.toml").read_text())
    conda, _, _, _ = conda_requirements(tmp_path)
    assert conda["pandas"] != pyproject_requirements(root)["pandas"]


@pytest.mark.parametrize("minor", ["3.10", "3.11", "3.12", "3.13"])
def test_every_lock_pins_every_dependency_within_range(root, minor):
    lock = root / "requirements" / f"lock-py{minor}.txt"
    assert lock.exists(), f"missing {lock.name}; run make lock"
    pins = {}
    for line in lock.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, version = line.partition("==")
            assert version, f"{lock.name}: {line!r} is not an exact pin"
            pins[canonicalize_name(name)] = Version(version.strip())
    for name, spec in pyproject_requirements(root).items():
        assert name in pins, f"{lock.name} does not pin {name}"
        assert spec.contains(pins[name], prereleases=True), f"{lock.name}: {name}=={pins[name]} is outside {spec}"


def test_requires_python_covers_the_locks(root):
    spec = SpecifierSet(pyproject(root)["project"]["requires-python"])
    for minor in ["3.10", "3.11", "3.12", "3.13"]:
        assert spec.contains(minor + ".0")
    assert not spec.contains("3.14.0") and not spec.contains("3.9.0")


def test_this_python_is_supported():
    assert (3, 10) <= sys.version_info[:2] <= (3, 13)


def test_two_commands_are_on_the_readme_first_screen(root):
    readme = (root / "README.md").read_text()
    first_screen = "\n".join(readme.splitlines()[:40])
    assert "make lab" in first_screen and "make test" in first_screen
    assert "conda env create -f environment.yml" in readme


def test_ci_runs_the_readme_test_command(root):
    run = (root / ".ci" / "run").read_text()
    commands = [line.strip() for line in run.splitlines() if line.strip() and not line.strip().startswith("#")]
    assert "make test" in commands


def test_makefile_targets_create_the_venv_and_use_the_lock(root):
    makefile = (root / "Makefile").read_text()
    assert re.search(r"^lab: \$\(STAMP\)", makefile, re.M)
    assert re.search(r"^test: \$\(STAMP\)", makefile, re.M)
    assert "-m venv" in makefile and '-c "$(LOCK)"' in makefile
    assert "--nbval-lax" in makefile and "solutions notebooks" in makefile
