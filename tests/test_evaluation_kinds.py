"""How people really write configuration files (issue 13), one test group per kind, through
real flake8 and, for the facts the rules read, through the evaluator itself.

Snippets mark the lines that must be reported with a trailing ``# NBXnnn`` comment. ``PARTIAL``
snippets are linted without the "missing" rules (they are not whole configurations);
``WHOLE`` snippets are complete files linted with every code.
"""

from __future__ import annotations

from collections import Counter

import libcst as cst
import pytest

from helpers import as_configuration, expected_markers, lint, shifted

from flake8_netbox.evaluator import evaluate

SELECT = "--select=NBX000,NBX1,NBX2,NBX3,NBX004,NBX006"  # NBX000: the plugin failed

#: The head of a whole configuration every WHOLE snippet can build on (nothing in it reported).
HEAD = """\
import os
ALLOWED_HOSTS = ['netbox.example.com']
DATABASES = {'default': {'NAME': 'netbox', 'PASSWORD': os.environ['DB_PASSWORD']}}
REDIS = {'tasks': {'DATABASE': 0}, 'caching': {'DATABASE': 1}}
"""
OPEN_HEAD = "import os\nimport sys\nALLOWED_HOSTS = ['x']\n"
KEY = "SECRET_KEY = os.environ['SECRET_KEY']\n"

