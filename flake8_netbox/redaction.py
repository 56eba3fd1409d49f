"""Keeping secrets out of output: which string literals a diff may show, and how a message
names a dict key or an environment variable that may itself be a secret.

Redaction does not depend on which findings the rules produced (a rule that misses a secret
must not make the diff print it): every string literal on a printed line is replaced by
``<redacted>`` unless it is provably not secret by its place and its shape. Literals are found
with the standard library's tokenizer, so multi-line strings, implicit concatenation,
f-strings and literals inside expressions (``'a' + 'b'``) are all seen.

Shown as written:
- keys, subscripts and environment variable names (``'HOST':``, ``REDIS['tasks']``,
  ``os.environ['DB_PASSWORD']``) shaped like a word or a setting name (``HOST``, ``tasks``,
  ``connect_timeout``: one case throughout, digits only at the end);
- other literals shaped like a word, a host name (``netbox.example.com``, ``*.example.com``,
  ``10.0.0.1``), a URL without user information, query or fragment, an absolute path, a dotted
  Python path or a number, and only when no name, key or keyword on the way to it looks like
  a secret's (``PASSWORD``, ``SECRET``, ``TOKEN``, ``KEY``, ``PEPPER``, ... and misspellings
  of them such as ``PASSWROD``).
Everything else, every f-string and every literal whose text cannot be evaluated is redacted.
"""

from __future__ import annotations

import ast
import difflib
import io
import re
import tokenize
from typing import List, Optional, Sequence, Tuple

REDACTED = "<redacted>"

#: Parts of names that mark the value beside them as a secret.
SECRET_PARTS = ("PASS", "PWD", "SECRET", "TOKEN", "PEPPER", "KEY", "CREDENTIAL", "AUTH",
                "PRIVATE", "SALT", "SIGNATURE", "CERT", "DSN")
#: Whole words whose misspellings (``PASSWROD``, ``SECERT``) count too.
_SECRET_WORDS = ("PASSWORD", "PASSWD", "SECRET", "TOKEN", "PEPPER", "PASSPHRASE", "APIKEY")

#: A word or a setting name: ``HOST``, ``SECRET_KEY``, ``tasks``, ``db2``, ``connect_timeout``
#: (one case throughout, digits only at the end).
_WORD = re.compile(r"[A-Z]+(?:_[A-Z]+)*[0-9]*|[a-z]+(?:_[a-z]+)*[0-9]*")
_HOST = re.compile(r"(?:\*|\*?\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)+\.?|[a-z0-9-]+|\*")
_URL = re.compile(r"[a-z][a-z0-9+.-]*://(?:[a-z0-9.-]+|\[[0-9a-f:]+\])(?::[0-9]+)?"
                  r"(?:/[A-Za-z0-9._/-]*)?")
_PATH = re.compile(r"(?:/[A-Za-z0-9._-]+)+/?")
_DOTTED = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)+")
_NUMBER = re.compile(r"[0-9]{1,6}(?:\.[0-9]{1,6})?")  # a port, a database, a version

_OPEN = {"(": ")", "[": "]", "{": "}"}
_CLOSE = {v: k for k, v in _OPEN.items()}


def secret_like(name: str) -> bool:
    """Does a setting name, dict key or keyword look like it holds a secret?"""
    upper = name.upper()
    if any(part in upper for part in SECRET_PARTS):
        return True
    pieces = [p for p in re.split(r"[^A-Z0-9]+", upper) if len(p) >= 5]
    return any(difflib.get_close_matches(p, _SECRET_WORDS, n=1, cutoff=0.75) for p in pieces)


def word_like(text: str) -> bool:
    """Is ``text`` shaped like a word or a setting name (not like a random string)?"""
    return len(text) <= 64 and _WORD.fullmatch(text) is not None


def plain_value(text: str) -> bool:
    """Is ``text`` shaped like something that is never a secret by itself: empty, a word, a
    host name, a URL without user information, an absolute path, a dotted Python path or a
    number?"""
    if text == "":
        return True
    if len(text) > 200:
        return False
    return any(pattern.fullmatch(text)
               for pattern in (_WORD, _HOST, _URL, _PATH, _DOTTED, _NUMBER))


