"""Large files, parsed one top-level statement at a time, so that libcst's tree never exists whole.

libcst's tree takes about 450 bytes of Python objects per byte of source (a 10,000-line file:
some 150 MB) and its parse time per line grows with the module's size, while the checks need
only the nodes the evaluator keeps (values, bindings, reads) and, for each finding, the position
of one node. So a large file is cut into the text of its top-level statements (flake8's ``ast``
tree gives where each starts), each piece is parsed and evaluated on its own and then dropped.
Before it is dropped, the nodes something outside its tree still refers to are found (by their
reference counts: the tree refers to each of its nodes exactly once) and remembered with their
path from the statement; a finding on such a node (or on a node inside one) is placed by parsing
its statement again and following the path. libcst parses the same text to the same tree every
time, so the placed position is the one the whole-module path gives.

Cutting is checked, never trusted: a piece that does not parse, or parses to anything but the
one statement (or the simple statements of one line) ``ast`` saw there, makes the caller use
the whole-module path instead.
"""

from __future__ import annotations

import ast
import bisect
import re
import sys
from typing import Any, Dict, List, NamedTuple, Optional, Sequence, Tuple

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from flake8_netbox.evaluator import Evaluator, Facts
from flake8_netbox.positions import CHUNK
from flake8_netbox.cst_nodes import fields, is_branch

#: Files at least this long (in characters; about 3,000 lines of a usual configuration) are
#: checked one top-level statement at a time. NetBox configurations are a few hundred lines
#: and keep the whole-module path (which the fix engine shares).
LARGE_SOURCE = 100_000
#: Consecutive statements are parsed together up to about this many characters (libcst's
#: objects for them: some 10 MB at a time).
BATCH_CHARACTERS = 20_000
#: Reference counts can only be read this way on CPython.
AVAILABLE = sys.implementation.name == "cpython"

_LINE_END = re.compile(r"\r\n|\r|\n")  # what Python's tokenizer ends a line with

#: (field name, index in that field's sequence or None) steps from a statement to a node.
NodePath = Tuple[Tuple[str, Optional[int]], ...]


class Piece(NamedTuple):
    """One libcst top-level statement's text: ``source[start:end]``, whole lines."""

    start: int
    end: int
    line: int  # first line of the statement (its first decorator's), 1-based
    statements: int  # how many ``ast`` statements it holds (``a = 1; b = 2``: two)
    compound: bool  # an ``if``, ``def``, ``class``...: one ``ast`` statement


_COMPOUND = (ast.If, ast.For, ast.AsyncFor, ast.While, ast.With, ast.AsyncWith, ast.Try,
             ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef) + tuple(
    getattr(ast, name) for name in ("Match", "TryStar") if hasattr(ast, name))


def cut(source: str, tree: ast.Module) -> Optional[List[Piece]]:
    """The pieces of ``source`` (parsed by Python as ``tree``), one per top-level statement
    as libcst groups them (simple statements sharing a logical line are one); the first piece
    also holds the file's header, the last its trailing lines. None when ``tree`` has no
    statements or does not match ``source``."""
    if not tree.body:
        return None
    starts = [0, 0]  # offset of each line's first character; index 1 is line 1
    for match in _LINE_END.finditer(source):
        starts.append(match.end())
    starts.append(len(source))
    lines = len(starts) - 2
    groups: List[List[ast.stmt]] = []
    for node in tree.body:
        decorators = getattr(node, "decorator_list", None) or []
        first = min([d.lineno for d in decorators] + [node.lineno])
        if first > lines + 1:
            return None
        if groups:
            previous = groups[-1][-1]
            before = source[starts[first - 1]:starts[first]] if first >= 2 else ""
            if (first <= (previous.end_lineno or previous.lineno)
                    or before.rstrip("\r\n").endswith("\\")):
                groups[-1].append(node)  # same logical line as the statement before it
                continue
        groups.append([node])
    pieces: List[Piece] = []
    for index, group in enumerate(groups):
        node = group[0]
        decorators = getattr(node, "decorator_list", None) or []
        first = min([d.lineno for d in decorators] + [node.lineno])
        start = 0 if index == 0 else starts[first]
        pieces.append(Piece(start, 0, first, len(group), isinstance(node, _COMPOUND)))
    return [piece._replace(end=pieces[i + 1].start if i + 1 < len(pieces) else len(source))
            for i, piece in enumerate(pieces)]


def batches(pieces: Sequence[Piece]) -> List[Tuple[int, int]]:
    """Runs of consecutive pieces, ``(first, end)`` indexes, of about ``BATCH_CHARACTERS``
    each (a longer statement is a run of its own): parsed together, so that small statements
    do not each pay for a call of libcst's parser."""
    out: List[Tuple[int, int]] = []
    first = 0
    for index, piece in enumerate(pieces):
        if piece.end - pieces[first].start >= BATCH_CHARACTERS or index + 1 == len(pieces):
            out.append((first, index + 1))
            first = index + 1
    return out


