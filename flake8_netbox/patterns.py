"""Does a user's regular expression match a string? Decided without running the pattern.

Python's ``re`` backtracks: a nested quantifier such as ``^(.*?)*(.*?)*\\.example\\.com$`` (a
plausible CORS_ORIGIN_REGEX_WHITELIST entry) takes minutes on a 25-character origin. Here the
pattern is parsed by the standard library's own parser (``re._parser``, ``sre_parse`` before
Python 3.11), its structure is compiled to a Thompson automaton, and the automaton is run on
the text with a set of states: time grows with len(pattern) x len(text), whatever the pattern.

Only what a regular language can express is followed: back references, look-arounds, atomic
groups, possessive quantifiers and conditionals give ``None`` (unknown), as do patterns that
expand beyond :data:`MAX_STATES` states (``(a{100}){100}``) or that do not compile.
"""

from __future__ import annotations

import functools
import re
from typing import Any, Callable, List, Optional, Sequence, Tuple

try:  # Python 3.11+
    from re import _constants as _c  # type: ignore[attr-defined]
    from re import _parser as _parse  # type: ignore[attr-defined]
except ImportError:  # Python 3.9, 3.10
    import sre_constants as _c  # type: ignore[no-redef]
    import sre_parse as _parse  # type: ignore[no-redef]

#: Patterns longer than this are not examined (none meant for CORS origins comes close).
MAX_PATTERN = 1_000
#: Automaton states beyond which a pattern is unknown: counted repeats multiply states
#: (``(a{100}){100}`` would need 10,000 copies); 5,000 keeps the run below a few milliseconds.
MAX_STATES = 5_000

_CHAR, _SPLIT, _JMP, _ASSERT, _MATCH = range(5)


class _Unknown(Exception):
    """A construct outside regular languages, or a pattern too large to follow."""


def prefix_matches(pattern: str, text: str) -> Optional[bool]:
    """Would ``re.match(pattern, text)`` succeed (a match at the start, as django-cors-headers
    applies CORS_ORIGIN_REGEX_WHITELIST entries)? ``None`` when it cannot be told without
    backtracking, or the pattern is invalid. Never runs ``re`` on ``text``."""
    code = _program(pattern)
    return None if code is None else _run(code, text)


@functools.lru_cache(maxsize=256)
def _program(pattern: str) -> Optional[Tuple[Instruction, ...]]:
    """The instructions for ``pattern``, or None (unknown): parsed once for all the origins a
    pattern is tried on (NBX403 tries several; 300 long patterns took 3 s parsed per origin)."""
    if len(pattern) > MAX_PATTERN:
        return None
    try:
        parsed = _parse.parse(pattern)
        flags = getattr(getattr(parsed, "state", None), "flags", 0)
        program = _Compiler()
        program.sequence(parsed, flags)
        program.emit((_MATCH,))
    except (_Unknown, re.error, RecursionError, OverflowError, ValueError, TypeError):
        return None
    return tuple(program.code)


Instruction = Tuple[Any, ...]


class _Compiler:
    """Pike-style instructions from ``re``'s parsed form."""

    def __init__(self) -> None:
        self.code: List[Instruction] = []

    def emit(self, instruction: Instruction) -> int:
        if len(self.code) >= MAX_STATES:
            raise _Unknown("too many states")
        self.code.append(instruction)
        return len(self.code) - 1

    def patch(self, at: int, instruction: Instruction) -> None:
        self.code[at] = instruction

    def sequence(self, items: Sequence[Tuple[Any, Any]], flags: int) -> None:
        for op, av in items:
            self.item(op, av, flags)

    def item(self, op: Any, av: Any, flags: int) -> None:
        if op is _c.LITERAL:
            self.emit((_CHAR, _literal(av, flags)))
        elif op is _c.NOT_LITERAL:
            test = _literal(av, flags)
            self.emit((_CHAR, lambda ch: not test(ch)))
        elif op is _c.ANY:
            self.emit((_CHAR, (lambda ch: True) if flags & _c.SRE_FLAG_DOTALL
                       else (lambda ch: ch != "\n")))
        elif op is _c.IN:
            self.emit((_CHAR, _charset(av, flags)))
        elif op is _c.AT:
            self.emit((_ASSERT, av, flags))
        elif op is _c.SUBPATTERN:
            _group, add, remove, body = av
            self.sequence(body, (flags | add) & ~remove)
        elif op is _c.BRANCH:
            self.branch(av[1], flags)
        elif op in (_c.MAX_REPEAT, _c.MIN_REPEAT):  # greedy or lazy: the same language
            low, high, body = av
            self.repeat(low, high, body, flags)
        else:  # GROUPREF, ASSERT, ASSERT_NOT, ATOMIC_GROUP, POSSESSIVE_REPEAT, ...
            raise _Unknown(str(op))

    def branch(self, alternatives: Sequence[Any], flags: int) -> None:
        jumps = []
        for index, alternative in enumerate(alternatives):
            if index < len(alternatives) - 1:
                split = self.emit((_SPLIT, 0, 0))
                self.sequence(alternative, flags)
                jumps.append(self.emit((_JMP, 0)))
                self.patch(split, (_SPLIT, split + 1, len(self.code)))
            else:
                self.sequence(alternative, flags)
        for jump in jumps:
            self.patch(jump, (_JMP, len(self.code)))

    def repeat(self, low: int, high: int, body: Any, flags: int) -> None:
        for _ in range(low):
            self.sequence(body, flags)
        if high == _c.MAXREPEAT:
            split = self.emit((_SPLIT, 0, 0))
            self.sequence(body, flags)
            self.emit((_JMP, split))
            self.patch(split, (_SPLIT, split + 1, len(self.code)))
            return
        splits = []
        for _ in range(high - low):
            splits.append(self.emit((_SPLIT, 0, 0)))
            self.sequence(body, flags)
        for split in splits:
            self.patch(split, (_SPLIT, split + 1, len(self.code)))


