"""One finding per cause: a misspelt required key is reported once, with the key named."""

from __future__ import annotations

from helpers import lint

HEAD = "import os\nALLOWED_HOSTS = ['x']\nSECRET_KEY = os.environ['K']\n"


def test_misspelt_caching_section(tmp_path):
    source = HEAD + ("DATABASES = {'default': {'NAME': 'n'}}\n"
                     "REDIS = {'tasks': {'DATABASE': 0}, 'cache': {'DATABASE': 1}}\n")
    results = lint(source, tmp_path)
    assert [r.code for r in results] == ["NBX003"]
    assert "'cache' looks like a misspelling" in results[0].text


def test_misspelt_database_name(tmp_path):
    source = HEAD + ("DATABASE = {'NMAE': 'netbox', 'USER': 'netbox'}\n"
                     "REDIS = {'tasks': {'DATABASE': 0}, 'caching': {'DATABASE': 1}}\n")
    results = lint(source, tmp_path)
    assert [r.code for r in results] == ["NBX003"]
    assert "'NMAE' looks like a misspelling" in results[0].text


def test_shared_literal_reported_once(tmp_path):
    source = HEAD + ("PW = 'redis-password'\nDATABASES = {'default': {'NAME': 'n'}}\n"
                     "REDIS = {'tasks': {'PASSWORD': PW, 'DATABASE': 0},\n"
                     "         'caching': {'PASSWORD': PW, 'DATABASE': 1}}\n")
    assert [(r.row, r.code) for r in lint(source, tmp_path)] == [(4, "NBX301")]
