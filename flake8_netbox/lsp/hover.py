"""Hover text: what NetBox does with the setting or key under the cursor, for the target
release, and the documentation of the rules reporting something there. Never a value."""

from __future__ import annotations

from typing import List, Optional, Sequence, Tuple

from flake8_netbox.checker import Placed
from flake8_netbox.docs import explain
from flake8_netbox.netbox import (HARD_CODED, Release, SettingInfo, database_key_info,
                                  section_key_info, setting_info)
from flake8_netbox.rules import BY_CODE
from flake8_netbox.lsp.where import Symbol, key_table


def info_for(path: Tuple[str, ...], release: Release) -> Optional[SettingInfo]:
    """The facts about a setting (``("DEBUG",)``) or a known key (``("REDIS", "tasks",
    "HOST")``); None for anything else."""
    if len(path) == 1:
        return setting_info(path[0], release)
    table = key_table(path[:-1])
    if table == "section" or (table == "sections" and release < Release(2, 7, 0)):
        return section_key_info(path[-1], release)
    if table == "database":
        return database_key_info(path[-1], release)
    return None


def describe(info: SettingInfo, release: Release, path: Tuple[str, ...]) -> List[str]:
    """Markdown lines for one setting or key: facts of NetBox's code, never a value."""
    title = path[0] + "".join(f"[{key!r}]" for key in path[1:])
    what = "key" if len(path) > 1 else "NetBox setting"
    lines = [f"**{title}** ({what})", ""]
    if info.first is not None:
        until = f"to {info.last}" if info.last is not None else "to the newest release known"
        lines.append(f"Read by NetBox {info.first} {until}.")
    status = "reads it" if info.read else "does **not** read it"
    lines.append(f"NetBox {release} (the target release) {status}.")
    facts = []
    if info.type:
        facts.append(f"type: `{info.type}`")
    if info.default is not None:
        facts.append(f"default: `{info.default}`")
    if info.kind == "dynamic":
        facts.append("can also be changed in NetBox's admin interface (dynamic configuration)")
    if facts:
        lines.append("; ".join(facts).capitalize() + ".")
    if info.replacement:
        lines.append(f"Note: {info.replacement}.")
    if info.deprecated and info.deprecated != info.replacement:
        lines.append(f"Deprecated: {info.deprecated}.")
    return lines


def hover_markdown(symbol: Symbol, release: Release, findings: Sequence[Placed]) -> Optional[str]:
    """The hover for ``symbol``: facts about it, then each rule reporting a finding that
    touches it (explained as in ``flake8-netbox --explain``). None when there is nothing."""
    parts: List[str] = []
    info = info_for(symbol.path, release)
    if info is not None:
        parts.append("\n".join(describe(info, release, symbol.path)))
    elif len(symbol.path) == 1 and symbol.path[0] in HARD_CODED:
        parts.append(f"**{symbol.path[0]}** (Django setting NetBox sets itself): "
                     f"{HARD_CODED[symbol.path[0]]}.")
    codes: List[str] = []
    for found in findings:
        if found.start <= symbol.end and symbol.start <= found.end and found.code not in codes:
            codes.append(found.code)
    for code in codes:
        rule = BY_CODE.get(code)
        if rule is not None:
            parts.append(explain(rule))
    return "\n\n---\n\n".join(parts) if parts else None
