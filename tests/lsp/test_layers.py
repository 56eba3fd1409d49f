"""The language server is an adapter: what it may import, what imports it, and the core
functions it is built on (which need no pygls, so these tests run on every Python)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from flake8_netbox.checker import CHECKED, NOT_CONFIGURATION, SYNTAX_ERROR, analyse, check_source
from flake8_netbox.settings import Settings

PACKAGE = Path(__file__).parent.parent.parent / "flake8_netbox"
FIXTURES = Path(__file__).parent.parent / "fixtures"


def imports_of(path: Path) -> set:
    """Every module a file imports (absolute names; relative ones resolved in the package)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = "flake8_netbox." + base if base else "flake8_netbox"
            found.add(base)
            found |= {f"{base}.{alias.name}" for alias in node.names}
    return found


def test_lsp_never_imports_plugin_cli_or_fix_command():
    files = sorted((PACKAGE / "lsp").glob("*.py"))
    assert files
    for path in files:
        banned = {name for name in imports_of(path)
                  if name.split(".")[:2] in (["flake8_netbox", "plugin"], ["flake8_netbox", "cli"],
                                             ["flake8_netbox", "fix_command"])}
        assert not banned, f"{path.name} imports {banned}"


def test_only_the_cli_subcommand_imports_lsp():
    importers = [path.relative_to(PACKAGE).as_posix() for path in PACKAGE.rglob("*.py")
                 if "lsp" not in path.relative_to(PACKAGE).parts
                 and any(name.startswith("flake8_netbox.lsp") for name in imports_of(path))]
    assert importers == ["cli.py"]
    tree = ast.parse((PACKAGE / "cli.py").read_text())
    top_level = [node for node in tree.body if isinstance(node, (ast.Import, ast.ImportFrom))]
    assert not any(isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
        "flake8_netbox.lsp") for node in top_level), "cli imports lsp only inside the subcommand"


def test_plugin_and_cli_load_no_pygls(tmp_path):
    (tmp_path / "configuration.py").write_text((FIXTURES / "netbox_example_46.py").read_text())
    code = ("import sys\nfrom flake8.main.cli import main\n"
            "import flake8_netbox.cli, flake8_netbox.plugin\n"
            "try:\n    main(['configuration.py'])\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in "
            "('pygls', 'lsprotocol', 'flake8_netbox') and 'lsp' in m or m.startswith('pygls')))")
    proc = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True,
                          text=True)
    assert proc.stdout.strip().splitlines()[-1] == "[]", proc.stdout + proc.stderr


def test_lsp_command_without_the_extra_says_what_to_install(tmp_path):
    """With pygls unimportable, the subcommand explains itself (exit 2), no traceback."""
    blocker = tmp_path / "pygls.py"
    blocker.write_text("raise ImportError('not installed')\n")
    proc = subprocess.run([sys.executable, "-m", "flake8_netbox", "lsp"], cwd=tmp_path,
                          capture_output=True, text=True, input="",
                          env={**__import__("os").environ, "PYTHONPATH": str(tmp_path)})
    assert proc.returncode == 2
    assert "pip install 'flake8-netbox[lsp]'" in proc.stderr
    assert "Traceback" not in proc.stderr


@pytest.mark.parametrize("name", sorted(p.name for p in FIXTURES.glob("*.py")))
def test_analyse_gives_the_plugins_findings_with_their_spans(name):
    source = (FIXTURES / name).read_text()
    settings = Settings()
    analysis = analyse(source, settings, "configuration.py")
    if analysis.outcome == SYNTAX_ERROR:
        with pytest.raises(SyntaxError):
            ast.parse(source)
        return
    if analysis.outcome == NOT_CONFIGURATION:
        return
    assert analysis.outcome == CHECKED
    expected = check_source(source, settings.release)
    assert [(f.line, f.column, f.message) for f in analysis.findings] == expected
    lines = source.splitlines(keepends=True)
    for found in analysis.findings:
        assert found.message.startswith(found.code + " ")
        assert 0 <= found.start <= found.end <= len(source)
        # the span starts where flake8 reports the finding
        assert sum(len(line) for line in lines[:found.line - 1]) + found.column == found.start


def test_analyse_reports_where_python_rejects_the_text():
    analysis = analyse("REDIS = {\nSECRET_KEY = 'x'\n", Settings(), "configuration.py")
    assert analysis.outcome == SYNTAX_ERROR
    assert analysis.syntax_error is not None and analysis.syntax_error[0] in (1, 2)


def test_key_info_gives_facts_of_the_release():
    from flake8_netbox.netbox import Release, database_key_info, section_key_info

    latest = Release(4, 7)
    key = section_key_info("DEFAULT_TIMEOUT", latest)
    assert key is not None and not key.read
    assert section_key_info("DEFAULT_TIMEOUT", Release(2, 9)).read
    assert section_key_info("DATABASE", latest).default == "0"
    assert section_key_info("NO_SUCH_KEY", latest) is None
    assert database_key_info("CONN_MAX_AGE", latest) is not None
    assert database_key_info("DATABASE", latest) is None