PARTIAL = {
    # item 3: statements on the line of their compound statement
    "if body on the line of the if": """\
if os.environ.get('X'): SECRET_KEY = 'short-on-line'  # NBX101
""",
    "else, for, while and with bodies on their line": """\
if os.environ.get('LAB'): pass
else: EMAIL = {'PASSWORD': 'else-line-secret'}  # NBX301
for _ in range(1): DATABASE = {'NAME': 'n', 'PASSWORD': 'for-line-secret'}  # NBX301
with open('x') as f: NAPALM_PASSWORD = 'with-line-secret'  # NBX301
""",
    "try and except bodies on their line": """\
try: import secrets_module
except ImportError: SECRET_KEY = 'tiny'  # NBX101
""",
    "several statements on one line of an if": """\
if os.environ.get('X'): A = 1; SECRET_KEY = 'short-in-suite'  # NBX101
""",
    # item 4: identifiers as Python binds them
    "NFKC-normalised names are the setting": """\
ＳＥＣＲＥＴ_ＫＥＹ = 'short-fullwidth'  # NBX101
""",
    "NFKC-normalised names are read as the same variable": """\
ｐｗ = 'fullwidth-helper-secret'  # NBX301
DATABASE = {'NAME': 'netbox', 'PASSWORD': pw}
""",
    # item 9: literal-only expressions are literals
    "f-string with literal fields": """\
SECRET_KEY = f"{'abc'}{1:03}{'x'!r}"  # NBX101
""",
    "f-string fields from literal names": """\
_PART = 'short'
SECRET_KEY = f'{_PART}-{_PART}'  # NBX101
""",
    "plain strings mixed with f-strings": """\
SECRET_KEY = ('abc' f'{"def"}'  # NBX101
              'ghi')
EMAIL = {'PASSWORD': 'smtp-' f'{"secret"}'}  # NBX301
""",
    "str.format of literals": """\
SECRET_KEY = '{}-{x}'.format('a', x='b')  # NBX101
""",
    "str.join of literals": """\
SECRET_KEY = '-'.join(['short', 'key'])  # NBX101
DATABASE = {'NAME': 'netbox', 'PASSWORD': ''.join(('joined', '-secret'))}  # NBX301
""",
    "% of literals": """\
SECRET_KEY = '%s-%s' % ('short', 'key')  # NBX101
DATABASE = {'NAME': 'netbox', 'PASSWORD': 'pw-%(n)d' % {'n': 1}}  # NBX301
""",
    "formatting an environment value stays unknown": """\
SECRET_KEY = '{}'.format(os.environ['KEY'])
DATABASE = {'NAME': 'netbox', 'PASSWORD': f"{os.environ['PW']}"}
EMAIL = {'PASSWORD': '%s' % os.environ['EMAIL_PW']}
""",
    "huge widths are not built": """\
SECRET_KEY = '{:>99999999}'.format('x')
OTHER_PASSWORD = f'{"x":>99999999}'
THIRD_PASSWORD = '%99999999s' % 'x'
""",
    # item 13: `or` chains of environment lookups end in one default
    **{f"or chain of {n} lookups": "DATABASE = {'NAME': 'netbox', 'PASSWORD': " + " or ".join(
        f"os.environ.get('P{i}')" for i in range(n)) + " or 'pw'}  # NBX302\n"
       for n in range(1, 8)},
    "or chain over several lines": """\
EMAIL = {
    'PASSWORD': os.environ.get('A')
    or os.environ.get('B')
    or os.getenv('C')
    or 'literal-default',  # NBX302
}
""",
    # item 12: helper functions defined in the file, evaluated at each call
    "env helper with a default parameter": """\
def env(name, default=None):
    return os.environ.get(name, default)
DATABASE = {'NAME': 'netbox', 'PASSWORD': env('DB_PASSWORD', 'db-default')}  # NBX302
SECRET_KEY = env('SECRET_KEY')
""",
    "env helper with a docstring and a keyword default": """\
def _env(name, *, default=''):
    \"\"\"Read one variable.\"\"\"
    return os.getenv(name, default)
EMAIL = {'PASSWORD': _env('EMAIL_PASSWORD', default='mail-default')}  # NBX302
""",
    "helper returning a literal": """\
def _key(): return 'too-short'
SECRET_KEY = _key()  # NBX101
""",
    "truthiness helper keeps a boolean a boolean": """\
def is_truthy(value):
    return str(value).lower() in ('true', '1', 'yes')
DEBUG = is_truthy(os.environ.get('DEBUG', 'False'))
REDIS = {'tasks': {'SSL': is_truthy(os.environ.get('REDIS_SSL', 'false'))}}
""",
    "identical lookups through a helper are the same value": """\
def env_int(name, default):
    return int(os.environ.get(name, default))
REDIS = {
    'tasks': {'DATABASE': env_int('REDIS_DB', 0)},
    'caching': {'DATABASE': env_int('REDIS_DB', 0)},  # NBX201
}
""",
    "anything more complex stays unknown": """\
def read_secret(name, default=None):
    try:
        return open('/run/secrets/' + name).read().strip()
    except OSError:
        return default
def _f(*args):
    return 'x'
@cache
def _g():
    return 'y'
SECRET_KEY = read_secret('secret_key', 'short')
DATABASE = {'NAME': 'netbox', 'PASSWORD': _f() or _g()}
""",
    # item 10: a file that star-imports its base still gets the value rules on what it writes
    "star-imported base written into": """\
from .base import *
DATABASE['PASSWORD'] = 'literal-db-password'  # NBX301
EMAIL.update({'PASSWORD': 'literal-mail-password'})  # NBX301
REDIS['caching']['PASSWORD'] = os.environ['REDIS_PASSWORD']
SECRET_KEY = 'short-after-star'  # NBX101
""",
    "star-imported names only read stay unknown": """\
from netbox.configuration_example import *
SECRET_KEY = BASE_SECRET
ALLOWED_HOSTS = ALLOWED_HOSTS + ['x']
DEBUG = os.environ.get('DEBUG', '') == 'yes'
DATABASE['PASSWORD'] = os.environ['DB_PASSWORD']
""",
}

