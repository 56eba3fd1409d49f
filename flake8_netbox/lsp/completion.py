"""Completion of setting names at module level and of known keys inside REDIS, DATABASE and
DATABASES, for the target release only (names another release reads are not offered)."""

from __future__ import annotations

from typing import List

from lsprotocol import types

from flake8_netbox.netbox import (DATABASE_KEYS, FLAT_KEYS, SECTION_KEYS, Release, names_read,
                                  redis_layout, FLAT, TASKS, TASKS_OR_WEBHOOKS, WEBHOOKS)
from flake8_netbox.lsp.convert import LineIndex
from flake8_netbox.lsp.hover import describe, info_for
from flake8_netbox.lsp.where import Place, key_table

_SECTIONS = {WEBHOOKS: ("webhooks", "caching"), TASKS_OR_WEBHOOKS: ("tasks", "caching"),
             TASKS: ("tasks", "caching")}


def candidates(place: Place, release: Release) -> List[str]:
    """The names or keys that fit ``place`` for ``release``."""
    if not place.path:
        return sorted(names_read(release))
    table = key_table(place.path)
    if table == "sections":
        layout = redis_layout(release)
        if layout == FLAT:
            return sorted(FLAT_KEYS)
        return list(_SECTIONS[layout])
    if table == "section":
        return sorted(key for key in SECTION_KEYS
                      if info_for(place.path + (key,), release) is not None
                      and info_for(place.path + (key,), release).read)  # type: ignore[union-attr]
    if table == "database":
        return sorted(DATABASE_KEYS)
    return []


def items(place: Place, release: Release, index: LineIndex, offset: int
          ) -> List[types.CompletionItem]:
    """Completion items replacing the word typed so far (a key is inserted quoted unless the
    user opened the quote)."""
    out = []
    typed = index.range(place.start, offset)
    for name in candidates(place, release):
        if not name.upper().startswith(place.word.upper()):
            continue
        info = info_for(place.path + (name,), release)
        detail = None
        documentation = None
        if info is not None:
            lines = describe(info, release, place.path + (name,))
            detail = " ".join(line for line in lines[2:4] if line)
            documentation = types.MarkupContent(types.MarkupKind.Markdown, "\n".join(lines))
        text = name if not place.path or place.quoted else repr(name)
        kind = types.CompletionItemKind.Variable if not place.path else \
            types.CompletionItemKind.Property
        out.append(types.CompletionItem(
            label=name, kind=kind, detail=detail, documentation=documentation,
            text_edit=types.TextEdit(typed, text), filter_text=name))
    return out
