"""Line and column of a reported node, computed only for the nodes that are reported.

libcst's PositionProvider regenerates the code of the whole module; instead, flake8's ``ast``
tree (which it builds anyway) gives each top-level statement's first line, and position metadata
is computed for the statements around the reported one only (``CHUNK``).
"""

from __future__ import annotations

import ast
from typing import Any, Dict, List, Optional, Tuple

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider


def statement_lines(module: cst.Module, tree: ast.Module) -> List[int]:
    """First line of each libcst top-level statement, from the matching ``ast`` statements."""
    lines: List[int] = []
    position = 0
    body = tree.body
    for statement in module.body:
        if position >= len(body):
            lines.append(lines[-1] if lines else 1)
            continue
        node = body[position]
        decorators = getattr(node, "decorator_list", None)
        lines.append(min([d.lineno for d in decorators] + [node.lineno]) if decorators
                     else node.lineno)
        position += len(statement.body) if isinstance(statement, cst.SimpleStatementLine) else 1
    return lines


#: Top-level statements whose positions are worked out together: libcst's metadata costs about
#: a millisecond per resolution whatever its size, so 5,000 findings on 5,000 statements took
#: 5 s one statement at a time; a chunk of 32 costs a few milliseconds where one finding needs it.
CHUNK = 32


class Positioner:
    """Resolves (top-level statement index, node) to flake8's (line, column)."""

    def __init__(self, module: cst.Module, tree: Optional[ast.Module]) -> None:
        self.module = module
        if tree is None:
            tree = ast.parse(module.code)
        self.lines = statement_lines(module, tree)
        self._cache: Dict[int, Any] = {}

    def locate(self, stmt: int, node: Any) -> Tuple[int, int]:
        found = self.range(stmt, node)
        return found[0] if found else ((1, 0) if node is None or not 0 <= stmt < len(
            self.module.body) else (self.lines[stmt], 0))

    def range(self, stmt: int, node: Any) -> Optional[Tuple[Tuple[int, int], Tuple[int, int]]]:
        """((line, column), (end line, end column)) of ``node`` in top-level statement
        ``stmt``; None when it is not there."""
        if node is None or not 0 <= stmt < len(self.module.body):
            return None
        statement = self.module.body[stmt]
        positions = self._cache.get(stmt // CHUNK)
        if positions is None:
            first = stmt // CHUNK * CHUNK
            mini = self.module.with_changes(body=self.module.body[first:first + CHUNK],
                                            header=[], footer=[])
            positions = MetadataWrapper(mini, unsafe_skip_copy=True).resolve(PositionProvider)
            self._cache[stmt // CHUNK] = positions
        found, around = positions.get(node), positions[statement]
        if found is None or not (around.start.line, around.start.column) <= (
                found.start.line, found.start.column) <= (around.end.line, around.end.column):
            return None  # not in this statement (a chunk holds its neighbours too)
        shift = self.lines[stmt] - positions[statement].start.line
        return ((found.start.line + shift, found.start.column),
                (found.end.line + shift, found.end.column))
