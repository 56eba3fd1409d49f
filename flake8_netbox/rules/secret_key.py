"""Secret quality: SECRET_KEY too short (NBX101) or easy to guess (NBX102), API token peppers
NetBox cannot use (NBX103)."""

from __future__ import annotations

from typing import Iterator

from flake8_netbox.netbox import SECRET_KEY_MIN_LENGTH, Release, generate_advice
from flake8_netbox.rules.base import (Context, Finding, Rule, is_literal_str,
                                      is_placeholder_literal, present_values)
from flake8_netbox.rules.startup import is_empty
from flake8_netbox.text import plural
from flake8_netbox.values import DictV, Env, ListV, Lit, Value
from flake8_netbox.weak_keys import weakness

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
            if is_literal_str(value) and not is_placeholder_literal(value) and \
                    len(value.value) < SECRET_KEY_MIN_LENGTH:
                consequence = ("NetBox refuses to start with fewer than 50"
                               if ctx.release >= Release(3, 5, 0) else
                               "use at least 50 (NetBox 3.5+ refuses to start with fewer)")
                length = plural(len(value.value), "character")
                yield self.at_value(f"SECRET_KEY is {length} long: "
                                    f"{consequence}; {generate_advice(ctx.release)}", value)


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
            if is_literal_str(value) and not is_placeholder_literal(value) and \
                    len(value.value) >= SECRET_KEY_MIN_LENGTH:
                reason = weakness(value.value)
                if reason:
                    yield self.at_value(f"SECRET_KEY is weak: {reason}; "
                                        f"{generate_advice(ctx.release)}", value)


class BadPeppers(Rule):
    code = "NBX103"
    name = "api-token-peppers-invalid"
    summary = "API_TOKEN_PEPPERS is not a dict of int IDs (0-32767) to strong 50+ character " \
        "strings."
    why = (
        "NetBox 4.5 hashes v2 API tokens with a pepper chosen by ID; it refuses to start when "
        "API_TOKEN_PEPPERS is not a dict, when an ID is not an integer from 0 to 32767, or when "
        "a pepper is not a string of at least 50 characters. A weak pepper (by NBX102's "
        "criteria) makes stolen token hashes easy to test."
    )
    valid = ("API_TOKEN_PEPPERS = {1: os.environ['TOKEN_PEPPER_1']}\n",
             f"API_TOKEN_PEPPERS = {{0: '{_GOOD_KEY}'}}\n")
    invalid = (
        "API_TOKEN_PEPPERS = [os.environ['PEPPER']]  # NBX103\n",
        "API_TOKEN_PEPPERS = {\n    '1': os.environ['PEPPER_1'],  # NBX103\n"
        "    40000: os.environ['PEPPER_2'],  # NBX103\n}\n",
        "API_TOKEN_PEPPERS = {1: 'short-pepper'}  # NBX103\n",
        "API_TOKEN_PEPPERS = {1: 'a' * 50}  # NBX103\n",
    )

    def check(self, ctx: Context) -> Iterator[Finding]:
        if ctx.release < Release(4, 5, 0):
            return
        for value in ctx.facts.values("API_TOKEN_PEPPERS"):
            if is_empty(value):
                continue  # NetBox warns instead (`if API_TOKEN_PEPPERS:`): NBX104's
            if isinstance(value, (Lit, ListV, Env)) and value.fallback_of is None:
                yield self.at_value("API_TOKEN_PEPPERS must be a dict of pepper IDs to "
                                    "strings: NetBox refuses to start", value)
            if not isinstance(value, DictV):
                continue
            for key, entry in value.entries.items():
                if not (type(key) is int and 0 <= key <= 32767):
                    yield self.at("API_TOKEN_PEPPERS has an ID that is not an integer from 0 "
                                  "to 32767: NetBox refuses to start", entry.key_stmt,
                                  entry.key_node)
                for pepper in present_values(value, key):
                    yield from self._pepper(pepper, ctx.release)

    def _pepper(self, pepper: Value, release: Release) -> Iterator[Finding]:
        if pepper.fallback_of is not None:
            return  # NBX302's
        if isinstance(pepper, (ListV, DictV)) or (
                isinstance(pepper, Lit) and not isinstance(pepper.value, str)):
            yield self.at_value("an API token pepper is not a string: NetBox refuses to start",
                                pepper)
        elif is_literal_str(pepper) and not is_placeholder_literal(pepper):  # else NBX007's
            assert isinstance(pepper, Lit)
            if len(pepper.value) < SECRET_KEY_MIN_LENGTH:
                length = plural(len(pepper.value), "character")
                yield self.at_value(f"an API token pepper is {length} long: "
                                    "NetBox refuses to start with fewer than 50; "
                                    + generate_advice(release), pepper)
            else:
                reason = weakness(pepper.value)
                if reason:
                    yield self.at_value(f"an API token pepper is weak: {reason}; "
                                        + generate_advice(release),
                                        pepper)
