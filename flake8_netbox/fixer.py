"""From source text to fixed text: propose, apply, repeat until nothing more can be fixed.

Fixes propose text edits; edits of one pass never overlap (a fix whose edits touch another's
waits for the next pass, which sees the file as the first fix left it). Every pass parses the
result again, and a pass whose result would not parse is thrown away, so a fix can never leave
a broken file behind.
"""

from __future__ import annotations

import ast
import gc
import io
import re
import tokenize
from collections import Counter
from typing import (Any, Collection, Dict, FrozenSet, Iterator, List, NamedTuple, Optional, Set,
                    Tuple)

import libcst as cst

from flake8_netbox.checker import Result, check_source, chosen_rules, report, too_costly
from flake8_netbox.evaluator import evaluate
from flake8_netbox.fixes import ALL_FIXES
from flake8_netbox.rules import ALL_RULES
from flake8_netbox.fixes.base import (SAFE, UNSAFE, Change, Edit, FixContext, Proposal, Refusal,
                                      Source)
from flake8_netbox.netbox import Release, version_text
from flake8_netbox.rules.base import NETBOX, Context
from flake8_netbox.rules.passwords import key_values, password_values, secret_places
from flake8_netbox.values import Lit

MAX_PASSES = 8
#: How much analysis one ``--fix`` run may do, in nodes of Python's syntax tree times the
#: number of times the file is parsed and evaluated (each pass, the last of which gives the
#: findings left). A pass costs about 20 us per node (libcst's parse, the evaluator, the checks
#: of the result), so a run stays within about two seconds: a usual configuration (a few
#: thousand nodes: a generated 3,000-line one has 5,700) never meets the limit; a 6,000-line
#: file of 58,000 nodes gets one pass, so it is fixed only if its fixes need no second pass
#: to check. A file that would need more is left unchanged with a plain note (the same file
#: always gets the same answer, so ``--fix`` stays idempotent). fuzz/fuzz_plugin.py --engine
#: fix found the cost (4.8-9.5 s for 200-390 KB files before).
MAX_FIX_WORK = 100_000
_LONE_CR = re.compile(r"\r(?!\n)")


class FixResult(NamedTuple):
    source: str  # the fixed text (the input when nothing was fixed)
    changes: List[Change]  # applied, in order
    refusals: List[Refusal]  # findings a fix answers but left alone, with the reason
    available: List[Tuple[str, Change]]  # (kind, fix) of kinds not asked for
    remaining: List[Result]  # findings on the fixed text
    #: Secret literals as written in the input and in the fixed text: what a diff must hide.
    secrets: Set[str]


def fix_source(source: str, release: Release, kind: str = NETBOX, whole: bool = True,
               bound_elsewhere: FrozenSet[str] = frozenset(), kinds: Collection[str] = (SAFE,),
               opt_in: Collection[str] = (), ignored: Collection[str] = (), noqa: bool = True
               ) -> FixResult:
    """Fix ``source`` for ``release``, applying fixes of the given ``kinds``; findings whose
    code is ``ignored`` (the project's configuration) or silenced by ``# noqa`` are left alone.
    Never executes ``source``."""
    collecting = gc.isenabled()
    gc.disable()  # as when checking: the syntax trees are large and acyclic
    try:
        return _fix(source, release, kind, whole, bound_elsewhere, kinds, opt_in, ignored, noqa)
    finally:
        if collecting:
            gc.enable()


