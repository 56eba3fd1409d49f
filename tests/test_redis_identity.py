"""NBX201's notion of "the same Redis server and database": URL and HOST/PORT compared after
normalising both, Sentinel sets read from identical environment lookups, and the database each
client really uses (NetBox 4.7.3's settings.py, django-rq, django-redis, redis-py)."""

from __future__ import annotations

import pytest

from flake8_netbox.checker import check_source
from flake8_netbox.releases import parse_release
from flake8_netbox.rules.redis import SharedDatabase


def nbx201(tasks: str, caching: str, release: str = "4.7", before: str = "") -> int:
    source = (f"import os\n{before}REDIS = {{\n    'tasks': {tasks},\n"
              f"    'caching': {caching},\n}}\n")
    results = check_source(source, parse_release(release), rules=[SharedDatabase])
    return len(results)


ENV_SENTINELS = ("[(os.environ.get('SENTINEL_HOST', 'sentinel'), "
                 "int(os.environ.get('SENTINEL_PORT', 26379)))]")
ENV_SERVICE = "os.environ.get('SENTINEL_SERVICE', 'mymaster')"
COMPREHENSION = "[tuple(s.split(':')) for s in os.environ['SENTINELS'].split(',')]"

SAME = [
    # URL against HOST/PORT: credentials, case, default port, trailing slash, ?db= and /N
    ("{'URL': 'redis://:pw@redis.example.com:6379/1'}",
     "{'HOST': 'redis.example.com', 'PORT': 6379, 'DATABASE': 1}"),
    ("{'URL': 'rediss://netbox:pw@REDIS.example.com/?db=2'}",
     "{'HOST': 'redis.example.com', 'DATABASE': 2, 'SSL': True}"),
    ("{'HOST': 'redis', 'PORT': '6379', 'DATABASE': '3'}", "{'URL': 'redis://redis:6379/3'}"),
    ("{'URL': 'unix:///run/redis/redis.sock?db=3'}",
     "{'URL': 'unix:///run/redis/redis.sock?db=3'}"),
    ("{'URL': 'redis://127.0.0.1:6379/0'}", "{'HOST': 'localhost'}"),
    # the task queue's URL without a database: django-rq passes DATABASE as redis-py's db
    ("{'URL': 'redis://localhost:6379', 'DATABASE': 2}", "{'HOST': 'localhost', 'DATABASE': 2}"),
    # the cache's URL without a database: django-redis connects to database 0
    ("{'HOST': 'redis', 'DATABASE': 0}", "{'URL': 'redis://redis:6379', 'DATABASE': 1}"),
    # Sentinels: the same lookups (defaults included), the same expression over the environment
    (f"{{'SENTINELS': {ENV_SENTINELS}, 'SENTINEL_SERVICE': {ENV_SERVICE}, 'DATABASE': 1}}",
     f"{{'SENTINELS': {ENV_SENTINELS}, 'SENTINEL_SERVICE': {ENV_SERVICE}, 'DATABASE': 1}}"),
    (f"{{'SENTINELS': {COMPREHENSION}, 'DATABASE': 1}}",
     f"{{'SENTINELS': {COMPREHENSION},  'DATABASE': 1}}"),
    ("{'SENTINELS': os.environ['SENTINELS'].split(','), 'DATABASE': 1}",
     "{'SENTINELS': os.environ['SENTINELS'].split(','), 'DATABASE': 1}"),
]
DIFFERENT = [
    ("{'URL': 'redis://redis.example.com:6379/1'}",
     "{'HOST': 'redis.example.com', 'DATABASE': 2}"),
    ("{'URL': 'redis://redis-a:6379/1'}", "{'HOST': 'redis-b', 'DATABASE': 1}"),
    ("{'URL': 'redis://redis:6380/1'}", "{'HOST': 'redis', 'DATABASE': 1}"),
    ("{'URL': 'unix:///run/redis/a.sock?db=1'}", "{'URL': 'unix:///run/redis/b.sock?db=1'}"),
    ("{'URL': 'redis://localhost:6379', 'DATABASE': 0}",
     "{'HOST': 'localhost', 'DATABASE': 1}"),
    # the cache's DATABASE is ignored beside its URL: the URL's database counts
    ("{'HOST': 'redis', 'DATABASE': 0}", "{'URL': 'redis://redis:6379/1', 'DATABASE': 0}"),
    (f"{{'SENTINELS': {ENV_SENTINELS}, 'SENTINEL_SERVICE': {ENV_SERVICE}, 'DATABASE': 1}}",
     f"{{'SENTINELS': {ENV_SENTINELS}, 'SENTINEL_SERVICE': os.environ['CACHE_SERVICE'], "
     "'DATABASE': 1}"),
    (f"{{'SENTINELS': {COMPREHENSION}, 'DATABASE': 1}}",
     "{'SENTINELS': [tuple(s.split(':')) for s in os.environ['CACHE_SENTINELS'].split(',')], "
     "'DATABASE': 1}"),
    # an expression reading a name of the file is not known to be the same twice
    ("{'SENTINELS': [pick(h) for h in os.environ['S'].split()], 'DATABASE': 1}",
     "{'SENTINELS': [pick(h) for h in os.environ['S'].split()], 'DATABASE': 1}"),
]


@pytest.mark.parametrize("tasks, caching", SAME)
def test_the_same_server_and_database_is_reported(tasks, caching):
    assert nbx201(tasks, caching) == 1


@pytest.mark.parametrize("tasks, caching", DIFFERENT)
def test_different_servers_or_databases_are_not_reported(tasks, caching):
    assert nbx201(tasks, caching) == 0


def test_one_helper_value_read_by_both_sections_is_the_same_server():
    before = "SENTINELS = [(h, 26379) for h in os.environ['SENTINEL_HOSTS'].split()]\n"
    assert nbx201("{'SENTINELS': SENTINELS, 'DATABASE': 1}",
                  "{'SENTINELS': SENTINELS, 'DATABASE': 1}", before=before) == 1
    assert nbx201("{'SENTINELS': SENTINELS, 'DATABASE': 1}",
                  "{'SENTINELS': SENTINELS, 'DATABASE': 2}", before=before) == 0


def test_url_is_ignored_before_netbox_reads_it():
    """URL is read from 4.0.3: before, both sections are on HOST's default, localhost."""
    tasks, caching = "{'URL': 'redis://redis-a:6379/1', 'DATABASE': 1}", \
        "{'URL': 'redis://redis-b:6379/2', 'DATABASE': 1}"
    assert nbx201(tasks, caching, release="4.0.2") == 1
    assert nbx201(tasks, caching, release="4.0.3") == 0


def test_the_url_never_appears_in_the_message():
    source = ("REDIS = {\n    'tasks': {'URL': 'redis://:Secret-Pw@redis:6379/1'},\n"
              "    'caching': {'HOST': 'redis', 'DATABASE': 1},\n}\n")
    [(_, _, message)] = check_source(source, parse_release("4.7"), rules=[SharedDatabase])
    assert "Secret-Pw" not in message and "redis://" not in message
