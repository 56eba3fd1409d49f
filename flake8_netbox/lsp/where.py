"""What sits at an editor position: a setting name or a key path (``REDIS['tasks']['HOST']``),
worked out from Python's own parser (hover) or its tokenizer (completion, on unfinished text).
Only names and keys are read, never values.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from typing import List, NamedTuple, Optional, Tuple

#: Top-level settings whose dicts hold known keys, and how deep: REDIS['tasks'][KEY],
#: DATABASE[KEY], DATABASES['default'][KEY].
KEYED = ("REDIS", "DATABASE", "DATABASES")


class Symbol(NamedTuple):
    """A setting name or a key at a position, with the span of its text."""

    path: Tuple[str, ...]  # ("DEBUG",) or ("REDIS", "tasks", "HOST")
    start: int  # offsets of the name or the key's string literal
    end: int


def _offsets(text: str) -> List[int]:
    starts = [0]
    for line in text.splitlines(keepends=True):
        starts.append(starts[-1] + len(line))
    return starts


def symbol_at(text: str, tree: ast.Module, offset: int) -> Optional[Symbol]:
    """The top-level setting name (assigned or read at module level) or the dict key (of
    REDIS, DATABASE and DATABASES, written as a literal or a subscript) at ``offset``."""
    starts = _offsets(text)
    lines = text.splitlines(keepends=True)

    def span(node: ast.AST) -> Tuple[int, int]:
        def at(line: int, col: int) -> int:
            raw = lines[line - 1].encode("utf-8")[:col] if line - 1 < len(lines) else b""
            return starts[line - 1] + len(raw.decode("utf-8", "replace"))
        return at(node.lineno, node.col_offset), at(node.end_lineno or node.lineno,
                                                    node.end_col_offset or 0)

    found: List[Symbol] = []

    def visit_value(value: ast.AST, path: Tuple[str, ...]) -> None:
        if isinstance(value, ast.Dict):
            for key, item in zip(value.keys, value.values):
                if isinstance(key, ast.Constant) and isinstance(key.value, str):
                    start, end = span(key)
                    found.append(Symbol(path + (key.value,), start, end))
                    visit_value(item, path + (key.value,))
        elif isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and \
                value.func.id == "dict":
            for keyword in value.keywords:
                if keyword.arg is not None:
                    visit_value(keyword.value, path + (keyword.arg,))

    for statement in tree.body:
        targets: List[ast.AST] = []
        value: Optional[ast.AST] = None
        if isinstance(statement, ast.Assign):
            targets, value = list(statement.targets), statement.value
        elif isinstance(statement, (ast.AnnAssign, ast.AugAssign)):
            targets, value = [statement.target], statement.value
        for target in targets:
            if isinstance(target, ast.Name):
                start, end = span(target)
                found.append(Symbol((target.id,), start, end))
                if value is not None:
                    visit_value(value, (target.id,))
            elif isinstance(target, ast.Subscript):
                chain = _subscripts(target, span)
                if chain:
                    found.extend(chain)
                    if value is not None:
                        visit_value(value, chain[-1].path)
        for node in ast.walk(statement):  # settings read at module level (REDIS['tasks'] ...)
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
                start, end = span(node)
                found.append(Symbol((node.id,), start, end))
    for symbol in found:
        if symbol.start <= offset <= symbol.end:
            return symbol
    return None


def _subscripts(target: ast.Subscript, span) -> List[Symbol]:  # type: ignore[no-untyped-def]
    """REDIS['tasks']['HOST'] as symbols for REDIS, 'tasks' and 'HOST'."""
    keys: List[ast.AST] = []
    node: ast.AST = target
    while isinstance(node, ast.Subscript):
        index = node.slice
        if isinstance(index, ast.Index):  # pragma: no cover - Python 3.8
            index = index.value  # type: ignore[attr-defined]
        keys.append(index)
        node = node.value
    if not isinstance(node, ast.Name):
        return []
    out = [Symbol((node.id,), *span(node))]
    path: Tuple[str, ...] = (node.id,)
    for key in reversed(keys):
        if not (isinstance(key, ast.Constant) and isinstance(key.value, str)):
            break
        path += (key.value,)
        out.append(Symbol(path, *span(key)))
    return out


class Place(NamedTuple):
    """Where completion is asked for."""

    path: Tuple[str, ...]  # () at module level; ("REDIS", "tasks") inside that dict
    word: str  # the part of the name or key typed so far
    quoted: bool  # inside an unfinished string literal (a key being typed)
    start: int  # offset where the typed word starts


_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*$")
_OPEN_STRING = re.compile(r"""(['"])([A-Za-z0-9_]*)$""")


def place_at(text: str, offset: int) -> Optional[Place]:
    """The completion context at ``offset`` in possibly unfinished text: a name at the start of
    a module-level line, or a key inside the dicts of REDIS / DATABASE / DATABASES. None
    anywhere else (inside a value, a comment, another dict)."""
    head = text[:offset]
    line_start = head.rfind("\n") + 1
    line = head[line_start:]
    if "#" in line:
        return None
    opened = _OPEN_STRING.search(line)
    quoted = bool(opened) and line.count(opened.group(1)) % 2 == 1 if opened else False
    if quoted and opened:
        word = opened.group(2)
        before = head[:offset - len(word) - 1]
    else:
        match = _WORD.search(line)
        word = match.group() if match else ""
        before = head[:offset - len(word)]
    stack = _open_dicts(before)
    if stack is None:
        return None
    if not stack:
        # module level: only a name at the start of its line (not inside a value)
        if quoted or before[before.rfind("\n") + 1:].strip():
            return None
        return Place((), word, False, offset - len(word))
    path = tuple(stack)
    if path[0] not in KEYED or None in path:
        return None
    tail = before.rstrip()
    if not tail.endswith(("{", ",")):
        return None  # a value, not a key
    return Place(path, word, quoted, offset - len(word))  # type: ignore[arg-type]


def _open_dicts(text: str) -> Optional[List[Optional[str]]]:
    """The names of the dicts open at the end of ``text`` (outermost first): the setting
    assigned, then each key whose value is the next dict; None for a dict reached otherwise,
    or when the end of ``text`` is inside another bracket."""
    stack: List[Tuple[str, Optional[str]]] = []  # (bracket, name)
    previous: List[tokenize.TokenInfo] = []
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type == tokenize.OP and token.string in "([{":
                name: Optional[str] = None
                if token.string == "{":
                    name = _dict_name(previous, not stack)
                stack.append((token.string, name))
            elif token.type == tokenize.OP and token.string in ")]}":
                if stack:
                    stack.pop()
            if token.type not in (tokenize.NL, tokenize.COMMENT, tokenize.INDENT,
                                  tokenize.DEDENT):
                previous = (previous + [token])[-3:]
    except (tokenize.TokenError, IndentationError, SyntaxError):
        pass  # unfinished text: the brackets seen so far are what counts
    if any(bracket != "{" for bracket, _ in stack):
        return None
    return [name for _, name in stack]


def _dict_name(previous: List[tokenize.TokenInfo], top: bool) -> Optional[str]:
    """``NAME = {`` at module level, or ``'key': {`` inside a dict."""
    if len(previous) >= 2 and previous[-1].string in ("=", ":"):
        name = previous[-2]
        if top and previous[-1].string == "=" and name.type == tokenize.NAME:
            return name.string
        if not top and previous[-1].string == ":" and name.type == tokenize.STRING:
            try:
                value = ast.literal_eval(name.string)
            except (ValueError, SyntaxError):
                return None
            return value if isinstance(value, str) else None
    return None


def key_table(path: Tuple[str, ...]) -> str:
    """Which keys belong at ``path``: "sections" (REDIS's sections, or the keys of NetBox
    2.6's flat REDIS), "section" (a REDIS section), "database" (a database dict), or ""."""
    if path[0] == "REDIS":
        return {1: "sections", 2: "section"}.get(len(path), "")
    if (path[0] == "DATABASE" and len(path) == 1) or (path[0] == "DATABASES" and len(path) == 2):
        return "database"
    return ""