def _fix(source: str, release: Release, kind: str, whole: bool,
         bound_elsewhere: FrozenSet[str], kinds: Collection[str], opt_in: Collection[str],
         ignored: Collection[str], noqa: bool) -> FixResult:
    text = source
    changes: List[Change] = []
    refusals: List[Refusal] = []
    available: List[Tuple[str, Change]] = []
    if _LONE_CR.search(text):  # old Mac line ends: libcst and Python count lines differently
        refusals.append(Refusal("", "the file ends lines with a lone carriage return (\\r); "
                                    "convert them to \\n first"))
        return FixResult(text, [], refusals, [], check_source(
            text, release, kind=kind, whole=whole, opt_in=opt_in,
            bound_elsewhere=bound_elsewhere), set())  # nothing changes: no diff to redact
    fx: Optional[FixContext] = None
    secrets: Set[str] = set()
    history: List[Tuple[str, int]] = []  # (text before each pass, changes applied before it)
    parsed: Dict[str, Tuple[ast.Module, "Counter[str]"]] = {}  # checked results, for the next pass
    nodes = 0  # of the input's syntax tree: the unit of MAX_FIX_WORK
    unfixed: Optional[List[Result]] = None  # the input's findings, kept where it may stop
    for passes in range(MAX_PASSES):
        try:
            fx = _context(text, release, whole, bound_elsewhere, noqa, parsed.get(text))
            if fx is None:
                refusals += _not_checked(text) if text == source else []
                break
            if text == source:
                secrets |= _secrets(fx)
                nodes = _node_count(fx.source.tree)
                if 2 * nodes <= MAX_FIX_WORK < (MAX_PASSES + 1) * nodes:  # may stop later
                    unfixed = _remaining(fx, kind, opt_in)
            accepted, refusals, available = _one_pass(fx, kind, kinds, ignored)
        except RecursionError:  # nested deeper than the evaluator follows: leave it as it is
            break
        if not accepted:
            break
        if (passes + 2) * nodes > MAX_FIX_WORK:  # no room for the pass that must follow
            refusals = [Refusal("", f"the file is too large for --fix to finish within its "
                                    f"limit ({nodes:,} syntax-tree nodes, more than "
                                    f"{passes + 1} passes needed); nothing was changed: fix "
                                    f"it by hand (see the limits in docs/reliability.md)")]
            if unfixed is None:  # this is the first pass: its findings are the input's
                unfixed = _remaining(fx, kind, opt_in)
            return FixResult(source, [], refusals, [], unfixed, secrets)
        parsed.clear()
        accepted, rejected = _keep_valid(fx, accepted, parsed)
        refusals += rejected
        if not accepted:
            break
        history.append((text, len(changes)))
        fixed = apply_edits(text, [edit for change in accepted for edit in change.edits])
        undone = next((i for i, (before, _) in enumerate(history) if before == fixed), None)
        if undone is not None:  # this pass undoes an earlier one: report neither
            text, kept = history[undone]
            codes = sorted({c.code for c in changes[kept:] + accepted})
            refusals += [Refusal(code, "the fixes for it undo each other (one value reached "
                                       "through several names?); change it by hand")
                         for code in codes]
            del changes[kept:]
            fx = None
            break
        text = fixed
        changes.extend(accepted)
    if fx is not None and fx.source.text == text:  # the last pass parsed the final text
        remaining = _remaining(fx, kind, opt_in)
        secrets |= _secrets(fx)
    else:
        remaining = check_source(text, release, kind=kind, whole=whole, opt_in=opt_in,
                                 bound_elsewhere=bound_elsewhere)
        secrets |= secret_literals(text, release)
    return FixResult(text, changes, refusals, available, remaining, secrets)


def _keep_valid(fx: FixContext, accepted: List[Change],
                parsed: Optional[Dict[str, Tuple[ast.Module, "Counter[str]"]]] = None
                ) -> Tuple[List[Change], List[Refusal]]:
    """The changes of one pass that leave a file Python 3.9+ reads, with every comment kept;
    a refusal, under its own code, for each change that would not (the others still apply).
    ``parsed`` receives the syntax tree and comments of each text found good, which the next
    pass reuses instead of parsing and tokenizing it again."""
    problem = {id(change): _problem(fx, [change]) for change in accepted} \
        if _problem(fx, accepted, parsed) else {}
    good = [change for change in accepted if not problem.get(id(change))]
    rejected = [Refusal(change.code, problem[id(change)]) for change in accepted
                if problem.get(id(change))]
    if problem and good and _problem(fx, good, parsed):  # each alone is fine, not together
        rejected += [Refusal(change.code, "it would clash with another fix; run --fix again")
                     for change in good[1:]]
        good = good[:1]
    return good, rejected


