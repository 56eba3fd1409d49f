"""Code actions: the fixes of ``--fix`` one at a time, ``# noqa: NBXnnn`` on a finding's line,
and the whole upgrade as a source action. Every edit is computed on the text of the document
version it names, and kept only when the result still parses.
"""

from __future__ import annotations

import ast
import difflib
import io
import re
import tokenize
from typing import List, Optional, Sequence, Tuple

from lsprotocol import types

from flake8_netbox.checker import Placed
from flake8_netbox.fixes.base import SAFE, UNSAFE, UPGRADE_DATABASES, Change
from flake8_netbox.fixer import apply_edits
from flake8_netbox.lsp.convert import LineIndex

#: The source action's kind: editors run ``source.fixAll`` actions on request or on save.
UPGRADE_KIND = "source.fixAll.flake8-netbox"
#: flake8's inline noqa comment (flake8.defaults.NOQA_INLINE_REGEX, its codes as one group).
_NOQA = re.compile(r"#\s*noqa(?::\s?(?P<codes>[A-Z]+[0-9]+(?:[,\s]+[A-Z]+[0-9]+)*))?",
                   re.IGNORECASE)


def workspace_edit(uri: str, version: Optional[int], edits: List[types.TextEdit],
                   versioned: bool) -> types.WorkspaceEdit:
    """A WorkspaceEdit for one document; with ``versioned`` (the client supports
    documentChanges) it names the version its edits were computed on, so that a client
    holding a newer text refuses it instead of applying it in the wrong place."""
    if versioned:
        return types.WorkspaceEdit(document_changes=[types.TextDocumentEdit(
            types.OptionalVersionedTextDocumentIdentifier(uri=uri, version=version), edits)])
    return types.WorkspaceEdit(changes={uri: edits})


def _parses(text: str) -> bool:
    try:
        ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True


def fix_title(kind: str, change: Change) -> str:
    """The action's title: safe fixes plainly; the others with what makes them explicit."""
    if kind == SAFE:
        return f"Fix {change.code}: {change.summary}"
    then = f"; then: {change.todo[0]}" if change.todo else ""
    if kind == UNSAFE:
        return (f"Unsafe fix {change.code} (--unsafe-fixes, changes what NetBox does): "
                f"{change.summary}{then}")
    if kind == UPGRADE_DATABASES:
        return (f"Upgrade fix (--upgrade-databases, NetBox 4.3 and later only): "
                f"{change.summary}{then}")
    return f"{change.summary}{then}"  # pragma: no cover - a kind added later


def fix_actions(uri: str, version: Optional[int], text: str, index: LineIndex,
                proposals: Sequence[Tuple[str, Change]], wanted: Tuple[int, int],
                diagnostics: Sequence[types.Diagnostic], reported: Sequence[Placed],
                versioned: bool) -> List[types.CodeAction]:
    """A quick fix for each proposed change whose finding touches the lines of ``wanted``
    (offsets): safe ones preferred, the others explicit."""
    first = index.position(wanted[0]).line
    last = index.position(wanted[1]).line
    actions = []
    for kind, change in proposals:
        lines = {index.position(change.where).line}
        lines |= {index.position(found.start).line for found in reported
                  if found.code == change.code}
        if not any(first <= line <= last for line in lines):
            continue
        fixed = apply_edits(text, list(change.edits))
        if not _parses(fixed):
            continue
        edits = [types.TextEdit(index.range(edit.start, edit.end), edit.text)
                 for edit in sorted(change.edits, key=lambda e: (e.start, e.end))]
        actions.append(types.CodeAction(
            title=fix_title(kind, change),
            kind=types.CodeActionKind.QuickFix,
            diagnostics=[d for d in diagnostics if d.code == change.code] or None,
            is_preferred=kind == SAFE,
            edit=workspace_edit(uri, version, edits, versioned)))
    return actions


def noqa_action(uri: str, version: Optional[int], text: str, index: LineIndex, found: Placed,
                diagnostics: Sequence[types.Diagnostic], versioned: bool
                ) -> Optional[types.CodeAction]:
    """Add ``# noqa: CODE`` where flake8 reads it for the finding's line (the last line of a
    string or a backslash continuation spanning several lines), or add the code to the
    ``# noqa:`` comment already there."""
    line = noqa_line(text, found.line)
    if line is None:
        return None
    line_text = index.line_text(line - 1)
    start = index.starts[line - 1]
    comment = _comment_start(text, line)
    existing = _NOQA.search(line_text, comment - start) if comment is not None else None
    if existing is not None and not existing.group("codes"):
        return None  # a bare "# noqa" already silences everything on the line
    if existing is not None:
        at = start + existing.end("codes")
        edit = types.TextEdit(index.range(at, at), f",{found.code}")
    else:
        at = start + len(line_text)
        edit = types.TextEdit(index.range(at, at), f"  # noqa: {found.code}")
    new = text[:at] + edit.new_text + text[at:]
    if not _parses(new):
        return None
    return types.CodeAction(
        title=f"Ignore {found.code} on this line (# noqa: {found.code})",
        kind=types.CodeActionKind.QuickFix,
        diagnostics=[d for d in diagnostics if d.code == found.code] or None,
        edit=workspace_edit(uri, version, [edit], versioned))


def noqa_line(text: str, line: int) -> Optional[int]:
    """The line whose ``# noqa`` flake8 applies to ``line`` (flake8 joins the lines of a
    token spanning several, such as a triple-quoted string, and of backslash continuations):
    the last line of that group. None when the text does not tokenize."""
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return None
    low, high = None, None
    for token in tokens:
        if token.type in (tokenize.ENDMARKER, tokenize.DEDENT):
            continue
        low = token.start[0] if low is None else min(low, token.start[0])
        high = token.end[0] if high is None else max(high, token.end[0])
        if token.type in (tokenize.NL, tokenize.NEWLINE):
            if low <= line <= high:
                return high
            low, high = None, None
    return line


def _comment_start(text: str, line: int) -> Optional[int]:
    """Offset of the comment token on ``line``, if any."""
    try:
        tokens = tokenize.generate_tokens(io.StringIO(text).readline)
        starts = [0]
        for piece in text.splitlines(keepends=True):
            starts.append(starts[-1] + len(piece))
        for token in tokens:
            if token.type == tokenize.COMMENT and token.start[0] == line:
                return starts[line - 1] + token.start[1]
            if token.start[0] > line:
                break
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return None
    return None


def minimal_edits(old: str, new: str, index: LineIndex) -> List[types.TextEdit]:
    """The line-level differences between ``old`` and ``new`` as edits on ``old``: lines that
    did not change are not touched."""
    a = old.splitlines(keepends=True)
    b = new.splitlines(keepends=True)
    starts = [0]
    for piece in a:
        starts.append(starts[-1] + len(piece))
    edits = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        edits.append(types.TextEdit(index.range(starts[i1], starts[i2]), "".join(b[j1:j2])))
    return edits


def upgrade_action(uri: str, version: Optional[int], text: str, fixed: str, release: str,
                   index: LineIndex, versioned: bool) -> Optional[types.CodeAction]:
    """"Upgrade configuration to NetBox X.Y": every safe fix of ``--fix`` at once."""
    if fixed == text or not _parses(fixed):
        return None
    return types.CodeAction(
        title=f"Upgrade configuration to NetBox {release}",
        kind=UPGRADE_KIND,
        edit=workspace_edit(uri, version, minimal_edits(text, fixed, index), versioned))
