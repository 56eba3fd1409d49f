"""What every rule is made of: its code, its documentation and examples, and its check.

A rule's ``valid`` and ``invalid`` examples are run as tests and printed in docs/rules.md (the rule
reference), so documentation and behaviour cannot drift apart. In an invalid example, each line
that must be reported carries a trailing ``# NBXnnn`` comment naming the rule's code.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import (Any, ClassVar, FrozenSet, Iterable, Iterator, List, NamedTuple, Optional,
                    Sequence, Set, Tuple, Union)

from flake8_netbox.evaluator import Facts
from flake8_netbox.netbox import Release
from flake8_netbox.placeholders import is_placeholder
from flake8_netbox.redaction import shown_variable
from flake8_netbox.values import Absent, DictV, Env, ListV, Lit, Slot, Value


NETBOX, LDAP = "netbox", "ldap"
#: How serious a finding is, in SARIF's words (``result.level``) and the LSP's severities:
#: "error" where NetBox will not start or a secret is exposed, "warning" for hardening,
#: deprecations and typos.
ERROR, WARNING = "error", "warning"
#: The level of each family of codes (the digit after NBX), for rules that set none.
FAMILY_LEVELS = {"0": ERROR, "1": ERROR, "2": ERROR, "3": ERROR, "4": WARNING, "5": WARNING,
                 "6": WARNING}
#: GitHub code scanning's ``security-severity`` (CVSS-like, 0.0-10.0) of the security rules,
#: for rules that set none: secrets and keys high, hardening medium.
SECURITY_SEVERITIES = {
    "NBX101": 8.1, "NBX102": 8.1, "NBX103": 7.5, "NBX301": 7.5, "NBX302": 7.5, "NBX303": 5.5,
    "NBX401": 5.3, "NBX402": 5.3, "NBX403": 6.5, "NBX404": 5.3, "NBX405": 5.9, "NBX406": 4.3,
    "NBX407": 4.3, "NBX602": 7.4, "NBX603": 5.9, "NBX604": 8.1,
}
#: In ``bound_elsewhere``: another file of the configuration folder can bind any name (it
#: star-imports, writes to ``globals()``...), so this configuration lacks nothing for sure.
ANY_NAME = "*"


@dataclass(frozen=True)
class Example:
    """A configuration snippet, the release it is checked against, and the file it is in."""

    code: str
    netbox_version: str = "4.7"
    filename: str = "configuration.py"


class Finding(NamedTuple):
    code: str
    message: str
    stmt: int  # top-level statement holding ``node``
    node: Any  # None: the module itself (line 1)


class Context:
    """What a rule may look at: the evaluated settings and the target release."""

    def __init__(self, facts: Facts, release: Release, tree: Optional[ast.AST] = None,
                 whole: bool = True, bound_elsewhere: FrozenSet[str] = frozenset()) -> None:
        self.facts = facts
        self.release = release
        self.tree = tree
        #: The file is a whole configuration (not one part of a split one): settings it lacks
        #: are missing, unless ``bound_elsewhere`` (by the other files of its directory).
        self.whole = whole
        self.bound_elsewhere = bound_elsewhere

    def is_bound(self, name: str) -> bool:
        """Bound in this file, or (split configurations) in another file of its directory."""
        return self.facts.is_bound(name) or name in self.bound_elsewhere \
            or ANY_NAME in self.bound_elsewhere

    @property
    def judges_absence(self) -> bool:
        """Can this file tell that the configuration lacks a setting? Only a whole
        configuration (never a part of a split one, whose other files may set it) whose module
        is closed (no star import, ``globals()`` write, module ``__getattr__`` or ``exec``)."""
        return self.whole and not self.open_world

    def lacks(self, name: str) -> bool:
        """The configuration this file belongs to never sets ``name``: this file judges
        absences (``judges_absence``) and neither it nor another file of its configuration
        folder (``flake8-netbox --config-dir``) binds it."""
        return self.judges_absence and not self.is_bound(name)

    def is_helper(self, name: str) -> bool:
        """A module-level name the file reads itself (to build LDAPSearch(...), an f-string,
        another setting): a helper of the file, not a setting meant for NetBox, whatever its
        spelling. Reads in the value of an assignment to the same name (``X = X.strip()``)
        do not count: they only feed the name itself; nor does writing into it (``X[k] = v``,
        ``X.append(v)``). The one notion of "helper" for every rule about names, from the
        evaluator's recorded reads (``Facts.is_read``)."""
        return self.facts.is_read(name)

    def loaded_names(self) -> Set[str]:
        """Every name the file reads somewhere (see ``is_read``)."""
        return self.facts.read_names()

    @property
    def open_world(self) -> bool:
        return self.facts.open_world

    def slots(self, name: str) -> List[Slot]:
        return self.facts.slots(name)

    def dicts(self, name: str) -> List[DictV]:
        """The dicts a top-level setting can hold."""
        return _unique([s.value for s in self.facts.slots(name) if isinstance(s.value, DictV)])

    def defaults_apply(self, container: DictV) -> bool:
        """May a key missing from ``container`` be taken as NetBox's default? Not when the dict
        may hold entries the evaluator cannot see, nor when exec or writes to globals() may
        change any setting at a moment the evaluator cannot place."""
        return not container.open and not self.facts.rebinding

    def may_be_incomplete(self, container: DictV) -> bool:
        """Could entries missing from ``container`` come from elsewhere? Then nothing in it is
        reported missing (the module is open, or the dict holds unknown entries)."""
        return container.open or self.open_world


