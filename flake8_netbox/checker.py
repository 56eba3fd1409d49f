"""From source text to findings: parse with libcst, evaluate, run the rules, place the findings.

Imported only once a file has been recognised as a NetBox configuration: it pulls in libcst.
"""

from __future__ import annotations

import ast
import gc
import re
from typing import (Any, Collection, Dict, FrozenSet, Iterable, List, NamedTuple, Optional, Tuple,
                    Type)

import libcst as cst

from flake8_netbox import pieces
from flake8_netbox.evaluator import evaluate
from flake8_netbox.netbox import Release, version_text
from flake8_netbox.positions import Positioner
from flake8_netbox.rules import ALL_RULES
from flake8_netbox.rules.base import NETBOX, Context, Finding, Rule
from flake8_netbox.settings import Settings, file_kind, is_whole

#: Files whose ast has more nodes than this (about 50,000 lines of dicts) are not checked:
#: libcst would need more than a few seconds. NetBox configurations stay far below (a
#: 300-line file has about 600); such files get silence, as documented.
MAX_NODES = 100_000
#: ... or, when nested 30 brackets deep or more, whose separators weighted by their depth add
#: up to more than this (libcst needs about 5 us per unit there: 3 s).
MAX_NESTED_WEIGHT = 600_000
#: ... or with a chain of more binary operators than this in one expression (``'a' + 'b' + ...``:
#: libcst's time grows with the square of the chain; 1,000 took it 0.3 to 4.5 s, found by
#: fuzzing --fix; 300 take about 0.05 s).
MAX_OPERATOR_CHAIN = 300
#: ... or with expressions nested deeper than this, counted as libcst nests them: an ``or``
#: chain of n values is n - 1 levels (Python's ast keeps it flat), a bracket is two (libcst
#: wraps each element). libcst's visitors, the evaluator and the fixes recurse once or more per
#: level: about 250 levels exhaust Python's default recursion limit of 1,000 from a deep caller
#: (found by fuzzing --fix: 600-long or chains, 500 nested not, 2,000 unary minus). Beyond
#: this a file gets silence in lint mode and a plain note in --fix, whatever the stack depth.
MAX_DEPTH = 200
_CONTAINERS = (ast.List, ast.Tuple, ast.Set, ast.Dict, ast.Call)
_BRACKETS = re.compile(r"[][(){}]")
_SEPARATORS = re.compile(r"[][(){},:=+*%|]")

#: (line, column, message) as flake8 wants them; line 1-based, column 0-based.
Result = Tuple[int, int, str]


class Target(NamedTuple):
    """What is being checked besides the text: the release, and how the file is used."""

    release: Release
    kind: str = NETBOX  # NetBox's configuration.py, or ldap_config.py
    whole: bool = True  # a whole configuration, not one part of a split one
    bound_elsewhere: FrozenSet[str] = frozenset()  # bound by other files of its directory


def check_source(source: str, release: Release, tree: Optional[ast.Module] = None,
                 rules: Iterable[Type[Rule]] = ALL_RULES, opt_in: Collection[str] = (),
                 kind: str = NETBOX, whole: bool = True,
                 bound_elsewhere: FrozenSet[str] = frozenset()) -> List[Result]:
    """Findings for one configuration file of ``kind``, sorted by position. Never executes
    ``source``. Opt-in rules run only when their code is in ``opt_in``; a part of a split
    configuration (not ``whole``) is not judged on what it lacks."""
    chosen = chosen_rules(rules, kind, opt_in)
    target = Target(release, kind, whole, frozenset(bound_elsewhere))
    # The syntax tree is hundreds of thousands of acyclic objects: letting the cyclic garbage
    # collector walk them again and again while they are built costs more than the checks.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _check(source, tree, chosen, target)
    finally:
        if collecting:
            gc.enable()


def chosen_rules(rules: Iterable[Type[Rule]], kind: str, opt_in: Collection[str]
                 ) -> List[Type[Rule]]:
    """The rules that check a file of ``kind`` (opt-in ones only when asked for)."""
    return [rule for rule in rules
            if kind in rule.applies_to and (not rule.opt_in or rule.code in opt_in)]


