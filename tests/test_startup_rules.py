"""Release-dependent defaults and NetBox's start-up checks (issue 12, item 4): reported cases
and the release boundaries each rule states, through real flake8."""

from __future__ import annotations

import pytest

from helpers import lint

BASE = """\
import os

ALLOWED_HOSTS = ['netbox.example.com']
DATABASES = {'default': {'NAME': 'netbox', 'USER': 'netbox',
                         'PASSWORD': os.environ['DB_PASSWORD'], 'HOST': 'localhost'}}
REDIS = {
    'tasks': {'HOST': 'localhost', 'PORT': 6379, 'DATABASE': 0},
    'caching': {'HOST': 'localhost', 'PORT': 6379, 'DATABASE': 1},
}
SECRET_KEY = os.environ['SECRET_KEY']
"""
STORAGE = BASE + """
STORAGE_BACKEND = 'storages.backends.s3.S3Storage'
STORAGE_CONFIG = {
    'AWS_ACCESS_KEY_ID': 'AKIAEXAMPLEKEYID0000',
    'AWS_SECRET_ACCESS_KEY': 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    'AWS_STORAGE_BUCKET_NAME': 'netbox-media',
}
"""


def found(source, tmp_path, version, *args, name="configuration.py"):
    results = lint(source, tmp_path, f"--netbox-version={version}", "--select=NBX,NBX104",
                   *args, name=name)
    return sorted((r.row, r.code) for r in results), results


# -- reported case: storage-backend-alone --------------------------------------------------------

@pytest.mark.parametrize("version", ["4.3.0", "4.3", "4.6", "4.7", "4.7.3"])
def test_storage_backend_alone_is_a_start_up_failure(version, tmp_path):
    codes, results = found(STORAGE, tmp_path, version)
    assert (12, "NBX002") in codes, results
    (message,) = [r.text for r in results if r.code == "NBX002"]
    assert "refuses to start" in message and "STORAGES" in message
    # NBX301 on the AWS secret in STORAGE_CONFIG is rules/passwords.py's widening (issue 14)


def test_storage_backend_beside_storages_is_only_deprecated(tmp_path):
    source = STORAGE + "STORAGES = {'default': {'BACKEND': 'storages.backends.s3.S3Storage'}}\n"
    codes, _ = found(source, tmp_path, "4.7")
    assert "NBX002" not in {code for _, code in codes}
    assert (12, "NBX502") in codes


@pytest.mark.parametrize("version", ["4.2", "3.7"])
def test_storage_backend_alone_before_4_3_is_fine(version, tmp_path):
    codes, _ = found(STORAGE, tmp_path, version)
    assert "NBX002" not in {code for _, code in codes}


def test_storage_backend_none_is_not_set(tmp_path):
    codes, _ = found(BASE + "STORAGE_BACKEND = None\n", tmp_path, "4.7")
    assert "NBX002" not in {code for _, code in codes}


# -- reported case: peppers-missing-4-5 ----------------------------------------------------------

@pytest.mark.parametrize("version", ["4.5.0", "4.5", "4.6", "4.7"])
def test_missing_peppers_from_4_5(version, tmp_path):
    codes, results = found(BASE, tmp_path, version)
    assert codes == [(1, "NBX104")], results
    assert "v2 API tokens are unavailable until it is set" in results[0].text


@pytest.mark.parametrize("version", ["4.4", "4.2", "3.7"])
def test_no_peppers_finding_before_4_5(version, tmp_path):
    codes, _ = found(BASE, tmp_path, version)
    assert "NBX104" not in {code for _, code in codes}


def test_missing_peppers_silent_in_open_modules_and_parts(tmp_path):
    codes, _ = found("from .base import *\n" + BASE, tmp_path, "4.7")
    assert "NBX104" not in {code for _, code in codes}
    codes, _ = found(BASE, tmp_path, "4.7", "--netbox-files=site_*.py", name="site_a.py")
    assert "NBX104" not in {code for _, code in codes}


def test_empty_peppers_warn_instead_of_refusing(tmp_path):
    # `if API_TOKEN_PEPPERS:` in settings.py: an empty value warns, it does not refuse.
    for empty in ("{}", "[]", "None", "''"):
        codes, results = found(BASE + f"API_TOKEN_PEPPERS = {empty}\n", tmp_path, "4.7")
        assert codes == [(11, "NBX104")], (empty, results)


# -- LOGIN_REQUIRED's default (False up to 4.0.1) -----------------------------------------------