WHOLE = {
    # item 3
    "REDIS set on the line of if and else is bound": HEAD.replace("REDIS = ", "_R = ") + KEY + """\
if os.environ.get('LAB'): REDIS = _R
else: REDIS = _R
""",
    "DEBUG set on the line of its if is seen": HEAD + KEY + """\
if os.environ.get('X'): DEBUG = True  # NBX401
""",
    # issue 15: del unbinds
    "del of a required setting leaves it unbound": HEAD + """\
SECRET_KEY = os.environ['SECRET_KEY']
del SECRET_KEY  # NBX001
""".replace("  # NBX001", ""),
    "del in one arm only leaves it bound on the other": HEAD + KEY + """\
if os.environ.get('X'):
    del SECRET_KEY
""",
    # item 4
    "star-imported base: nothing missing, written values judged": """\
from .base import *
REDIS['tasks']['HOST'] = 'redis'
DATABASE['PASSWORD'] = 'literal-db-password'  # NBX301
""",
    # item 5: branches that cannot run for the target release, arms that end in raise
    "an arm that ends in raise binds nothing": HEAD + KEY + """\
if not os.environ.get('SECRET_KEY'):
    DEBUG = True
    raise RuntimeError('set SECRET_KEY')
if os.environ.get('X'): DEBUG = True; raise SystemExit(1)
try:
    MAINTENANCE_MODE = os.environ['MAINTENANCE_MODE'] == 'true'
except KeyError:
    raise
""",
    "every arm raises: the rest of the arm's block does not run": HEAD + KEY + """\
if os.environ.get('X'):
    if os.environ.get('Y'):
        raise RuntimeError('y')
    else:
        raise RuntimeError('not y')
    DEBUG = True
""",
    "the arm that runs is kept whole": HEAD + KEY + """\
_LAB = False
CORS_ORIGIN_ALLOW_ALL = True if _LAB else False
if True:
    DEBUG = True  # NBX401
if 0:
    pass
else: MAINTENANCE_MODE = True
""",
}
#: item 5: files that import NetBox's VERSION and branch on it, with the findings each target
#: release gives (line numbers in VERSION_FILES[name]).
VERSION_FILES = {
    "version.parse": """\
from netbox.settings import VERSION
from packaging import version
if version.parse(VERSION) < version.parse('3.0'):
    SECRET_KEY = 'old-short'
else:
    SECRET_KEY = os.environ['SECRET_KEY']
""",
    "packaging.version.Version attributes": """\
from .settings import VERSION
import packaging.version
if packaging.version.Version(VERSION).major < 3:
    SECRET_KEY = 'old-short'
else:
    SECRET_KEY = os.environ['SECRET_KEY']
""",
    "tuple comparison": """\
from .settings import VERSION
if tuple(map(int, VERSION.split('.')[:2])) < (3, 0):
    SECRET_KEY = 'old-short'
else:
    SECRET_KEY = os.environ['SECRET_KEY']
""",
    "string comparison and startswith": """\
from netbox.settings import VERSION as NETBOX_VERSION
if NETBOX_VERSION < '3' or NETBOX_VERSION.startswith('2.'):
    SECRET_KEY = 'old-short'
elif (3, 0) <= tuple(int(p) for p in NETBOX_VERSION.split('.')) < (4, 0):
    SECRET_KEY = os.environ['SECRET_KEY']
else:
    SECRET_KEY = os.environ['SECRET_KEY']
""",
    "a release that may not be run raises": """\
from netbox.settings import VERSION
from packaging.version import parse
if parse(VERSION) < parse('3.0.0'):
    DEBUG = True
    SECRET_KEY = 'old-short'
    raise ImportError('this configuration needs NetBox 3')
SECRET_KEY = os.environ['SECRET_KEY']
""",
}
VERSION_FINDINGS = {
    ("version.parse", "2.10"): [(4, "NBX101")],
    ("version.parse", "4.7"): [],
    ("packaging.version.Version attributes", "2.11"): [(4, "NBX101")],
    ("packaging.version.Version attributes", "3.0"): [],
    ("tuple comparison", "2.6"): [(3, "NBX101")],
    ("tuple comparison", "4.7"): [],
    ("string comparison and startswith", "2.9"): [(3, "NBX101")],
    ("string comparison and startswith", "4.7"): [],
    ("a release that may not be run raises", "2.11"): [],
    ("a release that may not be run raises", "4.7"): [],
}


@pytest.mark.parametrize("name, release", sorted(VERSION_FINDINGS))
def test_version_branches(name, release, tmp_path):
    source, offset = as_configuration(VERSION_FILES[name])
    results = lint(source, tmp_path, SELECT, f"--netbox-version={release}")
    expected = shifted(VERSION_FINDINGS[name, release], offset)
    assert sorted((r.row, r.code) for r in results) == expected, results


