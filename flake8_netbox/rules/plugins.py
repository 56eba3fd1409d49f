"""PLUGINS and PLUGINS_CONFIG (NBX701-NBX703).

NetBox (settings.py, every release with plugins: 2.8 on) imports each PLUGINS entry with
importlib.import_module() and refuses to start when that fails; it reads each plugin's options
from PLUGINS_CONFIG[entry], keyed by the PLUGINS entry exactly as written, and ignores every
other key.
"""

from __future__ import annotations

import ast
import re
from typing import Iterator, Optional, Set

from flake8_netbox import netbox
from flake8_netbox.redaction import describe_text, text_like
from flake8_netbox.rules.base import (Context, Finding, Rule, closest, key_location,
                                      present_values, where)
from flake8_netbox.values import DictV, ListV, Lit, Value

_MODULE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*$")
#: Deepest nesting inside PLUGINS_CONFIG that NBX703 walks.
_MAX_DEPTH = 8


def module_name_for(entry: str) -> Optional[str]:
    """The module name a pip distribution name usually stands for ('netbox-bgp' ->
    'netbox_bgp'), or None when no such guess is a module name."""
    guess = re.sub(r"[-\s]+", "_", entry.strip()).lower()
    return guess if _MODULE.match(guess) else None


def _normal(name: str) -> str:
    return name.replace("-", "_").lower()


def plugin_entries(ctx: Context) -> Optional[Set[str]]:
    """Every string PLUGINS can hold, or None when that cannot be known (PLUGINS set in
    another file, built by code the evaluator does not follow, or names from elsewhere)."""
    if ctx.open_world or not ctx.facts.is_bound("PLUGINS") or "PLUGINS" in ctx.bound_elsewhere:
        return None
    found: Set[str] = set()
    for value in ctx.facts.values("PLUGINS"):
        if not isinstance(value, ListV) or value.open:
            return None
        for item in value.items:
            for entry in item:
                if not (isinstance(entry, Lit) and isinstance(entry.value, str)):
                    return None
                found.add(entry.value)
    return found


class PluginNotModule(Rule):
    code = "NBX701"
    name = "plugin-not-module-name"
    summary = "A PLUGINS entry is not a dotted Python module name (often a pip distribution name)."
    why = (
        "NetBox imports each PLUGINS entry as a Python module and refuses to start when it "
        "cannot (\"Unable to import plugin netbox-bgp: Module not found\"). pip installs "
        "netbox-bgp, but Python imports netbox_bgp: PLUGINS needs the module name, which the "
        "plugin's documentation gives (usually the distribution name with '_' for '-')."
    )
    valid = ("PLUGINS = ['netbox_bgp', 'netbox_topology_views']\n",)
    invalid = (
        "PLUGINS = [\n    'netbox-bgp',  # NBX701\n    'netbox_topology_views',\n]\n",
    )

    def check(self, ctx: Context) -> Iterator[Finding]:
        if not netbox.reads("PLUGINS", ctx.release):
            return
        seen = set()
        for value in ctx.facts.values("PLUGINS"):
            if not isinstance(value, ListV):
                continue
            for item in value.items:
                for entry in item:
                    if isinstance(entry, Lit) and isinstance(entry.value, str) and \
                            not _MODULE.match(entry.value) and id(entry.node) not in seen:
                        seen.add(id(entry.node))
                        guess = module_name_for(entry.value)
                        hint = f"; did you mean {guess!r}?" if guess and text_like(guess) else ""
                        yield self.at(f"PLUGINS entry {_shown(entry.value)} is not a Python "
                                      f"module name: NetBox cannot import it and refuses to "
                                      f"start{hint}", *where(entry))


def _shown(text: str) -> str:
    return describe_text(text, "name")


