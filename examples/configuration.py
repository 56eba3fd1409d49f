# An example NetBox 4.6 configuration with one mistake per core rule, for the README's first
# command. Lint it with: flake8 --select NBX examples/configuration.py
import os

#########################
#                       #
#   Required settings   #
#                       #
#########################

ALLOWED_HOSTS = [
    'netbox.example.com',
    '',
]

DATABASE = {
    'NAME': 'netbox',
    'USER': 'netbox',
    'PASSWORD': 'J5brHrAXFLQSif0K',
    'HOST': 'localhost',
    'PORT': '',
    'CONN_MAX_AGE': 300,
}
DATABASES = {'default': DATABASE}

REDIS = {
    'tasks': {
        'HOST': 'localhost',
        'PORT': 6379,
        'PASSWORD': os.environ.get('REDIS_PASSWORD', 'redis-password'),
        'DATABASE': 0,
    },
    'caching': {
        'HOST': 'localhost',
        'PORT': 6379,
        'PASSWORD': os.environ.get('REDIS_PASSWORD', 'redis-password'),
        'SSL': os.environ.get('REDIS_SSL', False),
    },
}

SECRET_KEY = 'netbox-secret-key'

#########################
#                       #
#   Optional settings   #
#                       #
#########################

DEBUG = False
TIME_ZONE = 'UTC'

# Peppers for v2 API tokens (NetBox 4.5+).
API_TOKEN_PEPPERS = {1: os.environ['API_TOKEN_PEPPER_1']}
