"""flake8 called the way editors call it; lines and columns must point at the value."""

from __future__ import annotations

import subprocess
import sys

import pytest

from helpers import SMALL_CONFIGURATION, parse

SOURCE = SMALL_CONFIGURATION + "SECRET_KEY = os.environ.get('SECRET_KEY', 'fallback-key')\n"


def position(needle: str, occurrence: int = 1):
    """1-based line and column of ``needle`` in SOURCE, found independently of the plugin."""
    seen = 0
    for number, line in enumerate(SOURCE.splitlines(), start=1):
        if needle in line:
            seen += 1
            if seen == occurrence:
                return number, line.index(needle) + 1
    raise AssertionError(needle)


EXPECTED = sorted([
    (*position("'db-password-in-git'"), "NBX301"),
    (*position("0}", 2), "NBX201"),
    (*position("'fallback-key'"), "NBX302"),
])
FORMAT = "--format=%(path)s:%(row)d:%(col)d: %(code)s %(text)s"


@pytest.fixture
def project(tmp_path):
    """A project with its flake8 config at the root and the configuration in a subfolder."""
    (tmp_path / "netbox").mkdir()
    (tmp_path / "netbox" / "configuration.py").write_text("# saved on disk: stale\n")
    (tmp_path / "setup.cfg").write_text("[flake8]\nnetbox-version = 4.6\nextend-ignore = E,W,F\n")
    return tmp_path


def flake8(args, cwd, stdin=None):
    proc = subprocess.run([sys.executable, "-m", "flake8", *args], cwd=cwd, input=stdin,
                          capture_output=True, text=True, timeout=120)
    assert "Traceback" not in proc.stderr
    return proc


def found(output):
    return sorted((r.row, r.col, r.code) for r in parse(output))


def test_vscode_and_pylsp_stdin_with_absolute_display_name(project):
    # VS Code's flake8 extension and pylsp: unsaved buffer on stdin, the real path as name,
    # run from the workspace root so the project's config is found.
    path = str(project / "netbox" / "configuration.py")
    proc = flake8([FORMAT, "--stdin-display-name", path, "-"], project, SOURCE)
    assert found(proc.stdout) == EXPECTED
    assert {r.path for r in parse(proc.stdout)} == {path}


def test_ale_stdin_from_the_files_folder(project):
    # ALE: `flake8 --stdin-display-name %s -`, run from the buffer's directory.
    proc = flake8([FORMAT, "--stdin-display-name", "configuration.py", "-"],
                  project / "netbox", SOURCE)
    assert found(proc.stdout) == EXPECTED


def test_flymake_plain_stdin(project):
    # Emacs flymake backends pipe the buffer to `flake8 -` without a name.
    proc = flake8([FORMAT, "-"], project, SOURCE)
    assert found(proc.stdout) == EXPECTED


def test_direct_path(project):
    (project / "netbox" / "configuration.py").write_text(SOURCE)
    proc = flake8([FORMAT, "netbox/configuration.py"], project)
    assert found(proc.stdout) == EXPECTED


def test_default_format_columns_are_one_based(project):
    proc = flake8(["--stdin-display-name", "configuration.py", "-"], project / "netbox",
                  SOURCE)
    line, column = position("'db-password-in-git'")
    assert f"configuration.py:{line}:{column}: NBX301 " in proc.stdout
