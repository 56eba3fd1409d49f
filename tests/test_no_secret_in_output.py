"""No message may contain a secret value or any 8-character piece of one."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import flake8_inprocess

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
