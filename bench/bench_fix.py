"""How long --fix takes, next to linting the same file (not part of the test suite).

A NetBox 2.6 file (flat REDIS, a renamed setting) padded with ordinary settings to a given
size is fixed for 4.6 in-process; each figure is the best of five runs.

    python bench/bench_fix.py
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Callable

from flake8_netbox.checker import check_source
from flake8_netbox.fixer import fix_source
from flake8_netbox.releases import parse_release

ROOT = Path(__file__).resolve().parent.parent
OLD = (ROOT / "tests" / "fixtures" / "upgrade" / "netbox26.py").read_text(encoding="utf-8")
RELEASE = parse_release("4.6")


def padded(lines: int) -> str:
    filler = [f"_plugin_{i} = {{'name': 'plugin-{i}', 'enabled': True}}  # filler"
              for i in range(max(lines - OLD.count("\n"), 0))]
    return OLD + "\n".join(filler) + "\n"


def best(func: Callable[[], object], repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    for lines in (40, 300, 3000):
        source = padded(lines)
        result = fix_source(source, RELEASE)
        assert len(result.changes) == 2, [c.summary for c in result.changes]
        fixing = best(lambda: fix_source(source, RELEASE))
        linting = best(lambda: check_source(source, RELEASE))
        print(f"{source.count(chr(10)):5d} lines: --fix {fixing * 1000:7.1f} ms "
              f"(2 fixes), lint {linting * 1000:6.1f} ms, ratio {fixing / linting:.1f}")


if __name__ == "__main__":
    main()
