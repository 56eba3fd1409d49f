"""Copy-paste and typing slips: one environment variable feeding two settings (NBX505), and a
string written as an f-string without the f (NBX506)."""

from __future__ import annotations

import re
from typing import Dict, Iterator, List, Optional, Set, Tuple

import libcst as cst

from flake8_netbox import ldap, netbox
from flake8_netbox.rules.base import LDAP, NETBOX, Context, Example, Finding, Rule
from flake8_netbox.values import DictV, Env, ListV, Lit, Value

#: ``{name}``, ``{name!r}``, ``{name:>10}``, ``{name.attr}``, ``{name[0]}``; not ``{{name}}``.
_FIELD = re.compile(r"(?<!\{)\{([A-Za-z_][A-Za-z0-9_]*)(?:[.\[][^{}]*)?(?:![rsa])?(?::[^{}]*)?\}"
                    r"(?!\})")
#: Deepest nesting walked inside a setting.
_MAX_DEPTH = 6


def setting_names(ctx: Context) -> List[str]:
    """Module-level names the file sets that NetBox or django-auth-ldap reads (in either
    file: a slip in a setting written into the wrong file is still a slip)."""
    known = netbox.known_names()
    return sorted(name for name in ctx.facts.names if name in known or
                  name.startswith("SOCIAL_AUTH_") or ldap.is_ldap_name(name))


def walk(ctx: Context, names: List[str]) -> Iterator[Tuple[str, Value, int]]:
    """(setting path, value, statement that stored it) for every value the settings hold,
    inside dicts, lists and tuples too (depth-bounded; each container once)."""
    seen: Set[int] = set()

    def inner(path: str, value: Value, stmt: int, depth: int) -> Iterator[Tuple[str, Value, int]]:
        yield path, value, stmt
        if depth >= _MAX_DEPTH or id(value) in seen:
            return
        if isinstance(value, DictV):
            seen.add(id(value))
            for key, entry in value.entries.items():
                for slot in entry.slots:
                    if slot.value is not None:
                        yield from inner(f"{path}[{_key(key)}]", slot.value, slot.stmt,
                                         depth + 1)
        elif isinstance(value, ListV):
            seen.add(id(value))
            for item in value.items:
                for sub in item:
                    yield from inner(path, sub, sub.stmt, depth + 1)

    for name in names:
        for slot in ctx.slots(name):
            yield from inner(name, slot.value, slot.stmt, 0)


def _key(key: object) -> str:
    from flake8_netbox.redaction import describe_key

    return describe_key(key)  # a key may be a secret written in the wrong place


def _is_plain_string(node: object) -> bool:
    """A string literal with no f prefix in any of its parts (bytes excluded)."""
    if isinstance(node, cst.SimpleString):
        prefix = node.prefix.lower()
        return "f" not in prefix and "b" not in prefix
    if isinstance(node, cst.ConcatenatedString):
        return _is_plain_string(node.left) and _is_plain_string(node.right)
    return False


def missing_f_prefix(ctx: Context, value: Value) -> List[str]:
    """The module-level names a plain string literal names in ``{...}`` fields: non-empty when
    the string was meant as an f-string. The text itself is never returned."""
    if not (isinstance(value, Lit) and isinstance(value.value, str) and "{" in value.value
            and value.fallback_of is None and _is_plain_string(value.node)):
        return []
    names = []
    for match in _FIELD.finditer(value.value):
        name = match.group(1)
        if ctx.facts.is_bound(name) and name not in names:
            names.append(name)
    return names


class MissingFPrefix(Rule):
    code = "NBX506"
    name = "missing-f-prefix"
    applies_to = frozenset({NETBOX, LDAP})
    summary = ("A plain string names a module-level variable in braces (`\"{pw}\"`): the f "
               "prefix is missing.")
    why = (
        "Without the f prefix, `AUTH_LDAP_BIND_PASSWORD = \"{bind_password}\"` sends the text "
        "{bind_password}, braces included, as the password, and `\"ldaps://{server}\"` names a "
        "host called {server}: the login or the connection fails, or (worse) works against "
        "something else. Reported when the name in braces is bound at module level in the "
        "file; NBX301 does not call such a string a hard-coded password."
    )
    valid = (
        Example("server = os.environ['LDAP_SERVER']\n"
                "AUTH_LDAP_SERVER_URI = f'ldaps://{server}'\n", filename="ldap_config.py"),
        "LOGGING = {'formatters': {'plain': {'format': '{levelname} {message}', 'style': '{'}}}\n",
    )
    invalid = (
        Example("bind_password = os.environ['LDAP_BIND_PASSWORD']\n"
                "AUTH_LDAP_SERVER_URI = 'ldaps://ldap.example.com'\n"
                "AUTH_LDAP_BIND_PASSWORD = '{bind_password}'  # NBX506\n",
                filename="ldap_config.py"),
        "db_host = os.environ.get('DB_HOST', 'localhost')\n"
        "DATABASE = {'NAME': 'netbox', 'HOST': '{db_host}'}  # NBX506\n",
    )

    def check(self, ctx: Context) -> Iterator[Finding]:
        seen: Set[int] = set()
        for path, value, _ in walk(ctx, setting_names(ctx)):
            if id(value.node) in seen:
                continue
            names = missing_f_prefix(ctx, value)
            if names:
                seen.add(id(value.node))
                shown = ", ".join("{" + n + "}" for n in names[:3])
                yield self.at_value(f"{path} is a plain string naming {shown}: the f prefix is "
                                    "missing, so the braces are sent as text; write f'...'",
                                    value)


