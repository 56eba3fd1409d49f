"""The package as published: a self-contained sdist, classifiers for every Python CI runs,
a changelog entry for the current version."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent

#: Tests the unpacked sdist runs: in-process ones that reach the rules, the fixes, the
#: generated docs and the fixtures (the whole suite needs the repository's tools around it).
SMOKE = ["tests/test_docs.py::test_generated_pages_are_current",
         "tests/test_rule_examples.py", "tests/test_fixtures.py"]


@pytest.fixture(scope="module")
def sdist(tmp_path_factory):
    pytest.importorskip("setuptools", minversion="77")
    out = tmp_path_factory.mktemp("dist")
    code = ("import sys\nfrom setuptools import build_meta\n"
            "print(build_meta.build_sdist(sys.argv[1]))")
    proc = subprocess.run([sys.executable, "-c", code, str(out)], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    archive = out / proc.stdout.strip().splitlines()[-1]
    with tarfile.open(archive) as tar:
        names = tar.getnames()
        tar.extractall(out / "unpacked")
    top = out / "unpacked" / names[0].split("/")[0]
    return top, [name.split("/", 1)[1] for name in names if "/" in name]


def test_sdist_holds_what_its_tests_need(sdist):
    _, names = sdist
    for needed in ("tests/conftest.py", "tests/helpers.py", "examples/configuration.py",
                   "docs/rules.md", "docs/fixes.md", "CHANGELOG.md", "setup.cfg",
                   ".pre-commit-hooks.yaml", "tests/fixtures/clean_46.py"):
        assert needed in names, needed
    assert any(name.startswith("tests/fixtures/upgrade/") for name in names)
    assert not any("__pycache__" in name or name.endswith(".pyc") for name in names)


def test_unpacked_sdist_runs_its_tests(sdist):
    top, _ = sdist
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    where = subprocess.run([sys.executable, "-c", "import flake8_netbox; "
                            "print(flake8_netbox.__file__)"], cwd=top, env=env,
                           capture_output=True, text=True)
    assert Path(where.stdout.strip()).resolve().is_relative_to(top.resolve()), where.stdout
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider",
                           *SMOKE], cwd=top, env=env, capture_output=True, text=True,
                          timeout=600)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    assert re.search(r"\d+ passed", proc.stdout)


def test_classifiers_name_every_python_ci_runs():
    pyproject = (ROOT / "pyproject.toml").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    ran = re.search(r"for version in ([\d. ]+); do", ci).group(1).split()
    lowest = re.search(r'requires-python = ">=3\.(\d+)"', pyproject).group(1)
    minors = range(int(lowest), max(int(v.split(".")[1]) for v in ran) + 1)
    for minor in minors:
        assert f'"Programming Language :: Python :: 3.{minor}",' in pyproject, minor
    assert all(f"3.{v.split('.')[1]}" in [f"3.{m}" for m in minors] for v in ran)


def test_changelog_describes_the_current_version():
    from flake8_netbox import __version__

    changelog = (ROOT / "CHANGELOG.md").read_text()
    assert re.search(rf"^## {re.escape(__version__)}\b", changelog, re.M)
