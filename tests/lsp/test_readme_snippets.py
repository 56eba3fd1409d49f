"""The README's language server snippets for editors not installed here (Helix, Sublime
Text's LSP package, VS Code's generic client) are checked for what can be checked without
the editor: they parse in their format, start ``flake8-netbox lsp`` for Python, and give only
initialization options the server reads. Neovim's and Emacs's snippets are run in the editors
themselves (test_neovim.py, test_emacs.py)."""

from __future__ import annotations

import json
import re
import sys

import pytest

from flake8_netbox.lsp.options import FLAKE8_OPTIONS, normalise
from readme_snippets import snippets

#: What the server reads from the editor's settings: flake8's options and its own two.
READ = set(FLAKE8_OPTIONS) | {"debounce", "docsurl"}
COMMAND = ["flake8-netbox", "lsp"]


def assert_options(options: dict) -> None:
    assert options, "the snippet shows where the options go"
    assert set(normalise(options)) <= READ, options


def test_every_editor_has_its_snippets():
    assert len(snippets("Neovim", "lua")) == 2  # 0.11+, and 0.7-0.10
    for heading, language in (("Helix", "toml"), ("Emacs", "elisp"), ("Sublime Text", "json"),
                              ("VS Code", "json")):
        assert len(snippets(heading, language)) == 1, heading
    for snippet in snippets("Neovim", "lua"):
        assert "cmd = { 'flake8-netbox', 'lsp' }" in snippet
        assert "init_options = { netboxVersion = '4.7' }" in snippet


@pytest.mark.skipif(sys.version_info < (3, 11), reason="tomllib is Python 3.11+")
def test_helix():
    import tomllib

    config = tomllib.loads(snippets("Helix", "toml")[0])
    server = config["language-server"]["flake8-netbox"]
    assert [server["command"], *server["args"]] == COMMAND
    assert_options(server["config"])  # Helix sends `config` as initializationOptions
    [python] = config["language"]
    assert python["name"] == "python" and "flake8-netbox" in python["language-servers"]


def test_sublime_text():
    client = json.loads(snippets("Sublime Text", "json")[0])["clients"]["flake8-netbox"]
    assert client["enabled"] is True and client["command"] == COMMAND
    assert client["selector"] == "source.python"
    assert_options(client["initializationOptions"])


def test_vs_code_generic_client():
    settings = json.loads(snippets("VS Code", "json")[0])
    assert [settings["glspc.server.command"], *settings["glspc.server.commandArguments"]] == \
        COMMAND
    assert settings["glspc.server.languageId"] == ["python"]
    assert_options(settings["glspc.server.initializationOptions"])


def test_emacs_snippet_names_the_command_and_options():
    snippet = snippets("Emacs", "elisp")[0]
    assert re.search(r'\("flake8-netbox" "lsp"\s+'
                     r':initializationOptions \(:netboxVersion "4\.7"\)\)', snippet), snippet
