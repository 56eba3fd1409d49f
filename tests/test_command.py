"""The flake8-netbox command as a flake8 or ruff user expects it: the start-up verdict (E999,
E902, F821 always reported), selection as in flake8, folders read for configurations only,
its own name in --version and usage errors, and the fixable-findings line."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from flake8_netbox.cli import STARTUP_CODES, candidate_patterns, flake8_arguments

SCRIPT = Path(sys.executable).with_name("flake8-netbox")
FIXTURES = Path(__file__).parent / "fixtures"
GOOD = (FIXTURES / "clean_46.py").read_text()
BAD = (FIXTURES / "netbox35_tasks.py").read_text()
FINDING = re.compile(r"^(?P<path>[^:\n]+):(?P<row>\d+):(?P<col>\d+): (?P<code>[A-Z]+\d+) ", re.M)


def run(args, cwd, stdin=None):
    return subprocess.run([str(SCRIPT), *args], cwd=cwd, input=stdin, capture_output=True,
                          text=True, timeout=120)


def found(output):
    return sorted((m["path"], int(m["row"]), m["code"]) for m in FINDING.finditer(output))


# -- the start-up verdict (issue 12 item 1) ------------------------------------------------------

def test_syntax_error_is_e999_and_fails(tmp_path):
    # Reconstruction of shared/cases/reliability/command-hides-e999-e902: a missing ']'.
    (tmp_path / "configuration.py").write_text(
        "ALLOWED_HOSTS = ['netbox.example.com'\nSECRET_KEY = 'x' * 50\n")
    proc = run(["configuration.py"], tmp_path)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert [code for _, _, code in found(proc.stdout)] == ["E999"]


@pytest.mark.parametrize("target", ["nowhere.py", "configuration.py"], ids=["dangling", "loop"])
def test_unreadable_configuration_is_e902_and_fails(tmp_path, target):
    # Reconstruction of shared/cases/reliability/command-hides-e999-e902
    (tmp_path / "site").mkdir()
    os.symlink(target, tmp_path / "site" / "configuration.py")  # "loop" points at itself
    for args in (["site/configuration.py"], ["site"]):
        proc = run(args, tmp_path)
        assert proc.returncode == 1, proc.stdout + proc.stderr
        assert ("site/configuration.py", 0, "E902") in [
            (path.lstrip("./"), row, code) for path, row, code in found(proc.stdout)]


def test_part_file_reading_an_unbound_name_fails(tmp_path):
    # Reconstruction of shared/cases/reported/part-file-unbound-plugins: each file of a
    # container image's configuration/ folder is its own module.
    folder = tmp_path / "configuration"
    folder.mkdir()
    (folder / "configuration.py").write_text(GOOD)
    (folder / "extra.py").write_text("PLUGINS.append('netbox_topology_views')\n\n"
                                     "PLUGINS_CONFIG['netbox_topology_views'] = {}\n")
    expected = [("configuration/extra.py", 1, "F821"), ("configuration/extra.py", 3, "F821")]
    for args in (["--config-dir", "configuration"], ["configuration/extra.py"],
                 ["--netbox-files=configuration/*.py", "."]):
        proc = run(args, tmp_path)
        assert proc.returncode == 1, (args, proc.stdout + proc.stderr)
        assert [(p.replace("./", ""), r, c) for p, r, c in found(proc.stdout)] == expected, args


def test_names_bound_first_are_no_start_up_failure(tmp_path):
    (tmp_path / "configuration.py").write_text(
        GOOD + "PLUGINS = []\nPLUGINS.append('x')\nPLUGINS_CONFIG = {}\nPLUGINS_CONFIG['x'] = {}\n")
    proc = run(["configuration.py"], tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_undefined_names_netbox_never_meets_are_not_reported(tmp_path):
    # Inside a function body (run later, if ever), and in a module that fills its own
    # namespace through globals() (as real Helm chart configurations do): pyflakes cannot
    # know, so F821 proves nothing there.
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "configuration.py").write_text(
        GOOD + "def _secret(name):\n    return read_file(name)\n\nCHECK = lambda: undefined\n")
    (tmp_path / "b" / "configuration.py").write_text(
        "def _load():\n    globals().update({'ALLOWED_HOSTS': ['x']})\n\n_load()\n"
        "ALLOWED_HOSTS.append('y')\n" + GOOD.replace("ALLOWED_HOSTS", "_UNUSED"))
    for path in ("a/configuration.py", "b/configuration.py"):
        proc = run([path], tmp_path)
        assert "F821" not in proc.stdout, (path, proc.stdout)
    # A read at module level in the first file is reported.
    (tmp_path / "a" / "configuration.py").write_text(GOOD + "X = undefined_name\n")
    proc = run(["a/configuration.py"], tmp_path)
    assert proc.returncode == 1 and "F821 undefined name 'undefined_name'" in proc.stdout


def test_undefined_name_on_standard_input(tmp_path):
    source = GOOD + "EXTRA_PLUGINS.append('x')\n\ndef later():\n    return undefined_later\n"
    proc = run(["-", "--stdin-display-name", "configuration.py"], tmp_path, source)
    assert proc.returncode == 1
    assert [code for _, _, code in found(proc.stdout)] == ["F821"], proc.stdout
    assert "'EXTRA_PLUGINS'" in proc.stdout


def test_start_up_codes_survive_the_users_selection(tmp_path):
    (tmp_path / "configuration.py").write_text(BAD + "X = undefined_name\n")
    proc = run(["--select", "NBX301", "configuration.py"], tmp_path)
    assert [code for _, _, code in found(proc.stdout)] == ["NBX301", "F821"]


def test_missing_path_is_a_usage_error_naming_it(tmp_path):
    (tmp_path / "configuration.py").write_text(GOOD)
    proc = run(["configuration.py", "does/not/exist.py"], tmp_path)
    assert proc.returncode == 2
    assert "does/not/exist.py" in proc.stderr
    assert proc.stderr.startswith("usage: flake8-netbox")
    assert proc.stdout == ""


@pytest.mark.parametrize("fix", ["--fix", "--fix-only", "--diff"])
def test_fix_modes_fail_on_a_file_netbox_cannot_load(tmp_path, fix):
    (tmp_path / "configuration.py").write_text("REDIS = {\n")
    (tmp_path / "extra.py").write_text("PLUGINS.append('x')\n")
    proc = run([fix, "configuration.py", "extra.py"], tmp_path)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    out = proc.stdout + proc.stderr
    if fix == "--fix-only":  # told as what it could not fix: the lint hook lists findings
        assert "configuration.py: not fixed: NetBox cannot load this file (E999 line 1" in out
        assert "extra.py: not fixed: NetBox cannot load this file (F821 line 1: undefined " \
            "name 'PLUGINS')" in out
        return
    assert "configuration.py:1:" in out and " E999 " in out
    assert "extra.py:1:1: F821 " in out


# -- selection and files, as in flake8 -----------------------------------------------------------

def test_select_behaves_as_in_flake8(tmp_path):
    (tmp_path / "configuration.py").write_text(BAD)
    everything = found(run(["configuration.py"], tmp_path).stdout)
    assert len({code for _, _, code in everything}) > 2
    for selection, wanted in [("NBX301", {"NBX301"}), ("NBX0", {"NBX006"}),
                              ("NBX301,NBX402", {"NBX301", "NBX402"})]:
        proc = run(["--select", selection, "configuration.py"], tmp_path)
        assert {code for _, _, code in found(proc.stdout)} == wanted, selection
    # --extend-ignore and --ignore still work with it, and the last --select wins (argparse).
    proc = run(["--select=NBX3", "--extend-ignore=NBX302", "configuration.py"], tmp_path)
    assert {code for _, _, code in found(proc.stdout)} == {"NBX301"}
    proc = run(["--select=NBX4", "--select=NBX301", "configuration.py"], tmp_path)
    assert {code for _, _, code in found(proc.stdout)} == {"NBX301"}


def test_arguments_put_the_start_up_codes_on_top_of_any_selection():
    args = flake8_arguments(["--select", "NBX301", "x.py"])
    select = [a for a in args if a.startswith("--select=")]
    assert select == [f"--select=NBX301,{','.join(STARTUP_CODES)}"]
    assert not any(a.startswith("--extend-select=") and "NBX," in a + "," for a in args)


def test_a_folder_is_read_for_configurations_only(tmp_path):
    # A file flake8 would report E999 on proves whether it was read at all.
    (tmp_path / "site" / "app").mkdir(parents=True)
    (tmp_path / "site" / "configuration.py").write_text(BAD)
    (tmp_path / "site" / "ldap_config.py").write_text("AUTH_LDAP_SERVER_URI = 'ldap://x\n")
    (tmp_path / "site" / "app" / "broken.py").write_text("def (:\n")
    (tmp_path / "site" / "configuration_extra.py").write_text("def (:\n")
    proc = run(["site"], tmp_path)
    paths = {path for path, _, _ in found(proc.stdout)}
    assert paths == {"site/configuration.py", "site/ldap_config.py"}, proc.stdout
    # netbox-files patterns (command line or the project's configuration) widen the search.
    (tmp_path / "setup.cfg").write_text("[flake8]\nnetbox-files = configuration_*.py\n")
    proc = run(["site"], tmp_path)
    assert "site/configuration_extra.py" in {path for path, _, _ in found(proc.stdout)}
    assert "broken.py" not in proc.stdout
    # --filename of the user's own replaces the search, as in flake8.
    proc = run(["--filename=*.py", "site"], tmp_path)
    assert "site/app/broken.py" in {path for path, _, _ in found(proc.stdout)}


def test_candidate_patterns_match_with_and_without_folders():
    patterns = candidate_patterns(["--netbox-files=configuration/*.py,site_*.py"])
    for pattern in ("configuration.py", "*/configuration.py", "ldap_config.py",
                    "*/ldap_config.py", "configuration/*.py", "*/configuration/*.py",
                    "site_*.py", "*/site_*.py"):
        assert pattern in patterns


# -- its own name --------------------------------------------------------------------------------

def test_version_names_this_command_first(tmp_path):
    from flake8_netbox import __version__

    proc = run(["--version"], tmp_path)
    assert proc.returncode == 0
    assert proc.stdout.startswith(f"flake8-netbox {__version__} (flake8: ")


@pytest.mark.parametrize("args", [["--no-such-option"], ["--netbox-version=9.9"],
                                  ["--max-line-length=x"], ["--explain"],
                                  ["--unsafe-fixes"]])
def test_usage_errors_name_this_command(tmp_path, args):
    proc = run(args, tmp_path)
    assert proc.returncode == 2
    assert proc.stderr.startswith("usage: flake8-netbox "), proc.stderr
    assert "usage: flake8 " not in proc.stderr and "\nflake8: " not in proc.stderr
    assert re.search(r"^flake8-netbox: error: .+", proc.stderr, re.M)


def test_messages_count_in_singular_and_plural(tmp_path):
    from flake8_netbox.checker import check_source
    from flake8_netbox.netbox import DEFAULT_RELEASE
    from flake8_netbox.weak_keys import weakness

    base = "ALLOWED_HOSTS = ['x']\nDATABASES = {'default': {'NAME': 'n'}}\n" \
           "REDIS = {'tasks': {}, 'caching': {'DATABASE': 1}}\n"
    messages = [m for _, _, m in check_source(base + "SECRET_KEY = 'x'\n", DEFAULT_RELEASE)]
    assert any("SECRET_KEY is 1 character long" in m for m in messages), messages
    messages = [m for _, _, m in check_source(base + "SECRET_KEY = 'xy'\n", DEFAULT_RELEASE)]
    assert any("SECRET_KEY is 2 characters long" in m for m in messages), messages
    assert weakness("a" * 60) == "it uses only 1 distinct character"
    assert not re.search(r"\b1 [a-z]+s\b", weakness("a" * 60))


# -- what --fix can do ----------------------------------------------------------------------------

OLD_REDIS = ("ALLOWED_HOSTS = ['x']\nDATABASE = {'NAME': 'netbox'}\n"
             "REDIS = {'HOST': 'localhost', 'DATABASE': 0, 'CACHE_DATABASE': 1}\n"
             "SECRET_KEY = 'too-short'\n")


def test_large_files_are_left_out_of_the_fixable_count(tmp_path):
    """Counting fixes parses the whole file again (the fix engine keeps libcst's whole tree): a
    file of FIXABLE_COUNT_MAX_SOURCE characters or more gets its findings without the count."""
    from flake8_netbox.cli import FIXABLE_COUNT_MAX_SOURCE

    banner = "BANNER_TOP = '" + "x" * FIXABLE_COUNT_MAX_SOURCE + "'\n"  # one node: cheap
    (tmp_path / "configuration.py").write_text(OLD_REDIS + banner)
    proc = run(["--netbox-version=4.6", "configuration.py"], tmp_path)
    assert "NBX005" in proc.stdout and proc.returncode == 1
    assert "fixable with" not in proc.stderr, proc.stderr
    (tmp_path / "configuration.py").write_text(OLD_REDIS + banner[:1000] + "'\n")
    proc = run(["--netbox-version=4.6", "configuration.py"], tmp_path)
    assert "fixable with" in proc.stderr, proc.stderr


def test_findings_end_with_the_fixable_count(tmp_path):
    (tmp_path / "configuration.py").write_text(OLD_REDIS)
    proc = run(["--netbox-version=4.6", "configuration.py"], tmp_path)
    assert proc.returncode == 1
    lines = proc.stderr.strip().splitlines()
    assert lines[-1] == ("flake8-netbox: 1 finding fixable with `flake8-netbox --fix` "
                         "(1 more with `flake8-netbox --fix --unsafe-fixes`, 1 more with "
                         "`flake8-netbox --fix --upgrade-databases`)."), proc.stderr
    # And what it counts is what --fix then does.
    fixed = run(["--fix", "--netbox-version=4.6", "configuration.py"], tmp_path)
    assert len(re.findall(r"^configuration\.py: fixed ", fixed.stdout, re.M)) == 1
    # Nothing fixable: no line.
    (tmp_path / "configuration.py").write_text(GOOD + "DEBUG = True\n")
    proc = run(["configuration.py"], tmp_path)
    assert proc.returncode == 1 and "fixable" not in proc.stderr + proc.stdout


def test_upgrade_databases_report_reads_as_a_sentence(tmp_path):
    (tmp_path / "configuration.py").write_text(OLD_REDIS)
    proc = run(["--fix", "--upgrade-databases", "configuration.py"], tmp_path)
    assert "configuration.py: fixed DATABASE rewritten as DATABASES['default']" in proc.stdout
    assert "DATABASES DATABASE" not in proc.stdout + proc.stderr


def test_fix_only_reports_changes_not_remaining_findings(tmp_path):
    (tmp_path / "configuration.py").write_text(OLD_REDIS + "DEBUG = True\n")
    proc = run(["--fix-only", "--netbox-version=4.6", "configuration.py"], tmp_path)
    assert "fixed NBX005" in proc.stdout
    assert not found(proc.stdout), proc.stdout  # NBX401 and NBX101 are the lint hook's
    assert proc.returncode == 0
