"""The language server over stdio, driven by a real LSP client (pytest-lsp)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import List

import pytest

from flake8_netbox.rules import BY_CODE

types = pytest.importorskip("lsprotocol.types", reason="the lsp extra is not installed")
pytest.importorskip("pytest_lsp", minversion="1.0", reason="pytest-lsp 1.x needs Python 3.10+")

pytestmark = pytest.mark.asyncio

from listening import Published  # noqa: E402 (needs lsprotocol)

FIXTURES = Path(__file__).parent.parent / "fixtures"


def apply(text: str, edits: List["types.TextEdit"]) -> str:
    """Apply LSP text edits (ASCII text: characters are UTF-16 units) as a client would."""
    lines = text.splitlines(keepends=True)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))

    def offset(position: "types.Position") -> int:
        return starts[position.line] + position.character if position.line < len(lines) \
            else len(text)

    for edit in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character),
                       reverse=True):
        start, end = offset(edit.range.start), offset(edit.range.end)
        text = text[:start] + edit.new_text + text[end:]
    return text


def edits_of(action: "types.CodeAction", uri: str) -> List["types.TextEdit"]:
    edit = action.edit
    assert edit is not None
    if edit.document_changes:
        change = edit.document_changes[0]
        assert change.text_document.uri == uri
        return list(change.edits)
    return list(edit.changes[uri])


async def open_document(client, path: Path, text: str, version: int = 1):
    """didOpen, and the diagnostics published for it."""
    path.write_text(text)
    client.text_document_did_open(types.DidOpenTextDocumentParams(
        types.TextDocumentItem(uri=path.as_uri(), language_id="python", version=version,
                               text=text)))
    return await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)


async def change_document(client, path: Path, text: str, version: int):
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        types.VersionedTextDocumentIdentifier(uri=path.as_uri(), version=version),
        [types.TextDocumentContentChangeWholeDocument(text=text)]))
    while True:
        published = await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        if published.version == version:
            return published


def flake8_findings(path: Path, *args: str) -> List[tuple]:
    """(line, column, code, message) as the flake8 plugin reports them, from flake8 itself."""
    out = subprocess.run(
        [sys.executable, "-m", "flake8", "--select=NBX",
         "--format=%(row)d\t%(col)d\t%(code)s\t%(text)s", *args, str(path)],
        capture_output=True, text=True, cwd=path.parent)
    rows = [line.split("\t") for line in out.stdout.splitlines() if line]
    return sorted((int(row), int(col), code, text) for row, col, code, text in rows)


async def test_diagnostics_are_the_plugins_findings(client, tmp_path):
    text = (FIXTURES / "netbox_example_37.py").read_text()
    path = tmp_path / "configuration.py"
    published = await open_document(client, path, text)
    got = sorted((d.range.start.line + 1, d.range.start.character + 1, d.code, d.message)
                 for d in published.diagnostics)
    assert got, "the example has findings"
    assert got == flake8_findings(path)
    for item in published.diagnostics:
        assert item.source == "flake8-netbox"
        assert item.code_description.href.endswith(
            f"rules.md#{item.code.lower()}-{BY_CODE[item.code].name}")
        assert item.severity in (types.DiagnosticSeverity.Error, types.DiagnosticSeverity.Warning)
        # the range covers the offending text, not just a column
        assert (item.range.end.line, item.range.end.character) > \
            (item.range.start.line, item.range.start.character)


UPGRADE_27 = (FIXTURES / "upgrade" / "netbox27.py").read_text()


async def test_edits_are_rechecked_and_published_for_their_version(client, tmp_path):
    path = tmp_path / "configuration.py"
    published = await open_document(client, path, UPGRADE_27)
    assert "NBX005" in {d.code for d in published.diagnostics}
    fixed = UPGRADE_27.replace("'webhooks'", "'tasks'")
    published = await change_document(client, path, fixed, 2)
    assert "NBX005" not in {d.code for d in published.diagnostics}
    # several edits in a burst: each publication names the version it was computed on,
    # versions only go up, and the newest version's findings come last
    published = Published(client)
    for version, text in ((3, UPGRADE_27), (4, fixed), (5, UPGRADE_27)):
        client.text_document_did_change(types.DidChangeTextDocumentParams(
            types.VersionedTextDocumentIdentifier(uri=path.as_uri(), version=version),
            [types.TextDocumentContentChangeWholeDocument(text=text)]))
    await published.until(path, 5)
    seen = published.of(path)
    versions = [published.version for published in seen]
    assert versions == sorted(set(versions)) and versions[-1] == 5
    for published in seen:
        assert ("NBX005" in {d.code for d in published.diagnostics}) == (published.version != 4)


async def test_incremental_change(client, tmp_path):
    path = tmp_path / "configuration.py"
    await open_document(client, path, UPGRADE_27)
    line = UPGRADE_27.splitlines().index("    'webhooks': {")
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        types.VersionedTextDocumentIdentifier(uri=path.as_uri(), version=2),
        [types.TextDocumentContentChangePartial(
            range=types.Range(types.Position(line, 5), types.Position(line, 13)),
            text="tasks")]))
    published = await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    assert published.version == 2
    assert "NBX005" not in {d.code for d in published.diagnostics}


async def code_actions(client, path: Path, diagnostics, only=None):
    start = min((d.range.start for d in diagnostics), key=lambda p: (p.line, p.character),
                default=types.Position(0, 0))
    end = max((d.range.end for d in diagnostics), key=lambda p: (p.line, p.character),
              default=types.Position(0, 0))
    return await client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=path.as_uri()),
        range=types.Range(start, end),
        context=types.CodeActionContext(diagnostics=list(diagnostics), only=only)))


@pytest.mark.client("visual-studio-code")
async def test_quick_fix_applied_is_clean_when_rechecked(client, tmp_path):
    path = tmp_path / "configuration.py"
    published = await open_document(client, path, UPGRADE_27)
    found = [d for d in published.diagnostics if d.code == "NBX005"]
    assert found
    actions = await code_actions(client, path, found)
    preferred = [a for a in actions if a.is_preferred]
    assert [a.kind for a in preferred] == [types.CodeActionKind.QuickFix]
    assert preferred[0].title.startswith("Fix NBX005")
    assert preferred[0].edit.document_changes[0].text_document.version == 1
    text = apply(UPGRADE_27, edits_of(preferred[0], path.as_uri()))
    # exactly what --fix changes for this finding: both uses of the section, not the comment
    assert text == UPGRADE_27.replace("    'webhooks': {", "    'tasks': {").replace(
        "REDIS['webhooks']", "REDIS['tasks']")
    published = await change_document(client, path, text, 2)
    assert "NBX005" not in {d.code for d in published.diagnostics}


async def test_noqa_action_silences_the_finding(client, tmp_path):
    path = tmp_path / "configuration.py"
    published = await open_document(client, path, UPGRADE_27)
    found = [d for d in published.diagnostics if d.code == "NBX005"]
    actions = await code_actions(client, path, found)
    noqa = [a for a in actions if "# noqa: NBX005" in a.title]
    assert len(noqa) == 1 and not noqa[0].is_preferred
    text = apply(UPGRADE_27, edits_of(noqa[0], path.as_uri()))
    assert "'webhooks': {  # noqa: NBX005\n" in text
    published = await change_document(client, path, text, 2)
    assert "NBX005" not in {d.code for d in published.diagnostics}
    path.write_text(text)
    assert "NBX005" not in {row[2] for row in flake8_findings(path)}


@pytest.mark.parametrize("name", ["netbox26", "netbox27", "netbox42"])
async def test_upgrade_source_action_is_the_fix_command(client, tmp_path, name):
    source = (FIXTURES / "upgrade" / f"{name}.py").read_text()
    path = tmp_path / "configuration.py"
    await open_document(client, path, source)
    actions = await code_actions(client, path, [], only=[types.CodeActionKind.SourceFixAll])
    upgrade = [a for a in actions if a.title.startswith("Upgrade configuration to NetBox")]
    assert len(upgrade) == 1
    text = apply(source, edits_of(upgrade[0], path.as_uri()))
    copy = tmp_path / "fixed" / "configuration.py"
    copy.parent.mkdir()
    copy.write_text(source)
    # the same release on both sides: the default
    subprocess.run([sys.executable, "-m", "flake8_netbox", "--fix", str(copy)],
                   capture_output=True, cwd=tmp_path)
    assert text == copy.read_text()
    assert text != source


def position_of(text: str, needle: str, delta: int = 1) -> "types.Position":
    """The position ``delta`` characters into the first ``needle``."""
    offset = text.index(needle) + delta
    line = text.count("\n", 0, offset)
    return types.Position(line, offset - (text.rfind("\n", 0, offset) + 1))


async def hover(client, path: Path, position):
    return await client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=path.as_uri()), position=position))


SECRET = "'p4ss-w0rd-that-must-never-be-shown-anywhere-0123456789'"
HOVERED = f"""\
ALLOWED_HOSTS = ['*']
DATABASES = {{'default': {{'NAME': 'netbox', 'PASSWORD': {SECRET}}}}}
REDIS = {{
    'tasks': {{'HOST': 'localhost', 'DATABASE': 0}},
    'caching': {{'HOST': 'localhost', 'DATABASE': 0}},
}}
SECRET_KEY = {SECRET}
JINJA2_FILTERS = {{}}
LOGIN_REQUIRED = False
"""


async def test_hover_on_settings_and_keys_shows_facts_never_values(client, tmp_path):
    path = tmp_path / "configuration.py"
    published = await open_document(client, path, HOVERED)
    codes = {d.code for d in published.diagnostics}
    answers = {}
    for needle, delta in [("JINJA2_FILTERS", 1), ("LOGIN_REQUIRED", 1), ("SECRET_KEY =", 1),
                          ("'DATABASE': 0},\n    'caching'", 2), ("'PASSWORD'", 2),
                          (SECRET, 5)]:
        answer = await hover(client, path, position_of(HOVERED, needle, delta))
        answers[needle] = answer.contents.value if answer else None
        if answer:
            assert SECRET.strip("'") not in answer.contents.value
            assert "p4ss" not in answer.contents.value
    assert "renamed JINJA_FILTERS" in answers["JINJA2_FILTERS"]
    assert "Read by NetBox 3.2.5" in answers["JINJA2_FILTERS"]
    assert "type: `bool`" in answers["LOGIN_REQUIRED"].lower()
    # the rule documentation of the finding there (what --explain prints), and only that
    assert "NBX502" in codes and "NBX404" in codes
    assert "NBX502 `setting-of-another-release`" in answers["LOGIN_REQUIRED"]
    assert "NBX404 `" not in answers["LOGIN_REQUIRED"]  # about the value, not the name
    assert "REDIS['tasks']['DATABASE']" in answers["'DATABASE': 0},\n    'caching'"]
    assert "default: `0`" in answers["'DATABASE': 0},\n    'caching'"]
    assert "DATABASES['default']['PASSWORD']" in answers["'PASSWORD'"]
    assert answers[SECRET] is None  # a value: no hover at all


async def complete(client, path: Path, text: str, version: int = 2):
    """Completion at the end of ``text`` (after the edit that typed it)."""
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        types.VersionedTextDocumentIdentifier(uri=path.as_uri(), version=version),
        [types.TextDocumentContentChangeWholeDocument(text=text)]))
    lines = text.split("\n")
    result = await client.text_document_completion_async(types.CompletionParams(
        text_document=types.TextDocumentIdentifier(uri=path.as_uri()),
        position=types.Position(len(lines) - 1, len(lines[-1]))))
    return {item.label: item for item in (result.items if result else [])}


async def test_completion_of_names_and_keys_for_the_target_release(client, tmp_path):
    path = tmp_path / "configuration.py"
    await open_document(client, path, "")
    names = await complete(client, path, "ALLOWED_HOSTS = []\nJ")
    assert "JOB_RETENTION" in names
    assert "JOBRESULT_RETENTION" not in names  # read until 3.4 only
    assert names["JOB_RETENTION"].text_edit.new_text == "JOB_RETENTION"
    assert names["JOB_RETENTION"].text_edit.range.start == types.Position(1, 0)
    keys = await complete(client, path, "REDIS = {\n    'tasks': {\n        'SENT", 3)
    assert set(keys) == {"SENTINELS", "SENTINEL_SERVICE", "SENTINEL_TIMEOUT"}
    assert keys["SENTINELS"].text_edit.new_text == "SENTINELS"  # the quote is typed already
    keys = await complete(client, path, "REDIS = {\n    'caching': {\n        ", 4)
    assert {"HOST", "PORT", "DATABASE", "PASSWORD"} <= set(keys)
    assert "DEFAULT_TIMEOUT" not in keys  # last read by 2.9
    assert keys["HOST"].text_edit.new_text == "'HOST'"
    sections = await complete(client, path, "REDIS = {\n    ", 5)
    assert set(sections) == {"tasks", "caching"}
    database = await complete(client, path, "DATABASES = {'default': {'EN", 6)
    assert set(database) == {"ENGINE"}
    assert await complete(client, path, "REDIS = {\n    'tasks': {\n        'HOST': 'loc", 7) == {}
    assert await complete(client, path, "X = [\n    DEB", 8) == {}


@pytest.mark.initialization_options({"netboxVersion": "3.4"})
async def test_initialization_options_choose_the_release(client, tmp_path):
    path = tmp_path / "configuration.py"
    await open_document(client, path, "")
    names = await complete(client, path, "ALLOWED_HOSTS = []\nJOB")
    assert "JOBRESULT_RETENTION" in names and "JOB_RETENTION" not in names
    # an empty didChangeConfiguration (Neovim sends one after starting) keeps them
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings={}))
    names = await complete(client, path, "ALLOWED_HOSTS = []\nJOB", 3)
    assert "JOBRESULT_RETENTION" in names and "JOB_RETENTION" not in names


async def test_configuration_change_rechecks_open_documents(client, tmp_path):
    path = tmp_path / "configuration.py"
    published = await open_document(client, path, UPGRADE_27)
    assert "NBX005" in {d.code for d in published.diagnostics}
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(
        settings={"flake8-netbox": {"netboxVersion": "2.7.5"}}))
    published = await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    assert "NBX005" not in {d.code for d in published.diagnostics}
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(
        settings={"flake8-netbox": {"netboxVersion": "4.6", "extendIgnore": ["NBX005"]}}))
    published = await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    assert "NBX005" not in {d.code for d in published.diagnostics}
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings={}))
    published = await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    assert "NBX005" in {d.code for d in published.diagnostics}


async def test_the_projects_flake8_configuration_is_read(client, tmp_path):
    (tmp_path / "setup.cfg").write_text("[flake8]\nnetbox-version = 2.7.5\n")
    path = tmp_path / "configuration.py"
    published = await open_document(client, path, UPGRADE_27)
    assert "NBX005" not in {d.code for d in published.diagnostics}
    assert published.diagnostics == [] or all(d.code != "NBX005" for d in published.diagnostics)


async def test_files_the_plugin_does_not_check_are_not_served(client, tmp_path):
    path = tmp_path / "settings.py"
    path.write_text(UPGRADE_27)
    client.text_document_did_open(types.DidOpenTextDocumentParams(types.TextDocumentItem(
        uri=path.as_uri(), language_id="python", version=1, text=UPGRADE_27)))
    assert await hover(client, path, position_of(UPGRADE_27, "REDIS")) is None
    # the next notification is the configuration.py's, not the settings.py's
    other = tmp_path / "configuration.py"
    published = await open_document(client, other, UPGRADE_27)
    assert published.uri == other.as_uri()
    assert path.as_uri() not in client.diagnostics


@pytest.mark.parametrize("text, expected", [
    ("REDIS = {\nSECRET_KEY = 'x'\n", ["E999"]),
    ("REDIS = {}\nSECRET_KEY = " + " + ".join(["'a'"] * 5000) + "\n", []),
    ("REDIS = " + "[" * 150 + "]" * 150 + "\n", []),
    ("\x00REDIS = {}\n", ["E999"]),
    ("ALLOWED_HOSTS = ['*']\n" * 40_000, []),
])
async def test_bad_documents_give_silence_or_one_syntax_error(client, tmp_path, text, expected):
    path = tmp_path / "configuration.py"
    published = await open_document(client, path, text)
    assert [d.code for d in published.diagnostics if d.code in ("E999",)] == expected
    assert all(d.code != "NBX000" for d in published.diagnostics)
    # still serving
    published = await change_document(client, path, UPGRADE_27, 2)
    assert "NBX005" in {d.code for d in published.diagnostics}


async def test_a_failing_request_is_an_lsp_error_and_the_server_goes_on(client, tmp_path):
    missing = tmp_path / "gone" / "configuration.py"  # never opened, not on disk
    with pytest.raises(Exception) as raised:
        await hover(client, missing, types.Position(0, 0))
    assert "flake8-netbox could not answer" in str(raised.value)
    assert any("failed with" in m.message and m.type == types.MessageType.Error
               for m in client.log_messages)
    path = tmp_path / "configuration.py"
    published = await open_document(client, path, UPGRADE_27)
    assert "NBX005" in {d.code for d in published.diagnostics}


async def test_unsafe_and_database_fixes_are_explicit_actions(client, tmp_path):
    text = (FIXTURES / "upgrade" / "netbox42.py").read_text().replace(
        "SECRET_KEY = os.environ['SECRET_KEY']", "SECRET_KEY = 'short'")
    path = tmp_path / "configuration.py"
    published = await open_document(client, path, text)
    everything = types.Range(types.Position(0, 0), types.Position(len(text.splitlines()), 0))
    actions = await client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=path.as_uri()), range=everything,
        context=types.CodeActionContext(diagnostics=list(published.diagnostics))))
    titles = {a.title: a for a in actions}
    unsafe = [a for t, a in titles.items() if t.startswith("Unsafe fix NBX10")]
    assert unsafe and not any(a.is_preferred for a in unsafe)
    assert "--unsafe-fixes" in unsafe[0].title
    fixed = apply(text, edits_of(unsafe[0], path.as_uri()))
    assert "SECRET_KEY = 'short'" not in fixed
    assert "short" not in unsafe[0].title  # titles never quote a value
    if "DATABASE = {" in text:
        database = [a for t, a in titles.items() if "--upgrade-databases" in t]
        assert database and not database[0].is_preferred


async def test_per_file_ignores_of_the_project_apply(client, tmp_path):
    (tmp_path / "tox.ini").write_text("[flake8]\nper-file-ignores =\n    configuration.py:NBX005\n")
    path = tmp_path / "configuration.py"
    published = await open_document(client, path, UPGRADE_27)
    assert "NBX005" not in {d.code for d in published.diagnostics}
    assert sorted((d.range.start.line + 1, d.range.start.character + 1, d.code, d.message)
                  for d in published.diagnostics) == flake8_findings(path)
