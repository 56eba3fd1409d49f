"""The plugin's knowledge of NetBox releases: one table, and the rules agree with it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from flake8_netbox import netbox
from flake8_netbox.parameters import PARAMETERS
from flake8_netbox.releases import Release, parse_release
from helpers import lint

ROOT = Path(__file__).parent.parent
SHARED_TSV = ROOT.parent / "shared" / "netbox" / "parameters.tsv"


@pytest.mark.skipif(not SHARED_TSV.exists(), reason="NetBox's parameters.tsv is not beside")
def test_parameters_module_is_generated_from_the_tsv():
    generated = subprocess.run([sys.executable, str(ROOT / "tools" / "gen_parameters.py"),
                                str(SHARED_TSV)], capture_output=True, text=True, check=True)
    assert generated.stdout == (ROOT / "flake8_netbox" / "parameters.py").read_text()


def test_hand_written_tables_name_real_settings():
    names = {row[0] for row in PARAMETERS}
    assert netbox.BOOLEAN_SETTINGS <= names
    assert set(netbox.REPLACEMENTS) <= names
    assert set(netbox.DEPRECATED) <= names
    for old in netbox.REPLACEMENTS:  # every replaced name stopped being read, or is deprecated
        assert netbox.READ_BY[old][1] is not None or old in netbox.DEPRECATED, old
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
    ("ALLOW_TOKEN_RETRIEVAL = False\n", "4.5", "NBX502", "after 4.4.10"),
    ("REMOTE_AUTH_STAFF_GROUPS = []\n", "4.5", "NBX502", "after 4.4.10"),
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


def test_renamed_settings_match_parameters_tsv():
    """Each rename: the new name is first read by the release named, and the target of a fix
    reads it; the old name is read until then."""
    from flake8_netbox import netbox

    for old, (new, first) in netbox.RENAMED.items():
        assert netbox.READ_BY[new][0] == first, new
        assert netbox.READ_BY[old][0] < first, old
        assert netbox.reads(new, first) and not netbox.reads(new, netbox.Release(
            first.major, first.minor - 1, 0) if first.minor else netbox.Release(
            first.major - 1, 99, 0))
