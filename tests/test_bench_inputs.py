"""The benchmarks measure what they say: their generated configuration lints clean, so the
figures in docs/performance.md time a file without findings (a finding costs position
metadata for its whole statement, which would be timed too)."""

import importlib.util
from pathlib import Path

from flake8_netbox.checker import check_source
from flake8_netbox.netbox import DEFAULT_RELEASE

BENCH = Path(__file__).parent.parent / "bench"


def test_bench_configuration_lints_clean():
    spec = importlib.util.spec_from_file_location("bench_configs", BENCH / "configs.py")
    configs = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(configs)
    for lines in (300, 3000):
        source = configs.configuration(lines)
        assert abs(source.count("\n") - lines) <= 10
        assert check_source(source, DEFAULT_RELEASE) == []
