"""Wording shared by every message: counts with their nouns."""

from __future__ import annotations


def plural(count: int, noun: str, plural_form: str = "") -> str:
    """``1 character``, ``2 characters`` (``plural_form`` for irregular nouns)."""
    return f"{count} {noun if count == 1 else plural_form or noun + 's'}"