def _literal(code: int, flags: int) -> Callable[[str], bool]:
    char = chr(code)
    if flags & _c.SRE_FLAG_IGNORECASE:
        folded = char.casefold()
        return lambda ch: ch.casefold() == folded
    return lambda ch: ch == char


def _category(category: Any, ascii_only: bool) -> Callable[[str], bool]:
    tests = {
        _c.CATEGORY_DIGIT: lambda ch: ch.isdecimal(),
        _c.CATEGORY_NOT_DIGIT: lambda ch: not ch.isdecimal(),
        _c.CATEGORY_SPACE: lambda ch: ch.isspace(),
        _c.CATEGORY_NOT_SPACE: lambda ch: not ch.isspace(),
        _c.CATEGORY_WORD: lambda ch: ch.isalnum() or ch == "_",
        _c.CATEGORY_NOT_WORD: lambda ch: not (ch.isalnum() or ch == "_"),
    }
    if category not in tests:
        raise _Unknown(str(category))
    test = tests[category]
    if not ascii_only:
        return test
    negated = "NOT" in str(category)
    return lambda ch: test(ch) if ch.isascii() else negated


def _charset(items: Sequence[Tuple[Any, Any]], flags: int) -> Callable[[str], bool]:
    negate = False
    tests: List[Callable[[str], bool]] = []
    for op, av in items:
        if op is _c.NEGATE:
            negate = True
        elif op is _c.LITERAL:
            tests.append(_literal(av, flags))
        elif op is _c.RANGE:
            low, high = av
            tests.append(lambda ch, low=low, high=high: low <= ord(ch) <= high)
        elif op is _c.CATEGORY:
            tests.append(_category(av, bool(flags & _c.SRE_FLAG_ASCII)))
        else:
            raise _Unknown(str(op))
    folding = bool(flags & _c.SRE_FLAG_IGNORECASE)

    def member(ch: str) -> bool:
        variants = {ch, ch.lower(), ch.upper()} if folding else (ch,)
        return any(test(variant) for variant in variants for test in tests)

    return (lambda ch: not member(ch)) if negate else member


def _is_word(text: str, at: int, ascii_only: bool) -> bool:
    if not 0 <= at < len(text):
        return False
    char = text[at]
    return (char.isalnum() or char == "_") and (char.isascii() or not ascii_only)


def _holds(code: Any, flags: int, text: str, at: int) -> bool:
    multiline = bool(flags & _c.SRE_FLAG_MULTILINE)
    if code in (_c.AT_BEGINNING, _c.AT_BEGINNING_LINE):
        return at == 0 or (multiline and text[at - 1] == "\n")
    if code == _c.AT_BEGINNING_STRING:
        return at == 0
    if code in (_c.AT_END, _c.AT_END_LINE):
        return at == len(text) or (at == len(text) - 1 and text[at] == "\n") or \
            (multiline and text[at] == "\n")
    if code == _c.AT_END_STRING:
        return at == len(text)
    ascii_only = bool(flags & _c.SRE_FLAG_ASCII)
    if code == _c.AT_BOUNDARY:
        return _is_word(text, at - 1, ascii_only) != _is_word(text, at, ascii_only)
    if code == _c.AT_NON_BOUNDARY:  # never matches in an empty text (Python before 3.14)
        return bool(text) and \
            _is_word(text, at - 1, ascii_only) == _is_word(text, at, ascii_only)
    raise _Unknown(str(code))


def _run(code: Sequence[Instruction], text: str) -> Optional[bool]:
    """Thompson's simulation: every state the automaton can be in, one character at a time."""
    current = [0]
    for at in range(len(text) + 1):
        ready: List[int] = []  # states waiting for a character
        seen = set()
        pending = list(reversed(current))
        while pending:
            pc = pending.pop()
            if pc in seen:
                continue
            seen.add(pc)
            instruction = code[pc]
            kind = instruction[0]
            if kind == _MATCH:
                return True
            if kind == _JMP:
                pending.append(instruction[1])
            elif kind == _SPLIT:
                pending += [instruction[2], instruction[1]]
            elif kind == _ASSERT:
                try:
                    if _holds(instruction[1], instruction[2], text, at):
                        pending.append(pc + 1)
                except _Unknown:
                    return None
            else:
                ready.append(pc)
        if at == len(text):
            break
        char = text[at]
        current = [pc + 1 for pc in ready if code[pc][1](char)]
        if not current:
            return False
    return False
