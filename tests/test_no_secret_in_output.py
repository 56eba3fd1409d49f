"""No output may contain a secret value or a piece of one: messages (any 8-character piece),
and lint, SARIF, --diff and --fix reports (any 6-character piece, secrets in every position)."""

from __future__ import annotations

import os
import string
from typing import List

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import flake8_inprocess
from test_fixes import cli

SECRET_CHARS = st.characters(min_codepoint=33, max_codepoint=126,
                             blacklist_characters="'\\")
secret = st.text(SECRET_CHARS, min_size=8, max_size=70)

TEMPLATE = """\
import os
ALLOWED_HOSTS = ['netbox.example.com']
DATABASES = {{
    'default': {{'NAME': 'netbox', 'PASSWORD': '{s0}'}},
    'replica': {{'NAME': 'netbox', 'PASSWORD': os.environ.get('REPLICA_PW', '{s1}')}},
}}
DATABASE = {{'NAME': 'netbox', 'PASSWORD': '{s2}'}}
REDIS = {{
    'tasks': {{'PASSWORD': '{s3}', 'DATABASE': 0}},
    'caching': {{'PASSWORD': os.getenv('REDIS_PW') or '{s4}', 'DATABASE': 0}},
}}
EMAIL = {{'PASSWORD': '{s5}'}}
SOCIAL_AUTH_OKTA_SECRET = '{s6}'
SECRET_KEY = '{s7}'
API_TOKEN_PEPPERS = {{1: os.environ.get('PEPPER', '{s8}')}}
if os.environ.get('ALT'):
    SECRET_KEY = os.environ.get('SECRET_KEY', '{s9}')
"""


def messages_for(tmp_path, secrets):
    (tmp_path / "configuration.py").write_text(TEMPLATE.format(
        **{f"s{i}": value for i, value in enumerate(secrets)}))
    _, results, _ = flake8_inprocess(["--select=NBX", "configuration.py"], tmp_path)
    return results, "\n".join(f"{r.code} {r.text}" for r in results)


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(secret, min_size=10, max_size=10))
def test_no_piece_of_a_secret_is_printed(tmp_path, secrets):
    results, messages = messages_for(tmp_path, secrets)
    assert {r.code for r in results} >= {"NBX301", "NBX302"}
    # Words the messages hold whatever the secrets are (a secret may contain 'PASSWORD').
    _, vocabulary = messages_for(tmp_path, ["\u00a7" * 8] * 10)
    assert "\u00a7" * 8 not in vocabulary and "NBX301" in vocabulary
    for value in secrets:
        for start in range(len(value) - 7):
            piece = value[start:start + 8]
            assert piece in vocabulary or piece not in messages


# -- every output, every position a secret can take ----------------------------------------------
# Secrets the rules model and secrets they do not: computed, f-strings, continued over lines,
# superseded by a later line, in URLs, under secret-like and misspelt keys, written as keys.
# Lint, SARIF, --diff and the --fix reports (unsafe fixes and --upgrade-databases included) are
# searched, stdout and stderr, for any 6-character piece of any of them.

PIECE = 6
POSITIONS = """\
# -*- coding: utf-8 -*-
import os
ALLOWED_HOSTS = ['netbox.example.com']
DATABASE = {{
    'NAME': 'netbox',
    'PASSWORD': ('{s0}'  # rotated
                 '{s1}'),
    '{s2}': 'PASSWORD',  # key and value swapped
}}
DATABASE['HOST'] = f'db-{{ALLOWED_HOSTS[0]}}'
REDIS = {{
    'HOST': 'redis.example.com',
    'PASSWORD': '{s3}' + '{s4}',
    'URL': 'redis://:{s5}@redis.example.com:6379/0',
    'DATABASE': 0,
}}
EMAIL = {{'SERVER': 'smtp.example.com', 'PASSWROD': '{s6}', 'PASSWORD': f'{s7}'}}
SECRET_KEY = '{s8}\\
{s9}'
STORAGE_CONFIG = {{'AWS_SECRET_ACCESS_KEY': '{s10}', 'AWS_S3_REGION_NAME': 'eu-west-1'}}
SOCIAL_AUTH_OKTA_SECRET = '{s11}'
SOCIAL_AUTH_OKTA_SECRET = os.environ['OKTA_SECRET']
API_TOKEN_PEPPERS = {{'{s12}': os.environ.get('PEPPER', '{s13}')}}
NAPALM_ARGS = {{'secret': '''{s14}
{s15}'''}}
NAPALM_PASSWORD = '{s16}'.strip()
JOBRESULT_RETENTION = 90
"""
COUNT = 17
#: Secrets as password policies make them: upper and lower case letters and a digit (a string
#: shaped like a word, a host name or a number, outside any secret's key or name, is shown in
#: diff context by design: see flake8_netbox/redaction.py).
piece_secret = st.text(st.sampled_from(string.ascii_letters + string.digits + "-_!%*"),
                       min_size=PIECE, max_size=24).filter(
    lambda s: any(c.isupper() for c in s) and any(c.islower() for c in s)
    and any(c.isdigit() for c in s))


def _outputs(tmp_path, secrets) -> str:
    text = POSITIONS.format(**{f"s{i}": value for i, value in enumerate(secrets)})
    out = []
    for args in (["--output-file=out.txt", "configuration.py"],
                 ["--format=netbox-sarif", "--output-file=out.sarif", "configuration.py"],
                 ["--diff", "--unsafe-fixes", "--upgrade-databases", "configuration.py"],
                 ["--fix", "--unsafe-fixes", "--upgrade-databases", "configuration.py"],
                 ["--fix", "configuration.py"]):
        (tmp_path / "configuration.py").write_text(text, encoding="utf-8")
        _, stdout, stderr = cli(args, tmp_path)
        out += [stdout, stderr]
    out += [(tmp_path / name).read_text(encoding="utf-8") for name in ("out.txt", "out.sarif")]
    return "\n".join(out)


_VOCABULARY: List[str] = []


def vocabulary(tmp_path) -> str:
    """The outputs for placeholder secrets: the words they hold whatever the secrets are."""
    if not _VOCABULARY:
        _VOCABULARY.append(_outputs(tmp_path, [f"\u00a7{i:02d}" * 3 for i in range(COUNT)]))
    return _VOCABULARY[0]


@settings(max_examples=int(os.environ.get("NBX_SECRET_EXAMPLES", "12")), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.filter_too_much])
@given(st.lists(piece_secret, min_size=COUNT, max_size=COUNT))
def test_no_output_holds_a_piece_of_a_secret_in_any_position(tmp_path, secrets):
    words = vocabulary(tmp_path)
    assert "\u00a7" not in words  # the placeholders themselves never show
    assert "would fix NBX005" in words and "NBX301" in words  # the outputs are there
    output = _outputs(tmp_path, secrets)
    for value in secrets:
        for start in range(len(value) - PIECE + 1):
            piece = value[start:start + PIECE]
            assert piece in words or piece not in output, (piece, value)
