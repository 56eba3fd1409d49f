"""The language server's latency and memory, measured over its real stdio protocol.

    python bench/bench_lsp.py [--lines 300] [--edits 200] [--soak 10000] [--burst 10]

1. Latency: a generated configuration of ``--lines`` lines is opened, then edited ``--edits``
   times (one character typed, the whole text sent, as many editors do); each edit's time from
   sending ``textDocument/didChange`` to receiving the ``publishDiagnostics`` of that version
   is taken (the debounce included). The same file is linted by ``flake8 --select=NBX`` as a
   new process, as editors without the server do, for the ratio.
2. Soak: ``--soak`` edits in bursts of ``--burst`` (each burst waits for its diagnostics),
   with a hover, a completion and a code action request every 100 edits; the server's
   resident memory (VmRSS, Linux) and its ``flake8-netbox/serverState`` (what the server and
   pygls keep, live futures, objects tracked by the garbage collector) are sampled every
   1,000 edits. Memory is bounded when the samples after warm-up (the first 2,000 edits) stay
   flat: the growth from edit 2,000 to the last is printed, in MiB and per edit.

The client here is a few lines of JSON-RPC over the server's pipes, so the figures are the
server's and not a client library's.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Dict, List, Optional

sys.path.insert(0, str(Path(__file__).parent))
from configs import configuration  # noqa: E402

#: The server's own request reporting what it keeps (counts only).
STATE = "flake8-netbox/serverState"


class Client:
    """A minimal LSP client over a subprocess's stdin and stdout."""

    def __init__(self, command: List[str], cwd: str) -> None:
        self.process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=subprocess.DEVNULL, cwd=cwd)
        self.next_id = 0

    def send(self, message: Dict[str, Any]) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode()
        assert self.process.stdin is not None
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.process.stdin.flush()

    def receive(self) -> Dict[str, Any]:
        assert self.process.stdout is not None
        length = 0
        while True:
            line = self.process.stdout.readline()
            if not line:
                raise EOFError("the server closed its output")
            if line in (b"\r\n", b"\n"):
                break
            name, _, value = line.decode().partition(":")
            if name.lower() == "content-length":
                length = int(value)
        return json.loads(self.process.stdout.read(length))

    def request(self, method: str, params: Any) -> Any:
        self.next_id += 1
        self.send({"id": self.next_id, "method": method, "params": params})
        while True:
            message = self.receive()
            if message.get("id") == self.next_id and "method" not in message:
                return message.get("result")

    def notify(self, method: str, params: Any) -> None:
        self.send({"method": method, "params": params})

    def diagnostics(self, uri: str, version: int) -> List[Any]:
        while True:
            message = self.receive()
            if message.get("method") == "textDocument/publishDiagnostics":
                params = message["params"]
                if params["uri"] == uri and params.get("version") == version:
                    return params["diagnostics"]

    def rss_kib(self) -> Optional[int]:
        try:
            with open(f"/proc/{self.process.pid}/status") as status:
                for line in status:
                    if line.startswith("VmRSS:"):
                        return int(line.split()[1])
        except OSError:
            return None
        return None

    def close(self) -> None:
        self.request("shutdown", None)
        self.notify("exit", None)
        self.process.wait(timeout=10)


def change(client: Client, uri: str, version: int, text: str) -> None:
    client.notify("textDocument/didChange", {
        "textDocument": {"uri": uri, "version": version},
        "contentChanges": [{"text": text}]})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lines", type=int, default=300)
    parser.add_argument("--edits", type=int, default=200)
    parser.add_argument("--soak", type=int, default=10_000)
    parser.add_argument("--burst", type=int, default=10)
    args = parser.parse_args()

    folder = tempfile.mkdtemp()
    path = Path(folder) / "configuration.py"
    text = configuration(args.lines)
    path.write_text(text)
    uri = path.as_uri()
    client = Client([sys.executable, "-m", "flake8_netbox", "lsp"], folder)
    client.request("initialize", {"processId": os.getpid(), "rootUri": Path(folder).as_uri(),
                                  "capabilities": {}})
    client.notify("initialized", {})
    client.notify("textDocument/didOpen", {"textDocument": {
        "uri": uri, "languageId": "python", "version": 1, "text": text}})
    opened = client.diagnostics(uri, 1)
    print(f"{args.lines}-line configuration ({text.count(chr(10))} lines), "
          f"{len(opened)} finding(s)")

    # 1. latency, didChange -> publishDiagnostics
    times = []
    version = 1
    for index in range(args.edits):
        version += 1
        edited = text + ("# edit %d\n" % index)
        start = time.perf_counter()
        change(client, uri, version, edited)
        client.diagnostics(uri, version)
        times.append(time.perf_counter() - start)
    median = statistics.median(times) * 1000
    print(f"didChange -> publishDiagnostics over {args.edits} edits: median {median:.1f} ms, "
          f"p90 {sorted(times)[int(len(times) * 0.9)] * 1000:.1f} ms")

    process_times = []
    for _ in range(10):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "flake8", "--select=NBX", str(path)],
                       capture_output=True, cwd=folder)
        process_times.append(time.perf_counter() - start)
    process = statistics.median(process_times) * 1000
    print(f"flake8 --select=NBX as a new process (10 runs): median {process:.1f} ms; "
          f"the server answers {process / median:.1f}x faster")

    # 2. soak
    if args.soak:
        samples: List[Optional[int]] = []
        states: List[Dict[str, Any]] = []
        for index in range(args.soak):
            version += 1
            change(client, uri, version, text + ("# soak %d\n" % index) * (index % 7))
            if index % args.burst == args.burst - 1:
                client.diagnostics(uri, version)
            if index % 100 == 99:
                position = {"line": 14, "character": 3}
                client.request("textDocument/hover", {"textDocument": {"uri": uri},
                                                      "position": position})
                client.request("textDocument/completion", {"textDocument": {"uri": uri},
                                                           "position": {"line": 14,
                                                                        "character": 0}})
                client.request("textDocument/codeAction", {
                    "textDocument": {"uri": uri},
                    "range": {"start": {"line": 0, "character": 0},
                              "end": {"line": 40, "character": 0}},
                    "context": {"diagnostics": []}})
            if index % 1000 == 999:
                if index % args.burst != args.burst - 1:
                    client.diagnostics(uri, version)  # a burst's end: nothing in flight
                samples.append(client.rss_kib())
                states.append(client.request(STATE, None) or {})
        print(f"soak: {args.soak} edits in bursts of {args.burst}")
        if samples and all(samples):
            print("soak: server RSS every 1,000 edits (MiB): "
                  + ", ".join(f"{sample / 1024:.1f}" for sample in samples))
            print(f"soak: RSS growth from the first to the last sample: "
                  f"{(samples[-1] - samples[0]) / 1024:.1f} MiB")
            if len(samples) > 2:
                edits = (len(samples) - 2) * 1000
                grown = samples[-1] - samples[1]
                print(f"soak: RSS growth after warm-up (edit 2,000 to {len(samples) * 1000:,}): "
                      f"{grown / 1024:.1f} MiB, {grown * 1024 / edits:.0f} bytes per edit")
        for name in ("requestFutures", "liveFutures", "gcObjects", "linted", "published",
                     "pending"):
            values = [state.get(name) for state in states]
            if values and None not in values:
                print(f"soak: {name} every 1,000 edits: "
                      + ", ".join(str(value) for value in values))
    client.close()


if __name__ == "__main__":
    main()
