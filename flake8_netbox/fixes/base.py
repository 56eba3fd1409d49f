"""What every fix is made of: the findings it answers, its documentation and examples, and the
text edits it proposes.

A fix never rewrites a file itself: it proposes edits (spans of the source text and their new
text), so everything outside the spans stays byte for byte as it was. Each fix's ``before`` and
``after`` examples are run as tests and printed in docs/fixes.md.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from collections import Counter
from dataclasses import dataclass, field
from typing import (Any, ClassVar, Dict, FrozenSet, Iterator, List, NamedTuple, Optional, Set,
                    Sequence, Tuple, Union)

import libcst as cst

from flake8_netbox.cst_nodes import walk
from flake8_netbox.netbox import Release
from flake8_netbox.positions import Positioner
from flake8_netbox.rules.base import NETBOX, Context

#: Which fixes run: the behaviour-preserving ones always; the others when asked for.
SAFE, UPGRADE_DATABASES, UNSAFE = "safe", "upgrade-databases", "unsafe"
#: The command-line flag that turns each kind on, besides --fix or --diff.
FLAGS = {SAFE: "", UPGRADE_DATABASES: "--upgrade-databases", UNSAFE: "--unsafe-fixes"}


class Edit(NamedTuple):
    """Replace ``source[start:end]`` with ``text`` (an insertion when start == end)."""

    start: int
    end: int
    text: str


@dataclass
class Change:
    """One cause fixed: the code it answers, what changed (never a value), and what the user
    must do next."""

    code: str
    summary: str
    edits: List[Edit]
    todo: List[str] = field(default_factory=list)
    #: Offset of the finding it answers (where ``# noqa`` would be), when that is not where
    #: its first edit starts.
    at: Optional[int] = None

    @property
    def where(self) -> int:
        return self.edits[0].start if self.at is None else self.at


class Refusal(NamedTuple):
    """A finding the fix answers but leaves alone, and why."""

    code: str
    reason: str


Proposal = Union[Change, Refusal]


@dataclass(frozen=True)
class FixExample:
    """A configuration before and after ``flake8-netbox --fix`` for ``netbox_version``."""

    before: str
    after: str
    netbox_version: str = "4.6"
    kind: str = SAFE


class Source:
    """The text being fixed, its libcst module, and where each node sits in the text.

    Positions are worked out one top-level statement at a time (libcst's position metadata for
    a whole 3,000-line module takes seconds), so callers say which statement holds a node.
    """

    def __init__(self, text: str, module: cst.Module, tree: ast.Module) -> None:
        self.text = text
        self.module = module
        self.tree = tree
        self.newline = module.default_newline
        self.indent_unit = module.default_indent
        self._starts = [0] + [match.end() for match in _LINE_END.finditer(text)]
        self._positioner = Positioner(module, tree)
        self._mentions: Optional[Tuple[Dict[str, List[int]], Dict[str, List[int]]]] = None
        self._fstrings: Optional[List[Tuple[int, int, str]]] = None

    def ast_offset(self, line: int, column: int) -> int:
        """The text offset of Python's ast position (``column`` counts UTF-8 bytes)."""
        start = self._starts[line - 1]
        text = self.text[start:start + column]  # at least as long as the bytes' characters
        return start + len(text.encode("utf-8")[:column].decode("utf-8", "ignore"))

    def fstrings(self) -> List[Tuple[int, int, str]]:
        """(start, end, opening quote) of every f-string: text written inside one must not
        hold its quote, a backslash or a comment (Python before 3.12 cannot read them)."""
        if self._fstrings is None:
            found = []
            for node in ast.walk(self.tree):
                if isinstance(node, ast.JoinedStr) and getattr(node, "end_lineno", None):
                    start = self.ast_offset(node.lineno, node.col_offset)
                    end = self.ast_offset(node.end_lineno, node.end_col_offset)  # type: ignore
                    match = _OPENING.match(self.text, start, end)
                    if match:
                        found.append((start, end, match.group(1)))
            self._fstrings = found
        return self._fstrings

    def _offset(self, line: int, column: int) -> int:
        return self._starts[line - 1] + column

    def span(self, node: cst.CSTNode, stmt: int, parentheses: bool = True) -> Tuple[int, int]:
        """Offsets of ``node``, which sits in top-level statement ``stmt``, with the
        parentheses written around it (and the comments inside them) unless told not to:
        a literal replaced in place keeps its parentheses and their comments."""
        found = self._positioner.range(stmt, node)
        if found is None:
            raise LookupError("node not in the statement named")
        (line, column), (end_line, end_column) = found
        start, end = self._offset(line, column), self._offset(end_line, end_column)
        if not parentheses:
            return start, end
        code = self.module.code_for_node
        start -= sum(len(code(paren)) for paren in getattr(node, "lpar", ()))
        end += sum(len(code(paren)) for paren in getattr(node, "rpar", ()))
        return start, end

    def code(self, node: cst.CSTNode, stmt: int) -> str:
        start, end = self.span(node, stmt)
        return self.text[start:end]

    def mentions(self, text: str, as_name: bool = True, as_string: bool = True) -> List[int]:
        """Top-level statements whose code uses ``text`` as a name (``as_name``) or as a
        string literal (``as_string``): only those are searched, instead of the whole module."""
        if self._mentions is None:
            self._mentions = _mention_index(self.module, self.tree)
        names, strings = self._mentions
        found = (names.get(text, []) if as_name else []) + \
            (strings.get(text, []) if as_string else [])
        return sorted(set(found))

    def find(self, text: str, kind: type, match: Any = None, within: Optional[str] = None
             ) -> List[Tuple[int, Any]]:
        """(statement, node) for the nodes of type ``kind`` (with ``match(node)`` true) in the
        statements that mention ``text`` (as a name when ``kind`` is ``Name``, as a string
        when it is ``SimpleString``) and, given ``within``, the name ``within`` too."""
        stmts = self.mentions(text, as_name=kind is not cst.SimpleString,
                              as_string=kind is not cst.Name)
        if within is not None:
            stmts = sorted(set(stmts) & set(self.mentions(within, as_string=False)))
        found: List[Tuple[int, Any]] = []
        for stmt in stmts:
            found += [(stmt, node) for node in walk(self.module.body[stmt])
                      if isinstance(node, kind) and (match is None or match(node))]
        return found

    def line_start(self, offset: int) -> int:
        return self.text.rfind("\n", 0, offset) + 1

    def line_end(self, offset: int) -> int:
        """Offset just after the newline ending the line holding ``offset``."""
        end = self.text.find("\n", offset)
        return len(self.text) if end < 0 else end + 1

    def indentation(self, offset: int) -> str:
        """The leading whitespace of the line holding ``offset``."""
        start = self.line_start(offset)
        line = self.text[start:self.line_end(offset)]
        return line[:len(line) - len(line.lstrip(" \t"))]


