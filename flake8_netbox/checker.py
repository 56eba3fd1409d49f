"""From source text to findings: parse with libcst, evaluate, run the rules, place the findings.

Imported only once a file has been recognised as a NetBox configuration: it pulls in libcst.
"""

from __future__ import annotations

import ast
import gc
from typing import Collection, Iterable, List, Optional, Tuple, Type

import libcst as cst

from flake8_netbox.evaluator import evaluate
from flake8_netbox.netbox import Release
from flake8_netbox.positions import Positioner
from flake8_netbox.rules import ALL_RULES
from flake8_netbox.rules.base import Context, Finding, Rule

#: Files with more delimiters than this (about 60,000 lines of dicts) are not checked: libcst
#: would need more than five seconds. NetBox configurations stay far below (silence, documented).
MAX_DELIMITERS = 120_000

#: (line, column, message) as flake8 wants them; line 1-based, column 0-based.
Result = Tuple[int, int, str]


def check_source(source: str, release: Release, tree: Optional[ast.Module] = None,
                 rules: Iterable[Type[Rule]] = ALL_RULES,
                 opt_in: Collection[str] = ()) -> List[Result]:
    """Findings for one configuration, sorted by position. Never executes ``source``.
    Opt-in rules run only when their code is in ``opt_in``."""
    # The syntax tree is hundreds of thousands of acyclic objects: letting the cyclic garbage
    # collector walk them again and again while they are built costs more than the checks.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _check(source, release, tree, rules, opt_in)
    finally:
        if collecting:
            gc.enable()


def too_costly(source: str) -> bool:
    """Would libcst need more than a few seconds? Its parse time grows with the number of
    tokens (about 2 s for 30,000 lines of dicts, 20 s for 150,000); delimiters count them
    cheaply, and a long string literal, which is one token, does not count."""
    delimiters = sum(source.count(c) for c in ",:=([{")
    return delimiters > MAX_DELIMITERS


def _check(source: str, release: Release, tree: Optional[ast.Module],
           rules: Iterable[Type[Rule]], opt_in: Collection[str]) -> List[Result]:
    if too_costly(source):
        return []
    if tree is None:  # Python's own parser first: it rejects what libcst could choke on
        try:
            tree = ast.parse(source)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return []
    try:
        module = cst.parse_module(source)
    except Exception:  # libcst's ParserSyntaxError, or bytes it cannot decode: flake8 has E999
        return []
    try:
        facts = evaluate(module, tree, source)
        ctx = Context(facts, release, tree)
        findings: List[Finding] = []
        for rule in rules:
            if rule.opt_in and rule.code not in opt_in:
                continue
            instance: Rule = rule()
            findings.extend(instance.check(ctx))
        positions = Positioner(module, tree)
        results = set()
        for finding in findings:
            line, column = positions.locate(finding.stmt, finding.node)
            results.add((line, column, finding.message))
    except RecursionError:
        # Expressions nested deeper than the evaluator follows (hundreds of levels, which
        # Python's own parser and pyflakes barely accept): silence rather than a guess.
        return []
    return sorted(results)
