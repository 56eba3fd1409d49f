"""How long --fix takes, next to linting the same file (not part of the test suite).

A NetBox 2.6 file (flat REDIS, a renamed setting) padded with ordinary settings to a given
size is fixed for 4.6 in-process; each figure is the best of five runs (three for the largest).
The largest sizes show the work limit (``fixer.MAX_FIX_WORK``, in syntax-tree nodes times
passes): a file whose fixes fit is fixed, a larger one is left unchanged with a note, and
either way ``--fix`` costs a small multiple of linting.

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
    import ast

    for lines in (40, 300, 3000, 6000, 12000):
        source = padded(lines)
        nodes = sum(1 for _ in ast.walk(ast.parse(source)))
        result = fix_source(source, RELEASE)
        refused = [r for r in result.refusals if "too large for --fix" in r.reason]
        assert len(result.changes) == 2 or refused, [c.summary for c in result.changes]
        outcome = "refused: too large" if refused else "2 fixes"
        repeat = 5 if lines <= 3000 else 3
        fixing = best(lambda: fix_source(source, RELEASE), repeat)
        linting = best(lambda: check_source(source, RELEASE), repeat)
        print(f"{source.count(chr(10)):6,d} lines, {nodes:7,d} nodes: --fix "
              f"{fixing * 1000:7.1f} ms ({outcome}), lint {linting * 1000:7.1f} ms, "
              f"ratio {fixing / linting:.1f}", flush=True)


if __name__ == "__main__":
    main()