class Rule:
    """Base class: subclasses set the class attributes and implement ``check`` (what the file
    writes), ``check_absent`` (what the configuration lacks), or both."""

    code: ClassVar[str]
    name: ClassVar[str]
    summary: ClassVar[str]
    #: "Why is this bad?" for the rule reference.
    why: ClassVar[str]
    valid: ClassVar[Sequence[Union[str, Example]]] = ()
    invalid: ClassVar[Sequence[Union[str, Example]]] = ()
    #: Off by default (flake8's extend_default_ignore); ``--extend-select`` turns it on.
    opt_in: ClassVar[bool] = False
    #: The kinds of file it checks: NetBox's configuration.py, or ldap_config.py.
    applies_to: ClassVar[FrozenSet[str]] = frozenset({NETBOX})
    #: ERROR (NetBox will not start, a secret is exposed) or WARNING (hardening, deprecations,
    #: typos): SARIF's result level and the editor's severity. Default: by the code's family
    #: (FAMILY_LEVELS).
    level: ClassVar[str]
    #: For security rules, GitHub code scanning's security-severity (0.0-10.0); else None.
    #: Default: SECURITY_SEVERITIES.
    security_severity: ClassVar[Optional[float]]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        code = cls.__dict__.get("code", "")
        if "level" not in cls.__dict__:
            cls.level = ERROR if code in ("NBX601", "NBX602") else \
                FAMILY_LEVELS.get(code[3:4], WARNING)
        if "security_severity" not in cls.__dict__:
            cls.security_severity = SECURITY_SEVERITIES.get(code)

    def check(self, ctx: Context) -> Iterator[Finding]:
        """Findings about what the file writes (every file, parts of split ones included)."""
        return iter(())

    def check_absent(self, ctx: Context) -> Iterator[Finding]:
        """Findings about settings the configuration lacks (``ctx.lacks``). The engine calls
        it once per configuration: on a whole file whose module is closed, never on a part of
        a split configuration (extra.py, plugins.py), and under ``--config-dir`` on the
        folder's main file only, with what every file of the folder binds. A rule that judges
        an absence puts that judgement here, not in ``check``."""
        return iter(())

    @classmethod
    def judges_absence(cls) -> bool:
        """Does the rule report missing settings (it overrides ``check_absent``)?"""
        return cls.check_absent is not Rule.check_absent

    def at(self, message: str, stmt: int, node: Any) -> Finding:
        return Finding(self.code, f"{self.code} {message}", stmt, node)

    def at_value(self, message: str, value: Value) -> Finding:
        return self.at(message, value.stmt, value.node)

    def at_module(self, message: str) -> Finding:
        return Finding(self.code, f"{self.code} {message}", 0, None)