class UnlistedPluginConfig(Rule):
    code = "NBX702"
    name = "plugin-config-not-in-plugins"
    summary = "A PLUGINS_CONFIG key names a plugin that PLUGINS does not list."
    why = (
        "NetBox reads a plugin's options from PLUGINS_CONFIG under the PLUGINS entry exactly "
        "as written, and ignores every other key: options under 'netbox_bgp' while PLUGINS "
        "lists 'netbox-bgp' (or a plugin that was removed from PLUGINS) are never used, so "
        "the plugin runs on its defaults. Not reported when PLUGINS cannot be known (set in "
        "another file, or built by code)."
    )
    valid = ("PLUGINS = ['netbox_bgp']\n"
             "PLUGINS_CONFIG = {'netbox_bgp': {'device_ext_page': 'right'}}\n",)
    invalid = (
        "PLUGINS = ['netbox_bgp']\nPLUGINS_CONFIG = {\n"
        "    'netbox-bgp': {'device_ext_page': 'right'},  # NBX702\n}\n",
    )

    def check(self, ctx: Context) -> Iterator[Finding]:
        if not netbox.reads("PLUGINS_CONFIG", ctx.release):
            return
        entries = plugin_entries(ctx)
        if entries is None:
            return
        for config in ctx.dicts("PLUGINS_CONFIG"):
            for key in config.entries:
                if not isinstance(key, str) or key in entries:
                    continue
                same = [e for e in sorted(entries) if _normal(e) == _normal(key)]
                match = same[0] if same else closest(key, entries, cutoff=0.75)
                if match and same:
                    hint = f"; PLUGINS lists {_shown(match)} ('-' and '_' differ)"
                elif match:
                    hint = f"; did you mean {_shown(match)}?"
                else:
                    hint = "; add the plugin to PLUGINS or remove its options"
                yield self.at(f"PLUGINS_CONFIG key {_shown(key)} names no plugin in PLUGINS: "
                              f"NetBox ignores these options{hint}", *key_location(config, key))


class StringifiedCollection(Rule):
    code = "NBX703"
    name = "plugin-option-collection-as-string"
    summary = ("A string inside PLUGINS_CONFIG whose text is a Python list, tuple or dict "
               "literal.")
    why = (
        "`'apps': \"['netbox_inventory']\"` is a string, not a list: the plugin iterates its "
        "characters ('[', \"'\", 'n', ...) or fails on the first .get(). Remove the quotes "
        "around the list, tuple or dict."
    )
    valid = ("PLUGINS = ['netbox_inventory']\n"
             "PLUGINS_CONFIG = {'netbox_inventory': {'stored_additional_status_names': "
             "['retired', 'lost']}}\n",)
    invalid = (
        "PLUGINS = ['netbox_inventory']\nPLUGINS_CONFIG = {\n    'netbox_inventory': {\n"
        "        'stored_additional_status_names': \"['retired', 'lost']\",  # NBX703\n"
        "    },\n}\n",
    )

    def check(self, ctx: Context) -> Iterator[Finding]:
        if not netbox.reads("PLUGINS_CONFIG", ctx.release):
            return
        seen: Set[int] = set()
        for config in ctx.dicts("PLUGINS_CONFIG"):
            for plugin in config.entries:
                for options in present_values(config, plugin):
                    yield from self._walk(options, f"PLUGINS_CONFIG[{_shown(str(plugin))}]",
                                          seen, 0)

    def _walk(self, value: Value, path: str, seen: Set[int], depth: int) -> Iterator[Finding]:
        if depth > _MAX_DEPTH or id(value) in seen:
            return
        seen.add(id(value))
        if isinstance(value, DictV):
            for key in value.entries:
                for sub in present_values(value, key):
                    yield from self._walk(sub, f"{path}[{_shown(str(key))}]", seen, depth + 1)
        elif isinstance(value, ListV):
            for item in value.items:
                for sub in item:
                    yield from self._walk(sub, path, seen, depth + 1)
        elif isinstance(value, Lit) and isinstance(value.value, str) and \
                value.fallback_of is None:
            kind = literal_collection(value.value)
            if kind:
                yield self.at_value(f"{path} is a string holding a {kind} literal: the plugin "
                                    f"reads it character by character; remove the quotes", value)


def literal_collection(text: str) -> Optional[str]:
    """'list', 'tuple' or 'dict' when ``text`` is the Python literal of one (never run)."""
    stripped = text.strip()
    if len(stripped) < 2 or len(stripped) > 10_000 or \
            (stripped[0], stripped[-1]) not in (("[", "]"), ("(", ")"), ("{", "}")):
        return None
    try:
        parsed = ast.literal_eval(stripped)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return None
    kinds = {list: "list", tuple: "tuple", dict: "dict"}
    return kinds.get(type(parsed))