def too_costly(source: str, tree: ast.AST) -> bool:
    """Would libcst need more than a few seconds? It spends 20-30 us per node of Python's own
    syntax tree (2 s for a 30,000-line configuration, 20 s for 150,000 lines), while a long
    string literal, one node, costs nothing; and inside deep nesting each node costs in
    proportion to its depth (20 KB files with a 10,000-item list inside 150 to 198 levels of
    dicts or parentheses took 7 to 14 s, found by fuzzing), and deep nesting exhausts the stack
    (MAX_DEPTH). Usual files get one walk of Python's tree (under a millisecond)."""
    if nesting_depth(tree, source=source) > MAX_DEPTH:
        return True
    if len(source) >= 100_000:
        for count, _ in enumerate(ast.walk(tree)):
            if count > MAX_NODES:
                return True
    if sum(source.count(op) for op in "+*%|&^@") > MAX_OPERATOR_CHAIN and \
            _operator_chain(tree) > MAX_OPERATOR_CHAIN:
        return True
    return _bracket_depth(source) >= 30 and _nested_weight(source) > MAX_NESTED_WEIGHT


def nesting_depth(tree: ast.AST, stop: int = MAX_DEPTH, source: Optional[str] = None) -> int:
    """How deeply libcst will nest the tree's nodes (see MAX_DEPTH), at most ``stop`` + 1:
    iterative, so that the measure itself cannot exhaust the stack. With ``source``, the text
    of ``tree``, only the answer to "deeper than ``stop``?" is exact: a node whose text is too
    short to hold that much nesting (no node nests more than two levels per character) is not
    walked, so a usual file costs one look at each statement."""
    starts = _line_starts(source) if source is not None else None
    deepest = 0
    pending = [(tree, 0)]
    while pending:
        node, depth = pending.pop()
        if depth > deepest:
            deepest = depth
            if deepest > stop:
                break
        if starts is not None and depth + 2 * _span(node, starts) <= stop:
            continue
        step = len(node.values) - 1 if isinstance(node, ast.BoolOp) else \
            2 if isinstance(node, _CONTAINERS) else 1
        pending.extend((child, depth + step) for child in ast.iter_child_nodes(node))
    return deepest


def _line_starts(source: str) -> List[int]:
    """Offset of each line's first character (index 1 is line 1), and the end."""
    starts = [0, 0]
    for line in source.splitlines(keepends=True):
        starts.append(starts[-1] + len(line))
    return starts


def _span(node: ast.AST, starts: List[int]) -> int:
    """Characters ``node`` spans at most (whole lines when it spans several; columns are
    UTF-8 bytes, never fewer than characters); a large number when it has no position."""
    first, last = getattr(node, "lineno", None), getattr(node, "end_lineno", None)
    if first is None or last is None or last + 1 >= len(starts):
        return MAX_DEPTH + 1
    if first == last:
        return max(getattr(node, "end_col_offset", 0) - getattr(node, "col_offset", 0), 0)
    return starts[last + 1] - starts[first]


def _operator_chain(tree: ast.AST) -> int:
    """The most binary operations nested in one another (``a + b + c`` is two)."""
    nodes = [node for node in ast.walk(tree) if isinstance(node, ast.BinOp)]
    depth: dict = {}
    for node in reversed(nodes):  # ast.walk lists parents before their children
        depth[id(node)] = 1 + max(depth.get(id(node.left), 0), depth.get(id(node.right), 0))
    return max(depth.values(), default=0)


def _bracket_depth(source: str) -> int:
    """Deepest bracket nesting, counted on the text (brackets in strings count too: only a
    hint that the slower estimate below is worth making)."""
    depth = deepest = 0
    for match in _BRACKETS.finditer(source):
        if match.group() in "([{":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


def _nested_weight(source: str) -> int:
    """Separators and brackets, each weighted by the bracket depth it stands at: what libcst's
    parse time follows in deeply nested text (parentheses included, which the ast drops)."""
    depth = weight = 0
    for match in _SEPARATORS.finditer(source):
        char = match.group()
        if char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
        weight += max(depth, 1)
        if weight > MAX_NESTED_WEIGHT:
            break
    return weight


