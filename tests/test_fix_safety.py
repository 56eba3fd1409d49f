"""Regression tests for the adversarial pass on --fix and --diff (issue 15 "Secrets" and
"--fix"; issue 16's --diff line numbers): one test per kind, each written so that it fails on
the code before the fix."""

from __future__ import annotations

import ast
import os
import re
import stat
import subprocess
import sys
from pathlib import Path
from typing import Iterable

import pytest

from flake8_netbox.fix_command import write_atomically
from flake8_netbox.fixer import fix_source
from flake8_netbox.fixes.base import SAFE, UNSAFE, UPGRADE_DATABASES
from flake8_netbox.redaction import describe_key, redacted_lines
from flake8_netbox.releases import parse_release
from helpers import lint
from test_fixes import cli, comments

TIDY = ("REDIS = {'tasks': {'HOST': 'r', 'DATABASE': 0}, 'caching': {'HOST': 'r', "
        "'DATABASE': 1}}\n")
STRONG_KEY = "SECRET_KEY = 'vT7#qL2$wN9(xR4!mK8+pZ3&hJ6*bF1^dS5)gC0%yU_aE@oI-Mn'\n"


def pieces(secret: str, size: int = 6) -> Iterable[str]:
    return (secret[i:i + size] for i in range(len(secret) - size + 1))


def assert_hidden(output: str, *secrets: str) -> None:
    for secret in secrets:
        for piece in pieces(secret):
            assert piece not in output, (piece, output)


