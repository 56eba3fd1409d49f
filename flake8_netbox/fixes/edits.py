"""Text edits on dict literals that keep comments with the entries they belong to.

libcst keeps a comment in the whitespace between two entries: the comment on an entry's own
line sits after its comma, the comment lines above the next entry come after that. Reading them
that way lets a fix move an entry into another dict and take its comments along.
"""

from __future__ import annotations

import io
import re
import tokenize
from typing import Any, List, NamedTuple, Optional, Sequence, Set, Tuple

import libcst as cst

from flake8_netbox.fixes.base import Edit, Source, string_key


#: What may follow an entry on its own line: its comma and its comment.
_REST_OF_LINE = re.compile(r"[ \t]*,?[ \t]*(#.*)?\r?\n?")


class Item(NamedTuple):
    """One entry of a dict literal as written."""

    key: Optional[str]  # a plain string key, else None
    text: str  # ``'KEY': value`` exactly as written (it may span lines)
    indent: str  # indentation of the line it starts on
    leading: List[str]  # comment lines above it ('' for a blank line)
    trailing: str  # the comment on its last line, or ''
    element: Any

    def comments(self) -> List[str]:
        """Every comment that belongs to it: above it, inside its value, beside it."""
        return [c for c in [*self.leading, *inner_comments(self.text), self.trailing] if c]


class DictText(NamedTuple):
    items: List[Item]
    opening: str  # comment after the opening brace
    closing: List[str]  # comment lines above the closing brace


def _comments(whitespace: Any) -> "tuple[str, List[str]]":
    """(comment ending the current line, comment lines that follow) of a whitespace node."""
    if not isinstance(whitespace, cst.ParenthesizedWhitespace):
        return "", []
    first = whitespace.first_line.comment
    lines = [line.comment.value if line.comment else "" for line in whitespace.empty_lines]
    return (first.value if first else ""), lines


def read_dict(source: Source, node: cst.Dict, stmt: int) -> DictText:
    """The entries of a dict literal in top-level statement ``stmt``, with their comments."""
    opening, pending = _comments(node.lbrace.whitespace_after)
    items: List[Item] = []
    for element in node.elements:
        if isinstance(element, cst.DictElement):
            start = source.span(element.key, stmt)[0]
            key = string_key(element.key)
        else:  # ``**other``
            start = source.span(element, stmt)[0]
            key = None
        end = source.span(element.value, stmt)[1]
        trailing, after = "", []
        comma = element.comma
        if isinstance(comma, cst.Comma):
            before_comma, lines_before = _comments(comma.whitespace_before)
            trailing, after = _comments(comma.whitespace_after)
            trailing = trailing or before_comma
            after = lines_before + after
        items.append(Item(key, source.text[start:end], source.indentation(start), pending,
                          trailing, element))
        pending = after
    last_trailing, closing = _comments(node.rbrace.whitespace_before)
    if items and last_trailing and not items[-1].trailing:
        items[-1] = items[-1]._replace(trailing=last_trailing)
    elif last_trailing:
        closing = [last_trailing] + closing
    return DictText(items, opening, pending + closing)


def _tokens(text: str) -> List[tokenize.TokenInfo]:
    """The tokens of an entry's text, rows counted from 0 at its first line (an entry is not a
    statement: it is tokenized inside parentheses)."""
    found: List[tokenize.TokenInfo] = []
    try:
        for token in tokenize.generate_tokens(io.StringIO("(\n" + text + "\n)").readline):
            found.append(token._replace(start=(token.start[0] - 2, token.start[1]),
                                        end=(token.end[0] - 2, token.end[1])))
    except (tokenize.TokenError, SyntaxError, IndentationError):
        pass
    return found


def _comment_tokens(text: str) -> List[Tuple[int, int, str]]:
    """(row, column, comment) of each comment inside an entry's text."""
    return [(token.start[0], token.start[1], token.string) for token in _tokens(text)
            if token.type == tokenize.COMMENT]


def inner_comments(text: str) -> List[str]:
    """Comments written inside an entry (in a value spread over several lines)."""
    return [comment for _, _, comment in _comment_tokens(text)]