#: Line ends as Python and libcst count them.
_LINE_END = re.compile(r"\r\n|\r|\n")


def _mention_index(module: cst.Module, tree: ast.Module
                   ) -> Tuple[Dict[str, List[int]], Dict[str, List[int]]]:
    """(name -> indexes of the libcst top-level statements using it as a name, string ->
    those using it as a string literal), from Python's own tree (a libcst visit of a large
    module is far slower)."""
    names: Dict[str, List[int]] = {}
    strings: Dict[str, List[int]] = {}
    body = tree.body
    position = 0
    for stmt, statement in enumerate(module.body):
        count = len(statement.body) if isinstance(statement, cst.SimpleStatementLine) else 1
        words: Set[str] = set()
        texts: Set[str] = set()
        for node in body[position:position + count]:
            for child in ast.walk(node):
                if isinstance(child, ast.Name):
                    words.add(child.id)
                elif isinstance(child, ast.Constant) and isinstance(child.value, str):
                    texts.add(child.value)
                elif isinstance(child, ast.alias):
                    words.update(part for part in (child.name, child.asname) if part)
                elif isinstance(child, (ast.Global, ast.Nonlocal)):
                    words.update(child.names)
        position += count
        for word in words:
            names.setdefault(word, []).append(stmt)
        for text in texts:
            strings.setdefault(text, []).append(stmt)
    return names, strings


class FixContext:
    """What a fix may look at: the evaluated file (as rules see it), its text, the release."""

    def __init__(self, ctx: Context, source: Source, release: Release,
                 noqa: bool = True) -> None:
        self.ctx = ctx
        self.source = source
        self.release = release
        self.noqa = noqa
        self._comments: "Optional[Counter[str]]" = None

    def comments(self) -> "Counter[str]":
        """Every comment of the text (the tokenizer's view), counted: what a fix must keep."""
        if self._comments is None:
            try:
                self._comments = Counter(
                    token.string for token in tokenize.generate_tokens(
                        io.StringIO(self.source.text).readline)
                    if token.type == tokenize.COMMENT)
            except (tokenize.TokenError, SyntaxError):
                self._comments = Counter()
        return self._comments

    def known_comments(self, comments: "Counter[str]") -> None:
        """Take the text's comments as already counted (by the check of the pass before)."""
        self._comments = comments

    def silenced(self, code: str, offset: int) -> bool:
        """Does a ``# noqa`` comment on the line at ``offset`` cover ``code``? A finding the
        user silenced is left as it is."""
        if not self.noqa:
            return False
        text = self.source.text
        return noqa_covers(text[self.source.line_start(offset):self.source.line_end(offset)],
                           code)

    def only_assigned(self, name: str) -> Optional[str]:
        """Why ``name`` may not be rewritten, or None: the file must assign it and never read
        or change it elsewhere (where the other uses would have to follow the new shape)."""
        sites = self.ctx.facts.sites.get(name, [])
        mentions = name_nodes(self.source, name)
        if len(mentions) > len(sites):
            return f"{name} is read or changed elsewhere in the file; change it by hand"
        return None

    def written_as(self, name: str, node: Any) -> bool:
        """Is ``node`` the expression assigned to ``name`` (not a value reached otherwise)?"""
        return any(slot.node is node for slot in self.ctx.slots(name))

    def statement_of(self, node: Any, stmt: int) -> Optional[cst.SimpleStatementLine]:
        """The simple statement line holding ``node`` (in top-level statement ``stmt``)."""
        finder = _LineFinder(node)
        self.source.module.body[stmt].visit(finder)
        return finder.found

    def also_bound(self, name: str) -> List[str]:
        """A note when ``name`` is bound in several places (branches): only the place fixed
        changed, so the user must check the others agree."""
        sites = self.ctx.facts.sites.get(name, [])
        if len(sites) < 2:
            return []
        return [f"{name} is bound in {len(sites)} places in this file (branches or "
                "reassignments): each place is fixed on its own; check that they still agree"]