def examples(items: Sequence[Union[str, Example]]) -> List[Example]:
    return [item if isinstance(item, Example) else Example(item) for item in items]


# -- traversal helpers shared by rules -----------------------------------------------------------

def entry_slots(container: DictV, key: Any) -> Optional[List[Slot]]:
    """Slots of ``container[key]``, or None when the key is never set."""
    entry = container.entries.get(key)
    return None if entry is None else list(entry.slots)


def present_values(container: DictV, key: Any) -> List[Value]:
    """Values ``container[key]`` can hold where it is set."""
    return [s.value for s in entry_slots(container, key) or () if not isinstance(s.value, Absent)]


def sub_dicts(container: DictV, key: Any) -> List[DictV]:
    return _unique([v for v in present_values(container, key) if isinstance(v, DictV)])


def key_location(container: DictV, key: Any) -> Tuple[int, Any]:
    entry = container.entries[key]
    return entry.key_stmt, entry.key_node


def is_literal_str(value: Value) -> bool:
    """A string written in the file (not an environment variable's default)."""
    return isinstance(value, Lit) and isinstance(value.value, str) and value.fallback_of is None


def is_placeholder_literal(value: Value) -> bool:
    """A string written in the file that is a template placeholder ('{{ secret }}',
    '__SECRET_KEY__'): NBX007's alone, never a hard-coded password or a weak key."""
    return is_literal_str(value) and is_placeholder(value.value)  # type: ignore[attr-defined]


def describe(value: Value) -> str:
    """The type of a value in words, for messages (never its content)."""
    if isinstance(value, Lit):
        return {type(None): "None", bool: "a bool", int: "an int", float: "a float",
                str: "a string", bytes: "bytes"}.get(type(value.value), "a value")
    if isinstance(value, DictV):
        return "a dict"
    if isinstance(value, ListV):
        return f"a {value.kind}"
    if isinstance(value, Env):
        return f"a string from {shown_variable(value.var)}" if value.kind == "str" else \
            f"derived from {shown_variable(value.var)}"
    return "a value"


def closest(name: str, candidates: Iterable[Any], cutoff: float = 0.8) -> Optional[str]:
    """The candidate most like ``name`` (a typo's intended spelling), if any is close: difflib's
    choice, prefiltered (flake8_netbox.suggest) so that thousands of names stay cheap."""
    from flake8_netbox.suggest import closest_match

    return closest_match(name, candidates, cutoff)


def misspelling_of(container: DictV, wanted: str, known: Any) -> Optional[str]:
    """The key of ``container`` that looks like a misspelt ``wanted`` (and is no known key)."""
    return closest(wanted, [k for k in container.entries if isinstance(k, str) and k not in known],
                   cutoff=0.6)


def can_be(values: List[Value], wanted: Any) -> List[Lit]:
    """The literal alternatives equal to ``wanted`` (environment defaults included)."""
    return [v for v in values if isinstance(v, Lit) and type(v.value) is type(wanted)
            and v.value == wanted]


def list_items(values: List[Value]) -> List[Value]:
    """Every element any list alternative can hold."""
    return [item for v in values if isinstance(v, ListV) for alts in v.items for item in alts]


def where(value: Value) -> Tuple[int, Any]:
    """Where to report a value: an environment default at the default itself."""
    return value.stmt, value.fallback_node if value.fallback_of is not None else value.node


def _unique(values: List[Any]) -> List[Any]:
    seen = set()
    out = []
    for value in values:
        if id(value) not in seen:
            seen.add(id(value))
            out.append(value)
    return out
