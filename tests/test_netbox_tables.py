"""The plugin's knowledge of NetBox releases: one table, and the rules agree with it."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

from flake8_netbox import netbox
from flake8_netbox.parameters import PARAMETERS
from flake8_netbox.releases import Release, parse_release
from helpers import lint

ROOT = Path(__file__).parent.parent
CASES = ROOT.parent / "shared" / "cases" / "reported"
#: A clone of netbox-community/netbox and a folder of NetBox wheels (4.7.0 on): when both are
#: given, the generated table is regenerated and compared (about 4 minutes).
NETBOX_GIT = os.environ.get("NETBOX_GIT")
NETBOX_WHEELS = os.environ.get("NETBOX_WHEELS")


def _generator():
    spec = importlib.util.spec_from_file_location("gen_release_table",
                                                  ROOT / "tools" / "gen_release_table.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["gen_release_table"] = module
    spec.loader.exec_module(module)
    return module


@pytest.mark.skipif(not (NETBOX_GIT and NETBOX_WHEELS),
                    reason="set NETBOX_GIT (a clone of NetBox) and NETBOX_WHEELS (its 4.7+ "
                           "wheels) to regenerate the release table")
def test_parameters_module_is_generated_from_netbox_source():
    generated = subprocess.run([sys.executable, str(ROOT / "tools" / "gen_release_table.py"),
                                "--repo", NETBOX_GIT, "--wheels", NETBOX_WHEELS],
                               capture_output=True, text=True, check=True)
    assert generated.stdout == (ROOT / "flake8_netbox" / "parameters.py").read_text()


# A settings.py in the shapes NetBox's releases use, written for these tests.
_SETTINGS = """
from netbox.config import PARAMS
configuration = object()
for parameter in ['ALLOWED_HOSTS', 'SECRET_KEY']:
    if not hasattr(configuration, parameter):
        raise ImproperlyConfigured(parameter)
ALLOWED_HOSTS = getattr(configuration, 'ALLOWED_HOSTS')
SECRET_KEY = getattr(configuration, 'SECRET_KEY')
BASE_PATH = getattr(configuration, 'BASE_PATH', '')
if BASE_PATH:
    BASE_PATH = BASE_PATH.strip('/') + '/'
LANGUAGE_CODE = getattr(configuration, 'DEFAULT_LANGUAGE', 'en-us')
OLD_TIMEOUT = getattr(configuration, 'OLD_TIMEOUT', 900)
if hasattr(configuration, 'GONE'):
    warnings.warn("GONE was removed and has no effect")
USED_ELSEWHERE = getattr(configuration, 'USED_ELSEWHERE', 5)
for param in PARAMS:
    if hasattr(configuration, param.name):
        globals()[param.name] = getattr(configuration, param.name)