def _check(source: str, tree: Optional[ast.Module], rules: List[Type[Rule]], target: Target
           ) -> List[Result]:
    if tree is None:  # Python's own parser first: it rejects what libcst could choke on
        try:
            tree = ast.parse(source)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return []
    if too_costly(source, tree):
        return []
    try:
        if len(source) >= pieces.LARGE_SOURCE and pieces.AVAILABLE:  # (cheap test first)
            found = _check_pieces(source, tree, rules, target)
            if found is not None:
                return found
        try:
            module = cst.parse_module(source)
        except Exception:  # libcst's ParserSyntaxError, or bytes it cannot decode: flake8 has E999
            return []
        ctx = Context(evaluate(module, tree, source, version_text(target.release)),
                      target.release, tree, target.whole,
                      target.bound_elsewhere)
        return report(ctx, module, tree, rules)
    except RecursionError:
        # Expressions nested deeper than the evaluator follows (hundreds of levels, which
        # Python's own parser and pyflakes barely accept): silence rather than a guess.
        return []


def _check_pieces(source: str, tree: ast.Module, rules: List[Type[Rule]], target: Target
                  ) -> Optional[List[Result]]:
    """``_check`` for a large file, one top-level statement at a time (see ``pieces``): the
    same findings, without libcst's whole tree. None when the file cannot be cut into
    statements libcst agrees with (the caller then parses it whole)."""
    evaluated = pieces.evaluate_pieces(source, tree, version_text(target.release))
    if evaluated is None:
        return None
    facts, store = evaluated
    ctx = Context(facts, target.release, tree, target.whole, target.bound_elsewhere)
    # statement by statement: each reported statement is parsed again once
    findings = sorted(run_rules(ctx, rules), key=lambda finding: finding.stmt)
    return _placed_results(findings, store)


def run_rules(ctx: Context, rules: Iterable[Type[Rule]]) -> List[Finding]:
    """The rules' findings on an evaluated module, not yet placed (``report``, ``placed``)."""
    findings: List[Finding] = []
    for rule in rules:
        checker = rule()
        findings.extend(checker.check(ctx))
        if ctx.judges_absence:  # once per configuration: see Rule.check_absent
            findings.extend(checker.check_absent(ctx))
    return findings


def report(ctx: Context, module: cst.Module, tree: ast.Module, rules: Iterable[Type[Rule]]
           ) -> List[Result]:
    """The rules' findings on an evaluated module, placed and sorted."""
    return _placed_results(run_rules(ctx, rules), Positioner(module, tree))


def _placed_results(findings: Iterable[Finding], positions: Any) -> List[Result]:
    """(line, column, message) of each finding, once each, sorted; ``positions`` is a
    ``positions.Positioner`` or a ``pieces.Pieces``."""
    results = set()
    for finding in findings:
        line, column = positions.locate(finding.stmt, finding.node)
        results.add((line, column, finding.message))
    return sorted(results)


# -- one call per document, for adapters that need more than flake8's (line, column) -------------

#: What ``analyse`` did with a document.
CHECKED = "checked"  # the rules ran; ``findings`` holds what they found (maybe nothing)
NOT_CONFIGURATION = "not-configuration"  # not a file the plugin checks (by name or content)
SYNTAX_ERROR = "syntax-error"  # Python rejects it (E999 in flake8): see ``syntax_error``
TOO_COSTLY = "too-costly"  # so large or deeply nested that checking it is skipped (silence)
UNPARSED = "unparsed"  # Python accepts it but libcst does not, or the evaluator gave up

_LINE_END = re.compile(r"\r\n|\r|\n")


class Placed(NamedTuple):
    """A finding with flake8's position and the span of text it is about."""

    code: str  # NBXnnn
    message: str  # as flake8 prints it, code first
    line: int  # 1-based, as flake8 reports it
    column: int  # 0-based, in characters, as flake8 reports it
    start: int  # offset (in characters) of the reported node in the source
    end: int  # offset just after it; a finding about the whole module covers its first line