def _problem(fx: FixContext, changes: List[Change],
             parsed: Optional[Dict[str, Tuple[ast.Module, "Counter[str]"]]] = None) -> str:
    """Why applying ``changes`` to the pass's text must not be done, or ''."""
    text = fx.source.text
    edits = [edit for change in changes for edit in change.edits]
    for edit in edits:
        for quote in _fstrings_around(fx, edit):
            if set(edit.text) & {"\\", "#", quote[0]} or ("\n" in edit.text and len(quote) == 1):
                return ("the fix would write quotes or backslashes inside an f-string, which "
                        "Python before 3.12 cannot read; change it by hand")
    fixed = apply_edits(text, edits)
    try:
        tree = ast.parse(fixed)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return "the fix would not leave valid Python; please report it"
    comments = comment_tokens(fixed)
    if comments != fx.comments():
        return "the fix would drop or move a comment; change it by hand (and please report it)"
    if parsed is not None:
        parsed[fixed] = (tree, comments)
    return ""


def _node_count(tree: ast.AST) -> int:
    return sum(1 for _ in ast.walk(tree))


def comment_tokens(text: str) -> "Counter[str]":
    """Every comment of ``text`` (the tokenizer's view), counted."""
    try:
        return Counter(token.string for token in tokenize.generate_tokens(
            io.StringIO(text).readline) if token.type == tokenize.COMMENT)
    except (tokenize.TokenError, SyntaxError):
        return Counter()


def _fstrings_around(fx: FixContext, edit: Edit) -> List[str]:
    """The opening quotes of the f-strings an edit falls inside."""
    return [quote for start, end, quote in fx.source.fstrings()
            if start < edit.start and edit.end < end]


def _remaining(fx: FixContext, kind: str, opt_in: Collection[str]) -> List[Result]:
    """The findings on the text a pass has already parsed and evaluated."""
    try:
        return report(fx.ctx, fx.source.module, fx.source.tree,
                      chosen_rules(ALL_RULES, kind, opt_in))
    except RecursionError:
        return []


def _context(text: str, release: Release, whole: bool, bound_elsewhere: FrozenSet[str],
             noqa: bool = True, parsed: "Tuple[ast.Module, Counter[str]] | None" = None
             ) -> "FixContext | None":
    """The evaluated file; ``parsed``: its syntax tree and comments when already known (the
    previous pass checked the text it produced)."""
    try:
        tree = parsed[0] if parsed is not None else ast.parse(text)
        if too_costly(text, tree):
            return None
        module = cst.parse_module(text)
    except Exception:  # flake8 reports syntax errors (E999); nothing to fix here
        return None
    ctx = Context(evaluate(module, tree, text, version_text(release)), release, tree, whole,
                  bound_elsewhere)
    fx = FixContext(ctx, Source(text, module, tree), release, noqa)
    if parsed is not None:
        fx.known_comments(parsed[1])
    return fx


def _one_pass(fx: FixContext, kind: str, kinds: Collection[str], ignored: Collection[str]
              ) -> Tuple[List[Change], List[Refusal], List[Tuple[str, Change]]]:
    accepted: List[Change] = []
    refusals: List[Refusal] = []
    available: List[Tuple[str, Change]] = []
    taken: List[Edit] = []
    if fx.ctx.facts.rebinding:  # any setting may change at a moment nobody can place
        return [], [Refusal("", "the file changes settings through exec or writes to "
                                "globals(); nothing in it is rewritten")], []
    for fix in ALL_FIXES:
        if kind not in fix.applies_to:
            continue
        if fix.kind == UNSAFE and accepted:
            continue  # the next pass: names derived from the file follow the safe fixes first
        if all(code in ignored for code in fix.codes):
            continue
        for proposal in _proposals(fix, fx):
            if isinstance(proposal, Change) and fx.silenced(proposal.code, proposal.where):
                continue
            if isinstance(proposal, Refusal):
                refusals.append(proposal)
            elif fix.kind not in kinds:
                available.append((fix.kind, proposal))
            elif not any(_overlap(a, b) for a in proposal.edits for b in taken):
                accepted.append(proposal)
                taken.extend(proposal.edits)
    return accepted, refusals, available