def write(tmp_path: Path, text: str, name: str = "configuration.py",
          encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


# -- secrets in --diff -------------------------------------------------------------------------


def test_diff_hides_computed_and_fstring_passwords(tmp_path):
    # Reconstruction of shared/cases/reliability/diff-shows-computed-password
    write(tmp_path, "import os\nALLOWED_HOSTS = ['netbox.example.com']\n"
                    "DATABASE = {'NAME': 'netbox', 'PASSWORD': os.environ['DB_PASSWORD']}\n"
                    "REDIS = {\n    'HOST': 'redis.example.com',\n"
                    "    'PASSWORD': 'Qa7-cache-' + 'Wd2-half',\n    'DATABASE': 0,\n}\n"
                    "JOBRESULT_RETENTION = 90\n"
                    "EMAIL = {\n    'SERVER': 'smtp.example.com',\n"
                    "    'PASSWORD': f'Yc5-mail-Pk1',\n    'USERNAME': 'netbox',\n}\n"
                    "SECRET_KEY = os.environ['SECRET_KEY']\n"
                    "LOGIN_BANNER_TEXT = 'Mx4-banner'.strip() + 'Hv8-tail'\n")
    _, out, err = cli(["--diff", "--netbox-version=4.6", "configuration.py"], tmp_path)
    assert "'tasks'" in out and "JOB_RETENTION" in out  # the diff is there
    assert_hidden(out + err, "Qa7-cache-", "Wd2-half", "Yc5-mail-Pk1", "Mx4-banner")


@pytest.mark.parametrize("key", [
    "'vT7#qL2$wN9(xR4!mK8+pZ3&hJ6*bF1^\\\ndS5)gC0%yU_aE@oI-Mn'",
    "'''vT7#qL2$wN9(xR4!mK8+pZ3&hJ6*bF1^\ndS5)gC0%yU_aE@oI-Mn'''",
    "(\n    'vT7#qL2$wN9(xR4!mK8+'  # first\n    'pZ3&hJ6*bF1^dS5)gC0%yU_aE@oI-Mn'\n)",
])
def test_diff_hides_every_line_of_a_multiline_secret(tmp_path, key):
    # Reconstruction of shared/cases/reliability/diff-shows-multiline-secret-key
    write(tmp_path, "import os\nALLOWED_HOSTS = ['netbox.example.com']\n"
                    "DATABASE = {'NAME': 'netbox'}\n" + TIDY + f"SECRET_KEY = {key}\n"
                    "JOBRESULT_RETENTION = 90\n")
    _, out, err = cli(["--diff", "configuration.py"], tmp_path)
    assert "+JOB_RETENTION = 90" in out
    assert_hidden(out + err, "vT7#qL2$wN9(xR4!mK8+pZ3&hJ6*bF1^", "dS5)gC0%yU_aE@oI-Mn")


def test_diff_hides_secrets_no_rule_models(tmp_path):
    # Reconstruction of shared/cases/reliability/diff-shows-unmodelled-secrets
    write(tmp_path, "import os\nALLOWED_HOSTS = ['netbox.example.com']\n"
                    "DATABASE = {'NAME': 'netbox', 'PASSWORD': os.environ['DB_PASSWORD']}\n"
                    "REDIS = {\n    'webhooks': {\n"
                    "        'URL': 'rediss://netbox:Gt6-url-Nc2@redis.example.com:6380/0',\n"
                    "    },\n    'caching': {\n"
                    "        'URL': 'redis://:Gt6-url-Nc2@redis.example.com:6379/1',\n    },\n}\n"
                    "SECRET_KEY = os.environ['SECRET_KEY']\n"
                    "STORAGE_CONFIG = {\n    'AWS_SECRET_ACCESS_KEY': 'Bq3-s3-Zt7',\n"
                    "    'AWS_S3_CUSTOM_DOMAIN': 'cdn.example.com',\n}\n"
                    "JOBRESULT_RETENTION = 90\n"
                    "EMAIL = {\n    'SERVER': 'smtp.example.com',\n"
                    "    'PASSWROD': 'hunter2lower',\n    'PASSWD': 'Rf8-typo-Jm4',\n}\n"
                    "NAPALM_ARGS = {'secret': 'En4-enable-Xo9'}\n")
    _, out, err = cli(["--diff", "configuration.py"], tmp_path)
    assert "'tasks'" in out and "JOB_RETENTION" in out
    assert "'smtp.example.com'" in out  # host names stay readable
    assert_hidden(out + err, "Gt6-url-Nc2", "Bq3-s3-Zt7", "hunter2lower", "Rf8-typo-Jm4",
                  "En4-enable-Xo9")


def test_diff_hides_a_password_a_later_line_replaces(tmp_path):
    write(tmp_path, "import os\nALLOWED_HOSTS = ['netbox.example.com']\n"
                    "DATABASE = {'NAME': 'netbox', 'PASSWORD': 'Lk9-old-Sd3'}\n"
                    "DATABASE['PASSWORD'] = os.environ['DB_PASSWORD']\n" + TIDY + STRONG_KEY +
                    "JOBRESULT_RETENTION = 90\n")
    _, out, err = cli(["--diff", "configuration.py"], tmp_path)
    assert "JOB_RETENTION" in out
    assert_hidden(out + err, "Lk9-old-Sd3")


def test_redaction_keeps_what_is_provably_not_secret():
    text = ("ALLOWED_HOSTS = ['netbox.example.com', '*.example.org']\n"
            "DATABASE = {'HOST': 'db', 'PASSWORD': 'netbox', 'USER': 'netbox'}\n"
            "X = os.environ.get('DB_PASSWORD', 'Fallback-1')\n")
    shown = "".join(redacted_lines(text))
    assert "'netbox.example.com'" in shown and "'*.example.org'" in shown
    assert "'HOST': 'db'" in shown and "'USER': 'netbox'" in shown
    assert "'PASSWORD': '<redacted>'" in shown  # under a secret's key, whatever its shape
    assert "'DB_PASSWORD'" in shown and "Fallback-1" not in shown


# -- secrets in messages -----------------------------------------------------------------------


def test_messages_describe_keys_that_may_be_secrets(tmp_path):
    # Reconstruction of shared/cases/reliability/message-echoes-dict-keys
    source = ("import os\nALLOWED_HOSTS = ['netbox.example.com']\n"
              "DATABASE = {\n    'NAME': 'netbox',\n"
              "    'Kq8vZ2-db-Pw7x': 'PASSWORD',  # key and value swapped\n}\n"
              "DATABASES = {'Zr4+alias/Mn1': {'NAME': 'x', 'PASSWORD': 'Ux6-pw-Hl3'}}\n" + TIDY +
              "SECRET_KEY = os.environ['SECRET_KEY']\n"
              "API_TOKEN_PEPPERS = {'Tn5-pepper-Lw2': os.environ.get('Pq9xV-Var', 'Fb4-fb-Qz9')}\n")
    results = lint(source, tmp_path)
    text = "\n".join(f"{r.code} {r.text}" for r in results)
    assert {"NBX504", "NBX302", "NBX301"} <= {r.code for r in results}, text
    assert "14-character key" in text
    assert_hidden(text, "Kq8vZ2-db-Pw7x", "Tn5-pepper-Lw2", "Zr4+alias/Mn1", "Pq9xV-Var",
                  "Fb4-fb-Qz9", "Ux6-pw-Hl3")


def test_known_words_are_still_quoted():
    assert describe_key("PASSWROD") == "'PASSWROD'" and describe_key("replica") == "'replica'"
    assert describe_key("Kq8vZ2-db-Pw7x", 1) == "<14-character key, entry 2>"


# -- --fix keeps every comment -----------------------------------------------------------------


def test_removed_entry_keeps_the_comment_beside_it(tmp_path):
    # Reconstruction of shared/cases/reliability/fix-drops-comment-timeout-inline
    path = write(tmp_path, "ALLOWED_HOSTS = ['x']\nDATABASE = {'NAME': 'netbox'}\n"
                           "REDIS = {\n    'tasks': {'HOST': 'redis', 'DATABASE': 0},\n"
                           "    'caching': {'HOST': 'redis', 'DEFAULT_TIMEOUT': 300,  # five\n"
                           "                'DATABASE': 1, 'SSL': False},\n"
                           "}\n" + STRONG_KEY + "RQ_DEFAULT_TIMEOUT = 300\n")
    before = path.read_text()
    cli(["--fix", "--netbox-version=4.6", "configuration.py"], tmp_path)
    fixed = path.read_text()
    assert "DEFAULT_TIMEOUT': 300" not in fixed
    assert comments(fixed) == comments(before), fixed
    ast.parse(fixed)


def test_comment_between_key_and_value_moves_with_it():
    source = ("ALLOWED_HOSTS = ['x']\nDATABASE = {'NAME': 'netbox'}\nREDIS = {\n"
              "    'tasks': {'HOST': 'redis', 'DATABASE': 0, 'DEFAULT_TIMEOUT':  # seconds\n"
              "              600},\n    'caching': {'HOST': 'redis', 'DATABASE': 1},\n}\n")
    result = fix_source(source, parse_release("4.6"))
    assert result.changes and "RQ_DEFAULT_TIMEOUT = 600" in result.source
    assert comments(result.source) == comments(source), result.source


def test_parentheses_around_redis_and_their_comments_stay(tmp_path):
    # Reconstruction of shared/cases/reliability/fix-drops-comments-parenthesised-redis
    source = ("ALLOWED_HOSTS = ['x']\nDATABASE = {'NAME': 'netbox'}\n"
              "REDIS = (  # flat layout in parentheses\n    {\n        'HOST': 'localhost',\n"
              "        'DATABASE': 0,\n    }  # after the dict\n)\n" + STRONG_KEY)
    result = fix_source(source, parse_release("4.6"))
    assert "'caching'" in result.source
    assert comments(result.source) == comments(source), result.source
    assert result.source.startswith("ALLOWED_HOSTS = ['x']\nDATABASE = {'NAME': 'netbox'}\n"
                                    "REDIS = (  # flat layout in parentheses\n")


def test_parenthesised_webhooks_key_keeps_its_comment():
    source = ("ALLOWED_HOSTS = ['x']\nDATABASE = {'NAME': 'netbox'}\nREDIS = {\n"
              "    ('webhooks'  # the queue\n    ): {'HOST': 'r', 'DATABASE': 0},\n"
              "    'caching': {'HOST': 'r', 'DATABASE': 1},\n}\n" + STRONG_KEY)
    result = fix_source(source, parse_release("4.6"))
    assert "'tasks'" in result.source and comments(result.source) == comments(source)


def test_unsafe_fixes_keep_comments_between_pieces_of_a_secret():
    # Reconstruction of shared/cases/reliability/unsafe-fix-drops-comment-in-concatenation
    source = ("ALLOWED_HOSTS = ['netbox.example.com']\nDATABASE = {\n    'NAME': 'netbox',\n"
              "    'PASSWORD': ('Ex1-first-half'  # rotated 2024-01\n"
              "                 'Ex2-second-half'),\n}\n" + TIDY +
              "SECRET_KEY = (\n    'Sk1-first-part'  # first\n    'Sk2-second-part'  # second\n)\n")
    result = fix_source(source, parse_release("4.6"), kinds=(SAFE, UNSAFE))
    assert {c.code for c in result.changes} == {"NBX101", "NBX301"}
    assert comments(result.source) == comments(source), result.source
    assert "Ex1" not in result.source and "Sk2" not in result.source
    ast.parse(result.source)


# -- --fix never loses the file ----------------------------------------------------------------


@pytest.mark.parametrize("alias", ["'\\u0100'", "'réports_ÿ'"])
def test_latin1_file_with_unencodable_name_is_never_truncated(tmp_path, alias):
    # Reconstruction of shared/cases/reliability/fix-truncates-file-on-encode-error
    source = ("# -*- coding: latin-1 -*-\nALLOWED_HOSTS = ['x']  # café\n"
              "DATABASES = {\n    'default': {'NAME': 'netbox'},\n"
              f"    {alias}: {{'NAME': 'reports', 'PASSWORD': 'Vn3-latin-Qe8'}},\n}}\n" + TIDY +
              "SECRET_KEY = 'short'\n")
    path = write(tmp_path, source, encoding="latin-1")
    _, out, _ = cli(["--fix", "--unsafe-fixes", "configuration.py"], tmp_path)
    data = path.read_bytes()
    assert data, out
    fixed = data.decode("latin-1")
    assert "os.environ['NETBOX_DATABASES_" in fixed and "Vn3-latin" not in fixed
    variable = fixed.split("os.environ['")[1].split("'")[0]
    assert variable.isascii() and variable.replace("_", "").isalnum() and variable.isupper()
    assert "# café" in fixed and "fixed 2 problems" in out


def test_atomic_write_keeps_mode_follows_links_and_keeps_hard_links(tmp_path):
    real = tmp_path / "real.py"
    real.write_bytes(b"old\n")
    real.chmod(0o640)
    link = tmp_path / "configuration.py"
    link.symlink_to(real.name)
    write_atomically(str(link), b"new\n")
    assert link.is_symlink() and real.read_bytes() == b"new\n"
    assert stat.S_IMODE(real.stat().st_mode) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["configuration.py", "real.py"]
    hard = tmp_path / "hard.py"
    os.link(real, hard)
    write_atomically(str(real), b"newer\n")
    assert hard.read_bytes() == b"newer\n"


def test_read_only_file_is_reported_as_such_and_nothing_counts_as_fixed(tmp_path):
    # Reconstruction of shared/cases/reliability/fix-readonly-report-contradicts
    path = write(tmp_path, "ALLOWED_HOSTS = ['netbox.example.com']\n"
                           "DATABASE = {'NAME': 'netbox'}\n"
                           "REDIS = {'HOST': 'localhost', 'DATABASE': 0}\n" + STRONG_KEY +
                           "JOBRESULT_RETENTION = 90\n")
    before = path.read_bytes()
    path.chmod(0o444)
    try:
        code, out, _ = cli(["--fix", "configuration.py"], tmp_path)
    finally:
        path.chmod(0o644)
    assert path.read_bytes() == before
    assert "cannot be written" in out and "read or decoded" not in out
    assert ": fixed NBX" not in out and "fixed 0 problems in 0 files;" in out
    assert "NBX005" in out and "NBX502" in out and code == 1


@pytest.mark.parametrize("encoding, prefix", [
    ("latin-1", "# -*- coding: latin-1 -*-\r\n"), ("utf-8-sig", ""), ("utf-8", ""),
])
def test_fix_from_standard_input_writes_the_input_encoding(tmp_path, encoding, prefix):
    # Reconstruction of shared/cases/reliability/fix-stdin-changes-encoding
    source = (prefix + "ALLOWED_HOSTS = ['x']  # ¡hola!\r\n"
              "DATABASE = {'NAME': 'netbox', 'PASSWORD': ''}  # contraseña\r\n"
              "REDIS = {'HOST': 'localhost', 'DATABASE': 0}\r\n" + STRONG_KEY.replace("\n", "\r\n"))
    data = source.encode(encoding)
    run = subprocess.run([sys.executable, "-m", "flake8_netbox", "--fix", "-",
                          "--stdin-display-name", "configuration.py"], cwd=tmp_path, input=data,
                         capture_output=True, timeout=120)
    assert data.startswith(b"\xef\xbb\xbf") == run.stdout.startswith(b"\xef\xbb\xbf")
    fixed = run.stdout.decode(encoding)
    assert "'caching'" in fixed and "# ¡hola!" in fixed and "# contraseña" in fixed
    assert "\r\n" in fixed and "\n" not in fixed.replace("\r\n", "")


def test_standard_input_that_needs_no_fix_comes_back_byte_for_byte(tmp_path):
    data = ("# -*- coding: latin-1 -*-\nALLOWED_HOSTS = ['x']  # ñ\n").encode("latin-1")
    run = subprocess.run([sys.executable, "-m", "flake8_netbox", "--fix", "-"], cwd=tmp_path,
                         input=data, capture_output=True, timeout=120)
    assert run.stdout == data


# -- --fix writes code that runs where NetBox runs ---------------------------------------------


@pytest.mark.parametrize("late", ["import os", "from os import environ", "import os.path"])
def test_environment_read_is_bound_before_its_first_use(late):
    # Reconstruction of shared/cases/reliability/fix-env-before-late-import-os
    source = ("ALLOWED_HOSTS = ['netbox.example.com']\n"
              "DATABASE = {'NAME': 'netbox', 'PASSWORD': 'Lt1-late-os-pw'}\n" + TIDY +
              f"\n{late}\nSECRET_KEY = os.environ['SECRET_KEY']\n")
    result = fix_source(source, parse_release("4.6"), kinds=(SAFE, UNSAFE))
    tree = ast.parse(result.source)
    first_use = min(node.lineno for node in ast.walk(tree)
                    if isinstance(node, ast.Subscript) and "environ" in ast.unparse(node.value))
    bound = [node.lineno for node in tree.body if isinstance(node, ast.Import) and
             any(alias.name.split(".")[0] == "os" and not alias.asname for alias in node.names)]
    used = "environ[" if "os.environ" not in result.source.split("\n")[first_use - 1] else "os"
    assert used == "os" and bound and min(bound) < first_use, result.source


def test_fstring_reads_use_the_other_quote_and_a_refused_change_keeps_the_others():
    # Reconstruction of shared/cases/reliability/fix-quotes-inside-fstring
    source = ("ALLOWED_HOSTS = ['netbox.example.com']\n"
              "DATABASE = {'NAME': 'netbox', 'HOST': 'db'}\n"
              "BANNER_BOTTOM = f'Connected to {DATABASE[\"HOST\"]}'\n"
              "BANNER_TOP = f'{JOBRESULT_RETENTION}'\n" + TIDY + STRONG_KEY +
              "JOBRESULT_RETENTION = 90\n")
    result = fix_source(source, parse_release("4.6"), kinds=(SAFE, UPGRADE_DATABASES))
    assert "f'Connected to {DATABASES[\"default\"][\"HOST\"]}'" in result.source
    assert "f'{JOB_RETENTION}'" in result.source
    nested = source.replace("f'Connected to {DATABASE[\"HOST\"]}'",
                            "f\"{f'{DATABASE[1]}'}\"")
    result = fix_source(nested, parse_release("4.6"), kinds=(SAFE, UPGRADE_DATABASES))
    assert "JOB_RETENTION = 90" in result.source and "DATABASE = {" in result.source
    assert [r.code for r in result.refusals if "f-string" in r.reason] == ["DATABASES"]


def test_file_level_noqa_is_honoured_unless_disabled(tmp_path):
    # Reconstruction of shared/cases/reliability/fix-ignores-file-level-noqa
    source = ("# flake8: noqa\nALLOWED_HOSTS = ['netbox.example.com']\n"
              "DATABASE = {'NAME': 'netbox'}\nREDIS = {'HOST': 'localhost', 'DATABASE': 0}\n" +
              STRONG_KEY)
    path = write(tmp_path, source)
    code, out, _ = cli(["--fix", "configuration.py"], tmp_path)
    assert path.read_text() == source and code == 0, out
    cli(["--fix", "--disable-noqa", "configuration.py"], tmp_path)
    assert "'caching'" in path.read_text()


def test_rename_leaves_keywords_and_function_variables_alone():
    source = ("ALLOWED_HOSTS = ['x']\nDATABASE = {'NAME': 'netbox'}\n" + TIDY + STRONG_KEY +
              "JOBRESULT_RETENTION = 90\nKEEP = dict(JOBRESULT_RETENTION=1)\n\n\n"
              "def days(JOBRESULT_RETENTION=7):\n    return JOBRESULT_RETENTION\n\n\n"
              "def more():\n    global JOBRESULT_RETENTION\n    JOBRESULT_RETENTION += 1\n")
    result = fix_source(source, parse_release("4.6"))
    assert result.source.count("JOB_RETENTION") == 3  # binding, global statement, augmented
    assert "dict(JOBRESULT_RETENTION=1)" in result.source
    assert "def days(JOBRESULT_RETENTION=7):\n    return JOBRESULT_RETENTION\n" in result.source


def test_rename_is_refused_when_the_new_name_is_bound_where_the_old_is_read():
    source = ("ALLOWED_HOSTS = ['x']\nDATABASE = {'NAME': 'netbox'}\n" + TIDY + STRONG_KEY +
              "JOBRESULT_RETENTION = 90\n\n\ndef days(JOB_RETENTION=7):\n"
              "    return JOBRESULT_RETENTION\n")
    result = fix_source(source, parse_release("4.6"))
    assert result.source == source
    assert any(r.code == "NBX502" and "JOB_RETENTION" in r.reason for r in result.refusals)


@pytest.mark.parametrize("redis", [
    "_R = {'HOST': 'localhost', 'DATABASE': 0}\nREDIS = {'tasks': _R, 'caching': _R}\n",
    "_R = {'HOST': 'localhost'}\nREDIS = {'tasks': _R, 'caching': _R}\n",
])
def test_one_dict_for_both_sections_is_refused_not_flipped(tmp_path, redis):
    source = "ALLOWED_HOSTS = ['x']\nDATABASE = {'NAME': 'netbox'}\n" + redis + STRONG_KEY
    result = fix_source(source, parse_release("4.6"))
    assert result.source == source and not result.changes
    assert any(r.code == "NBX201" and "one dict" in r.reason for r in result.refusals)
    path = write(tmp_path, source)
    _, out, _ = cli(["--fix", "configuration.py"], tmp_path)
    assert ": fixed NBX201" not in out and "fixed 0 problems" in out
    assert path.read_text() == source


# -- --diff reports findings against the file as it is -----------------------------------------


def test_diff_places_remaining_findings_on_the_file_as_it_is(tmp_path):
    source = ("ALLOWED_HOSTS = ['x']\nDATABASE = {'NAME': 'netbox'}\n"
              "REDIS = {\n    'HOST': 'localhost',\n    'DATABASE': 0,\n}\n" + STRONG_KEY +
              "EMAIL = {'PASSWORD': 'Pw4-mail-Zx8'}\n")
    write(tmp_path, source)
    _, out, err = cli(["--diff", "configuration.py"], tmp_path)
    findings = re.findall(r"^configuration\.py:(\d+):\d+: NBX301", err, re.M)
    assert findings == ["8"], err  # line 8 on disk (13 once fixed)
    assert "'caching'" in out
