"""What the static evaluator follows, seen through flake8's findings.

Each snippet marks the lines that must be reported with a trailing ``# NBXnnn`` comment; the
snippet is linted with only the codes it is about selected (all NBX codes when it marks none).
"""

from __future__ import annotations

from collections import Counter

import pytest

from helpers import as_configuration, expected_markers, lint, shifted

SELECT = "--select=NBX000,NBX1,NBX2,NBX3,NBX004,NBX006"  # not NBX001/3/5: snippets are partial

CASES = {
    "name bound earlier": """\
pw = 'db-secret-value'  # NBX301
DATABASE = {'NAME': 'netbox', 'PASSWORD': pw}
""",
    "nested item assignment": """\
DATABASES = {'default': {'NAME': 'netbox'}}
DATABASES['default']['PASSWORD'] = 'nested-secret'  # NBX301
""",
    "update with a dict and with keywords": """\
DATABASE = {'NAME': 'netbox'}
DATABASE.update({'PASSWORD': 'updated-secret'})  # NBX301
EMAIL = {}
EMAIL.update(PASSWORD='smtp-secret')  # NBX301
""",
    "setdefault and dict()": """\
DATABASE = dict(NAME='netbox', PASSWORD='dict-call-secret')  # NBX301
EMAIL = {}
EMAIL.setdefault('PASSWORD', 'setdefault-secret')  # NBX301
""",
    "unpacked base dict": """\
BASE = {'NAME': 'netbox', 'PASSWORD': 'base-secret'}  # NBX301
DATABASE = {**BASE, 'HOST': 'db'}
""",
    "overwritten literal is not reported": """\
DATABASE = {'NAME': 'netbox', 'PASSWORD': 'old-secret'}
DATABASE['PASSWORD'] = os.environ['DB_PASSWORD']
""",
    "implicit concatenation and f-string": """\
SECRET_KEY = ('abc'  # NBX101
              'def')
OTHER_SECRET = f'literal-only'  # NBX301
""",
    "if/else arms": """\
if os.environ.get('PROD'):
    SECRET_KEY = os.environ['SECRET_KEY']
else:
    SECRET_KEY = 'development'  # NBX101
""",
    "try/except fallback": """\
try:
    SECRET_KEY = open('/run/secrets/secret_key').read().strip()
except OSError:
    SECRET_KEY = 'dev-only'  # NBX101
""",
    "exclusive arms are not compared": """\
if os.environ.get('SITE') == 'a':
    QUEUE_DB, CACHE_DB = 0, 1
else:
    QUEUE_DB, CACHE_DB = 1, 0
REDIS = {'tasks': {'DATABASE': QUEUE_DB}, 'caching': {'DATABASE': CACHE_DB}}
""",
    "conditional database number can collide": """\
CACHE_DB = 1
if os.environ.get('SMALL'):
    CACHE_DB = 0
REDIS = {'tasks': {'DATABASE': 0}, 'caching': {'DATABASE': CACHE_DB}}  # NBX201
""",
    "identical environment lookups are the same value": """\
REDIS = {
    'tasks': {'DATABASE': int(os.environ.get('REDIS_DB', 0))},
    'caching': {'DATABASE': int(os.environ.get('REDIS_DB', 0))},  # NBX201
}
""",
    "different variables are not compared, but equal defaults collide": """\
REDIS = {
    'tasks': {'DATABASE': os.environ.get('REDIS_DB', 0)},
    'caching': {'DATABASE': os.environ.get('REDIS_CACHE_DB', 0)},  # NBX201
}
""",
    "different variables with distinct defaults": """\
REDIS = {
    'tasks': {'DATABASE': os.environ.get('REDIS_DB', 0)},
    'caching': {'DATABASE': os.environ.get('REDIS_CACHE_DB', 1)},
}
""",
    "one section copied into the other is the same dict": """\
REDIS = {'tasks': {'HOST': 'redis', 'DATABASE': 2}}  # NBX201: the shared DATABASE
REDIS['caching'] = REDIS['tasks']
""",
    "a copy with another database": """\
TASKS = {'HOST': 'redis', 'DATABASE': 2}
REDIS = {'tasks': TASKS, 'caching': dict(TASKS, DATABASE=3)}
""",
    "digit strings and ints": """\
REDIS = {
    'tasks': {'PORT': '6379', 'DATABASE': '1'},
    'caching': {'PORT': 6379, 'DATABASE': 1},  # NBX201
}
""",
    "different hosts": """\
REDIS = {'tasks': {'HOST': 'a', 'DATABASE': 0}, 'caching': {'HOST': 'b', 'DATABASE': 0}}
""",
    "sentinels with one service": """\
S = [('10.0.0.1', 26379), ('10.0.0.2', 26379)]
REDIS = {
    'tasks': {'SENTINELS': S, 'SENTINEL_SERVICE': 'netbox', 'DATABASE': 0},
    'caching': {'SENTINELS': S, 'SENTINEL_SERVICE': 'netbox', 'DATABASE': 0},  # NBX201
}
""",
    "sentinels with two services": """\
S = [('10.0.0.1', 26379)]
REDIS = {
    'tasks': {'SENTINELS': S, 'SENTINEL_SERVICE': 'queue'},
    'caching': {'SENTINELS': S, 'SENTINEL_SERVICE': 'cache'},
}
""",
    "unix socket URLs with ?db=": """\
REDIS = {
    'tasks': {'URL': 'unix:///run/redis/redis.sock?db=0'},
    'caching': {'URL': 'unix:///run/redis/redis.sock?db=0'},  # NBX201
}
""",
    "URLs with different databases": """\
REDIS = {
    'tasks': {'URL': 'rediss://redis:6380/0'},
    'caching': {'URL': 'rediss://redis:6380/1'},
}
""",
    "identical URL lookups": """\
REDIS = {
    'tasks': {'URL': os.environ['REDIS_URL']},
    'caching': {'URL': os.environ['REDIS_URL']},  # NBX201
}
""",
    "from os import environ as env, getenv": """\
from os import environ as env, getenv
DATABASE = {'NAME': 'netbox', 'PASSWORD': env.get('DB_PASSWORD', 'netbox')}  # NBX302
EMAIL = {'PASSWORD': getenv('EMAIL_PASSWORD', 'mail')}  # NBX302
""",
    "nested defaults and `or`": """\
DATABASE = {
    'NAME': 'netbox',
    'PASSWORD': os.environ.get('DB_PASSWORD', os.environ.get('PGPASSWORD', 'pg')),  # NBX302
}
EMAIL = {'PASSWORD': os.environ.get('EMAIL_PASSWORD') or 'smtp'}  # NBX302
""",
    "list grown after assignment": """\
ALLOWED_HOSTS = []
ALLOWED_HOSTS.append('netbox.example.com')
""",
    "list grown with +=": """\
ALLOWED_HOSTS = []
ALLOWED_HOSTS += ['netbox.example.com']
""",
    "list filled in a loop": """\
ALLOWED_HOSTS = []
for host in os.environ['HOSTS'].split(','):
    ALLOWED_HOSTS.append(host)
""",
    "empty list only as an environment default": """\
ALLOWED_HOSTS = os.environ.get('ALLOWED_HOSTS', '').split()
""",
    "helper functions are unknown": """\
def read_secret(name):
    with open('/run/secrets/' + name) as handle:
        return handle.read()
SECRET_KEY = read_secret('secret_key')
DATABASE = {'NAME': 'netbox', 'PASSWORD': read_secret('db')}
DEBUG = read_secret('debug')
""",
    "lambda converters keep booleans unknown": """\
_bool = lambda value: value.lower() == 'true'
DEBUG = _bool(os.environ.get('DEBUG', 'False'))
""",
    "comparisons keep booleans booleans": """\
DEBUG = os.environ.get('DEBUG', 'false').lower() in ('true', '1', 'yes')
MAINTENANCE_MODE = not os.environ.get('MAINTENANCE_MODE', '')
""",
    "getenv strings as booleans": """\
METRICS_ENABLED = os.getenv('METRICS_ENABLED')  # NBX006
REDIS = {'tasks': {'INSECURE_SKIP_TLS_VERIFY': os.environ['SKIP_VERIFY']}}  # NBX006
""",
    "tuple unpacking and chained assignment": """\
SECRET_KEY, OTHER = 'short-one', 1  # NBX101
A = B = {'PASSWORD': 'chained-secret'}  # NBX301
EMAIL = B
""",
    "augmented string assignment": """\
SECRET_KEY = 'abc'
SECRET_KEY += 'def'  # NBX101
""",
    "del of a key makes the dict open": """\
DATABASE = {'NAME': 'netbox', 'PASSWORD': 'gone'}
del DATABASE['PASSWORD']
""",
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_evaluation(name, tmp_path):
    snippet = CASES[name]
    source, offset = as_configuration(snippet)
    results = lint(source, tmp_path, SELECT)
    expected = Counter(shifted(expected_markers(snippet), offset))
    assert Counter((r.row, r.code) for r in results) == expected, results


def test_bound_by_function_global_is_not_missing(tmp_path):
    source = """\
ALLOWED_HOSTS = ['x']
DATABASES = {'default': {'NAME': 'netbox'}}
REDIS = {'tasks': {}, 'caching': {'DATABASE': 1}}
def _load():
    global SECRET_KEY
    SECRET_KEY = open('/run/secrets/key').read()
_load()
"""
    assert [r for r in lint(source, tmp_path) if r.code == "NBX001"] == []
    without = source.replace("    global SECRET_KEY\n", "")
    assert [r.code for r in lint(without, tmp_path)] == ["NBX001"]


def test_module_getattr_makes_the_module_open(tmp_path):
    source = "ALLOWED_HOSTS = ['x']\ndef __getattr__(name):\n    return None\n"
    assert lint(source, tmp_path) == []
    assert len(lint(source.replace("__getattr__", "helper"), tmp_path)) == 3
