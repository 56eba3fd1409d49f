"""Template placeholders (NBX007): reported once, as placeholders, never as hard-coded
passwords or weak keys; generated keys are never taken for one."""

from __future__ import annotations

import random
import string

import pytest

from flake8_netbox.placeholders import is_placeholder
from flake8_netbox.releases import parse_release
from helpers import as_configuration, lint

#: The forms files rendered by a deploy step use (Ansible/Salt/Helm, envsubst, ERB, sed...).
PLACEHOLDERS = [
    "__SECRET_KEY__", "{{ netbox_secret_key }}", "{{pillar['netbox']['key']}}", "${DB_PASSWORD}",
    "${DB_PASSWORD:-}", "<password>", "<your secret key>", "%(secret)s", "CHANGE_ME",
    "changeme", "Change-Me", "@SECRET_KEY@", "<%= @secret_key %>", "abc{{SECRET_KEY}}def",
    "{% if x %}a{% endif %}",
]
NOT_PLACEHOLDERS = ["J5brHrAXFLQSif0K", "hunter2", "a<b", "x__y__z", "%(a)sxx", "change me now",
                    "", "${", "{{", "<>", "__init"]


@pytest.mark.parametrize("text", PLACEHOLDERS)
def test_placeholder_forms(text):
    assert is_placeholder(text)


@pytest.mark.parametrize("text", NOT_PLACEHOLDERS)
def test_not_placeholders(text):
    assert not is_placeholder(text)


def test_generated_keys_are_never_placeholders():
    """NetBox's generate_secret_key.py alphabet and Django's get_random_secret_key() alphabet
    (as documented by each project), 20,000 keys each, seeded."""
    netbox_chars = string.ascii_letters + string.digits + "!@#$%^&*(-_=+)"
    django_chars = string.ascii_lowercase + string.digits + "!@#$%^&*(-_=+)"
    rng = random.Random(13)
    for chars in (netbox_chars, django_chars):
        for _ in range(20_000):
            assert not is_placeholder("".join(rng.choice(chars) for _ in range(50)))


def test_a_long_string_without_closing_delimiters_is_judged():
    assert not is_placeholder("{{" * 4_000 + "<a" * 500)
    assert not is_placeholder("{{ x }}" + "a" * 20_000)  # longer than any placeholder value


def run(tmp_path, snippet, *args, name="configuration.py"):
    source, _ = as_configuration(snippet, name)
    # Every rule but those judging what the snippet lacks (NBX001 missing settings, NBX104
    # missing peppers, NBX601 missing server URI).
    return sorted((r.row, r.code) for r in lint(
        source, tmp_path, *args, "--extend-select=NBX303", "--extend-ignore=NBX001,NBX104,NBX601",
        name=name))


@pytest.mark.parametrize("text", PLACEHOLDERS)
def test_placeholder_secret_key_is_nbx007_only(text, tmp_path):
    assert run(tmp_path, f"SECRET_KEY = {text!r}\n") == [(1, "NBX007")]


@pytest.mark.parametrize("text", PLACEHOLDERS)
def test_placeholder_password_is_nbx007_only(text, tmp_path):
    snippet = ("DATABASES = {'default': {'NAME': 'netbox', 'HOST': 'db',\n"
               f"                         'PASSWORD': {text!r}}}}}\n")
    assert run(tmp_path, snippet) == [(2, "NBX007")]


def test_placeholder_pepper_and_ldap_bind_password(tmp_path):
    assert run(tmp_path, "API_TOKEN_PEPPERS = {1: '{{ pepper }}'}\n") == [(1, "NBX007")]
    ldap = ("AUTH_LDAP_SERVER_URI = 'ldaps://ldap.example.com'\n"
            "AUTH_LDAP_BIND_PASSWORD = '${LDAP_BIND_PASSWORD}'\n")
    assert run(tmp_path, ldap, name="ldap_config.py") == [(2, "NBX007")]


def test_placeholders_in_required_settings(tmp_path):
    snippet = ("ALLOWED_HOSTS = ['{{ netbox_fqdn }}', 'localhost']\n"
               "REDIS = {'tasks': {'HOST': '${REDIS_HOST}', 'DATABASE': 0},\n"
               "         'caching': {'HOST': 'redis', 'DATABASE': 1}}\n")
    assert run(tmp_path, snippet) == [(1, "NBX007"), (2, "NBX007")]


def test_other_settings_and_environment_defaults_are_not_nbx007(tmp_path):
    snippet = ("TIME_ZONE = '{{ timezone }}'\n"
               "DATABASES = {'default': {'NAME': 'netbox',\n"
               "    'PASSWORD': os.environ.get('DB_PASSWORD', 'changeme')}}\n")
    assert run(tmp_path, snippet) == [(3, "NBX302")]


def test_real_passwords_and_keys_are_still_reported(tmp_path):
    snippet = ("SECRET_KEY = 'netbox-key'\n"
               "DATABASES = {'default': {'NAME': 'netbox', 'PASSWORD': 'J5brHrAXFLQSif0K'}}\n")
    assert run(tmp_path, snippet) == [(1, "NBX101"), (1, "NBX303"), (2, "NBX301")]


def test_message_never_echoes_the_value_and_says_when_netbox_refuses(tmp_path):
    source, _ = as_configuration("SECRET_KEY = '{{ vault_netbox_secret }}'\n"
                                 "DATABASES = {'default': {'PASSWORD': '<vault_db_secret>'}}\n")
    results = lint(source, tmp_path, "--select=NBX007")
    texts = [r.text for r in results]
    assert len(texts) == 2 and not any("vault" in text for text in texts)
    assert "refuse to start" in texts[0] and "would run" in texts[1]
    results = lint(source, tmp_path, "--select=NBX007", "--netbox-version=3.4")
    assert "would run" in results[0].text


def test_unsafe_fixes_leave_placeholders_to_the_deploy_step():
    from flake8_netbox.fixer import fix_source
    from flake8_netbox.fixes.base import SAFE, UNSAFE

    source = ("import os\nALLOWED_HOSTS = ['netbox.example.com']\n"
              "SECRET_KEY = '{{ netbox_secret_key }}'\n"
              "DATABASES = {'default': {'NAME': 'netbox', 'PASSWORD': '${DB_PASSWORD}'}}\n"
              "REDIS = {'tasks': {'DATABASE': 0}, 'caching': {'DATABASE': 1}}\n"
              "API_TOKEN_PEPPERS = {1: os.environ['API_TOKEN_PEPPER_1']}\n")
    result = fix_source(source, parse_release("4.7"), kinds=(SAFE, UNSAFE))
    assert result.source == source and result.changes == []
    assert sorted(message.split()[0] for _, _, message in result.remaining) == \
        ["NBX007", "NBX007"]


def test_placeholder_password_inside_a_url_is_nbx007_only(tmp_path):
    snippet = ("REDIS = {'tasks': {'URL': 'redis://:{{ redis_password }}@redis:6379/0'},\n"
               "         'caching': {'URL': 'redis://:{{ redis_password }}@redis:6379/1'}}\n")
    assert run(tmp_path, snippet) == [(1, "NBX007"), (2, "NBX007")]