def parse_batch(source: str, pieces: Sequence[Piece], first: int, end: int) -> cst.Module:
    """libcst's module of pieces ``first`` to ``end`` (excluded). Raises ValueError when its
    statements are not those ``ast`` saw there (the caller then parses the whole module), or
    libcst's own error."""
    module = cst.parse_module(source[pieces[first].start:pieces[end - 1].end])
    if len(module.body) != end - first:
        raise ValueError("the pieces are not the statements ast saw")
    for statement, piece in zip(module.body, pieces[first:end]):
        if isinstance(statement, cst.SimpleStatementLine):
            if piece.compound or len(statement.body) != piece.statements:
                raise ValueError("a piece is not the statements ast saw")
        elif not piece.compound or piece.statements != 1:
            raise ValueError("a piece is not the statement ast saw")
    return module


_SEQUENCES = (list, tuple)


def _children(node: cst.CSTNode) -> List[Tuple[str, Optional[int], cst.CSTNode]]:
    out: List[Tuple[str, Optional[int], cst.CSTNode]] = []
    for name in fields(node):
        value = getattr(node, name)
        if isinstance(value, cst.CSTNode):
            out.append((name, None, value))
        elif type(value) in _SEQUENCES:
            out.extend((name, i, item) for i, item in enumerate(value)
                       if isinstance(item, cst.CSTNode))
    return out


#: A path being built: (field name, index, the parent's link), None at the statement.
_Link = Optional[Tuple[str, Optional[int], Any]]


def _path(link: _Link) -> NodePath:
    steps = []
    while link is not None:
        steps.append((link[0], link[1]))
        link = link[2]
    return tuple(reversed(steps))


def held(statement: cst.CSTNode) -> List[Tuple[cst.CSTNode, NodePath]]:
    """The nodes below ``statement`` that something outside its tree refers to (the
    evaluator's values, bindings and reads), with their paths: the only ones of this tree a
    finding can name once the tree is dropped. A node shared inside the tree counts as held
    (harmless: only remembered). The statement itself is not looked at (see ``Pieces``);
    nor is what lies inside ``cst_nodes.LEAVES`` (whitespace, a comma, a bracket, a name or a
    number: only the parentheses, whitespace and comments around them, which neither the
    evaluator nor a rule ever names), for speed."""
    out: List[Tuple[cst.CSTNode, NodePath]] = []
    pending: List[Tuple[cst.CSTNode, _Link]] = [(statement, None)]
    getrefcount = sys.getrefcount
    node_type = cst.CSTNode
    while pending:
        parent, link = pending.pop()
        for name in fields(parent):
            value = getattr(parent, name)
            if type(value) in _SEQUENCES:
                for index in range(len(value)):
                    child = value[index]
                    if not isinstance(child, node_type):
                        continue
                    # the sequence's reference, ``child`` and getrefcount's argument
                    if getrefcount(child) > 3:
                        out.append((child, _path((name, index, link))))
                    if is_branch(child):
                        pending.append((child, (name, index, link)))
                child = None
            elif isinstance(value, node_type):
                # the parent's field, ``value`` and getrefcount's argument
                if getrefcount(value) > 3:
                    out.append((value, _path((name, None, link))))
                if is_branch(value):
                    pending.append((value, (name, None, link)))
            value = None
    return out


def follow(statement: cst.CSTNode, path: NodePath) -> Optional[cst.CSTNode]:
    """The node at ``path`` below ``statement``; None when there is none."""
    node: Any = statement
    for name, index in path:
        node = getattr(node, name, None)
        if index is not None:
            node = node[index] if isinstance(node, (list, tuple)) and index < len(node) else None
        if not isinstance(node, cst.CSTNode):
            return None
    return node


def find(root: cst.CSTNode, target: Any) -> Optional[NodePath]:
    """The path from ``root`` to the very node ``target`` (identity); None when absent."""
    if root is target:
        return ()
    pending: List[Tuple[cst.CSTNode, NodePath]] = [(root, ())]
    while pending:
        node, path = pending.pop()
        for name, index, child in _children(node):
            step = path + ((name, index),)
            if child is target:
                return step
            pending.append((child, step))
    return None


