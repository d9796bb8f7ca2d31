"""The project installs the same everywhere: the lock file, pyproject's ranges and the running
environment agree, and no dependency refuses a Python that pyproject admits."""

from __future__ import annotations

import importlib.metadata as metadata
import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
PYTHONS = [Version(f"3.{minor}") for minor in range(8, 20)]


def _lock() -> dict[str, Requirement]:
    """The pins of requirements.lock that apply on this machine, by canonical name."""
    pins = {}
    for line in (ROOT / "requirements.lock").read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        req = Requirement(line)
        if req.marker is None or req.marker.evaluate():
            pins[canonicalize_name(req.name)] = req
    return pins


def _project_requirements() -> list[Requirement]:
    reqs = [Requirement(r) for r in PYPROJECT["project"]["dependencies"]]
    reqs += [Requirement(r) for r in PYPROJECT["project"]["optional-dependencies"]["dev"]]
    return reqs


def _pinned(req: Requirement) -> Version:
    (spec,) = list(req.specifier)
    assert spec.operator == "==", f"{req} is not an exact pin"
    return Version(spec.version)


def test_lock_pins_every_package_exactly():
    pins = _lock()
    assert {"pandas", "numpy", "xlwings", "fastexcel", "pyarrow", "python-dateutil"} <= set(pins)
    for req in pins.values():
        _pinned(req)


def test_lock_versions_lie_in_pyprojects_ranges():
    pins = _lock()
    for req in _project_requirements():
        name = canonicalize_name(req.name)
        assert name in pins, f"{name} is in pyproject.toml but not in requirements.lock"
        assert req.specifier.contains(_pinned(pins[name])), f"lock {pins[name]} outside pyproject {req}"


def test_pyproject_ranges_have_an_upper_bound():
    """A user who installs without the lock still gets a release series the tests ran on."""
    for req in _project_requirements():
        specs = list(req.specifier)
        assert any(s.operator in ("==", "~=", "<", "<=") for s in specs), f"{req} has no upper bound"


def test_this_environment_is_the_lock():
    """The tests run on exactly the versions the lock names (CI installs from it)."""
    wrong = []
    for name, req in _lock().items():
        try:
            installed = Version(metadata.version(name))
        except metadata.PackageNotFoundError:
            wrong.append(f"{name}: not installed")
            continue
        if installed != _pinned(req):
            wrong.append(f"{name}: {installed} installed, lock says {_pinned(req)}")
    assert not wrong, "install with: pip install -c requirements.lock -e '.[dev]'\n" + "\n".join(wrong)


def test_requires_python_matches_the_dependencies():
    """Every Python that pyproject admits is admitted by each locked dependency (xlwings 0.37.8
    declares >=3.11), and the oldest admitted one is what the README and the lock are made for."""
    ours = SpecifierSet(PYPROJECT["project"]["requires-python"])
    admitted = [v for v in PYTHONS if ours.contains(v)]
    assert admitted and admitted[0] == Version("3.11")
    for name in _lock():
        try:
            theirs = metadata.metadata(name).get("Requires-Python")
        except metadata.PackageNotFoundError:
            continue
        if theirs:
            refused = [str(v) for v in admitted if not SpecifierSet(theirs).contains(v)]
            assert not refused, f"{name} requires Python {theirs}, pyproject admits {refused}"
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "Python ≥ 3.11" in readme
    assert not re.search(r"Python\s*(?:≥|>=)?\s*3\.(?:[0-9]|10)\b", readme), "the README names an older Python"
    assert "--python-version 3.11" in (ROOT / "requirements.lock").read_text(encoding="utf-8")


@pytest.mark.parametrize("path", [".ci/run", "README.md"])
def test_install_commands_use_the_lock(path):
    assert "-c requirements.lock" in (ROOT / path).read_text(encoding="utf-8")