"""


def test_generator_reads_every_shape_of_settings_py():
    gen = _generator()
    reads = gen.settings_reads(_SETTINGS, ["DYNAMIC_ONE"])
    assert set(reads) == {"ALLOWED_HOSTS", "SECRET_KEY", "BASE_PATH", "DEFAULT_LANGUAGE",
                          "OLD_TIMEOUT", "GONE", "USED_ELSEWHERE", "DYNAMIC_ONE"}
    assert reads["DEFAULT_LANGUAGE"].targets == {"LANGUAGE_CODE"}
    assert reads["GONE"].warn_only and not reads["OLD_TIMEOUT"].warn_only
    assert reads["DYNAMIC_ONE"].dynamic
    assert reads["USED_ELSEWHERE"].default == "5"


def test_generator_keeps_only_names_with_an_effect():
    gen = _generator()
    reads = gen.settings_reads(_SETTINGS, [])
    loaded = gen.loaded_in_settings(_SETTINGS)
    mentions = {"USED_ELSEWHERE": {"dcim/views.py"}, "OLD_TIMEOUT": {"netbox/tests/test_x.py"}}
    effect = {name for name, read in reads.items()
              if not read.warn_only and gen.has_effect(read, loaded, mentions)}
    # BASE_PATH is used by settings.py itself, LANGUAGE_CODE and ALLOWED_HOSTS by Django, and
    # USED_ELSEWHERE by NetBox's code; OLD_TIMEOUT only by a test, GONE only to warn.
    assert effect == {"ALLOWED_HOSTS", "SECRET_KEY", "BASE_PATH", "DEFAULT_LANGUAGE",
                      "USED_ELSEWHERE"}


def test_table_covers_every_release_to_4_7_3():
    from flake8_netbox.parameters import NEWEST, RELEASES

    assert NEWEST == "4.7.3"
    assert {"4.7.0", "4.7.1", "4.7.2", "4.7.3", "2.6.0", "3.5.3"} <= set(RELEASES)
    assert not any("-" in release for release in RELEASES)  # no betas, no candidates


@pytest.mark.parametrize("name, release, read", [
    ("NAPALM_USERNAME", "3.4", True),
    ("NAPALM_USERNAME", "3.5.0", False),  # declared by 3.5.0 to 3.6.0, used by nothing
    ("NAPALM_ARGS", "3.6.0", False),
    ("CACHE_TIMEOUT", "2.11", True),
    ("CACHE_TIMEOUT", "3.0.0", False),  # 3.0 and 3.1 only warn that it is gone
    ("RELEASE_CHECK_TIMEOUT", "3.1", False),
    ("GRAPHQL_DEFAULT_VERSION", "4.6", False),  # declared in 4.5-4.6, used from 4.7
    ("GRAPHQL_DEFAULT_VERSION", "4.7", True),
    ("SENTRY_DSN", "4.6", True),
    ("SENTRY_DSN", "4.7.0", False),
    ("BULK_UPDATE_CHUNK_SIZE", "4.7.3", True),
])
def test_read_means_has_an_effect(name, release, read):
    assert netbox.reads(name, parse_release(release)) is read


def test_release_defaults():
    assert netbox.default_of("LOGIN_REQUIRED", parse_release("4.0.1")) == ("bool", "False")
    assert netbox.default_of("LOGIN_REQUIRED", parse_release("4.0.2")) == ("bool", "True")
    kind, validators = netbox.default_of("AUTH_PASSWORD_VALIDATORS", parse_release("4.1"))
    assert kind == "list" and "min_length': 12" in validators
    assert netbox.default_of("AUTH_PASSWORD_VALIDATORS", parse_release("4.0")) == ("list", "[]")
    assert netbox.default_of("MAX_PAGE_SIZE", parse_release("4.7"))[0] == "int"
    assert netbox.default_of("NAPALM_USERNAME", parse_release("4.7")) is None


def test_setting_info_for_hover():
    info = netbox.setting_info("JINJA2_FILTERS", parse_release("4.7"))
    assert info.read and info.deprecated and "JINJA_FILTERS" in info.replacement
    info = netbox.setting_info("NAPALM_ARGS", parse_release("4.7"))
    assert not info.read and info.last == Release(3, 4, 10) and "plugin" in info.replacement
    assert netbox.setting_info("NOT_A_SETTING", parse_release("4.7")) is None


@pytest.mark.parametrize("case, versions, words", [
    ("napalm-settings-after-3-5", ["3.5", "3.5.3", "3.6.0"], "has no effect since NetBox 3.5.0"),
    ("settings-without-effect-3-0", ["3.0", "3.1"], "has no effect since NetBox 3.0.0"),
])
def test_reported_cases_of_settings_without_effect(case, versions, words, tmp_path):
    path = CASES / case / "configuration.py"
    if not path.exists():
        pytest.skip("the reported cases are not beside the repository")
    source = path.read_text()
    for version in versions:
        results = lint(source, tmp_path, "--select=NBX502", f"--netbox-version={version}")
        names = {r.text.split()[0] for r in results}
        expected = {line.split()[0] for line in source.splitlines()
                    if line.startswith(("NAPALM_", "CACHE_TIMEOUT", "RELEASE_CHECK_TIMEOUT"))}
        assert names == expected, (version, results)
        assert all(words in r.text for r in results)


def test_hand_written_tables_name_real_settings():
    names = {row[0] for row in PARAMETERS}
    assert netbox.BOOLEAN_SETTINGS <= names
    assert set(netbox.REPLACEMENTS) <= netbox.known_names()
    assert set(netbox.DEPRECATED) <= names
    for old in netbox.REPLACEMENTS:  # every replaced name stopped being read, or is deprecated
        assert old not in netbox.READ_BY or netbox.READ_BY[old][-1][1] is not None \
            or old in netbox.DEPRECATED, old
    assert not set(netbox.HARD_CODED) & names  # NetBox does not read what it hard-codes


def test_renamed_settings_point_at_names_netbox_reads():
    assert netbox.reads("JOB_RETENTION", parse_release("3.5"))
    assert netbox.reads("JINJA_FILTERS", parse_release("4.7"))
    assert netbox.reads("STORAGES", parse_release("4.3"))


@pytest.mark.parametrize("name, release, read", [
    ("API_TOKEN_PEPPERS", "4.4", False),
    ("API_TOKEN_PEPPERS", "4.5", True),
    ("ALLOW_TOKEN_RETRIEVAL", "4.4", True),
    ("ALLOW_TOKEN_RETRIEVAL", "4.4.10", True),
    ("ALLOW_TOKEN_RETRIEVAL", "4.5", False),
    ("JOBRESULT_RETENTION", "3.4", True),
    ("JOBRESULT_RETENTION", "3.5", False),
    ("COPILOT_ENABLED", "4.4", True),  # first read in 4.4.5: "4.4" is the newest 4.4 patch
    ("COPILOT_ENABLED", "4.4.4", False),
    ("SOCIAL_AUTH_GITHUB_KEY", "3.0", False),
    ("SOCIAL_AUTH_GITHUB_KEY", "3.1", True),
])
def test_reads_at_the_edges(name, release, read):
    assert netbox.reads(name, parse_release(release)) is read


@pytest.mark.parametrize("source, version, code, words", [
    ("API_TOKEN_PEPPERS = {1: os.environ['P']}\n", "4.4", "NBX502", "read from NetBox 4.5.0"),
    ("ALLOW_TOKEN_RETRIEVAL = False\n", "4.5", "NBX502", "no effect since NetBox 4.5.0"),
    ("REMOTE_AUTH_STAFF_GROUPS = []\n", "4.5", "NBX502", "no effect since NetBox 4.5.0"),
    ("JINJA2_FILTERS = {}\n", "4.7", "NBX502", "renamed JINJA_FILTERS"),
    ("NAPALM_PASSWORD = os.environ['P']\n", "3.7", "NBX502", "netbox-napalm"),
    ("SENTRY_DSN = ''\n", "4.7", "NBX502", "SENTRY_CONFIG"),
    ("ALLOWED_HOST = ['x']\n", "4.6", "NBX501", "did you mean ALLOWED_HOSTS?"),
    ("LOGIN_REQUIERD = True\n", "4.2", "NBX501", "did you mean LOGIN_REQUIRED?"),
    ("REDIS = {'tasks': {'PASSWROD': ''}, 'caching': {'DATABASE': 1}}\n", "4.6", "NBX504",
     "did you mean 'PASSWORD'?"),
    ("REDIS = {'tasks': {'URL': 'redis://r/0'}, 'caching': {'DATABASE': 1}}\n", "3.7",
     "NBX504", "read from NetBox 4.0.3"),
    ("REDIS = {'tasks': {}, 'caching': {'SENTINEL_TIMEOUT': 5}}\n", "4.6", "NBX504",
     "task queue's section"),
])
def test_messages_at_the_edges(source, version, code, words, tmp_path):
    results = lint("import os\n" + source + "SECRET_KEY = os.environ['K']\n", tmp_path,
                   f"--select={code}", f"--netbox-version={version}")
    assert [r.code for r in results] == [code]
    assert words in results[0].text


def test_same_names_are_silent_on_the_release_that_reads_them(tmp_path):
    source = "import os\nALLOW_TOKEN_RETRIEVAL = False\nJOBRESULT_RETENTION = 90\n" \
             "SECRET_KEY = os.environ['K']\n"
    assert lint(source, tmp_path, "--select=NBX5", "--netbox-version=3.4") == []


def test_release_ordering():
    assert parse_release("4.4") > Release(4, 4, 10)
    assert not netbox.is_after(parse_release("4.4"), Release(4, 4, 10))
    assert netbox.is_after(parse_release("4.5"), Release(4, 4, 10))


def test_renamed_settings_match_the_release_table():
    """Each rename: the new name is first read by the release named, and the target of a fix
    reads it; the old name is read until then."""
    from flake8_netbox import netbox

    for old, (new, first) in netbox.RENAMED.items():
        assert netbox.first_read(new) == first, new
        assert netbox.first_read(old) < first, old
        assert netbox.reads(new, first) and not netbox.reads(new, netbox.Release(
            first.major, first.minor - 1, 0) if first.minor else netbox.Release(
            first.major - 1, 99, 0))
