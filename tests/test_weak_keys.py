"""Weak-key heuristics: keys from the real generators pass, keys people type do not."""

from __future__ import annotations

import random
import string

import pytest

from flake8_netbox.weak_keys import weakness

NETBOX_CHARS = string.ascii_letters + string.digits + "!@#$%^&*(-_=+)"
DJANGO_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789!@#$%^&*(-_=+)"

WEAK_KEYS = [
    "a" * 50,
    "ab" * 25,
    "abc" * 20,
    "abcd1234" * 7,
    "0123456789" * 5,
    "1" * 64,
    "x" * 49 + "y",
    "qwertyuiopasdfghjklzxcvbnmqwertyuiopasdfghjklzxcvbnm",
    "QWERTYUIOPASDFGHJKLZXCVBNMQWERTYUIOPASDFGHJKLZXCVBNM",
    "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz",
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",
    "zyxwvutsrqponmlkjihgfedcbazyxwvutsrqponmlkjihgfedcba",
    "1234567890qwertyuiop1234567890qwertyuiop1234567890",
    "!@#$%^&*()!@#$%^&*()!@#$%^&*()!@#$%^&*()!@#$%^&*()",
    "django-insecure-7#x!kq2m$w9p(e@z+u4r^b6n-v8c&d1s=f0g)h5j3t",
    "django-insecure-" + "k" * 40,
    "netbox-production-secret-key-do-not-share-2024-01-15",
    "mysupersecretpasswordthatnobodywillguess1234567890",
    "ThisIsMyNetBoxSecretKeyForProduction2024AndItIsLong!",
    "changeme-changeme-changeme-changeme-changeme-changeme",
    "please-change-this-key-before-going-to-production-now",
    "PASSWORD_PASSWORD_PASSWORD_PASSWORD_PASSWORD_PASSWORD",
    "this is a long passphrase that someone typed by hand for netbox",
    "correct horse battery staple correct horse battery staple",
    "the quick brown fox jumps over the lazy dog again and again",
    "my-django-key-12345678901234567890123456789012345678",
    "letmeinletmeinletmeinletmeinletmeinletmeinletmeinle",
    "default-key-default-key-default-key-default-key-default",
    "example.com-example.com-example.com-example.com-exa",
    "11111111112222222222333333333344444444445555555555",
    "aaaaaaaaaabbbbbbbbbbccccccccccddddddddddeeeeeeeeee",
    "12345678901234567890123456789012345678901234567890",
    "98765432109876543210987654321098765432109876543210",
    "asdfasdfasdfasdfasdfasdfasdfasdfasdfasdfasdfasdfasdf",
    "Passw0rd!Passw0rd!Passw0rd!Passw0rd!Passw0rd!Passw0rd!",
    "r(m)9nLGnz$(_q3N4z1k(EFsMCjjjzx08x9VhNVcfd%6RF#r!6DE@+V5Zk2X",  # netbox-docker
    "b" * 50,
    "insecure-key-for-development-only-insecure-key-for-dev",
    "secretsecretsecretsecretsecretsecretsecretsecretsecret",
    "netboxnetboxnetboxnetboxnetboxnetboxnetboxnetboxnetbox",
    "ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "a1b2c3d4e5a1b2c3d4e5a1b2c3d4e5a1b2c3d4e5a1b2c3d4e5",
]


def netbox_key(rng: random.Random) -> str:
    return "".join(rng.choice(NETBOX_CHARS) for _ in range(50))


def django_key(rng: random.Random) -> str:
    return "".join(rng.choice(DJANGO_CHARS) for _ in range(50))


@pytest.mark.parametrize("generator", [netbox_key, django_key])
def test_generated_keys_are_never_weak(generator):
    rng = random.Random(20261127)
    flagged = [key for key in (generator(rng) for _ in range(5000)) if weakness(key)]
    assert flagged == []


def test_at_least_forty_typed_keys():
    assert len(WEAK_KEYS) >= 40 and all(len(key) >= 50 for key in WEAK_KEYS)


@pytest.mark.parametrize("key", WEAK_KEYS)
def test_typed_keys_are_weak(key):
    reason = weakness(key)
    assert reason
    # The reason never quotes the key.
    assert not any(key[i:i + 8] in reason for i in range(len(key) - 7))


def test_long_key_is_analysed_quickly():
    import time

    key = "".join(random.Random(1).choices(NETBOX_CHARS, k=2_000_000))
    start = time.perf_counter()
    weakness(key)
    assert time.perf_counter() - start < 2