def _core(var: str) -> str:
    upper = var.upper()
    return upper[len("NETBOX_"):] if upper.startswith("NETBOX_") else upper


def _matches(var: str, path: str) -> bool:
    """Does the variable's name say it is meant for ``path``? (MAX_PAGE_SIZE for MAX_PAGE_SIZE,
    REDIS_PASSWORD or DB_PASSWORD for ...['PASSWORD'], NETBOX_ prefixes ignored)."""
    core = _core(var)
    parts = re.findall(r"[A-Za-z0-9_]+", path)
    top, last = parts[0].upper(), parts[-1].upper()
    if core == top or core.endswith("_" + top) or top.endswith("_" + core):
        return True
    return len(parts) > 1 and (core == last or core.endswith("_" + last))


class SharedEnvironmentVariable(Rule):
    code = "NBX505"
    name = "environment-variable-copy-paste"
    applies_to = frozenset({NETBOX, LDAP})
    summary = ("One environment variable feeds two different settings, and its name matches "
               "only one of them: a copy-paste slip.")
    why = (
        "`MAX_PAGE_SIZE = int(os.environ.get('MAINTENANCE_MODE', 1000))` next to "
        "`MAINTENANCE_MODE = os.environ.get('MAINTENANCE_MODE') == 'true'` is a line copied "
        "and not fully edited: setting MAINTENANCE_MODE now changes the page size too, and "
        "the variable meant for MAX_PAGE_SIZE is never read. Reported on the setting whose "
        "name the variable does not match, when the lookup is written in that setting's own "
        "statement (a helper variable shared on purpose is not reported)."
    )
    valid = (
        "MAINTENANCE_MODE = os.environ.get('MAINTENANCE_MODE', 'false') == 'true'\n"
        "MAX_PAGE_SIZE = int(os.environ.get('MAX_PAGE_SIZE', 1000))\n",
        "REDIS = {\n    'tasks': {'PASSWORD': os.environ['REDIS_PASSWORD']},\n"
        "    'caching': {'PASSWORD': os.environ['REDIS_PASSWORD']},\n}\n",
    )
    invalid = (
        "MAINTENANCE_MODE = os.environ.get('MAINTENANCE_MODE', 'false') == 'true'\n"
        "MAX_PAGE_SIZE = int(os.environ.get('MAINTENANCE_MODE', 1000))  # NBX505\n",
        Example("NAPALM_PASSWORD = os.environ.get('NAPALM_PASSWORD', '')\n"
                "NAPALM_ARGS = {'api_key': os.environ.get('NAPALM_PASSWORD', '')}  # NBX505\n",
                "3.4"),
    )

    def check(self, ctx: Context) -> Iterator[Finding]:
        reads: Dict[str, List[Tuple[str, Env, bool]]] = {}
        for path, value, stmt in walk(ctx, setting_names(ctx)):
            if isinstance(value, Env):
                direct = value.stmt == stmt
                reads.setdefault(value.var, []).append((path, value, direct))
        for var, places in sorted(reads.items()):
            paths = {path for path, _, _ in places}
            if len(paths) < 2:
                continue
            owners = sorted(p for p in paths if _matches(var, p))
            if not owners:
                continue
            seen: Set[Optional[int]] = set()
            for path, value, direct in places:
                if direct and not _matches(var, path) and id(value.node) not in seen:
                    seen.add(id(value.node))
                    yield self.at_value(f"{path} reads ${var}, which {owners[0]} reads too: a "
                                        "copy-paste slip? Give it its own variable", value)