WHOLE_MORE = {
    "a fullwidth SECRET_KEY is the required setting": HEAD + """\
ＳＥＣＲＥＴ_ＫＥＹ = os.environ['SECRET_KEY']
""",
    # item 2: open modules (the namespace escapes), one mechanism for every way
    **{f"open module: {how}": OPEN_HEAD + code for how, code in {
        "globals() passed to a helper": "def _merge(src, dst):\n    dst.update(src)\n"
                                        "_merge({'SECRET_KEY': 'k' * 50}, globals())\n",
        "globals() passed in a function": "def _load():\n"
                                          "    apply(read_yaml(), globals())\n_load()\n",
        "globals() kept in a name": "_ns = globals()\nfill(_ns)\n",
        "vars() passed on": "fill(vars())\n",
        "sys.modules[__name__]": "_this = sys.modules[__name__]\nfill(_this)\n",
        "setattr on the module": "setattr(sys.modules[__name__], 'SECRET_KEY', read())\n",
        "sys imported under another name": "import sys as _s\nfill(_s.modules[__name__])\n",
        "the module imported by its own name": "import importlib\n"
                                               "fill(importlib.import_module(__name__))\n",
        "globals().update": "globals().update(read_settings())\n",
        "globals() written into": "globals()['SECRET_KEY'] = read()\n",
    }.items()},
    "reading globals() does not open the module": "import os\nALLOWED_HOSTS = ['x']\n"
    "DEBUG = globals().get('DEBUG', False)\nif 'X' in globals():\n    pass\n"
    "_Y = globals()['ALLOWED_HOSTS']\n",
}
#: Findings on line 1 (the module) a WHOLE snippet must give, beside its markers.
MODULE_FINDINGS = {
    "del of a required setting leaves it unbound": ["NBX001"],
    "reading globals() does not open the module": ["NBX001"] * 3,
}


@pytest.mark.parametrize("name", sorted(PARTIAL))
def test_partial(name, tmp_path):
    snippet = PARTIAL[name]
    source, offset = as_configuration(snippet)
    results = lint(source, tmp_path, SELECT)
    expected = Counter(shifted(expected_markers(snippet), offset))
    assert Counter((r.row, r.code) for r in results) == expected, results


@pytest.mark.parametrize("name", sorted(WHOLE))
def test_whole(name, tmp_path):
    source = WHOLE[name]
    results = lint(source, tmp_path)
    expected = Counter(expected_markers(source))
    expected.update((1, code) for code in MODULE_FINDINGS.get(name, ()))
    assert Counter((r.row, r.code) for r in results) == expected, results


def facts(source: str):
    return evaluate(cst.parse_module(source))


def test_del_unbinds_but_keeps_the_binding_history():
    result = facts("SECRET_KEY = 'x'\ndel SECRET_KEY\n")
    assert not result.is_bound("SECRET_KEY")
    assert [b.kind for b in result.bindings("SECRET_KEY")] == ["assign"]


def test_binding_kinds():
    result = facts("import os\nfrom ldap import OPT_REFERRALS as R\nX = 1\nX += 1\n"
                   "def f(): pass\nfor i in []: pass\nwith open('x') as h: pass\n")
    names = ("os", "R", "X", "f", "i", "h")
    kinds = {name: [b.kind for b in result.bindings(name)] for name in names}
    assert kinds == {"os": ["import"], "R": ["import"], "X": ["assign", "assign"],
                     "f": ["definition"], "i": ["loop-target"], "h": ["with-target"]}


def test_reads_are_recorded_on_the_binding_read():
    result = facts("BASE = 'dc=example'\nOTHER = BASE + ',dc=com'\nBASE = 'x'\n"
                   "SEARCH = (BASE, 1)\n")
    first, second = result.bindings("BASE")
    assert len(first.reads) == 1 and len(second.reads) == 1
    assert result.is_read("BASE") and not result.is_read("SEARCH")


@pytest.mark.parametrize("code", [
    "def f():\n    return HELPER\n",
    "class C:\n    x = HELPER\n",
    "F = lambda: HELPER\n",
    "L = [x for x in HELPER]\n",
    "X = f'{HELPER!r:>10}'\n",
    "X = unknown_call(key=HELPER)\n",
    "X = HELPER[1:2]\n",
    "def f(a=HELPER):\n    pass\n",
    "@decorate(HELPER)\ndef f():\n    pass\n",
    "match 1:\n    case HELPER.x:\n        pass\n",
])
def test_reads_outside_the_walk_are_found(code):
    assert facts("HELPER = 1\n" + code).is_read("HELPER")


