"""A second adversarial pass on issue 15's promises: kinds the first regression tests did not
reach (each test fails on the code before its fix).

- Messages: a secret pasted where a name belongs (a DATABASES alias, a REDIS section, an
  environment variable's name, a PLUGINS entry or PLUGINS_CONFIG key, an ENGINE, a host entry
  with a query) is described by its length, never quoted, in every rule that names one.
- --diff context: comments and numbers are redacted like string literals.
- Formats: a path that is not UTF-8 (a surrogate escape in Python's str) is encoded, not a
  crash of flake8.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Iterable

import pytest

from helpers import flake8_inprocess
from test_fixes import cli

#: A planted secret: upper and lower case letters and digits, as password policies make them.
SECRET = "Xk7pQ2wZ9rLm"
HEAD = ("import os\nALLOWED_HOSTS = ['netbox.example.com']\n"
        "SECRET_KEY = os.environ['SECRET_KEY']\n"
        "REDIS = {'tasks': {'HOST': 'r', 'DATABASE': 0},\n"
        "         'caching': {'HOST': 'r', 'DATABASE': 1}}\n")
DB = "DATABASE = {'NAME': 'netbox', 'PASSWORD': os.environ['DB']}\n"


def pieces(secret: str, size: int = 6) -> Iterable[str]:
    return (secret[i:i + size] for i in range(len(secret) - size + 1))


def assert_hidden(output: str, secret: str = SECRET) -> None:
    for piece in pieces(secret):
        assert piece not in output, (piece, output)


# -- messages: names that may be secrets ---------------------------------------------------------

#: (what, configuration after HEAD, the code whose message names the position)
NAMED_POSITIONS = [
    ("alias with an ENGINE", "DATABASES = {'default': {'NAME': 'n'}, "
     f"'{SECRET}': {{'NAME': 'n', 'ENGINE': 'django.db.backends.mysql'}}}}\n", "NBX010"),
    ("alias with a CONN_MAX_AGE string", "DATABASES = {'default': {'NAME': 'n'}, "
     f"'{SECRET}': {{'NAME': 'n', 'CONN_MAX_AGE': '300'}}}}\n", "NBX009"),
    ("REDIS section with a string DATABASE",
     DB + f"REDIS['{SECRET}'] = {{'HOST': 'r', 'DATABASE': '3'}}\n", "NBX504"),
    ("variable read as CONN_MAX_AGE", DB + f"DATABASE['CONN_MAX_AGE'] = os.environ['{SECRET}']\n",
     "NBX009"),
    ("variable read as PAGINATE_COUNT", DB + f"PAGINATE_COUNT = os.environ['{SECRET}']\n",
     "NBX009"),
    ("variable read as ALLOWED_HOSTS", DB + f"ALLOWED_HOSTS = os.environ['{SECRET}']\n",
     "NBX004"),
    ("variable read as a base unit", DB + f"DISK_BASE_UNIT = os.environ['{SECRET}']\n",
     "NBX004"),
    ("variable read as a list", DB + f"EXEMPT_VIEW_PERMISSIONS = os.environ['{SECRET}']\n",
     "NBX009"),
    ("PLUGINS entry", DB + f"PLUGINS = ['{SECRET}!']\n", "NBX701"),
    ("PLUGINS entry with a dash", DB + f"PLUGINS = ['netbox-{SECRET}']\n", "NBX701"),
    ("PLUGINS_CONFIG key",
     DB + f"PLUGINS = ['netbox_bgp']\nPLUGINS_CONFIG = {{'{SECRET}': {{}}}}\n",
     "NBX702"),
    ("PLUGINS entry a PLUGINS_CONFIG key resembles",
     DB + f"PLUGINS = ['{SECRET}']\nPLUGINS_CONFIG = {{'{SECRET}x': {{}}}}\n", "NBX702"),
    ("ENGINE", DB + f"DATABASE['ENGINE'] = 'django.db.backends.mysql_{SECRET}'\n", "NBX010"),
    ("ALLOWED_HOSTS entry with a query",
     DB + f"ALLOWED_HOSTS = ['https://netbox.example.com/?token={SECRET}']\n", "NBX008"),
    ("ALLOWED_HOSTS entry with a path", DB + f"ALLOWED_HOSTS = ['{SECRET}:8080/x']\n", "NBX008"),
    ("CSRF_TRUSTED_ORIGINS entry with a query",
     DB + f"CSRF_TRUSTED_ORIGINS = ['https://netbox.example.com/?token={SECRET}']\n", "NBX008"),
    ("CORS_ORIGIN_WHITELIST entry without a scheme",
     DB + f"CORS_ORIGIN_WHITELIST = ['netbox.example.com/{SECRET}']\n", "NBX008"),
]


@pytest.mark.parametrize("source, code", [(s, c) for _, s, c in NAMED_POSITIONS],
                         ids=[what for what, _, _ in NAMED_POSITIONS])
def test_a_secret_written_as_a_name_is_described_not_quoted(tmp_path, source, code):
    (tmp_path / "configuration.py").write_text(HEAD + source)
    _, results, text = flake8_inprocess(["--select=NBX", "configuration.py"], tmp_path)
    assert code in {r.code for r in results}, text
    assert_hidden(text)
    assert_hidden(text, SECRET.lower())  # nor a suggestion derived from it


def test_names_shaped_like_words_are_still_quoted(tmp_path):
    (tmp_path / "configuration.py").write_text(
        HEAD + DB + "PAGINATE_COUNT = os.environ['NETBOX_PAGINATE']\n"
        "PLUGINS = ['netbox-bgp']\nCORS_ORIGIN_WHITELIST = ['netbox.example.com']\n")
    _, _, text = flake8_inprocess(["--select=NBX", "configuration.py"], tmp_path)
    assert "$NETBOX_PAGINATE" in text and "int(os.environ['NETBOX_PAGINATE'])" in text
    assert "PLUGINS entry 'netbox-bgp'" in text and "did you mean 'netbox_bgp'?" in text
    assert "entry 'netbox.example.com' has no scheme" in text


# -- --diff: comments and numbers in context ---------------------------------------------------

def test_diff_redacts_comments_and_numbers_that_may_be_secrets(tmp_path):
    text = (HEAD + "# the old password: " + SECRET.lower() + "!\n"
            "DATABASE = {'NAME': 'netbox',  # was " + SECRET + "\n"
            "            'PASSWORD': os.environ['DB'], 'PORT': 5432}\n"
            "NAPALM_PASSWORD = 918273645  # noqa: NBX301\n"
            "# five minutes, see https://docs.netbox.dev/en/stable/ (NetBox 4.7)\n"
            "JOBRESULT_RETENTION = 90\n")
    (tmp_path / "configuration.py").write_text(text)
    _, stdout, stderr = cli(["--diff", "configuration.py"], tmp_path)
    assert "+JOB_RETENTION = 90" in stdout  # the diff is there, with its context
    assert_hidden(stdout + stderr)
    assert_hidden(stdout + stderr, SECRET.lower())
    assert_hidden(stdout + stderr, "918273645")
    assert "# noqa: NBX301" in stdout and "'PORT': 5432" in stdout
    assert "# five minutes, see https://docs.netbox.dev/en/stable/ (NetBox 4.7)" in stdout


# -- formats: paths that are not UTF-8 ---------------------------------------------------------

@pytest.mark.skipif(sys.platform == "win32" or sys.getfilesystemencoding() != "utf-8",
                    reason="a file name that is not UTF-8 needs a POSIX UTF-8 file system")
@pytest.mark.parametrize("fmt", ["netbox-sarif", "netbox-gitlab", "netbox-jsonl"])
def test_formats_take_a_path_that_is_not_utf8(tmp_path, fmt):
    folder = os.fsdecode(b"site \xff #1")
    try:
        (tmp_path / folder).mkdir()
    except (OSError, UnicodeError):
        pytest.skip("the file system refuses names that are not UTF-8")
    (tmp_path / folder / "configuration.py").write_text("ALLOWED_HOSTS = 'netbox'\n")
    proc = subprocess.run([sys.executable, "-m", "flake8", "--select=NBX", f"--format={fmt}",
                           "."], cwd=tmp_path, capture_output=True, timeout=120)
    assert proc.returncode == 1 and b"Traceback" not in proc.stderr, proc.stderr
    lines = proc.stdout.decode().splitlines()
    found = [json.loads(line) for line in lines] if fmt == "netbox-jsonl" else \
        json.loads(proc.stdout)
    assert found
    if fmt == "netbox-sarif":
        uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                for r in found["runs"][0]["results"]}
        assert uris == {"site%20%FF%20%231/configuration.py"}


# -- property: secrets in every name position, in comments and as numbers ----------------------

NAMES = """\
import os
ALLOWED_HOSTS = ['netbox.example.com']
SECRET_KEY = os.environ['SECRET_KEY']
REDIS = {{'tasks': {{'HOST': 'r', 'DATABASE': 0}}, 'caching': {{'HOST': 'r', 'DATABASE': 1}}}}
REDIS['{s0}'] = {{'HOST': 'r', 'DATABASE': '3', 'URL': None}}
DATABASES = {{
    'default': {{'NAME': 'netbox', 'PASSWORD': os.environ['DB']}},  # old: {s1}
    '{s2}': {{'NAME': 'n', 'ENGINE': 'django.db.backends.mysql', 'CONN_MAX_AGE': '300'}},
}}
DATABASES['default']['CONN_MAX_AGE'] = os.environ['{s3}']
PAGINATE_COUNT = os.environ.get('{s4}', '50')
PLUGINS = ['netbox-{s5}', '{s6}']
PLUGINS_CONFIG = {{'{s7}': {{}}, '{s6}x': {{}}}}
CSRF_TRUSTED_ORIGINS = ['https://netbox.example.com/?token={s8}']
CORS_ORIGIN_WHITELIST = ['netbox.example.com/{s9}']
# password: {s10}
NAPALM_PASSWORD = {n0}
API_TOKEN_PEPPERS = {{1: os.environ['PEPPER'], {n1}: os.environ['PEPPER2']}}
JOBRESULT_RETENTION = 90
"""
NAME_COUNT = 11


def _name_outputs(tmp_path: Path, secrets, numbers) -> str:
    text = NAMES.format(**{f"s{i}": value for i, value in enumerate(secrets)},
                        **{f"n{i}": value for i, value in enumerate(numbers)})
    out = []
    for args in (["--output-file=out.txt", "configuration.py"],
                 ["--format=netbox-sarif", "--output-file=out.sarif", "configuration.py"],
                 ["--diff", "--unsafe-fixes", "--upgrade-databases", "configuration.py"],
                 ["--fix", "configuration.py"]):
        (tmp_path / "configuration.py").write_text(text, encoding="utf-8")
        _, stdout, stderr = cli(args, tmp_path)
        out += [stdout, stderr]
    out += [(tmp_path / name).read_text(encoding="utf-8") for name in ("out.txt", "out.sarif")]
    return "\n".join(out)


_NAME_VOCABULARY = []


def test_the_name_template_reaches_every_position(tmp_path):
    words = _name_outputs(tmp_path, [f"\u00a7{i:02d}" * 3 for i in range(NAME_COUNT)],
                          [10 ** 8, 10 ** 9])
    assert "\u00a7" not in words
    for code in ("NBX009", "NBX010", "NBX701", "NBX702", "NBX008", "would fix NBX502"):
        assert code in words, code


from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from test_no_secret_in_output import piece_secret  # noqa: E402


def _random_shaped(secret: str) -> bool:
    """A digit between two letters (``k7p``): no word, host or module name is written so, and
    a name of those shapes is quoted by design (``'netbox_bgp'``, ``'A00_js'``)."""
    return secret[0].isalpha() and re.search(r"[A-Za-z][0-9]+[A-Za-z]", secret) is not None


@settings(max_examples=int(os.environ.get("NBX_SECRET_EXAMPLES", "8")), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.filter_too_much])
@given(st.lists(piece_secret.filter(_random_shaped), min_size=NAME_COUNT, max_size=NAME_COUNT),
       st.lists(st.integers(10 ** 6, 10 ** 15), min_size=2, max_size=2))
def test_no_output_holds_a_piece_of_a_secret_written_as_a_name(tmp_path, secrets, numbers):
    if not _NAME_VOCABULARY:
        _NAME_VOCABULARY.append(_name_outputs(
            tmp_path, [f"\u00a7{i:02d}" * 3 for i in range(NAME_COUNT)], [10 ** 8, 10 ** 9]))
    words = _NAME_VOCABULARY[0]
    output = _name_outputs(tmp_path, secrets, numbers)
    for value in [*secrets, *map(str, numbers)]:
        for piece in pieces(value):
            assert piece in words or piece not in output, (piece, value)


# -- --fix: renames read in a default value, passwords written in a function --------------------

def _fixed(source: str):
    from flake8_netbox.fixer import fix_source
    from flake8_netbox.fixes.base import SAFE, UNSAFE, UPGRADE_DATABASES
    from flake8_netbox.releases import parse_release

    return fix_source(source, parse_release("4.7"), kinds=(SAFE, UNSAFE, UPGRADE_DATABASES))


FIXED_HEAD = ("import os\nALLOWED_HOSTS = ['netbox.example.com']\n"
              "REDIS = {'tasks': {'HOST': 'r', 'DATABASE': 0}, 'caching': {'HOST': 'r', "
              "'DATABASE': 1}}\nSECRET_KEY = os.environ['SECRET_KEY']\n"
              "DATABASES = {'default': {'NAME': 'netbox', 'PASSWORD': os.environ['DB']}}\n"
              "JOBRESULT_RETENTION = 90\n")


@pytest.mark.parametrize("use, renamed", [
    # Defaults, decorators and a comprehension's first iterable run in the enclosing scope.
    ("_f = lambda JOBRESULT_RETENTION=JOBRESULT_RETENTION: JOBRESULT_RETENTION\n",
     "_f = lambda JOBRESULT_RETENTION=JOB_RETENTION: JOBRESULT_RETENTION\n"),
    ("def _f(JOB_RETENTION=JOBRESULT_RETENTION):\n    return JOB_RETENTION\n",
     "def _f(JOB_RETENTION=JOB_RETENTION):\n    return JOB_RETENTION\n"),
    ("_x = [JOB_RETENTION for JOB_RETENTION in [JOBRESULT_RETENTION]]\n",
     "_x = [JOB_RETENTION for JOB_RETENTION in [JOB_RETENTION]]\n"),
    ("_x = [JOBRESULT_RETENTION for JOB_RETENTION in [1]]\n", None),  # refused: shadowed
])
def test_rename_follows_the_scope_each_part_runs_in(use, renamed):
    result = _fixed(FIXED_HEAD + use)
    if renamed is None:
        assert "JOBRESULT_RETENTION = 90" in result.source
        assert any("rename JOBRESULT_RETENTION by hand" in r.reason for r in result.refusals)
        return
    assert result.source == FIXED_HEAD.replace("JOBRESULT_RETENTION = 90",
                                               "JOB_RETENTION = 90") + renamed
    namespace: dict = {}
    os.environ.setdefault("SECRET_KEY", "x")
    os.environ.setdefault("DB", "x")
    exec(compile(result.source, "configuration.py", "exec"), namespace)  # no NameError


@pytest.mark.parametrize("written", [
    "def _db():\n    return {'NAME': 'netbox', 'PASSWORD': 'Xk7pQ2wZ9rLm'}\nDATABASE = _db()\n",
    "_f = lambda: {'NAME': 'netbox', 'PASSWORD': 'Xk7pQ2wZ9rLm'}\nDATABASE = _f()\n",
])
def test_a_password_written_in_a_function_is_refused_not_an_internal_error(tmp_path, written):
    source = FIXED_HEAD.replace("DATABASES = {'default': {'NAME': 'netbox', 'PASSWORD': "
                                "os.environ['DB']}}\n", "").replace(
        "JOBRESULT_RETENTION = 90\n", "") + written
    result = _fixed(source)  # raised LookupError (the node is not in DATABASE's statement)
    if written.startswith("def"):
        assert "NBX301" in {r.code for r in result.refusals}
    (tmp_path / "configuration.py").write_text(source)
    _, stdout, stderr = cli(["--fix", "--unsafe-fixes", "configuration.py"], tmp_path)
    assert "please report" not in stdout + stderr and "LookupError" not in stdout + stderr
    assert_hidden(stdout + stderr)


# -- the command: a file pyflakes cannot follow stops nothing ------------------------------------

@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_file_nested_too_deeply_for_pyflakes_leaves_the_others_checked(tmp_path, jobs):
    """pyflakes recurses once per '+' of a chain that Python's ast nests; past its limit flake8
    stopped the whole run with '"pyflakes[F]" failed during execution' and no finding."""
    (tmp_path / "deep").mkdir()
    (tmp_path / "deep" / "configuration.py").write_text(
        "ALLOWED_HOSTS = ['x']\nBANNER_TOP = " + " + ".join(["'a'"] * 1500) + "\n")
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "configuration.py").write_text("ALLOWED_HOSTS = 'netbox'\n")
    proc = subprocess.run([sys.executable, "-m", "flake8_netbox", "-j", jobs, "."],
                          cwd=tmp_path, capture_output=True, text=True, timeout=120)
    output = proc.stdout + proc.stderr
    assert "failed during execution" not in output and "Traceback" not in output
    assert "other/configuration.py:1:17: NBX004" in proc.stdout
    assert "deep/configuration.py: not checked: it nests expressions too deeply" in proc.stderr
    assert proc.returncode == 1


@pytest.mark.parametrize("value, expected", [
    ("{'NAME': 'n'}, {'NAME': 'm'}", "{'default': ({'NAME': 'n'}, {'NAME': 'm'})}"),
    ("{'NAME': 'n'},", "{'default': ({'NAME': 'n'},)}"),
])
def test_upgrade_databases_keeps_a_tuple_one_value(value, expected):
    """Found by fuzz --engine fix: an unparenthesised tuple pasted as the dict's value made
    two entries (not Python: refused as 'please report it')."""
    result = _fixed(f"ALLOWED_HOSTS = ['x']\nDATABASE = {value}\n")
    assert result.source == f"ALLOWED_HOSTS = ['x']\nDATABASES = {expected}\n"
    assert not [r for r in result.refusals if "please report" in r.reason]
