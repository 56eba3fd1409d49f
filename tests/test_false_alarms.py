"""False alarms on real deployments (issue 13): helper variables, absences judged once per
configuration. The layouts are reconstructions written for these tests, never copies."""

from __future__ import annotations

import subprocess
import sys

import pytest

from flake8_netbox.checker import check_source
from flake8_netbox.plugin import OPT_IN_CODES
from flake8_netbox.releases import parse_release
from flake8_netbox.rules import ALL_RULES
from flake8_netbox.rules.base import LDAP, NETBOX
from helpers import flake8_inprocess, parse

RELEASE = parse_release("4.7")


def command(args, cwd):
    return subprocess.run([sys.executable, "-m", "flake8_netbox", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=120)


def found(output):
    return sorted((r.path.replace("\\", "/"), r.row, r.code) for r in parse(output))


# -- helper variables: one notion for every rule about names -------------------------------------

#: An ldap_config.py as container images write it: search bases and filters read from the
#: environment into module-level names, then handed to LDAPSearch(...) and f-strings.
CONTAINER_LDAP = """\
from os import environ
import ldap
from django_auth_ldap.config import LDAPSearch, GroupOfNamesType

AUTH_LDAP_SERVER_URI = environ.get('AUTH_LDAP_SERVER_URI', 'ldaps://dc.example.com')
AUTH_LDAP_BIND_PASSWORD = environ.get('AUTH_LDAP_BIND_PASSWORD', '')
AUTH_LDAP_USER_SEARCH_BASEDN = environ.get('AUTH_LDAP_USER_SEARCH_BASEDN', '')
AUTH_LDAP_USER_SEARCH_ATTR = environ.get('AUTH_LDAP_USER_SEARCH_ATTR', 'uid')
AUTH_LDAP_USER_SEARCH_FILTER = environ.get('AUTH_LDAP_USER_SEARCH_FILTER',
                                           f'({AUTH_LDAP_USER_SEARCH_ATTR}=%(user)s)')
AUTH_LDAP_USER_SEARCH = LDAPSearch(AUTH_LDAP_USER_SEARCH_BASEDN, ldap.SCOPE_SUBTREE,
                                   AUTH_LDAP_USER_SEARCH_FILTER)
AUTH_LDAP_GROUP_SEARCH_BASEDN = environ.get('AUTH_LDAP_GROUP_SEARCH_BASEDN', '')
AUTH_LDAP_GROUP_SEARCH_CLASS = environ.get('AUTH_LDAP_GROUP_SEARCH_CLASS', 'group')
AUTH_LDAP_GROUP_SEARCH = LDAPSearch(AUTH_LDAP_GROUP_SEARCH_BASEDN, ldap.SCOPE_SUBTREE,
                                    f'(objectclass={AUTH_LDAP_GROUP_SEARCH_CLASS})')
AUTH_LDAP_GROUP_TYPE = GroupOfNamesType()
"""

#: The Helm chart's way: names preset to None, filled from YAML, read in an `or` fallback.
CHART_LDAP = """\
import ldap
from django_auth_ldap.config import LDAPSearch

AUTH_LDAP_USER_SEARCH_FILTER = None
AUTH_LDAP_GROUP_SEARCH_FILTER = None
AUTH_LDAP_SERVER_URI = 'ldaps://ldap.example.com'
AUTH_LDAP_USER_SEARCH = LDAPSearch('ou=people,dc=example,dc=com', ldap.SCOPE_SUBTREE,
                                   AUTH_LDAP_USER_SEARCH_FILTER or '(uid=%(user)s)')
AUTH_LDAP_GROUP_SEARCH = LDAPSearch('ou=groups,dc=example,dc=com', ldap.SCOPE_SUBTREE,
                                    AUTH_LDAP_GROUP_SEARCH_FILTER or '(objectClass=group)')
"""


@pytest.mark.parametrize("source", [CONTAINER_LDAP, CHART_LDAP], ids=["container", "chart"])
def test_ldap_helper_variables_are_not_unknown_settings(source, tmp_path):
    (tmp_path / "ldap_config.py").write_text(source)
    _, results, _ = flake8_inprocess(["--select=NBX", "ldap_config.py"], tmp_path)
    assert results == []


def test_a_name_read_only_to_rebind_itself_is_still_a_misspelling(tmp_path):
    (tmp_path / "ldap_config.py").write_text(
        "from os import environ\nAUTH_LDAP_SERVER_URI = 'ldaps://ldap.example.com'\n"
        "AUTH_LDAP_REQUIRED_GROUP = environ['GROUP']\n"
        "AUTH_LDAP_REQUIRED_GROUP = AUTH_LDAP_REQUIRED_GROUP.strip()\n")
    _, results, _ = flake8_inprocess(["--select=NBX", "ldap_config.py"], tmp_path)
    assert [(r.row, r.code) for r in results] == [(3, "NBX605")]
    assert "AUTH_LDAP_REQUIRE_GROUP" in results[0].text


def test_writing_into_a_misspelt_name_does_not_make_it_a_helper(tmp_path):
    (tmp_path / "ldap_config.py").write_text(
        "AUTH_LDAP_SERVER_URI = 'ldaps://ldap.example.com'\n"
        "AUTH_LDAP_USER_FLAG_BY_GROUP = {}\n"
        "AUTH_LDAP_USER_FLAG_BY_GROUP['is_active'] = 'cn=active,dc=example,dc=com'\n"
        "AUTH_LDAP_MIRROR_GROUP = []\n"
        "AUTH_LDAP_MIRROR_GROUP.append('netbox-users')\n")
    _, results, _ = flake8_inprocess(["--select=NBX", "ldap_config.py"], tmp_path)
    assert [(r.row, r.code) for r in results] == [(2, "NBX605"), (4, "NBX605")]


def test_one_notion_of_helper_for_every_name_rule(tmp_path):
    """The same helper shapes are silent for NBX501 (unknown), NBX502 (another release) and
    NBX503 (overridden by NetBox) in configuration.py."""
    (tmp_path / "configuration.py").write_text(
        "import os\n"
        "ALLOWED_HOSTS = ['netbox.example.com']\n"
        "SITE_DOMAIN = os.environ.get('DOMAIN', 'example.com')\n"  # unknown name, read below
        "NAPALM_USERNAME = os.environ['NAPALM_USERNAME']\n"  # not read since 3.5, read below
        "LANGUAGE_CODE = 'de'\n"  # overridden by NetBox, read below
        "CSRF_TRUSTED_ORIGINS = [f'https://netbox.{SITE_DOMAIN}']\n"
        "PLUGINS_CONFIG = {'netbox_napalm_plugin': {'NAPALM_USERNAME': NAPALM_USERNAME}}\n"
        "DEFAULT_LANGUAGE = LANGUAGE_CODE\n")
    _, results, _ = flake8_inprocess(["--select=NBX5", "configuration.py"], tmp_path)
    assert results == []
    # Without the reads, each is reported by its own rule.
    text = (tmp_path / "configuration.py").read_text().splitlines()
    (tmp_path / "configuration.py").write_text("\n".join(text[:5]) + "\n")
    _, results, _ = flake8_inprocess(["--select=NBX5", "configuration.py"], tmp_path)
    assert sorted((r.row, r.code) for r in results) == [(3, "NBX501"), (4, "NBX502"),
                                                        (5, "NBX503")]


# -- absences are judged once per configuration ---------------------------------------------------

MAIN = """\
import os
ALLOWED_HOSTS = ['netbox.example.org']
DATABASES = {'default': {'NAME': 'netbox', 'PASSWORD': os.environ['DB_PASSWORD']}}
REDIS = {'tasks': {'DATABASE': 0}, 'caching': {'DATABASE': 1}}
SECRET_KEY = os.environ['SECRET_KEY']
API_TOKEN_PEPPERS = {1: os.environ['API_TOKEN_PEPPER_1']}
"""
COOKIES = "SESSION_COOKIE_SECURE = True\nCSRF_COOKIE_SECURE = True\n"


def split_layout(tmp_path, main=MAIN + COOKIES, parts=None):
    folder = tmp_path / "configuration"
    folder.mkdir()
    (folder / "configuration.py").write_text(main)
    for name, text in (parts or {
            "extra.py": "CSRF_TRUSTED_ORIGINS = ['https://netbox.example.org']\n",
            "plugins.py": "PLUGINS = ['netbox_bgp']\n",
            "logging.py": "LOGGING = {'version': 1}\n"}).items():
        (folder / name).write_text(text)
    return folder


def test_parts_are_not_judged_on_what_they_lack(tmp_path):
    """Reported case split-part-cookie-settings: NBX407 said 'not set' on line 1 of each part
    although configuration.py sets both cookies secure."""
    split_layout(tmp_path)
    _, results, _ = flake8_inprocess(
        ["--select=NBX", "--extend-select=NBX407", "--netbox-version=4.5",
         "--netbox-files=configuration/*.py", "configuration"], tmp_path)
    assert results == []
    proc = command(["--extend-select", "NBX407", "--netbox-version", "4.5", "--config-dir",
                    "configuration"], tmp_path)
    assert (proc.returncode, proc.stdout) == (0, ""), proc.stdout + proc.stderr


def test_config_dir_judges_absence_once_counting_every_file(tmp_path):
    split_layout(tmp_path, main=MAIN, parts={
        "extra.py": "SESSION_COOKIE_SECURE = True\n", "plugins.py": "PLUGINS = []\n"})
    proc = command(["--extend-select", "NBX407", "--config-dir", "configuration"], tmp_path)
    assert found(proc.stdout) == [("configuration/configuration.py", 1, "NBX407")]
    assert "CSRF_COOKIE_SECURE is not set" in proc.stdout


def test_config_dir_without_configuration_py_judges_on_the_first_file(tmp_path):
    folder = split_layout(tmp_path, main=MAIN)
    (folder / "configuration.py").rename(folder / "base.py")
    proc = command(["--extend-select", "NBX407", "--config-dir", "configuration"], tmp_path)
    assert found(proc.stdout) == [("configuration/base.py", 1, "NBX407"),
                                  ("configuration/base.py", 1, "NBX407")]


def test_a_part_still_gets_the_rules_on_what_it_writes(tmp_path):
    split_layout(tmp_path, parts={"extra.py": "CSRF_COOKIE_SECURE = False\n"})
    proc = command(["--extend-select", "NBX407", "--config-dir", "configuration"], tmp_path)
    assert found(proc.stdout) == [("configuration/extra.py", 1, "NBX407")]
    assert "can be False" in proc.stdout


def test_an_open_part_leaves_nothing_missing_in_the_folder(tmp_path):
    split_layout(tmp_path, main="ALLOWED_HOSTS = ['netbox.example.org']\n",
                 parts={"extra.py": "from netbox_settings_base import *\n"})
    proc = command(["--extend-select", "NBX407", "--config-dir", "configuration"], tmp_path)
    assert (proc.returncode, proc.stdout) == (0, ""), proc.stdout + proc.stderr


PART = "CSRF_TRUSTED_ORIGINS = ['https://netbox.example.org']\nPLUGINS = []\n"
LDAP_PART = "AUTH_LDAP_START_TLS = True\nAUTH_LDAP_ALWAYS_UPDATE_USER = True\n"


@pytest.mark.parametrize("kind", [NETBOX, LDAP])
@pytest.mark.parametrize("source", [PART, "from .base import *\n" + PART,
                                    "globals().update({})\n" + PART])
def test_no_rule_reports_an_absence_on_a_part_or_in_an_open_module(kind, source):
    """The mechanism, for every rule at once (today's and those to come): a module-level
    finding is an absence, and absences are judged only on a whole, closed configuration."""
    whole = source != PART
    if kind == LDAP:  # NetBox settings in ldap_config.py are NBX607's: write LDAP ones there
        source = source.replace(PART, LDAP_PART)
    results = check_source(source, RELEASE, kind=kind, whole=whole,
                           opt_in=OPT_IN_CODES)
    assert results == []


def test_absence_rules_declare_it():
    """Rules reporting what is missing do so in check_absent, which the engine runs once per
    configuration; the rules known to judge absences today are among them."""
    judging = {rule.code for rule in ALL_RULES if rule.judges_absence()}
    assert {"NBX001", "NBX407", "NBX601"} <= judging
    # ... and a whole, closed configuration that sets nothing gets their findings.
    results = check_source("PLUGINS = []\n", RELEASE, opt_in=OPT_IN_CODES)
    assert {message.split()[0] for _, _, message in results} >= {"NBX001", "NBX407"}