def without_comments(text: str) -> str:
    """An entry's text with the comments inside it removed (for a copy: a comment is kept
    once, with the original)."""
    lines = text.split("\n")
    for row, column, _ in reversed(_comment_tokens(text)):
        end = "\r" if lines[row].endswith("\r") else ""  # a CRLF file stays CRLF
        lines[row] = lines[row][:column].rstrip() + end
    return "\n".join(lines)


def _string_rows(text: str) -> Set[int]:
    """Rows (0-based) of ``text`` that continue a multi-line string: never re-indented."""
    rows: Set[int] = set()
    for token in _tokens(text):
        if token.type == tokenize.STRING and token.end[0] > token.start[0]:
            rows.update(range(token.start[0] + 1, token.end[0] + 1))
    return rows


def reindent(text: str, old: str, new: str) -> str:
    """Move the continuation lines of ``text`` from indentation ``old`` to ``new``."""
    lines = text.split("\n")
    keep = _string_rows(text)
    for row in range(1, len(lines)):
        if row not in keep and lines[row].startswith(old):
            lines[row] = new + lines[row][len(old):]
    return "\n".join(lines)


def entry_lines(item: Item, indent: str, text: Optional[str] = None,
                comments: bool = True) -> List[str]:
    """An entry written at ``indent`` (with its comments, or none at all for a copy), ending
    with a comma."""
    body = text if text is not None else item.text
    body = reindent(body if comments else without_comments(body), item.indent, indent)
    lines = [indent + comment if comment else "" for comment in item.leading] if comments else []
    tail = f"  {item.trailing}" if comments and item.trailing else ""
    lines.append(f"{indent}{body},{tail}")
    return lines


def render_dict(opening: str, sections: Sequence[List[str]], closing: List[str], base: str,
                unit: str, newline: str) -> str:
    """``{`` + already indented entry lines + closing comments + ``}`` at ``base``."""
    lines = ["{" + (f"  {opening}" if opening else "")]
    for section in sections:
        lines.extend(section)
    lines.extend(base + unit + comment if comment else "" for comment in closing)
    lines.append(base + "}")
    return newline.join(lines)


def insert_entry(source: Source, node: cst.Dict, stmt: int, entry: str
                 ) -> Optional[List[Edit]]:
    """Edits adding ``entry`` (``'KEY': value``) as the last entry of a dict literal, on a
    line of its own when the dict is written one entry per line. None if it cannot be done
    cleanly (an empty dict holding comments)."""
    start, end = source.span(node, stmt)
    if not node.elements:
        if source.text[start:end] != "{}":
            return None
        return [Edit(start, end, "{" + entry + "}")]
    last = node.elements[-1]
    value_end = source.span(last.value, stmt)[1]
    brace = end - 1
    if "\n" not in source.text[value_end:brace]:
        return [Edit(value_end, value_end, ", " + entry)]
    first_key = last.key if isinstance(last, cst.DictElement) else last
    indent = source.indentation(source.span(first_key, stmt)[0])
    edits = [] if isinstance(last.comma, cst.Comma) else [Edit(value_end, value_end, ",")]
    at = source.line_start(brace)
    if source.text[at:brace].strip():  # '}' follows other text on its line
        return None
    edits.append(Edit(at, at, f"{indent}{entry},{source.newline}"))
    return edits


