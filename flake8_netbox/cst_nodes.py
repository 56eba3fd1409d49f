"""Fast walks over libcst trees.

libcst's visitors rebuild every node they pass (``_visit_and_replace_children``) and its node
classes are abstract, so ``isinstance`` against them goes through ``abc``: on a 6,000-line file
a visit of every statement took seconds. These walks read the dataclass fields directly, skip
the parts of a tree that hold no code (whitespace, comments, punctuation) and decide per node
type once.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Dict, Iterator, List, Tuple

import libcst as cst

#: Nodes with nothing below them worth a walk: whitespace, comments, punctuation, operators
#: and plain literals (no name, no string, no expression inside).
LEAVES = (cst.BaseParenthesizableWhitespace, cst.EmptyLine, cst.TrailingWhitespace,
          cst.Newline, cst.Comment, cst.LeftParen, cst.RightParen, cst.LeftSquareBracket,
          cst.RightSquareBracket, cst.LeftCurlyBrace, cst.RightCurlyBrace, cst.Comma,
          cst.Dot, cst.Colon, cst.Semicolon, cst.AssignEqual, cst.BaseBinaryOp,
          cst.BaseUnaryOp, cst.BaseBooleanOp, cst.BaseCompOp, cst.BaseAugOp,
          cst.SimpleString, cst.Integer, cst.Float, cst.Imaginary, cst.Name)

_FIELDS: Dict[type, Tuple[str, ...]] = {}
_BRANCHES: Dict[type, bool] = {}


def fields(node: Any) -> Tuple[str, ...]:
    """The dataclass field names of ``node``'s type (cached per type)."""
    kind = type(node)
    names = _FIELDS.get(kind)
    if names is None:
        names = _FIELDS[kind] = tuple(field.name for field in dataclasses.fields(node))
    return names


def children(node: Any) -> List[Any]:
    """The values of ``node``'s fields, lists and tuples flattened (nodes, None, strings)."""
    out: List[Any] = []
    for name in fields(node):
        child = getattr(node, name)
        out.extend(child if isinstance(child, (list, tuple)) else [child])
    return out


def is_branch(node: Any) -> bool:
    """Is ``node`` a libcst node with code below it (not one of ``LEAVES``)?"""
    kind = type(node)
    answer = _BRANCHES.get(kind)
    if answer is None:
        answer = _BRANCHES[kind] = isinstance(node, cst.CSTNode) and not isinstance(node, LEAVES)
    return answer


def walk(node: cst.CSTNode) -> Iterator[cst.CSTNode]:
    """``node`` and every node below it that can be code, in source order (as libcst's
    visitors meet them); whitespace, comments and punctuation below leaves are not entered."""
    stack: List[Any] = [node]
    while stack:
        current = stack.pop()
        if not isinstance(current, cst.CSTNode):
            continue
        yield current
        if is_branch(current):
            stack.extend(reversed(children(current)))
