"""SECRET_KEY quality: too short (NBX101) or easy to guess (NBX102)."""

from __future__ import annotations

from typing import Iterator

from flake8_netbox.netbox import SECRET_KEY_MIN_LENGTH, Release
from flake8_netbox.rules.base import Context, Finding, Rule, is_literal_str
from flake8_netbox.weak_keys import weakness

GENERATE = ("generate one with `python3 netbox/generate_secret_key.py` and read it from the "
            "environment or a secret file")
_GOOD_KEY = "_1zmXgJm(o8MgY%$xs-(9l_IM=SAzTDyAlCYWUyW^vlJBILyE$"


class ShortSecretKey(Rule):
    code = "NBX101"
    name = "secret-key-too-short"
    summary = "SECRET_KEY is written as a string shorter than 50 characters."
    why = (
        "SECRET_KEY signs sessions, password-reset links and other tokens; a short key can be "
        "brute-forced. Since 3.5 NetBox refuses to start with fewer than 50 characters, and "
        "Django's deployment check asks for the same. The placeholder `SECRET_KEY = ''` of "
        "NetBox's example file is reported too. A short default of an environment lookup is "
        "NBX302's finding, not this one."
    )
    valid = (
        f"SECRET_KEY = '{_GOOD_KEY}'\n",
        "SECRET_KEY = os.environ['SECRET_KEY']\n",
    )
    invalid = (
        "SECRET_KEY = ''  # NBX101\n",
        "SECRET_KEY = 'my-netbox-key-2024'  # NBX101\n",
    )

    def check(self, ctx: Context) -> Iterator[Finding]:
        for slot in ctx.slots("SECRET_KEY"):
            value = slot.value
            if is_literal_str(value) and len(value.value) < SECRET_KEY_MIN_LENGTH:
                consequence = ("NetBox refuses to start with fewer than 50"
                               if ctx.release >= Release(3, 5, 0) else
                               "use at least 50 (NetBox 3.5+ refuses to start with fewer)")
                yield self.at_value(f"SECRET_KEY is {len(value.value)} characters long: "
                                    f"{consequence}; {GENERATE}", value)


class WeakSecretKey(Rule):
    code = "NBX102"
    name = "secret-key-weak"
    summary = "SECRET_KEY is long enough but easy to guess."
    why = (
        "A 50-character key made of few distinct characters, a repeated pattern, a keyboard "
        "run, common words, Django's `django-insecure-` throw-away prefix, or a value published "
        "in NetBox's documentation, container images or test files gives an attacker a short "
        "list to try; with the key they can forge sessions. Keys from NetBox's "
        "generate_secret_key.py or Django's get_random_secret_key() are never reported."
    )
    valid = (f"SECRET_KEY = '{_GOOD_KEY}'\n",)
    invalid = (
        "SECRET_KEY = 'a' * 50  # NBX102\n",
        "SECRET_KEY = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'  # NBX102\n",
        "SECRET_KEY = 'django-insecure-7#x!kq2m$w9p(e@z+u4r^b6n-v8c&d1s=f0g)h5j3t'  # NBX102\n",
        "SECRET_KEY = 'netbox-production-secret-key-do-not-share-2024-01-15'  # NBX102\n",
    )

    def check(self, ctx: Context) -> Iterator[Finding]:
        for slot in ctx.slots("SECRET_KEY"):
            value = slot.value
            if is_literal_str(value) and len(value.value) >= SECRET_KEY_MIN_LENGTH:
                reason = weakness(value.value)
                if reason:
                    yield self.at_value(f"SECRET_KEY is weak: {reason}; {GENERATE}", value)
