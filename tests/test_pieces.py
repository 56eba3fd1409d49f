"""Large files are checked one top-level statement at a time (flake8_netbox/pieces.py, issue 15).

The findings must be the ones libcst's whole module gives, so every test here checks an input
both ways (the large-file path forced by setting ``LARGE_SOURCE`` to 0) and asserts that the
large-file path really ran; the memory it saves is asserted as a mechanism (no statement tree
outlives its evaluation), never as a size or a time.
"""

from __future__ import annotations

import ast
import gc
import sys
from pathlib import Path
from typing import List, Tuple

import libcst as cst
import pytest

from flake8_netbox import checker, pieces
from flake8_netbox.evaluator import evaluate
from flake8_netbox.netbox import DEFAULT_RELEASE, parse_release
from flake8_netbox.rules import ALL_RULES
from flake8_netbox.rules.base import LDAP, NETBOX, examples
from flake8_netbox.settings import OPT_IN_CODES
from helpers import as_configuration

FIXTURES = Path(__file__).parent / "fixtures"
HEAD = ("import os\n"
        "ALLOWED_HOSTS = ['netbox.example.com']\n"
        "REDIS = {'tasks': {'HOST': 'r', 'DATABASE': 0}, 'caching': {'HOST': 'r', 'DATABASE': 1}}\n"
        "SECRET_KEY = os.environ['SECRET_KEY']\n")


def redis_branches(blocks: int) -> str:
    """bench/bench_limits.py's case: ``if`` blocks writing REDIS keys (NBX201 at the end)."""
    return HEAD + "".join(
        f"if os.environ.get('A{i}'):\n    REDIS['tasks']['DATABASE'] = {i}\n"
        f"    REDIS['caching']['DATABASE'] = {i + 1}\n    REDIS['tasks']['HOST'] = 'h{i}'\n"
        f"    REDIS['caching']['HOST'] = 'h{i}'\n" for i in range(blocks)) + \
        "REDIS['caching']['DATABASE'] = 0\nREDIS['tasks']['DATABASE'] = 0\n"


def both(source: str, release: str = "4.7", kind: str = NETBOX, monkeypatch=None
         ) -> Tuple[List[checker.Result], List[checker.Result]]:
    """(whole-module findings, large-file-path findings) of ``source``; fails unless the
    large-file path checked it itself."""
    tree = ast.parse(source)
    monkeypatch.setattr(pieces, "worthwhile", lambda *_: True)
    assert pieces.evaluate_pieces(source, tree) is not None, "the large-file path fell back"
    out = []
    for large in (10 ** 12, 0):
        monkeypatch.setattr(pieces, "LARGE_SOURCE", large)
        out.append(checker.check_source(source, parse_release(release), tree,
                                        opt_in=OPT_IN_CODES, kind=kind))
    return out[0], out[1]


EXAMPLES = [
    pytest.param(example, id=f"{rule.code}-{kind}-{index}")
    for rule in ALL_RULES
    for kind in ("valid", "invalid")
    for index, example in enumerate(examples(getattr(rule, kind)))
]


@pytest.mark.parametrize("example", EXAMPLES)
def test_rule_examples_same_findings(example, monkeypatch):
    source, _ = as_configuration(example.code, example.filename)
    kind = LDAP if example.filename == "ldap_config.py" else NETBOX
    whole, large = both(source, example.netbox_version, kind, monkeypatch)
    assert large == whole


@pytest.mark.parametrize("path", sorted(p for p in FIXTURES.rglob("*.py")
                                        if p.name != "syntax_error.py"),
                         ids=lambda p: str(p.relative_to(FIXTURES)))
def test_fixtures_same_findings(path, monkeypatch):
    source = path.read_text(encoding="utf-8")
    for release in ("4.7", "3.5", "2.10"):
        whole, large = both(source, release, NETBOX, monkeypatch)
        assert large == whole