@pytest.mark.parametrize("code", [
    "def f(HELPER):\n    return 1\n",
    "def f():\n    HELPER = 2\n",
    "X = dict(HELPER=1)\n",
    "X = os.HELPER\n",
    "from m import HELPER\n",
    "X = [1 for HELPER in []]\n",
])
def test_what_is_not_a_read(code):
    assert not facts("HELPER = 1\n" + code).is_read("HELPER")


@pytest.mark.parametrize("code", [
    "if False:\n    X = HELPER\n",
    "if True:\n    pass\nelif HELPER:\n    pass\nelse:\n    X = HELPER\n",
])
def test_reads_in_arms_that_never_run_are_reads(code):
    assert facts("HELPER = 1\n" + code).is_read("HELPER")


def test_fullwidth_read_is_a_read():
    assert facts("HELPER = 1\nX = ＨＥＬＰＥＲ\n").is_read("HELPER")


@pytest.mark.parametrize("code", [
    "HELPER = HELPER.strip()\n",
    "HELPER += 'x'\n",
    "HELPER['k'] = 1\n",
    "del HELPER['k']\n",
    "HELPER.append(1)\n",
    "def f():\n    HELPER['k'] = HELPER2\n    HELPER.update(x=1)\n",
])
def test_feeding_or_writing_into_a_name_is_not_reading_it(code):
    assert not facts("HELPER = {}\n" + code).is_read("HELPER")


@pytest.mark.parametrize("code", [
    "X = {KEY: 1}\nX[HELPER] = 1\n",
    "X = [HELPER]\nX.append(HELPER)\n",
    "X = HELPER.get('a')\n",
    "def f():\n    return HELPER.copy()\n",
])
def test_reads_beside_writes_are_reads(code):
    assert facts("HELPER = {}\nKEY = 1\n" + code).is_read("HELPER")


def test_truthiness_helper_gives_a_boolean_and_its_default():
    result = facts("import os\ndef is_truthy(value):\n"
                   "    return str(value).lower() in ('true', '1', 'yes')\n"
                   "DEBUG = is_truthy(os.environ.get('DEBUG', 'False'))\n")
    values = result.values("DEBUG")
    assert [type(v).__name__ for v in values] == ["Env", "Lit"]
    assert values[0].kind == "bool" and values[1].value is False
    assert values[1].fallback_of == "DEBUG"


def test_helpers_are_not_followed_into_recursion():
    result = facts("def f(x):\n    return f(x)\nX = f(1)\n")
    assert [type(v).__name__ for v in result.values("X")] == ["Unknown"]


class _NovelExpression(cst.Name):
    """Stands for a libcst node type a future libcst adds and the evaluator does not know."""


def _novel_module() -> cst.Module:
    module = cst.parse_module("SECRET_KEY = placeholder\n")
    assign = module.body[0].body[0]
    novel = _NovelExpression("placeholder")
    return module.with_changes(body=[module.body[0].with_changes(
        body=[assign.with_changes(value=novel)])])


def test_strict_mode_raises_on_an_unknown_node_type(monkeypatch):
    from flake8_netbox.evaluator import bindings

    monkeypatch.setattr(bindings, "STRICT", True)
    with pytest.raises(NotImplementedError, match="_NovelExpression"):
        evaluate(_novel_module())


def test_production_degrades_to_unknown(monkeypatch):
    from flake8_netbox.evaluator import bindings

    monkeypatch.setattr(bindings, "STRICT", False)
    assert [type(v).__name__ for v in evaluate(_novel_module()).values("SECRET_KEY")] == \
        ["Unknown"]


def test_the_suite_runs_in_strict_mode():
    from flake8_netbox.evaluator import bindings

    assert bindings.STRICT  # tests/conftest.py sets FLAKE8_NETBOX_STRICT=1


