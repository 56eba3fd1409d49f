"""The kinds of mistake NetBox users reported (issue 14), each as a small reconstruction run
through real flake8: every reported case, and variants of its kind."""

from __future__ import annotations

import subprocess
import sys

import pytest

from helpers import lint

BASE = ("import os\nALLOWED_HOSTS = ['netbox.example.com']\n"
        "DATABASE = {'NAME': 'netbox', 'PASSWORD': os.environ['DB_PASSWORD']}\n"
        "REDIS = {'tasks': {'HOST': 'localhost'}, 'caching': {'HOST': 'localhost'}}\n"
        "SECRET_KEY = os.environ['SECRET_KEY']\n")
BASE_LINES = BASE.count("\n")


def found(tmp_path, source, code, version="4.7", name="configuration.py"):
    results = lint(source, tmp_path, f"--select={code}", f"--netbox-version={version}",
                   "--extend-select=NBX", name=name)
    return sorted((r.row, r.code) for r in results if r.code == code), results


# -- NBX006: string literals given to booleans -------------------------------------------------

@pytest.mark.parametrize("version", ["2.6", "3.0", "4.7"])
def test_quoted_boolean_in_flat_redis_and_top_level(tmp_path, version):
    source = ("import os\nALLOWED_HOSTS = ['netbox.example.com']\n"
              "DATABASE = {'NAME': 'netbox', 'PASSWORD': os.environ['DB_PASSWORD']}\n"
              "SECRET_KEY = os.environ['SECRET_KEY']\n"
              "REDIS = {\n    'HOST': 'localhost',\n    'PORT': '6379',\n    'DATABASE': '0',\n"
              "    'SSL': 'False',\n}\nDEBUG = 'False'\nMAINTENANCE_MODE = 'no'\n")
    rows, results = found(tmp_path, source, "NBX006", version)
    assert rows == [(9, "NBX006"), (11, "NBX006"), (12, "NBX006")]
    assert not [r for r in results if r.code == "NBX009"]  # a string Redis port works


def test_quoted_boolean_in_sections_and_email(tmp_path):
    source = BASE + ("REDIS = {'tasks': {'SSL': 'true'},\n"
                     "         'caching': {'INSECURE_SKIP_TLS_VERIFY': 'False'}}\n"
                     "EMAIL = {'USE_TLS': 'yes'}\nLOGIN_REQUIRED = ''\n")
    rows, _ = found(tmp_path, source, "NBX006")
    assert rows == [(BASE_LINES + 1, "NBX006"), (BASE_LINES + 2, "NBX006"),
                    (BASE_LINES + 3, "NBX006")]


# -- NBX008: host and origin forms ---------------------------------------------------------------

def test_csrf_origins_shared_with_allowed_hosts(tmp_path):
    source = ("import os\nALLOWED_HOSTS = ['dcim.example.org', 'ipam.example.org']\n"
              "CSRF_TRUSTED_ORIGINS = ALLOWED_HOSTS\n"
              "DATABASE = {'NAME': 'netbox', 'PASSWORD': os.environ['DB_PASSWORD']}\n"
              "REDIS = {'tasks': {}, 'caching': {}}\nSECRET_KEY = os.environ['SECRET_KEY']\n")
    rows, results = found(tmp_path, source, "NBX008", "3.4")
    assert rows == [(2, "NBX008"), (2, "NBX008")]
    assert all("CSRF_TRUSTED_ORIGINS" in r.text for r in results if r.code == "NBX008")
    assert found(tmp_path, source, "NBX008", "3.1")[0] == []  # not read before 3.2


def test_origin_and_host_variants(tmp_path):
    source = BASE.replace("['netbox.example.com']", "['netbox.example.com:8443', 'localhost']") \
        + "CSRF_TRUSTED_ORIGINS = ['ipam.example.org:8443', 'https://ok.example.org']\n" \
        + "CORS_ORIGIN_WHITELIST = ('app.example.com',)\n"
    rows, _ = found(tmp_path, source, "NBX008")
    assert rows == [(2, "NBX008"), (BASE_LINES + 1, "NBX008"), (BASE_LINES + 2, "NBX008")]