@pytest.mark.parametrize("version, reported", [
    ("2.6", True), ("3.7", True), ("4.0.1", True), ("4.0.2", False), ("4.0", False),
    ("4.6", False),
])
def test_login_required_unset(version, reported, tmp_path):
    codes, _ = found(BASE, tmp_path, version)
    assert ((1, "NBX404") in codes) is reported


def test_login_required_unset_silent_in_open_modules_and_parts(tmp_path):
    codes, _ = found("from .base import *\n" + BASE, tmp_path, "3.7")
    assert "NBX404" not in {code for _, code in codes}
    codes, _ = found(BASE, tmp_path, "3.7", "--netbox-files=site_*.py", name="site_a.py")
    assert "NBX404" not in {code for _, code in codes}


# -- AUTH_PASSWORD_VALIDATORS = [] ---------------------------------------------------------------

@pytest.mark.parametrize("version, reported", [
    ("3.7", False), ("4.0", False), ("4.0.11", False), ("4.1.0", True), ("4.7", True),
])
def test_empty_password_validators(version, reported, tmp_path):
    codes, results = found(BASE + "AUTH_PASSWORD_VALIDATORS = []\n", tmp_path, version)
    assert ((11, "NBX406") in codes) is reported, results
    if reported:
        (message,) = [r.text for r in results if r.code == "NBX406"]
        assert "12" in message and "digit" in message and "uppercase" in message


# -- values NetBox refuses (NBX004) and Sentry without a DSN (NBX003) ----------------------------

@pytest.mark.parametrize("line, version, reported", [
    ("DISK_BASE_UNIT = 1024", "4.7", False),
    ("DISK_BASE_UNIT = 1000.0", "4.7", False),
    ("DISK_BASE_UNIT = 1048", "4.7", True),
    ("RAM_BASE_UNIT = '1024'", "4.7", True),
    ("RAM_BASE_UNIT = 1048", "4.2.5", False),
    ("BULK_UPDATE_CHUNK_SIZE = None", "4.7", False),
    ("BULK_UPDATE_CHUNK_SIZE = True", "4.7", True),
    ("BULK_UPDATE_CHUNK_SIZE = -5", "4.7", True),
    ("BULK_UPDATE_CHUNK_SIZE = 0", "4.6", False),
    ("WEBHOOK_DEFAULT_TIMEOUT = 299", "4.7", False),
    ("WEBHOOK_DEFAULT_TIMEOUT = 300", "4.7", True),
    ("WEBHOOK_DEFAULT_TIMEOUT = 0", "4.7", True),
    ("RQ_DEFAULT_TIMEOUT = '2h'\nWEBHOOK_DEFAULT_TIMEOUT = 3600", "4.7", False),
    ("RQ_DEFAULT_TIMEOUT = -1\nWEBHOOK_DEFAULT_TIMEOUT = 3600", "4.7", False),
    ("RQ_DEFAULT_TIMEOUT = 0\nWEBHOOK_DEFAULT_TIMEOUT = 180", "4.7", True),
    ("RQ_DEFAULT_TIMEOUT = '10 min'", "4.7", True),
    ("RELEASE_CHECK_URL = 'https://api.github.com/repos/netbox-community/netbox/releases'",
     "4.7", False),
    ("RELEASE_CHECK_URL = None", "4.7", False),
    ("RELEASE_CHECK_URL = 'github.com/netbox-community/netbox'", "4.7", True),
    ("RELEASE_CHECK_URL = 'https://'", "4.7", True),
])
def test_values_netbox_refuses(line, version, reported, tmp_path):
    codes, results = found(BASE + line + "\n", tmp_path, version)
    hits = [r for r in results if r.code == "NBX004"]
    assert bool(hits) is reported, results
    assert all("refuses to start" in r.text for r in hits)


@pytest.mark.parametrize("lines, reported", [
    ("SENTRY_ENABLED = True", True),
    ("SENTRY_ENABLED = True\nSENTRY_CONFIG = {'dsn': ''}", True),
    ("SENTRY_ENABLED = True\nSENTRY_CONFIG = {'dsn': os.environ['SENTRY_DSN']}", False),
    ("SENTRY_ENABLED = False", False),
])
def test_sentry_without_dsn(lines, reported, tmp_path):
    codes, results = found(BASE + lines + "\n", tmp_path, "4.7")
    assert any(r.code == "NBX003" and "dsn" in r.text for r in results) is reported, results