def _proposals(fix: Any, fx: FixContext) -> Iterator[Proposal]:
    """A fix's proposals; one that meets a value written where it cannot place it (a node
    outside the statement the evaluator names, such as a function's body) refuses the rest."""
    try:
        yield from fix().propose(fx)
    except LookupError:
        yield Refusal(fix.codes[0], "a value it would change is written away from the setting "
                                    "(in a function or another statement); fix it by hand")


def _overlap(a: Edit, b: Edit) -> bool:
    """Edits that touch (even only at one offset) wait for the next pass."""
    return a.start <= b.end and b.start <= a.end


def apply_edits(text: str, edits: List[Edit]) -> str:
    for edit in sorted(edits, key=lambda e: (e.start, e.end), reverse=True):
        text = text[:edit.start] + edit.text + text[edit.end:]
    return text


def _not_checked(text: str) -> List[Refusal]:
    """The plain note for a file lint mode passes over in silence (checker.too_costly)."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return []  # flake8 reports it (E999)
    if not too_costly(text, tree):
        return []
    return [Refusal("", "the file is too large or nests expressions too deeply to be checked "
                        "(see the limits in docs/reliability.md); it is left unchanged")]


def secret_literals(text: str, release: Release) -> Set[str]:
    """The literals holding secrets (passwords, keys, peppers, secret fallbacks) exactly as
    written in ``text``: what a diff must never show."""
    try:
        fx = _context(text, release, True, frozenset())
        return set() if fx is None else _secrets(fx)
    except RecursionError:  # too_costly keeps deep nesting out; this is a last resort
        return set()


def _secrets(fx: FixContext) -> Set[str]:
    found: Set[str] = set()
    for _, value in password_values(fx.ctx) + key_values(fx.ctx) + secret_places(fx.ctx):
        if not isinstance(value, Lit) or not isinstance(value.value, str) or not value.value:
            continue
        node = value.fallback_node if value.fallback_of is not None else value.node
        pending = [node]
        while pending:  # each piece of 'a' 'b' too: a diff shows one line at a time
            piece = pending.pop()
            if isinstance(piece, cst.ConcatenatedString):
                pending += [piece.left, piece.right]
            if isinstance(piece, (cst.SimpleString, cst.ConcatenatedString)):
                try:
                    start, end = fx.source.span(piece, value.stmt, parentheses=False)
                except LookupError:  # written elsewhere (a function's body): as libcst has it
                    found.add(fx.source.module.code_for_node(piece))
                else:
                    found.add(fx.source.text[start:end])
    return found


def proposals(source: str, release: Release, kind: str = NETBOX, whole: bool = True,
              bound_elsewhere: FrozenSet[str] = frozenset(), ignored: Collection[str] = (),
              noqa: bool = True) -> List[Tuple[str, Change]]:
    """Every change of every kind (SAFE, UNSAFE, UPGRADE_DATABASES) that ``--fix`` could make
    first on ``source``, each as (kind, change) with edits computed on ``source`` alone (they
    may overlap: apply one, then ask again). For editors offering fixes one at a time; the
    same guards as ``fix_source`` (``# noqa``, ``ignored`` codes, exec/globals(), lone CRs)."""
    if _LONE_CR.search(source):
        return []
    collecting = gc.isenabled()
    gc.disable()
    try:
        fx = _context(source, release, whole, bound_elsewhere, noqa)
        if fx is None:
            return []
        _, _, available = _one_pass(fx, kind, (), ignored)
        return available
    except RecursionError:
        return []
    finally:
        if collecting:
            gc.enable()