class _LineFinder(cst.CSTVisitor):
    def __init__(self, target: Any) -> None:
        super().__init__()
        self.target = target
        self.line: Optional[cst.SimpleStatementLine] = None
        self.found: Optional[cst.SimpleStatementLine] = None

    def on_visit(self, node: cst.CSTNode) -> bool:
        if self.found is not None:
            return False
        if isinstance(node, cst.SimpleStatementLine):
            self.line = node
        if node is self.target:
            self.found = self.line
            return False
        return super().on_visit(node)


class Fix:
    """Base class: subclasses set the class attributes and implement ``propose``."""

    #: The codes of the findings it answers.
    codes: ClassVar[Tuple[str, ...]]
    name: ClassVar[str]
    summary: ClassVar[str]
    #: SAFE (applied by --fix), UPGRADE_DATABASES or UNSAFE (applied only when asked for).
    kind: ClassVar[str] = SAFE
    #: The kinds of file it fixes (as for rules): NetBox's configuration.py, or ldap_config.py.
    applies_to: ClassVar[FrozenSet[str]] = frozenset({NETBOX})
    examples: ClassVar[Sequence[FixExample]] = ()

    def propose(self, fx: FixContext) -> Iterator[Proposal]:
        raise NotImplementedError


#: flake8's inline ``# noqa`` / ``# noqa: A1,B2`` comment.
_NOQA = re.compile(r"#\s*noqa(?::[\s]?(?P<codes>[A-Z][0-9]+(?:[,\s]+[A-Z][0-9]+)*))?",
                   re.IGNORECASE)


def noqa_covers(line: str, code: str) -> bool:
    match = _NOQA.search(line)
    if match is None:
        return False
    codes = match.group("codes")
    if not codes:
        return True
    return any(code.upper().startswith(c.upper()) for c in re.split(r"[,\s]+", codes) if c)


def quote_of(node: Any, default: str = "'") -> str:
    """The quote character of a string literal, or of a dict literal's first key: new strings
    are written the way the file writes them."""
    if isinstance(node, cst.Dict) and node.elements and \
            isinstance(node.elements[0], cst.DictElement):
        node = node.elements[0].key
    return node.quote[-1] if isinstance(node, cst.SimpleString) else default


def string_key(key_node: Any) -> Optional[str]:
    """The text of a plain string literal key (no prefix, no concatenation), else None."""
    if isinstance(key_node, cst.SimpleString) and not node_prefix(key_node):
        value = key_node.evaluated_value
        return value if isinstance(value, str) else None
    return None


def node_prefix(node: cst.SimpleString) -> str:
    return node.prefix.lower()


def name_nodes(source: Source, name: str) -> List[Tuple[int, cst.Name]]:
    """(statement, node) for every ``Name`` node spelling ``name``."""
    return source.find(name, cst.Name, lambda node: node.value == name)


def module_level_imports(module: cst.Module, before: Optional[int] = None) -> Dict[str, str]:
    """How ``os`` and ``os.environ`` are reachable: local name -> what it is; with ``before``,
    only through the top-level statements before that one (bound when it runs)."""
    reachable: Dict[str, str] = {}
    for statement in module.body[:before]:
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        for small in statement.body:
            if isinstance(small, cst.Import):
                for alias in small.names:
                    first = alias.name  # ``import os.path`` binds ``os`` too
                    while isinstance(first, cst.Attribute):
                        first = first.value
                    if isinstance(first, cst.Name) and alias.asname is None:
                        reachable[first.value] = first.value
            elif isinstance(small, cst.ImportFrom) and isinstance(small.module, cst.Name) \
                    and small.module.value == "os" and not isinstance(small.names, cst.ImportStar):
                for alias in small.names:
                    if isinstance(alias.name, cst.Name) and alias.asname is None:
                        reachable[alias.name.value] = "os." + alias.name.value
    return reachable


#: The prefix and opening quote of a string literal.
_OPENING = re.compile(r"[A-Za-z]*('''|\"\"\"|'|\")")
