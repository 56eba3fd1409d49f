"""Is a 50+ character secret easy to guess? Heuristics tuned never to flag generated keys.

NetBox's generator draws 50 characters from 76 and Django's from 50; every test below is met by
such a key with a probability far below one in a million (see tests/test_weak_keys.py, which runs
thousands of generated keys, and bench/generated_keys.py, which runs 100,000 of each).
Reasons are phrased so that they never quote any part of the key.
"""

from __future__ import annotations

import hashlib
from typing import Optional

from flake8_netbox.text import plural

#: SHA-256 of secret values published in public NetBox material (docs, container images, tests).
PUBLISHED_DIGESTS = frozenset({
    "18eb1ebbc4cfdb6fc60c25c5c641bd7fba2d0cb1fc553de08e9e55caecf8f107",  # docs: DB password
    "fca894e09ed7eef48ef14d0c15c4100002a10b750a9a875ef8be2495ee30a1ad",  # netbox-docker Redis
    "320d46f9a6c1debb9f6dee1986af096f7aeb0c25cfc5cbc9e9ada7d7e364490c",  # netbox-docker Redis
    "c221bcece48c0f251027b3208f99046741ebd62d486169530e5fd6b704c28366",  # netbox-docker key
    "540363d1071a002997290cd8f4a2bdf3acd0355ffad3b3f25f52aad6ebad936a",  # NetBox test config
    "c01a9baa0f6b59a5a523eb9bd800dfcd56815f9266aa5f923e9bc1520f6712f2",  # smoke test 'b' * 50
    "160b4e433e384e05e537dc59b467f7cb2403f0214db15c5db58862a3f1156d2e",  # smoke test 'a' * 50
})

#: Runs a person types: alphabet, digits and keyboard rows (either direction counts).
_SEQUENCES = (
    "abcdefghijklmnopqrstuvwxyz",
    "0123456789",
    "1234567890",
    "qwertyuiop",
    "asdfghjkl",
    "zxcvbnm",
    "qazwsxedcrfvtgbyhnujmikolp",
    "!@#$%^&*()",
)
_NEXT = {}
for _seq in _SEQUENCES:
    for _a, _b in zip(_seq, _seq[1:]):
        _NEXT.setdefault(_a, set()).add(_b)
        _NEXT.setdefault(_b, set()).add(_a)

#: Words found in keys people write by hand; six letters or more, so random keys never hold one.
_WORDS = (
    "secret", "password", "passwd", "changeme", "netbox", "django", "example", "insecure",
    "default", "letmein", "please", "production", "testing", "development", "private",
)
_DJANGO_INSECURE = "django-insecure-"
_ANALYSED = 256


def is_published(value: str) -> bool:
    return hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest() in PUBLISHED_DIGESTS


def weakness(key: str) -> Optional[str]:
    """Why ``key`` is easy to guess, or None. Never returns any part of the key."""
    if is_published(key):
        return "it is a value published in public NetBox material"
    if key.startswith(_DJANGO_INSECURE):
        return "it carries the prefix Django puts on throw-away development keys"
    distinct = len(set(key))
    key = key[:_ANALYSED]  # the pattern tests are quadratic; a key's start shows its pattern
    if distinct < 5:
        return f"it uses only {plural(distinct, 'distinct character')}"
    period = _period(key)
    if period:
        return f"it repeats a pattern of {plural(period, 'character')}"
    if _run_share(key) >= 0.5:
        return "most of it is a run of alphabet, digit or keyboard characters"
    if any(word in key or word.capitalize() in key or word.upper() in key for word in _WORDS):
        return "it contains a common word"
    if distinct < 16:
        return f"it uses only {plural(distinct, 'distinct character')}"
    if all(c.isalpha() or c in " -_." for c in key) and (key.islower() or key.isupper()):
        return "it is made of letters of one case only, like a phrase"
    if key.isdigit():
        return "it is made of digits only"
    return None


def _period(key: str) -> int:
    """Length of a unit that, repeated, makes up at least 90% of the key (0 if none)."""
    n = len(key)
    for period in range(1, n // 3 + 1):
        matches = sum(1 for i in range(n - period) if key[i] == key[i + period])
        if matches >= 0.9 * (n - period):
            return period
    return 0


def _run_share(key: str) -> float:
    """Share of characters that belong to a run of four or more neighbours in a sequence."""
    lowered = key.lower()
    covered = 0
    run = 1
    for i in range(1, len(lowered) + 1):
        if i < len(lowered) and lowered[i] in _NEXT.get(lowered[i - 1], ()):
            run += 1
            continue
        if run >= 4:
            covered += run
        run = 1
    return covered / max(len(key), 1)
