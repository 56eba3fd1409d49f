"""The README's language server snippets, as the editor tests run them: each test reads the
snippet from README.md (section "Language server", one heading per editor) instead of a copy,
so the README says what is tested. ``flake8-netbox`` in a snippet is found on ``PATH``: the
tests put a ``flake8-netbox`` that runs this Python's package first there."""

from __future__ import annotations

import os
import shlex
import stat
import sys
from pathlib import Path
from typing import Dict, List

README = Path(__file__).parent.parent.parent / "README.md"


def snippets(heading: str, language: str) -> List[str]:
    """The ``language`` code blocks (in order) under the README's ``#### heading...`` of the
    Language server section, up to the next heading. Raises LookupError when there is none."""
    lines = README.read_text(encoding="utf-8").splitlines(keepends=True)
    found: List[str] = []
    inside = False
    block: List[str] = []
    fence = ""
    for line in lines:
        if fence:
            if line.startswith("```"):
                if inside and fence == language:
                    found.append("".join(block))
                fence, block = "", []
            else:
                block.append(line)
            continue
        if line.startswith("```"):
            fence = line[3:].strip() or "text"
            continue
        if line.startswith("#"):
            inside = line.startswith(f"#### {heading}")
    if not found:
        raise LookupError(f"no {language} snippet under '#### {heading}' in README.md")
    return found


def path_with_server(folder: Path) -> Dict[str, str]:
    """An environment whose ``PATH`` starts with ``folder`` holding a ``flake8-netbox`` that
    runs ``python -m flake8_netbox`` with this interpreter (the one under test)."""
    folder.mkdir(parents=True, exist_ok=True)
    shim = folder / "flake8-netbox"
    shim.write_text(f"#!/bin/sh\nexec {shlex.quote(sys.executable)} -m flake8_netbox \"$@\"\n")
    shim.chmod(shim.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return {**os.environ, "PATH": f"{folder}{os.pathsep}{os.environ.get('PATH', '')}"}