# -- NBX009 --------------------------------------------------------------------------------------

def test_numbers_lists_and_dicts_given_strings(tmp_path):
    source = BASE + ("MAX_PAGE_SIZE = os.environ.get('MAX_PAGE_SIZE', 1000)\n"
                     "PAGINATE_COUNT = int(os.environ.get('PAGINATE_COUNT', 50))\n"
                     "SECURE_HSTS_SECONDS = os.environ.get('HSTS', '0')\n"
                     "REMOTE_AUTH_DEFAULT_GROUPS = os.environ.get('GROUPS', '')\n"
                     "FIELD_CHOICES = '{}'\n"
                     "LOGIN_TIMEOUT = 'None'\n")
    rows, _ = found(tmp_path, source, "NBX009")
    assert rows == [(BASE_LINES + 1, "NBX009"), (BASE_LINES + 4, "NBX009"),
                    (BASE_LINES + 5, "NBX009")]
    assert found(tmp_path, source, "NBX608")[0] == [(BASE_LINES + 6, "NBX608")]


# -- NBX301 and NBX506 ---------------------------------------------------------------------------

def test_ldap_strings_missing_their_f_prefix(tmp_path):
    source = ("import os\nserver = os.environ['LDAP_SERVER']\n"
              "bind_user = os.environ['LDAP_BIND_USER']\n"
              "bind_password = os.environ['LDAP_BIND_PASSWORD']\n"
              "AUTH_LDAP_SERVER_URI = \"ldaps://{server}\"\n"
              "AUTH_LDAP_BIND_DN = \"CN={bind_user},DC=example,DC=com\"\n"
              "AUTH_LDAP_BIND_PASSWORD = \"{bind_password}\"\n"
              "AUTH_LDAP_USER_DN_TEMPLATE = \"uid=%(user)s,DC={unbound}\"\n")
    rows, results = found(tmp_path, source, "NBX506", name="ldap_config.py")
    assert rows == [(5, "NBX506"), (6, "NBX506"), (7, "NBX506")]
    assert not [r for r in results if r.code == "NBX301"]


def test_secrets_in_urls_and_storage_options(tmp_path):
    source = BASE.replace(
        "REDIS = {'tasks': {'HOST': 'localhost'}, 'caching': {'HOST': 'localhost'}}",
        "REDIS = {'tasks': {'URL': 'redis://:Sup3r-secret@redis:6379/0'}, 'caching': {}}") + (
        "STORAGE_BACKEND = 'storages.backends.s3.S3Storage'\n"
        "STORAGE_CONFIG = {'AWS_ACCESS_KEY_ID': 'AKIAEXAMPLEKEYID0000',\n"
        "                  'AWS_SECRET_ACCESS_KEY': 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'}\n"
        "SOCIAL_AUTH_OIDC_SECRET = {'x': 1}\n")
    rows, results = found(tmp_path, source, "NBX301", "4.2")
    assert rows == [(4, "NBX301"), (BASE_LINES + 3, "NBX301")]
    for result in results:
        assert "Sup3r-secret" not in result.text and "wJalrXUtnFEMI" not in result.text


# -- NBX7xx --------------------------------------------------------------------------------------

def test_plugins_distribution_name_and_config_key(tmp_path):
    source = BASE + ("PLUGINS = ['netbox_lists', 'netbox-librenms-plugin']\n"
                     "PLUGINS_CONFIG = {\n    'netbox_librenms_plugin': {'verify_ssl': True},\n"
                     "    'netbox_lists': {},\n}\n")
    rows701, results = found(tmp_path, source, "NBX701", "4.5")
    assert rows701 == [(BASE_LINES + 1, "NBX701")]
    assert "'netbox_librenms_plugin'" in [r for r in results if r.code == "NBX701"][0].text
    assert found(tmp_path, source, "NBX702", "4.5")[0] == [(BASE_LINES + 3, "NBX702")]


def test_plugins_from_another_file_are_not_judged(tmp_path):
    source = BASE + "PLUGINS_CONFIG = {'netbox_bgp': {}}\n"
    assert found(tmp_path, source, "NBX702")[0] == []


