"""flake8 called the way editors call it; lines and columns must point at the value."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

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
    (1, 1, "NBX104"),  # 4.6: no API_TOKEN_PEPPERS
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


def test_pylsp_stdin_with_absolute_display_name(project):
    # pylsp: the buffer on stdin, the real path as name, run from the workspace root so the
    # project's config is found.
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


# VS Code's Flake8 extension (microsoft/vscode-flake8): it runs flake8 on the saved file by
# its path, from the workspace root, with this format, and reads lines with this pattern.
VSCODE_FORMAT = "--format='%(row)d,%(col)d,%(code).1s,%(code)s:%(text)s'"
VSCODE_LINE = re.compile(
    r"(?P<line>\d+),(?P<column>-?\d+),(?P<type>\w+),(?P<code>\w+\d+):(?P<message>[^\r\n]*)")


def vscode_severity(code: str, kind: str, mapping: dict) -> str:
    """The extension's lookup, as documented in the README: the whole code, then ever shorter
    prefixes, then the code's first letter; Error when nothing matches."""
    value = None
    while code and value is None:
        value = mapping.get(code)
        code = code[:-1]
    return value or mapping.get(kind, "Error")


def test_vscode_extension_on_the_saved_file_with_the_documented_severities(project):
    import json

    from flake8_netbox import docs
    from flake8_netbox.rules import BY_CODE

    (project / "netbox" / "configuration.py").write_text(
        SOURCE + "DEBUG = True\nLOGIN_PERSISTANCE = True\n")
    proc = flake8([VSCODE_FORMAT, str(project / "netbox" / "configuration.py")], project)
    readme = (Path(__file__).parent.parent / "README.md").read_text()
    block = docs.vscode_severity()
    assert block in readme
    mapping = json.loads(block.strip("`").replace("json\n", "", 1))["flake8.severity"]
    seen = {}
    for line in proc.stdout.splitlines():
        match = VSCODE_LINE.match(line.strip("'"))
        assert match, line
        seen[match["code"]] = vscode_severity(match["code"], match["type"], mapping)
    assert {"NBX301", "NBX201", "NBX302", "NBX401", "NBX501"} <= set(seen), proc.stdout
    for code, severity in seen.items():
        assert severity == {"error": "Error", "warning": "Warning"}[BY_CODE[code].level], code
    assert seen["NBX401"] == "Warning" and seen["NBX301"] == "Error"


LDAP_SOURCE = ("import ldap\nAUTH_LDAP_SERVER_URI = 'ldap://ldap.example.com'\n"
               "AUTH_LDAP_BIND_PASSWORD = 'ldap-bind-secret'\n")


def test_anonymous_stdin_ldap_configuration_is_recognised(project):
    # pylsp passes no file name for a file outside the workspace root.
    proc = flake8([FORMAT, "-"], project, LDAP_SOURCE)
    assert {code for _, _, code in found(proc.stdout)} == {"NBX301", "NBX602"}, proc.stdout
    # A Django project's settings.py using django-auth-ldap is not an ldap_config.py.
    django = ("ALLOWED_HOSTS = ['x']\nSECRET_KEY = 'k' * 60\nDATABASES = {}\n" + LDAP_SOURCE)
    proc = flake8([FORMAT, "-"], project, django)
    assert not [c for _, _, c in found(proc.stdout) if c.startswith("NBX")], proc.stdout