def remove_entry(source: Source, node: cst.Dict, stmt: int, index: int,
                 keep_comments: bool = True) -> List[Edit]:
    """Edits removing entry ``index`` of a dict literal. Its comments stay behind as comment
    lines unless ``keep_comments`` is False (the caller wrote them elsewhere)."""
    items = read_dict(source, node, stmt).items
    item = items[index]
    start = source.span(item.element.key if isinstance(item.element, cst.DictElement)
                        else item.element, stmt)[0]
    end = source.span(item.element.value, stmt)[1]
    comma = item.element.comma
    own_line = not source.text[source.line_start(start):start].strip()
    after = source.text[end:source.line_end(end)]
    if own_line and _REST_OF_LINE.fullmatch(after):
        first = source.line_start(start)
        for _ in item.leading:  # the comment lines above it belong to it
            first = source.line_start(first - 1)
        comments = item.comments() if keep_comments else []
        text = "".join(f"{item.indent}{c}{source.newline}" for c in comments)
        return [Edit(first, source.line_end(end), text)]
    # Written on one line with other entries: remove it with one separating comma. Comments
    # written inside it stay behind, each on a line of its own; the comment after its comma
    # stays where it is unless the caller wrote it elsewhere.
    kept = "".join(f"{comment}{source.newline}{item.indent}"
                   for comment in inner_comments(item.text)) if keep_comments else ""
    if isinstance(comma, cst.Comma):
        comma_end = end + len(source.text[end:].split(",", 1)[0]) + 1
        following = items[index + 1].element if index + 1 < len(items) else None
        stop = source.span(following.key if isinstance(following, cst.DictElement)
                           else following, stmt)[0] if following is not None else comma_end
        if keep_comments and "#" in source.text[comma_end:stop]:  # the comment there stays
            stop = comma_end
            line = source.text[source.line_start(start):start]
            start -= len(line) - len(line.rstrip(" \t"))
        return [Edit(start, stop, kept)]
    previous_end = source.span(items[index - 1].element.value, stmt)[1] if index else start
    if kept:
        return [Edit(previous_end, end, "," + source.newline + item.indent + kept.rstrip(" \t"))
                if index else Edit(start, end, kept)]
    return [Edit(previous_end, end, "")]


def replace_literal(source: Source, node: Any, stmt: int, text: str) -> List[Edit]:
    """Edits replacing a string literal (written in pieces or not) with ``text``, keeping the
    parentheses around it and every comment between its pieces: the first piece becomes
    ``text``, the others are removed."""
    start, end = source.span(node, stmt, parentheses=False)
    if not isinstance(node, cst.ConcatenatedString) or "#" not in source.text[start:end] or \
            not _comment_tokens(source.text[start:end]):
        return [Edit(start, end, text)]
    pieces: List[Any] = []
    pending = [node]
    while pending:
        piece = pending.pop()
        if isinstance(piece, cst.ConcatenatedString):
            pending += [piece.right, piece.left]
        else:
            pieces.append(piece)
    edits = []
    for index, piece in enumerate(pieces):
        piece_start, piece_end = source.span(piece, stmt, parentheses=False)
        edits.append(Edit(piece_start, piece_end, text if index == 0 else ""))
    return edits


def insert_after(source: Source, statement: cst.CSTNode, stmt: int, lines: List[str]) -> Edit:
    """An edit adding ``lines`` as new lines after ``statement`` (in top-level statement
    ``stmt``), at its indentation."""
    start, end = source.span(statement, stmt)
    at = source.line_end(end)
    indent = source.indentation(start)
    prefix = "" if source.text[:at].endswith(("\n", "\r")) or not at else source.newline
    return Edit(at, at, prefix + "".join(f"{indent}{line}{source.newline}" for line in lines))


def insert_import(source: Source, statement: str) -> Edit:
    """An edit adding ``statement`` after the imports at the top of the module (after its
    docstring when it has no imports there)."""
    body = list(source.module.body)
    index = 1 if body and _is_docstring(body[0]) else 0
    last = None
    while index < len(body) and isinstance(body[index], cst.SimpleStatementLine) and all(
            isinstance(small, (cst.Import, cst.ImportFrom)) for small in body[index].body):
        last = index
        index += 1
    if last is not None:
        return insert_after(source, body[last], last, [statement])
    if index < len(body):
        at = source.line_start(source.span(body[index], index)[0])
        return Edit(at, at, statement + source.newline)
    if body:
        return insert_after(source, body[-1], len(body) - 1, [statement])
    return Edit(len(source.text), len(source.text), statement + source.newline)


def _is_docstring(statement: cst.CSTNode) -> bool:
    return isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1 and \
        isinstance(statement.body[0], cst.Expr) and \
        isinstance(statement.body[0].value, (cst.SimpleString, cst.ConcatenatedString))