def describe_key(key: object, index: Optional[int] = None) -> str:
    """How a message names a dict key: quoted when it is shaped like a word or a setting name,
    else described by its length (and position), never quoted: a key can be a secret written
    in the wrong place (a password as a key, a pepper as API_TOKEN_PEPPERS' ID)."""
    if not isinstance(key, str):
        return repr(key) if isinstance(key, (int, float, bool)) or key is None else \
            "a key that is not a string"
    if word_like(key):
        return repr(key)
    where = f", entry {index + 1}" if index is not None else ""
    return f"<{len(key)}-character key{where}>"


#: One piece of a value a message may quote: a word in one case or capitalised, digits only at
#: the end (``netbox``, ``bgp``, ``Europe``, ``db2``), or a short number.
_PIECE = re.compile(r"[A-Z]+[0-9]*|[A-Z]?[a-z]+[0-9]*|[0-9]{1,6}")
#: The characters between those pieces in a host, an origin, a module or a path.
_TEXT = re.compile(r"[A-Za-z0-9._/:*+, -]*")


def text_like(text: str) -> bool:
    """Is ``text`` (a host name, origin, module or engine path, time zone...) made only of
    pieces shaped like words or short numbers, without user information and without any piece
    that names a secret? Only such text is quoted in a message: a value of another shape may
    be (or hold) a secret pasted in the wrong place."""
    if len(text) > 80 or not _TEXT.fullmatch(text):  # no '@', '?', '=', '%', '!', ...
        return False
    pieces = [p for p in re.split(r"[^A-Za-z0-9]+", text) if p]
    return all(_PIECE.fullmatch(p) and not secret_like(p) for p in pieces)


def describe_text(text: str, noun: str = "value") -> str:
    """How a message names a string value: quoted when :func:`text_like`, else by its length
    (``<23-character entry>``), never quoted."""
    return repr(text) if text_like(text) else f"<{len(text)}-character {noun}>"


def describe_variable(name: str) -> str:
    """How a message names an environment variable the file reads: ``$NAME`` when it is shaped
    like one (letters, digits and underscores, one case per part), else its length."""
    if word_like(name.strip("_") or "x"):
        return f"${name}"
    return f"an environment variable with a {len(name)}-character name"


# -- literals in source text ---------------------------------------------------------------


class _Frame:
    __slots__ = ("bracket", "secret", "label")

    def __init__(self, bracket: str, secret: bool) -> None:
        self.bracket = bracket
        self.secret = secret  # everything inside is a secret's context
        self.label = False  # the current key, name or keyword at this level looks secret


def _value_of(token: str) -> Optional[object]:
    try:
        return ast.literal_eval(token)
    except (ValueError, SyntaxError, MemoryError, RecursionError, TypeError):
        return None


#: A piece of a comment's word that may be shown: letters, then digits only at the end.
_COMMENT_PIECE = re.compile(r"[A-Za-z]{1,30}[0-9]{0,6}|[0-9]{1,6}")


def _comment_cut(comment: str) -> Optional[int]:
    """Where a comment's text stops being shown (None: all of it is): at its first word with a
    piece of another shape (``Xk7pQ2wZ9``, ``hunter2!``), or after a word naming a secret
    (``# password: ...``). A comment is prose or a note such as ``# noqa: NBX101``; a
    password pasted into it must not reach a diff's context."""
    position = 0
    words = re.finditer(r"\S+", comment)
    for word in words:
        pieces = [p for p in re.split(r"[^A-Za-z0-9]+", word.group()) if p]
        if not all(_COMMENT_PIECE.fullmatch(p) for p in pieces):
            return word.start()
        position = word.end()
        if any(secret_like(p) for p in pieces) and comment[position:].strip():
            following = next(words, None)
            return following.start() if following else None
    return None


