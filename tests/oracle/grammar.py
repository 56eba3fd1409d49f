"""A hypothesis grammar of NetBox 4.7 configurations: real layouts and the mistakes people make
(missing settings, wrong types, short keys, DATABASE with DATABASES, STORAGE_BACKEND, REDIS
sections, peppers, values NetBox's settings.py refuses), with environment lookups whose
variables are set or unset. Each draw is a Config: source, environment, the environment with
every variable set, and the grammar's choices."""

from __future__ import annotations

from typing import Dict, List, NamedTuple, Tuple

from hypothesis import strategies as st

GOOD_KEY = "r9#Kd!2vQx@7LmZp$4wT8nB&c1Hs^6Yf*3Ja(0Ge)5Uo-Wi+Ek=Rl_Vz"
GOOD_PEPPER = "Pp7#kQ2@xL9mZ!v4$wT8nB&c1Hs^6Yf*3Ja(0Ge)5Uo-Wi+Ek=Rl"


class Config(NamedTuple):
    source: str
    env: Dict[str, str]
    full_env: Dict[str, str]  # every variable the file reads, set
    parts: Tuple[str, ...]  # the grammar's choices, for reports


#: (setting, [(choice name, source lines or None (absent), env it reads or None)]).
#: An env entry is (variable, value when set).
Choice = Tuple[str, object, object]
SETTINGS: List[Tuple[str, List[Choice]]] = [
    ("ALLOWED_HOSTS", [
        ("list", "ALLOWED_HOSTS = ['netbox.example.com']", None),
        ("missing", None, None),
        ("empty", "ALLOWED_HOSTS = []", None),
        ("string", "ALLOWED_HOSTS = 'netbox.example.com'", None),
        ("env-split", "ALLOWED_HOSTS = os.environ.get('ALLOWED_HOSTS', 'localhost').split(' ')",
         ("ALLOWED_HOSTS", "netbox.example.com localhost")),
        ("env-raw", "ALLOWED_HOSTS = os.environ['ALLOWED_HOSTS']",
         ("ALLOWED_HOSTS", "netbox.example.com")),
        ("tuple", "ALLOWED_HOSTS = ('netbox.example.com',)", None),
    ]),
    ("DATABASE", [
        ("databases", "DATABASES = {'default': {'NAME': 'netbox', 'USER': 'netbox', "
                      "'PASSWORD': os.environ.get('DB_PASSWORD', ''), 'HOST': 'localhost'}}",
         ("DB_PASSWORD", "pw")),
        ("database", "DATABASE = {'NAME': 'netbox', 'USER': 'netbox', 'HOST': 'localhost'}", None),
        ("both", "DATABASE = {'NAME': 'netbox'}\nDATABASES = {'default': {'NAME': 'netbox'}}",
         None),
        ("missing", None, None),
        ("no-default", "DATABASES = {'replica': {'NAME': 'netbox'}}", None),
        ("string", "DATABASE = 'postgresql://netbox@localhost/netbox'", None),
        ("databases-list", "DATABASES = [{'NAME': 'netbox'}]", None),
    ]),
    ("REDIS", [
        ("sections", "REDIS = {\n    'tasks': {'HOST': 'localhost', 'DATABASE': 0},\n"
                     "    'caching': {'HOST': 'localhost', 'DATABASE': 1},\n}", None),
        ("missing", None, None),
        ("no-caching", "REDIS = {'tasks': {'HOST': 'localhost', 'DATABASE': 0}}", None),
        ("no-tasks", "REDIS = {'caching': {'HOST': 'localhost', 'DATABASE': 1}}", None),
        ("flat", "REDIS = {'HOST': 'localhost', 'PORT': 6379, 'DATABASE': 0, "
                 "'CACHE_DATABASE': 1}", None),
        ("webhooks", "REDIS = {'webhooks': {'DATABASE': 0}, 'caching': {'DATABASE': 1}}", None),
        ("section-string", "REDIS = {'tasks': 'redis://localhost/0', 'caching': {}}", None),
        ("env-host", "REDIS = {\n    'tasks': {'HOST': os.environ.get('REDIS_HOST', 'localhost'),"
                     " 'DATABASE': 0},\n    'caching': {'HOST': os.environ.get('REDIS_HOST', "
                     "'localhost'), 'DATABASE': 1},\n}", ("REDIS_HOST", "redis")),
    ]),
    ("SECRET_KEY", [
        ("good", f"SECRET_KEY = '{GOOD_KEY}'", None),
        ("missing", None, None),
        ("short", "SECRET_KEY = 'too-short-key'", None),
        ("empty", "SECRET_KEY = ''", None),
        ("int", "SECRET_KEY = 1234567890", None),
        ("bytes", f"SECRET_KEY = b'{GOOD_KEY}'", None),
        ("env", "SECRET_KEY = os.environ['SECRET_KEY']", ("SECRET_KEY", GOOD_KEY)),
        ("env-short-value", "SECRET_KEY = os.environ['SECRET_KEY']", ("SECRET_KEY", "short")),
        ("env-default", "SECRET_KEY = os.environ.get('SECRET_KEY', '')", ("SECRET_KEY", GOOD_KEY)),
    ]),
    ("API_TOKEN_PEPPERS", [
        ("missing", None, None),
        ("good", f"API_TOKEN_PEPPERS = {{1: '{GOOD_PEPPER}'}}", None),
        ("empty", "API_TOKEN_PEPPERS = {}", None),
        ("short", "API_TOKEN_PEPPERS = {1: 'short-pepper'}", None),
        ("str-id", f"API_TOKEN_PEPPERS = {{'1': '{GOOD_PEPPER}'}}", None),
        ("big-id", f"API_TOKEN_PEPPERS = {{40000: '{GOOD_PEPPER}'}}", None),
        ("list", f"API_TOKEN_PEPPERS = ['{GOOD_PEPPER}']", None),
        ("env", "API_TOKEN_PEPPERS = {1: os.environ['PEPPER_1']}", ("PEPPER_1", GOOD_PEPPER)),
        ("int-pepper", "API_TOKEN_PEPPERS = {1: 12345}", None),
    ]),
    ("STORAGE", [
        ("none", None, None),
        ("storages", "STORAGES = {'default': {'BACKEND': "
                     "'django.core.files.storage.FileSystemStorage'}}", None),
        ("backend-alone", "STORAGE_BACKEND = 'storages.backends.s3.S3Storage'", None),
        ("backend-and-storages", "STORAGE_BACKEND = 'storages.backends.s3.S3Storage'\n"
                                 "STORAGES = {'default': {'BACKEND': "
                                 "'storages.backends.s3.S3Storage'}}", None),
        ("backend-none", "STORAGE_BACKEND = None", None),
        ("config-only", "STORAGE_CONFIG = {'AWS_STORAGE_BUCKET_NAME': 'netbox'}", None),
    ]),
    ("LOGIN_REQUIRED", [
        ("unset", None, None), ("true", "LOGIN_REQUIRED = True", None),
        ("false", "LOGIN_REQUIRED = False", None),
    ]),
    ("UNITS", [
        ("unset", None, None), ("1024", "DISK_BASE_UNIT = 1024", None),
        ("bad-disk", "DISK_BASE_UNIT = 1048", None), ("ram-str", "RAM_BASE_UNIT = '1024'", None),
        ("ram-float", "RAM_BASE_UNIT = 1000.0", None),
    ]),
    ("BULK_UPDATE_CHUNK_SIZE", [
        ("unset", None, None), ("none", "BULK_UPDATE_CHUNK_SIZE = None", None),
        ("good", "BULK_UPDATE_CHUNK_SIZE = 1000", None),
        ("zero", "BULK_UPDATE_CHUNK_SIZE = 0", None),
        ("bool", "BULK_UPDATE_CHUNK_SIZE = True", None),
        ("str", "BULK_UPDATE_CHUNK_SIZE = '1000'", None),
    ]),
    ("TIMEOUTS", [
        ("unset", None, None),
        ("webhook-ok", "WEBHOOK_DEFAULT_TIMEOUT = 30", None),
        ("webhook-too-long", "WEBHOOK_DEFAULT_TIMEOUT = 300", None),
        ("webhook-zero", "WEBHOOK_DEFAULT_TIMEOUT = 0", None),
        ("rq-duration", "RQ_DEFAULT_TIMEOUT = '2h'\nWEBHOOK_DEFAULT_TIMEOUT = 3600", None),
        ("rq-bad", "RQ_DEFAULT_TIMEOUT = '10 minutes'", None),
        ("rq-zero", "RQ_DEFAULT_TIMEOUT = 0\nWEBHOOK_DEFAULT_TIMEOUT = 200", None),
        ("rq-unbounded", "RQ_DEFAULT_TIMEOUT = -1\nWEBHOOK_DEFAULT_TIMEOUT = 3000", None),
    ]),
    ("RELEASE_CHECK_URL", [
        ("unset", None, None),
        ("good", "RELEASE_CHECK_URL = 'https://api.github.com/repos/netbox-community/netbox/"
                 "releases'", None),
        ("no-scheme", "RELEASE_CHECK_URL = 'api.github.com/repos/netbox-community/netbox'",
         None),
        ("none", "RELEASE_CHECK_URL = None", None),
        ("localhost", "RELEASE_CHECK_URL = 'http://localhost:8080/releases'", None),
        ("bad-scheme", "RELEASE_CHECK_URL = 'git://github.com/netbox-community/netbox'", None),
    ]),
    ("SENTRY", [
        ("unset", None, None),
        ("no-dsn", "SENTRY_ENABLED = True", None),
        ("empty-dsn", "SENTRY_ENABLED = True\nSENTRY_CONFIG = {'dsn': ''}", None),
        ("dsn", "SENTRY_ENABLED = True\nSENTRY_CONFIG = {'dsn': "
                "'https://0123456789abcdef@sentry.example.com/1'}", None),
        ("off", "SENTRY_ENABLED = False", None),
    ]),
    ("OTHER", [
        ("none", None, None),
        ("validators-off", "AUTH_PASSWORD_VALIDATORS = []", None),
        ("jinja2", "JINJA2_FILTERS = {}", None),
        ("debug", "DEBUG = os.environ.get('DEBUG', 'False').lower() == 'true'",
         ("DEBUG", "false")),
    ]),
]


@st.composite
def configurations(draw: st.DrawFn) -> Config:
    lines = ["import os", ""]
    env: Dict[str, str] = {}
    full: Dict[str, str] = {}
    parts = []
    for setting, choices in SETTINGS:
        # the first choice is the usual, working one: mostly drawn, so that files with one
        # or two mistakes (the common case) dominate, and some start
        usual = draw(st.integers(0, 9)) < 7
        name, text, needs = choices[0] if usual else draw(st.sampled_from(choices[1:]))
        parts.append(f"{setting}={name}")
        if text is None:
            continue
        lines.append(str(text))
        if needs:
            variable, value = needs  # type: ignore[misc]
            full[variable] = value
            if draw(st.booleans()):
                env[variable] = value
    return Config("\n".join(lines) + "\n", env, full, tuple(parts))