class Analysis(NamedTuple):
    """The outcome of checking one document, and what the check built on the way."""

    outcome: str  # CHECKED, NOT_CONFIGURATION, SYNTAX_ERROR, TOO_COSTLY or UNPARSED
    kind: Optional[str] = None  # rules.base.NETBOX or LDAP once recognised
    findings: Tuple[Placed, ...] = ()
    #: (line 1-based, column 0-based, Python's message) when outcome is SYNTAX_ERROR.
    syntax_error: Optional[Tuple[int, int, str]] = None
    ctx: Optional[Context] = None  # the evaluated settings (CHECKED only)
    module: Optional[cst.Module] = None
    tree: Optional[ast.Module] = None


def analyse(source: str, settings: Settings, filename: str = "stdin",
            tree: Optional[ast.Module] = None, rules: Iterable[Type[Rule]] = ALL_RULES
            ) -> Analysis:
    """Check ``source`` as the file ``filename`` (which decides whether and how it is checked,
    as in the flake8 plugin; "stdin" is recognised by content) with ``settings``. The findings
    are those ``check_source`` gives, with the offsets of what they are about. Never executes
    ``source``, never raises for any text (RecursionError and MemoryError included)."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _analyse(source, settings, filename, tree, rules)
    except (RecursionError, MemoryError):
        return Analysis(UNPARSED)
    finally:
        if collecting:
            gc.enable()


def _analyse(source: str, settings: Settings, filename: str, tree: Optional[ast.Module],
             rules: Iterable[Type[Rule]]) -> Analysis:
    if tree is None:
        try:
            tree = ast.parse(source)
        except SyntaxError as error:
            return Analysis(SYNTAX_ERROR, syntax_error=(
                error.lineno or 1, max((error.offset or 1) - 1, 0), error.msg or "invalid syntax"))
        except ValueError as error:  # null bytes
            return Analysis(SYNTAX_ERROR, syntax_error=(1, 0, str(error)))
    kind = file_kind(filename, tree, settings)
    if kind is None:
        return Analysis(NOT_CONFIGURATION, tree=tree)
    if too_costly(source, tree):
        return Analysis(TOO_COSTLY, kind, tree=tree)
    try:
        module = cst.parse_module(source)
    except Exception:
        return Analysis(UNPARSED, kind, tree=tree)
    ctx = Context(evaluate(module, tree, source, version_text(settings.release)),
                  settings.release, tree,
                  is_whole(filename, settings), settings.dir_bound)
    chosen = chosen_rules(rules, kind, settings.opt_in)
    found = sorted(placed(ctx, module, tree, chosen, source),
                   key=lambda p: (p.line, p.column, p.message))
    return Analysis(CHECKED, kind, tuple(found), None, ctx, module, tree)


def placed(ctx: Context, module: cst.Module, tree: ast.Module, rules: Iterable[Type[Rule]],
           text: str) -> List[Placed]:
    """The rules' findings on an evaluated module (parsed from ``text``) with their positions
    and spans, one per (line, column, message) as flake8 (``report``) gives them."""
    findings = run_rules(ctx, rules)
    positions = Positioner(module, tree)
    starts = [0] + [match.end() for match in _LINE_END.finditer(text)]

    def offset(line: int, column: int) -> int:
        return min(starts[min(line, len(starts)) - 1] + column, len(text))

    out: Dict[Tuple[int, int, str], Placed] = {}
    for finding in findings:
        found = positions.range(finding.stmt, finding.node)
        if found is None:
            line, column = positions.locate(finding.stmt, finding.node)
            start = offset(line, 0)
            match = _LINE_END.search(text, start)
            end = match.start() if match else len(text)
        else:
            (line, column), (end_line, end_column) = found
            start, end = offset(line, column), offset(end_line, end_column)
        out.setdefault((line, column, finding.message),
                       Placed(finding.code, finding.message, line, column, start, end))
    return list(out.values())