def _literals(text: str) -> List[Tuple[Tuple[int, int], Tuple[int, int], bool]]:
    """(start, end, shown) of every string literal, number and comment of ``text`` (rows from
    1, as tokenize counts them): whether it may be shown as written. For a comment, ``start``
    is where its hidden part begins."""
    found = []
    tokens = []
    for t in tokenize.generate_tokens(io.StringIO(text).readline):
        if t.type == tokenize.COMMENT:
            cut = _comment_cut(t.string)
            if cut is not None:
                found.append(((t.start[0], t.start[1] + cut), t.end, False))
        elif t.type not in (tokenize.NL, tokenize.INDENT, tokenize.DEDENT):
            tokens.append(t)
    fstring_start = getattr(tokenize, "FSTRING_START", None)
    fstring_end = getattr(tokenize, "FSTRING_END", None)
    # Fold each f-string (Python 3.12+ tokenizes its inside) into one pseudo token.
    folded: List[Tuple[int, str, Tuple[int, int], Tuple[int, int]]] = []
    depth = 0
    start = (0, 0)
    for token in tokens:
        if fstring_start is not None and token.type == fstring_start:
            if depth == 0:
                start = token.start
            depth += 1
            continue
        if fstring_end is not None and token.type == fstring_end:
            depth -= 1
            if depth == 0:
                folded.append((tokenize.STRING, "f''", start, token.end))
            continue
        if depth:
            continue
        folded.append((token.type, token.string, token.start, token.end))
    frames = [_Frame("", False)]
    for index, (kind, string, begin, end) in enumerate(folded):
        frame = frames[-1]
        if kind == tokenize.NEWLINE and len(frames) == 1:
            frame.label = False
        elif kind == tokenize.NAME:
            if secret_like(string):
                frame.label = True
        elif kind == tokenize.OP and string in _OPEN:
            frames.append(_Frame(string, frame.secret or frame.label))
        elif kind == tokenize.OP and string in _CLOSE:
            if len(frames) > 1:
                closed = frames.pop()
                if closed.bracket == "[" and closed.label:  # X['PASSWORD'] = ...
                    frames[-1].label = True
        elif kind == tokenize.OP and string == "," and frame.bracket == "{":
            frame.label = False
        elif kind == tokenize.NUMBER:
            before = folded[index - 1][1] if index else ""
            after = folded[index + 1][1] if index + 1 < len(folded) else ""
            keyed = (frame.bracket == "{" and after == ":") or \
                (frame.bracket == "[" and before == "[" and after == "]")
            short = _NUMBER.fullmatch(string.replace("_", "")) is not None
            found.append((begin, end, short and (keyed or not (frame.secret or frame.label))))
        elif kind == tokenize.STRING:
            value = None if re.match(r"[A-Za-z]*[fF]", string) else _value_of(string)
            if isinstance(value, bytes):
                value = value.decode("latin-1")
            after = folded[index + 1][1] if index + 1 < len(folded) else ""
            before = folded[index - 1][1] if index else ""
            keyed = (frame.bracket == "{" and after == ":") or \
                (frame.bracket == "[" and before == "[" and after == "]") or \
                (frame.bracket == "(" and before == "(" and after in (",", ")"))
            if not isinstance(value, str):
                shown = False
            else:
                shown = (keyed and word_like(value)) or \
                    (not (frame.secret or frame.label) and plain_value(value))
            if isinstance(value, str) and keyed and secret_like(value):
                frame.label = True
            found.append((begin, end, shown))
    return found


def split_lines(text: str) -> List[str]:
    """The lines of ``text`` ended by ``\n`` as the tokenizer (and Python) counts them
    (``str.splitlines`` also splits at form feeds and other characters a string may hold)."""
    parts = text.split("\n")
    return [part + "\n" for part in parts[:-1]] + ([parts[-1]] if parts[-1] else [])


