"""ldap_config.py, and configurations split across the files of a container image's folder."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from helpers import flake8_inprocess, parse

LAYOUT = Path(__file__).parent / "fixtures" / "container_layout"


def command(args, cwd):
    return subprocess.run([sys.executable, "-m", "flake8_netbox", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=120)


def found(output):
    return sorted((r.path.replace("\\\\", "/"), r.row, r.code) for r in parse(output))


def copy_layout(tmp_path):
    shutil.copytree(LAYOUT, tmp_path / "layout")
    return tmp_path / "layout" / "configuration"


def test_container_layout_is_clean_as_one_configuration(tmp_path):
    folder = copy_layout(tmp_path)
    proc = command(["--config-dir", "configuration", "--netbox-version", "4.4"], folder.parent)
    assert (proc.returncode, proc.stdout) == (0, ""), proc.stdout + proc.stderr
    # From 4.5 the folder lacks API_TOKEN_PEPPERS, as the container image's own files do.
    proc = command(["--config-dir", "configuration", "--netbox-version", "4.5"], folder.parent)
    assert found(proc.stdout) == [("configuration/configuration.py", 1, "NBX104")]


def test_container_layout_with_the_documented_patterns(tmp_path):
    folder = copy_layout(tmp_path)
    (folder.parent / "setup.cfg").write_text(
        "[flake8]\nnetbox-files = configuration/*.py, configuration/ldap/*.py\n")
    _, results, _ = flake8_inprocess(["--select=NBX", "."], folder.parent)
    assert results == []


def test_part_of_a_split_configuration_is_not_judged_on_what_it_lacks(tmp_path):
    folder = copy_layout(tmp_path)
    _, results, _ = flake8_inprocess(["--select=NBX", "configuration/configuration.py"],
                                     folder.parent)
    assert results == []  # DATABASES is in plugins.py
    _, results, _ = flake8_inprocess(["--select=NBX", "--netbox-complete-parts",
                                      "configuration/configuration.py"], folder.parent)
    assert [(r.row, r.code) for r in results] == [(1, "NBX001")]
    assert "DATABASES" in results[0].text


def test_config_dir_reports_what_no_file_binds(tmp_path):
    folder = copy_layout(tmp_path)
    plugins = folder / "plugins.py"
    plugins.write_text(plugins.read_text().split("DATABASES")[0])
    extra = folder / "extra.py"
    extra.write_text(extra.read_text().replace("environ.get('EMAIL_PASSWORD', '')",
                                               "'smtp-password-in-git'"))
    proc = command(["--config-dir", "configuration"], folder.parent)
    assert found(proc.stdout) == [("configuration/configuration.py", 1, "NBX001"),
                                  ("configuration/configuration.py", 1, "NBX104"),
                                  ("configuration/extra.py", 10, "NBX301")]
    assert "DATABASES is missing" in proc.stdout


def test_extra_pattern_file_gets_value_rules_but_never_nbx001(tmp_path):
    (tmp_path / "extra.py").write_text("DEBUG = True\nEMAIL = {'PASSWORD': 'smtp-pass'}\n")
    _, results, _ = flake8_inprocess(["--select=NBX", "--netbox-files=extra.py", "extra.py"],
                                     tmp_path)
    assert sorted((r.row, r.code) for r in results) == [(1, "NBX401"), (2, "NBX301")]


BAD_LDAP = """\
import ldap
AUTH_LDAP_SERVER_URI = 'ldap://dc1.corp.example.com'
AUTH_LDAP_BIND_DN = 'CN=svc-netbox,OU=Service,DC=corp,DC=example,DC=com'
AUTH_LDAP_BIND_PASSWORD = 'Bind-Passw0rd!'
AUTH_LDAP_GLOBAL_OPTIONS = {
    ldap.OPT_X_TLS_REQUIRE_CERT: ldap.OPT_X_TLS_NEVER,
    ldap.OPT_REFERRALS: 0,
}
AUTH_LDAP_PERMIT_EMPTY_PASSWORD = True
AUTH_LDAP_USER_SERACH = None
LDAP_IGNORE_CERT_ERRORS = True
"""


def test_ldap_config_rules(tmp_path):
    (tmp_path / "ldap_config.py").write_text(BAD_LDAP)
    _, results, _ = flake8_inprocess(["--select=NBX", "ldap_config.py"], tmp_path)
    assert sorted((r.row, r.code) for r in results) == [
        (2, "NBX602"), (4, "NBX301"), (6, "NBX603"), (9, "NBX604"), (10, "NBX605"),
        (11, "NBX603")]
    assert "AUTH_LDAP_USER_SEARCH" in [r for r in results if r.code == "NBX605"][0].text
    assert all("Bind-Passw0rd" not in r.text for r in results)


def test_netbox_rules_never_run_on_ldap_config(tmp_path):
    (tmp_path / "ldap_config.py").write_text("AUTH_LDAP_SERVER_URI = 'ldaps://ldap'\n"
                                             "DEBUG = True\nSOMETHING = 1\n")
    _, results, _ = flake8_inprocess(["--select=NBX", "ldap_config.py"], tmp_path)
    # DEBUG is not judged as a setting (no NBX401); NBX607 says NetBox ignores it here.
    assert [(r.row, r.code) for r in results] == [(2, "NBX607")]


def test_ldap_settings_in_configuration_py_are_ignored_by_netbox(tmp_path):
    (tmp_path / "configuration.py").write_text(
        "import os\nALLOWED_HOSTS = ['x']\nSECRET_KEY = os.environ['K']\n"
        "AUTH_LDAP_BIND_PASSWORD = 'ldap-secret'\n")
    _, results, _ = flake8_inprocess(["--select=NBX3,NBX5", "configuration.py"], tmp_path)
    assert sorted((r.row, r.code) for r in results) == [(4, "NBX301"), (4, "NBX501")]
    assert "ldap_config.py" in [r for r in results if r.code == "NBX501"][0].text


def test_config_dir_without_python_files_is_a_usage_error(tmp_path):
    (tmp_path / "empty").mkdir()
    (tmp_path / "configuration.py").write_text("DEBUG = True\nREDIS = {}\n")
    proc = command(["--config-dir", "empty"], tmp_path)
    assert proc.returncode == 2 and "holds no regular .py file" in proc.stderr
    assert proc.stdout == ""  # the current directory was not checked instead


def test_config_dir_with_fix_fixes_the_folder_as_one_configuration(tmp_path):
    folder = copy_layout(tmp_path)
    extra = folder / "extra.py"
    extra.write_text(extra.read_text() + "JOBRESULT_RETENTION = 90\n")
    proc = command(["--fix", "--config-dir", "configuration", "--netbox-version", "4.4"],
                   folder.parent)
    assert "configuration/extra.py: fixed NBX502 JOBRESULT_RETENTION renamed JOB_RETENTION" \
        in proc.stdout, proc.stdout + proc.stderr
    assert extra.read_text().endswith("JOB_RETENTION = 90\n")
    assert proc.returncode == 0 and "0 findings remain" in proc.stdout