def test_plugin_options_quoted_collections(tmp_path):
    source = BASE + ("PLUGINS = ['netbox_inventory', 'netbox_attachments']\nPLUGINS_CONFIG = {\n"
                     "    'netbox_inventory': {'names': \"['retired', 'lost']\", 'x': '[x]'},\n"
                     "    'netbox_attachments': {'apps': \"('dcim.device',)\",\n"
                     "                           'extra': {'map': \"{'a': 1}\"}},\n}\n")
    rows, _ = found(tmp_path, source, "NBX703")
    assert rows == [(BASE_LINES + 3, "NBX703"), (BASE_LINES + 4, "NBX703"),
                    (BASE_LINES + 5, "NBX703")]


# -- NBX505, NBX010, NBX606-608 -------------------------------------------------------------------

def test_environment_variable_copied_into_another_setting(tmp_path):
    source = BASE + ("MAINTENANCE_MODE = os.environ.get('MAINTENANCE_MODE', 'false') == 'true'\n"
                     "MAX_PAGE_SIZE = int(os.environ.get('MAINTENANCE_MODE', 1000))\n")
    assert found(tmp_path, source, "NBX505")[0] == [(BASE_LINES + 2, "NBX505")]


@pytest.mark.parametrize("version, expected", [("3.5.0", []), ("3.5.1", [(3, "NBX010")])])
def test_engine_respected_from_351(tmp_path, version, expected):
    source = BASE.replace("'NAME': 'netbox',",
                          "'NAME': 'netbox', 'ENGINE': 'django.db.backends.mysql',")
    assert found(tmp_path, source, "NBX010", version)[0] == expected


def test_ldap_tls_modes_other_settings_and_none_texts(tmp_path):
    source = ("import os\nhost = os.environ.get('LDAP_HOST')\n"
              "AUTH_LDAP_SERVER_URI = f'ldaps://{host}'\n"
              "AUTH_LDAP_REQUIRE_GROUP = ''\nAUTH_LDAP_USER_QUERY_FIELD = ''\n"
              "LOGIN_REQUIRED = True\n")
    assert found(tmp_path, source, "NBX608", name="ldap_config.py")[0] == \
        [(3, "NBX608"), (4, "NBX608")]
    assert found(tmp_path, source, "NBX607", name="ldap_config.py")[0] == [(6, "NBX607")]
    tls = ("AUTH_LDAP_SERVER_URI = 'ldap://dc1.example.com:636'\n")
    assert found(tmp_path, tls, "NBX606", name="ldap_config.py")[0] == [(1, "NBX606")]


def test_retired_ldap_names_get_their_successor(tmp_path):
    source = ("AUTH_LDAP_SERVER_URI = 'ldaps://ldap.example.com'\n"
              "AUTH_LDAP_CACHE_GROUPS = True\nAUTH_LDAP_CACHE_GROUP = True\n")
    rows, results = found(tmp_path, source, "NBX605", name="ldap_config.py")
    assert rows == [(2, "NBX605"), (3, "NBX605")]
    texts = [r.text for r in results if r.code == "NBX605"]
    assert "use AUTH_LDAP_CACHE_TIMEOUT" in texts[0]
    assert "AUTH_LDAP_CACHE_TIMEOUT" not in texts[1]  # a typo gets the closest name instead


def test_lower_case_key_is_upper_cased_unless_set(tmp_path):
    path = tmp_path / "configuration.py"
    path.write_text(BASE + "DATABASE['host'] = 'db'  # keep\nREDIS['tasks']['port'] = 6380\n"
                    "REDIS['caching']['host'] = 'x'\n", encoding="utf-8")
    subprocess.run([sys.executable, "-m", "flake8_netbox", "--fix", "--netbox-version", "4.7",
                    "configuration.py"], cwd=tmp_path, capture_output=True, text=True,
                   timeout=120)
    text = path.read_text(encoding="utf-8")
    assert "DATABASE['HOST'] = 'db'  # keep" in text
    assert "['PORT'] = 6380" in text
    assert "REDIS['caching']['host']" in text  # 'HOST' is set there already
