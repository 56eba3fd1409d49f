"""Generated NetBox configurations of a given size, for benchmarks (no fixture files needed)."""

from __future__ import annotations

HEAD = '''\
#########################
#                       #
#   Required settings   #
#                       #
#########################
import os

# This is a list of valid fully-qualified domain names (FQDNs) for the NetBox server.
ALLOWED_HOSTS = ['netbox.example.com', 'netbox.internal.example.com']

# PostgreSQL database configuration.
DATABASES = {
    'default': {
        'NAME': 'netbox',                        # Database name
        'USER': 'netbox',                        # PostgreSQL username
        'PASSWORD': os.environ['DB_PASSWORD'],   # PostgreSQL password
        'HOST': 'localhost',                     # Database server
        'PORT': '',                              # Database port (leave blank for default)
        'CONN_MAX_AGE': 300,                     # Max database connection age
    }
}

# Redis database settings.
REDIS = {
    'tasks': {
        'HOST': 'localhost',
        'PORT': 6379,
        'USERNAME': '',
        'PASSWORD': os.environ.get('REDIS_PASSWORD', ''),
        'DATABASE': 0,
        'SSL': False,
    },
    'caching': {
        'HOST': 'localhost',
        'PORT': 6379,
        'USERNAME': '',
        'PASSWORD': os.environ.get('REDIS_PASSWORD', ''),
        'DATABASE': 1,
        'SSL': False,
    }
}

SECRET_KEY = os.environ['SECRET_KEY']
API_TOKEN_PEPPERS = {1: os.environ['API_TOKEN_PEPPER_1']}

#########################
#                       #
#   Optional settings   #
#                       #
#########################

ADMINS = [
    ('NetBox admins', 'netbox-admins@example.com'),
]
BANNER_TOP = ''
BANNER_BOTTOM = ''
BANNER_LOGIN = ''
BASE_PATH = ''
CHANGELOG_RETENTION = 90
CORS_ORIGIN_ALLOW_ALL = False
CORS_ORIGIN_WHITELIST = [
    'https://hostname.example.com',
]
DEBUG = False
EMAIL = {
    'SERVER': 'localhost',
    'PORT': 25,
    'USERNAME': '',
    'PASSWORD': '',
    'USE_SSL': False,
    'USE_TLS': False,
    'TIMEOUT': 10,
    'FROM_EMAIL': '',
}
EXEMPT_VIEW_PERMISSIONS = []
LOGIN_TIMEOUT = None
MAINTENANCE_MODE = False
METRICS_ENABLED = False
PLUGINS = ['netbox_bgp']
TIME_ZONE = 'UTC'

LOGGING = {
    'version': 1,
    'disable_existing_loggers': False,
    'handlers': {
        'console': {'class': 'logging.StreamHandler'},
    },
    'loggers': {
        'netbox': {'handlers': ['console'], 'level': 'INFO'},
    },
}

# Plugin settings, one block per site.
PLUGINS_CONFIG = {
    'netbox_bgp': {
'''

BLOCK = '''\
        # Site {n}
        'site_{n}': {{
            'enabled': True,
            'region': 'region-{n}',
            'asn': {n},
            'peers': ['192.0.2.{m}', '198.51.100.{m}'],
            'timeout': 30,
        }},
'''


def configuration(lines: int) -> str:
    """A NetBox 4.7 configuration of about ``lines`` lines that lints clean (the test suite
    checks it does)."""
    text = HEAD
    n = 0
    while text.count("\n") < lines - 3:
        text += BLOCK.format(n=n, m=n % 250)
        n += 1
    return text + "    },\n}\n"