def redacted_lines(text: str) -> List[str]:
    """The lines of ``text`` (as ``split_lines`` counts them) with
    every string literal that is not provably harmless replaced by ``<redacted>``. A text the
    tokenizer cannot read has everything from the first quote of each line on redacted."""
    lines = split_lines(text)
    try:
        literals = _literals(text)
    except (tokenize.TokenError, SyntaxError, IndentationError, ValueError, RecursionError):
        return [_redact_from_quote(line) for line in lines]
    pieces: List[List[Tuple[int, int, str]]] = [[] for _ in lines]
    for (row, column), (end_row, end_column), shown in literals:
        if shown:
            continue
        first, last = row - 1, end_row - 1
        if first >= len(lines) or last >= len(lines):
            continue
        token = lines[first][column:]
        if first == last and not re.match(r"[A-Za-z]*['\"]", token):  # a number or a comment
            pieces[first].append((column, end_column, REDACTED))
            continue
        opening = _opening(token)
        if first == last:
            quote = opening[-1] if opening else "'"
            closing = quote * 3 if opening.endswith(quote * 3) else quote
            pieces[first].append((column, end_column, f"{opening}{REDACTED}{closing}"))
            continue
        pieces[first].append((column, len(lines[first].rstrip("\r\n")), opening + REDACTED))
        for middle in range(first + 1, last):
            pieces[middle].append((0, len(lines[middle].rstrip("\r\n")), REDACTED))
        close = opening[len(opening.rstrip("'\"")):]
        pieces[last].append((0, end_column, REDACTED + close))
    out = []
    for line, edits in zip(lines, pieces):
        for start, stop, new in sorted(edits, reverse=True):
            line = line[:start] + new + line[stop:]
        out.append(line)
    return out


def _opening(token: str) -> str:
    """The prefix and opening quote(s) of a string literal's text."""
    match = re.match(r"[A-Za-z]*('''|\"\"\"|'|\")", token)
    return match.group(0) if match else "'"


def _redact_from_quote(line: str) -> str:
    body = line.rstrip("\r\n")
    cut = min((i for i in (body.find("'"), body.find('"')) if i >= 0), default=-1)
    return line if cut < 0 else body[:cut] + REDACTED + line[len(body):]


def redacted_diff(old: str, new: str, name: str, context: int = 3) -> str:
    """A unified diff of ``old`` to ``new`` (hunks computed on the real texts) whose printed
    lines come from the redacted texts."""
    a, b = split_lines(old), split_lines(new)
    shown_a, shown_b = redacted_lines(old), redacted_lines(new)
    if len(shown_a) != len(a) or len(shown_b) != len(b):  # never print an unredacted line
        shown_a = [_redact_from_quote(line) for line in a]
        shown_b = [_redact_from_quote(line) for line in b]
    out: List[str] = []
    for group in difflib.SequenceMatcher(None, a, b, autojunk=False).get_grouped_opcodes(
            context):
        if not out:
            out += [f"--- a/{name}\n", f"+++ b/{name}\n"]
        first, last = group[0], group[-1]
        out.append(f"@@ -{_range(first[1], last[2])} +{_range(first[3], last[4])} @@\n")
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                out += [" " + line for line in shown_a[i1:i2]]
                continue
            out += ["-" + line for line in shown_a[i1:i2]]
            out += ["+" + line for line in shown_b[j1:j2]]
    return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n"
                   for line in out)


def _range(start: int, stop: int) -> str:
    """A hunk range as unified diffs write it."""
    length = stop - start
    if length == 1:
        return str(start + 1)
    return f"{start + 1 if length else start},{length}"


def line_map(old: str, new: str) -> Sequence[Optional[int]]:
    """For each line of ``new`` (index from 0), the line of ``old`` it is, unchanged (index
    from 0), or None for a line a fix wrote."""
    a, b = split_lines(old), split_lines(new)
    mapping: List[Optional[int]] = [None] * len(b)
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b,
                                                       autojunk=False).get_opcodes():
        if tag == "equal":
            for offset in range(j2 - j1):
                mapping[j1 + offset] = i1 + offset
    return mapping


# -- names in messages ---------------------------------------------------------------------


def shown_variable(name: str) -> str:
    """An environment variable the file reads, as a message names it (``$NAME``, or its
    length when it is not shaped like a variable name: it may be a secret pasted there)."""
    return describe_variable(name)


def quoted_variable(name: str) -> str:
    """An environment variable's name as a message quotes it in suggested code."""
    return repr(name) if describe_variable(name).startswith("$") else "'...'"
