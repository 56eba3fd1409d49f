"""bench/bench_lsp.py's own JSON-RPC client drives the real server (on every Python the lsp
extra installs on, 3.9 included, where pytest-lsp cannot): the client the soak figures come
from works, and what the server keeps stays bounded over a few hundred edits (the soak's
mechanism, as test_memory.py asserts it with pytest-lsp). Counts only, no timing."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

pytest.importorskip("pygls", reason="the lsp extra is not installed")

BENCH = Path(__file__).parent.parent.parent / "bench"
TEXT = (Path(__file__).parent.parent / "fixtures" / "upgrade" / "netbox27.py").read_text()


def bench_lsp():
    sys.path.insert(0, str(BENCH))  # bench_lsp imports its neighbour configs.py
    try:
        spec = importlib.util.spec_from_file_location("bench_lsp", BENCH / "bench_lsp.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module
    finally:
        sys.path.remove(str(BENCH))


def test_edits_leave_nothing_behind_over_the_bench_client(tmp_path):
    bench = bench_lsp()
    path = tmp_path / "configuration.py"
    path.write_text(TEXT)
    uri = path.as_uri()
    client = bench.Client([sys.executable, "-m", "flake8_netbox", "lsp"], str(tmp_path))
    try:
        client.request("initialize", {"processId": None, "rootUri": tmp_path.as_uri(),
                                      "capabilities": {}})
        client.notify("initialized", {})
        client.notify("textDocument/didOpen", {"textDocument": {
            "uri": uri, "languageId": "python", "version": 1, "text": TEXT}})
        codes = {item["code"] for item in client.diagnostics(uri, 1)}
        assert "NBX005" in codes
        first = client.request(bench.STATE, None)
        version = 1
        for index in range(200):
            version += 1
            bench.change(client, uri, version, TEXT + "# edit %d\n" % (index % 7))
            if index % 10 == 9:
                client.diagnostics(uri, version)
        last = client.request(bench.STATE, None)
    finally:
        client.close()
    assert client.process.returncode == 0
    # pygls kept one finished future per notification (202 here) before the server dropped them
    assert last["requestFutures"] <= 1 and last["liveFutures"] <= first["liveFutures"] + 2, last
    assert (last["documents"], last["linted"], last["published"]) == (1, 1, 1)