LAYOUTS = {
    "semicolons": "import os; SECRET_KEY = 'x' * 10\nDEBUG = True; ALLOWED_HOSTS = ['*']\n",
    "backslash": "DEBUG = True; \\\n  ALLOWED_HOSTS = ['*']\nSECRET_KEY = 'short'\n",
    "decorators": "import os\n@staticmethod\n# between\n@property\ndef f(): pass\n"
                  "ALLOWED_HOSTS = ['*']\n",
    "comments": "# header\n\n# before\nALLOWED_HOSTS = ['*']  # after\n    # indented\n"
                "if DEBUG:\n    SECRET_KEY = 'abc'\n    # in the block\n# after the block\n"
                "DEBUG = 1\n# trailing\n",
    "crlf": "ALLOWED_HOSTS = ['*']\r\nif x:\r\n  SECRET_KEY = 'a'\r\nDEBUG = 'yes'\r\n",
    "lone-cr": "ALLOWED_HOSTS = ['*']\rSECRET_KEY = 'a'\rDEBUG = 'yes'\r",
    "mixed-ends": "ALLOWED_HOSTS = [\r\n '*']\nSECRET_KEY = (\n 'a')\r\nDEBUG = 'yes'",
    "form-feed": "ALLOWED_HOSTS = ['*']\n\x0cSECRET_KEY = 'a'\n",
    "cookie": "# -*- coding: latin-1 -*-\nALLOWED_HOSTS = ['*']\nSECRET_KEY = '\\u00e9'\n",
    "tabs": "if x:\n\tSECRET_KEY = 'a'\nif y:\n  DEBUG = 'no'\nALLOWED_HOSTS = ['*']\n",
    "strings": 'BANNER_TOP = """\nALLOWED_HOSTS = 1\n"""\nALLOWED_HOSTS = [\'*\']\n'
               "SECRET_KEY = 'a\\\nb'\n",
    "functions": "import os\ndef env(name):\n    return os.environ.get(name, 'x')\n"
                 "class C:\n    X = 1\nSECRET_KEY = env('K')\nALLOWED_HOSTS = ['*']\n"
                 "DATABASE = {'PASSWORD': env('P')}\n",
    "compound": "try:\n    import ldap\nexcept ImportError:\n    pass\nelse:\n    X = 1\n"
                "for h in []:\n    ALLOWED_HOSTS.append(h)\nwhile False:\n    pass\n"
                "with open('x') as f:\n    pass\nALLOWED_HOSTS = ['*']\n",
    "match": "match x:\n    case 1:\n        DEBUG = True\n    case _:\n        DEBUG = 'no'\n"
             "ALLOWED_HOSTS = ['*']\n",
    "no-final-newline": "ALLOWED_HOSTS = ['*']\nSECRET_KEY = 'a'",
    "redis": redis_branches(40),
}


@pytest.mark.parametrize("name", sorted(LAYOUTS))
def test_layouts_cut_as_libcst_groups_them(name, monkeypatch):
    source = LAYOUTS[name]
    if name == "match" and sys.version_info < (3, 10):
        pytest.skip("match needs Python 3.10")
    found = pieces.cut(source, ast.parse(source))
    assert found is not None
    assert len(found) == len(cst.parse_module(source).body)
    assert "".join(source[p.start:p.end] for p in found) == source
    whole, large = both(source, "4.7", NETBOX, monkeypatch)
    assert large == whole
    if name == "redis":
        assert any(message.startswith("NBX201") for _, _, message in large)


def test_no_statement_tree_outlives_its_evaluation(monkeypatch):
    """The memory mechanism: evaluated whole, the module keeps every ``if`` of the file alive;
    evaluated piece by piece, none (only the few nodes the facts name are remembered)."""
    source = redis_branches(300)
    tree = ast.parse(source)

    def live_ifs() -> int:
        return sum(isinstance(o, cst.If) for o in gc.get_objects())

    module = cst.parse_module(source)
    facts = evaluate(module, tree, source)
    assert live_ifs() >= 300
    del module, facts
    gc.collect()
    assert live_ifs() == 0
    monkeypatch.setattr(pieces, "LARGE_SOURCE", 0)
    facts, store = pieces.evaluate_pieces(source, tree)
    assert live_ifs() == 0
    # the values each block writes and the names it reads (9 nodes), not its ~120 nodes
    assert 0 < store.held_count() <= 10 * 300
    assert facts.is_bound("REDIS")


def test_held_finds_exactly_the_nodes_referred_to_from_outside():
    statement = cst.parse_module("X = {'a': [b, f(c)], **d}  # note\n").body[0]
    assert pieces.held(statement) == []
    value = statement.body[0].value
    kept = [value, value.elements[0].value.elements[1].value.args[0].value,
            value.elements[1], statement.body[0].targets[0].target]
    found = pieces.held(statement)
    assert {id(node) for node, _ in found} == {id(node) for node in kept}
    for node, path in found:
        assert pieces.follow(statement, path) is node
        assert pieces.find(statement, node) == path


def test_a_cut_libcst_does_not_agree_with_falls_back_to_the_whole_module(monkeypatch):
    monkeypatch.setattr(pieces, "LARGE_SOURCE", 0)
    source = "ALLOWED_HOSTS = ['*']\nSECRET_KEY = 'a'\nDEBUG = 'yes'\n"
    other = ast.parse("ALLOWED_HOSTS = [\n'*']\nSECRET_KEY = 'a'\n")  # not this text's tree
    assert pieces.evaluate_pieces(source, other) is None


def test_one_statement_that_is_most_of_the_file_is_parsed_whole(monkeypatch):
    monkeypatch.setattr(pieces, "LARGE_SOURCE", 0)
    source = "import os\nPLUGINS_CONFIG = {\n" + "".join(
        f"    'p{i}': {{'a': {i}}},\n" for i in range(200)) + "}\n"
    assert pieces.evaluate_pieces(source, ast.parse(source)) is None


def test_large_files_take_the_large_file_path(monkeypatch):
    source = redis_branches(700)
    assert len(source) >= pieces.LARGE_SOURCE
    calls = []
    real = pieces.evaluate_pieces
    monkeypatch.setattr(pieces, "evaluate_pieces",
                        lambda *args: calls.append(1) or real(*args))
    found = checker.check_source(source, DEFAULT_RELEASE)
    assert calls and any(message.startswith("NBX201") for _, _, message in found)
