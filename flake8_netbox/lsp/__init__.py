"""``flake8-netbox lsp``: the language server (stdio), installed with the ``lsp`` extra
(``pip install 'flake8-netbox[lsp]'``: pygls and lsprotocol). Only the command line imports
this package; it imports checker, fixer, fixes, rules, docs and netbox, never the flake8
plugin module, cli or fix_command.
"""

from __future__ import annotations

import sys
from typing import Optional, Sequence

USAGE = """\
usage: flake8-netbox lsp [--stdio]

Start the flake8-netbox language server on standard input and output (the only transport).
Settings come from the project's flake8 configuration and the editor's initializationOptions
(netboxVersion, netboxFiles, netboxCompleteParts, select, extendSelect, ignore, extendIgnore,
perFileIgnores, disableNoqa, config, debounce in ms, docsUrl).
"""


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Serve until the client exits. 0 on a clean exit; 2 on a usage error or when the
    ``lsp`` extra is not installed."""
    args = list(sys.argv[1:] if argv is None else argv)
    if "-h" in args or "--help" in args:
        print(USAGE)
        return 0
    unknown = [arg for arg in args if arg != "--stdio"]
    if unknown:
        print(f"flake8-netbox lsp: unknown argument {unknown[0]!r}\n\n{USAGE}", file=sys.stderr)
        return 2
    try:
        import lsprotocol  # noqa: F401
        import pygls  # noqa: F401
    except ImportError:
        print("flake8-netbox lsp: the language server needs the 'lsp' extra: "
              "pip install 'flake8-netbox[lsp]'", file=sys.stderr)
        return 2
    from flake8_netbox.lsp.server import build

    # The protocol owns standard output: anything else printed (by flake8, a plugin, a
    # warning) goes to standard error instead of corrupting the stream.
    protocol_out = sys.stdout.buffer
    sys.stdout = sys.stderr
    build().start_io(sys.stdin.buffer, protocol_out)
    return 0
