"""What the language server keeps stays bounded however many edits it sees (issue 17: memory
over 10,000 edits). The server is driven over stdio by pytest-lsp's client; its own request
``flake8-netbox/serverState`` reports the sizes of what it and pygls keep between messages and
the futures alive in the process. Counts only: no RSS threshold and no timing here (the RSS
soak is ``bench/bench_lsp.py``, its figures in docs/lsp.md)."""

from __future__ import annotations

from pathlib import Path

import pytest

types = pytest.importorskip("lsprotocol.types", reason="the lsp extra is not installed")
pytest.importorskip("pytest_lsp", minversion="1.0", reason="pytest-lsp 1.x needs Python 3.10+")

pytestmark = pytest.mark.asyncio

from listening import Published  # noqa: E402 (needs lsprotocol)

FIXTURES = Path(__file__).parent.parent / "fixtures"
UPGRADE_27 = (FIXTURES / "upgrade" / "netbox27.py").read_text()
STATE = "flake8-netbox/serverState"
EDITS = 300
BURST = 10


async def state(client) -> dict:
    answer = await client.protocol.send_request_async(STATE, None)
    return {name: getattr(answer, name) if not isinstance(answer, dict) else answer[name]
            for name in ("documents", "linted", "published", "pending", "proposed",
                         "requestFutures", "resultTypes", "liveFutures", "gcObjects",
                         "gcEnabled")}


def did_change(client, path: Path, version: int, text: str) -> None:
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        types.VersionedTextDocumentIdentifier(uri=path.as_uri(), version=version),
        [types.TextDocumentContentChangeWholeDocument(text=text)]))


async def test_edits_leave_nothing_behind(client, tmp_path):
    """pygls 2.1 kept the future of every handled notification (one per edit, with its lock
    and condition: the linear RSS growth of the soak); the server drops them."""
    path = tmp_path / "configuration.py"
    path.write_text(UPGRADE_27)
    published = Published(client)
    client.text_document_did_open(types.DidOpenTextDocumentParams(types.TextDocumentItem(
        uri=path.as_uri(), language_id="python", version=1, text=UPGRADE_27)))
    await published.until(path, 1)
    uri = types.TextDocumentIdentifier(uri=path.as_uri())
    version = 1
    seen = []
    for index in range(EDITS):
        version += 1
        # the same few texts again and again: nothing text-keyed may grow either
        did_change(client, path, version, UPGRADE_27 + "# edit %d\n" % (index % 7))
        if index % BURST == BURST - 1:
            await published.until(path, version)
        if index % 50 == 49:
            await client.text_document_hover_async(types.HoverParams(
                uri, types.Position(line=0, character=1)))
            await client.text_document_code_action_async(types.CodeActionParams(
                uri, types.Range(types.Position(0, 0), types.Position(20, 0)),
                types.CodeActionContext(diagnostics=[])))
            seen.append(await state(client))
    first, last = seen[0], seen[-1]
    # what pygls keeps: only what is running (the state request itself, at most)
    assert max(s["requestFutures"] for s in seen) <= 1, seen
    assert last["resultTypes"] == 0
    # the objects that leaked: as many after 300 edits as after 50
    assert last["liveFutures"] <= first["liveFutures"] + 2, seen
    # the server's own state: one entry per open document
    assert (last["documents"], last["linted"], last["published"]) == (1, 1, 1)
    assert last["pending"] == 0 and last["proposed"] <= 1
    # checking disables the cyclic collector while it builds trees: it is back on after
    assert all(s["gcEnabled"] == 1 for s in seen)
    # no other kind of object piles up: 250 edits later, not even one object per edit more
    # (the leak was about 12 per edit)
    assert last["gcObjects"] - first["gcObjects"] < EDITS - 50, seen


async def test_closed_documents_are_forgotten(client, tmp_path):
    published = Published(client)
    for number in range(20):
        path = tmp_path / f"site{number}" / "configuration.py"
        path.parent.mkdir()
        path.write_text(UPGRADE_27)
        item = types.TextDocumentItem(uri=path.as_uri(), language_id="python", version=1,
                                      text=UPGRADE_27)
        client.text_document_did_open(types.DidOpenTextDocumentParams(item))
        await published.until(path, 1)
        did_change(client, path, 2, UPGRADE_27 + "# edited\n")  # still pending when closed
        client.text_document_did_close(types.DidCloseTextDocumentParams(
            types.TextDocumentIdentifier(uri=path.as_uri())))
    after = await state(client)
    assert {name: after[name] for name in ("documents", "linted", "published", "pending",
                                           "proposed", "requestFutures")} == dict.fromkeys(
        ("documents", "linted", "published", "pending", "proposed", "requestFutures"), 0)