#: Edge forms of what this round added (f-string fields and specs, format and %, slices, chained
#: comparisons, helpers, del, VERSION and packaging, raise arms, star imports, escapes, NFKC),
#: each run alone and after the others, for two releases: findings or silence, never an error
#: (the suite runs in strict mode, so a node type nobody listed is an error too).
CONSTRUCTS = [
    "X = f'{A!r:{W}}'",
    "X = f'{A=}'",
    "X = f'{{}}{A}'",
    "X = rf'\\d{A}'",
    "X = b'%s' % (b'a',)",
    "X = '%*d' % (5, 1)",
    "X = '%(a)s' % {'a': A}",
    "X = '{0.real}'.format(1)",
    "X = '{:{}}'.format('a', 5)",
    "X = ''.join('abc')",
    "X = ''.join([A, 'b'])",
    'X = A[::2]',
    "X = A[1:'x']",
    'X = [1,2][0:1]',
    'X = (1 < 2 < A)',
    'X = 1 < 2 > 0',
    'X = A if B else C',
    "X = 'a' if 1 else 'b'",
    'def f(a, b=1, *c, d, **e): return a',
    'def g(a, /, b): return a',
    'def h(): return h()',
    'def k(x=A): return os.environ.get(x)',
    'X = k()',
    'X = f(1)',
    'X = g(1, 2)',
    'X = k(x=1, y=2)',
    'lambda: A',
    'async def z(): return 1',
    'class C: X = A',
    '@dec\ndef d(): return 1',
    'X = d()',
    'del A',
    'del A, B',
    'del A[0]',
    'del (A)',
    'if A: del B',
    'for i in []: del A',
    'from .settings import VERSION',
    'from netbox.settings import VERSION as V',
    'from packaging import version',
    'from packaging.version import parse',
    'import packaging.version',
    "X = version.parse(VERSION) < version.parse('3')",
    "X = parse('abc') > parse(VERSION)",
    'X = packaging.version.Version(VERSION).release',
    "X = tuple(map(int, VERSION.split('.')[:2]))",
    'X = map(str, [1, 2])',
    'X = map(lambda q: q, [1])',
    "if VERSION < '3': raise Exception()",
    'try: raise ValueError\nexcept ValueError: A = 1',
    'while True: raise SystemExit',
    'with x: raise E',
    "match A:\n    case {'k': v, **rest}: B = v\n    case [1, *r]: B = r\n    case _: raise E",
    'from .base import *',
    "A['k'] = 1",
    'B.update(x=1)',
    "C.setdefault('k', 2)",
    "D['a']['b'] = 3",
    'E += [1]',
    'globals().update(A)',
    "vars()['X'] = 1",
    "X = globals().get('A')",
    'import sys as s\ns.modules[__name__].X = 1',
    "A = os.environ.get('A') or os.environ.get('B') or os.getenv('C') or 'd'",
    'X = not not not A',
    'ＸＹ = 1',
    'X = ＸＹ',
    'X = (yield)',
    'X = [*A, *B]',
    "X = {**A, 'k': 1}",
    'X: int',
    'X: int = A',
    'if 0: pass\nelif A: X = 1\nelse: raise E',
    'if []: X = 1',
    'if {}: X = 1\nelse: X = 2',
    "X = f'{A:>99999999999}'",
    "X = '{:>99999999999}'.format(1)",
    "X = '%99999999999s' % 'a'",
    "A = 'a' * 50000\nX = f'{A}{A}{A}'",
    "X = ''.join([A] * 3)",
    "X = f'{1:{2}}'",
    "X = f'{A!s:<{W}}'",
    'X = f"{\'a\' \'b\'}"',
    "X = f'''{A}\n'''",
    "SECRET_KEY = f'{A}'",
    "DATABASE = {'PASSWORD': f'{A}-x'}",
    "REDIS = {'tasks': {'DATABASE': int(f'{A}')}}",
]
HEADS = ["import os\nA = 'v'\nB = {}\nC = {}\nD = {'a': {}}\nE = []\nW = 3\n"
         "ALLOWED_HOSTS = ['x']\n", "import os\nALLOWED_HOSTS = ['x']\n"]


@pytest.mark.parametrize("head", HEADS)
@pytest.mark.parametrize("release", ["4.7", "2.10"])
def test_edge_constructs_give_findings_or_silence(head, release):
    from flake8_netbox.checker import check_source
    from flake8_netbox.releases import parse_release

    runnable = []
    for construct in CONSTRUCTS:
        try:
            compile(head + construct + "\n", "configuration.py", "exec")
        except SyntaxError:
            continue
        runnable.append(construct)
        check_source(head + construct + "\n", parse_release(release))
    assert len(runnable) > 80
    check_source(head + "\n".join(runnable) + "\n", parse_release(release))
