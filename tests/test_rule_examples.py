"""Every rule's documented examples, run through flake8: the docs cannot drift from behaviour."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from flake8_netbox.rules import ALL_RULES
from flake8_netbox.rules.base import examples
from helpers import as_configuration, expected_markers, lint, shifted

CASES = [
    pytest.param(rule, example, kind, id=f"{rule.code}-{kind}-{index}")
    for rule in ALL_RULES
    for kind in ("valid", "invalid")
    for index, example in enumerate(examples(getattr(rule, kind)))
]


@pytest.mark.parametrize("rule, example, kind", CASES)
def test_example(rule, example, kind, tmp_path):
    source, offset = as_configuration(example.code, example.filename)
    results = lint(source, tmp_path, f"--select={rule.code}",
                   f"--netbox-version={example.netbox_version}", name=example.filename)
    found = Counter((r.row, r.code) for r in results)
    if kind == "valid":
        assert not found, f"valid example reported: {results}"
    else:
        expected = Counter(shifted(expected_markers(example.code), offset))
        assert expected, "an invalid example must mark the lines it expects"
        assert found == expected, f"{results}"


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda rule: rule.code)
def test_rule_is_documented(rule):
    assert re.fullmatch(r"NBX\d{3}", rule.code)
    assert rule.name and rule.summary and rule.why
    assert rule.valid and rule.invalid


def test_codes_are_unique():
    codes = [rule.code for rule in ALL_RULES]
    assert len(codes) == len(set(codes))


def test_opt_in_codes_match_rules():
    from flake8_netbox.plugin import OPT_IN_CODES

    assert set(OPT_IN_CODES) == {rule.code for rule in ALL_RULES if rule.opt_in}