class Pieces:
    """The pieces of a large file, the nodes each dropped statement left held, and the
    positions of reported nodes (the interface of ``positions.Positioner``)."""

    def __init__(self, source: str, pieces: Sequence[Piece]) -> None:
        self.source = source
        self.pieces = list(pieces)
        self.batches = batches(self.pieces)
        self._batch_starts = [first for first, _ in self.batches]
        #: id(node) -> (node, statement index, path): the node is kept so its id stays its own.
        self._held: Dict[int, Tuple[cst.CSTNode, int, NodePath]] = {}
        self._by_statement: Dict[int, List[Tuple[cst.CSTNode, NodePath]]] = {}
        self._statements_held: Dict[int, cst.CSTNode] = {}
        #: The batch parsed again to place findings, and the positions of its statements.
        self._parsed: Optional[Tuple[int, cst.Module, Dict[int, Any]]] = None

    def __len__(self) -> int:
        return len(self.pieces)

    def remember(self, index: int, statement: cst.CSTNode, statement_held: bool) -> None:
        """Record what of statement ``index`` is still referred to, before it is dropped
        (``statement_held``: the statement node itself is, e.g. by a deferred definition)."""
        if statement_held:
            self._statements_held[index] = statement
        found = held(statement)
        if found:
            self._by_statement[index] = found
            for node, path in found:
                self._held.setdefault(id(node), (node, index, path))

    def held_count(self) -> int:
        """How many nodes of dropped statements are remembered (tests: nothing else is)."""
        return len(self._held) + len(self._statements_held)

    # -- positions -------------------------------------------------------------------------------

    def locate(self, stmt: int, node: Any) -> Tuple[int, int]:
        found = self.range(stmt, node)
        return found[0] if found else ((1, 0) if node is None or not 0 <= stmt < len(
            self.pieces) else (self.pieces[stmt].line, 0))

    def range(self, stmt: int, node: Any) -> Optional[Tuple[Tuple[int, int], Tuple[int, int]]]:
        """As ``Positioner.range``: ((line, column), (end line, end column)) of ``node`` in
        top-level statement ``stmt``; None when it is not there."""
        if node is None or not 0 <= stmt < len(self.pieces):
            return None
        path = self._path(stmt, node)
        if path is None:
            return None
        statement, positions = self._positions(stmt)
        again = follow(statement, path)
        found = positions.get(again) if again is not None else None
        if found is None:
            return None
        shift = self.pieces[stmt].line - positions[statement].start.line
        return ((found.start.line + shift, found.start.column),
                (found.end.line + shift, found.end.column))

    def _path(self, stmt: int, node: Any) -> Optional[NodePath]:
        kept = self._held.get(id(node))
        if kept is not None and kept[0] is node and kept[1] == stmt:
            return kept[2]
        whole = self._statements_held.get(stmt)
        if whole is not None:
            return find(whole, node)
        for root, path in self._by_statement.get(stmt, ()):
            below = find(root, node)
            if below is not None:
                return path + below
        return None

    def _positions(self, stmt: int) -> Tuple[cst.CSTNode, Any]:
        """Statement ``stmt`` parsed again with its batch (the last batch is kept: the caller
        asks statement by statement), and the positions of its ``positions.CHUNK`` statements
        worked out together, as ``Positioner`` does."""
        number = bisect.bisect_right(self._batch_starts, stmt) - 1
        if self._parsed is None or self._parsed[0] != number:
            first, end = self.batches[number]
            self._parsed = (number, parse_batch(self.source, self.pieces, first, end), {})
        _, module, cache = self._parsed
        local = stmt - self.batches[number][0]
        positions = cache.get(local // CHUNK)
        if positions is None:
            first = local // CHUNK * CHUNK
            mini = module.with_changes(body=module.body[first:first + CHUNK], header=[],
                                       footer=[])
            positions = cache[local // CHUNK] = MetadataWrapper(
                mini, unsafe_skip_copy=True).resolve(PositionProvider)
        return module.body[local], positions


def worthwhile(source: str, pieces: Sequence[Piece]) -> bool:
    """Is checking ``source`` piece by piece worth it? For a large file (``LARGE_SOURCE``)
    whose statements are many: when one statement is most of the file, its tree exists
    whole anyway."""
    return len(source) >= LARGE_SOURCE and \
        2 * max(piece.end - piece.start for piece in pieces) <= len(source)


def evaluate_pieces(source: str, tree: ast.Module, netbox_version: Optional[str] = None
                    ) -> Optional[Tuple[Facts, Pieces]]:
    """``evaluator.evaluate`` of ``source`` (parsed by Python as ``tree``), one top-level
    statement at a time, each batch of statements dropped once evaluated; with the
    ``Pieces`` that place findings. None when the file cannot be cut into statements libcst
    agrees with, or when that is not ``worthwhile`` (parse it whole instead). Raises what the
    evaluator raises (RecursionError)."""
    cut_pieces = cut(source, tree)
    if cut_pieces is None or not worthwhile(source, cut_pieces):
        return None
    evaluator = Evaluator(None, tree, source, netbox_version)
    store = Pieces(source, cut_pieces)
    for first, end in store.batches:
        try:
            body = parse_batch(source, cut_pieces, first, end).body
        except Exception:  # libcst disagrees with the cut, or rejects the text
            return None
        for index in range(first, end):
            statement = body[index - first]
            before = sys.getrefcount(statement)
            evaluator.exec_top(index, statement)
            kept = sys.getrefcount(statement) > before  # (not as an argument next to it)
            store.remember(index, statement, kept)
            del statement
        del body
    return evaluator.finish(), store
