"""Measure what flake8-netbox costs: start-up import, ordinary files, and configurations.

Run: python bench/bench_plugin.py   (prints a table; nothing to install beyond the package)
"""

from __future__ import annotations

import ast
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable, List

sys.path.insert(0, str(Path(__file__).parent))

from configs import configuration  # noqa: E402


def best_of(func: Callable[[], object], repeat: int = 15) -> float:
    """Median wall time of ``func`` in milliseconds."""
    times: List[float] = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def import_time_ms() -> float:
    """Self+cumulative import time of the module flake8 loads at start-up."""
    proc = subprocess.run([sys.executable, "-X", "importtime", "-c",
                           "import flake8_netbox.plugin"], capture_output=True, text=True,
                          check=True)
    for line in proc.stderr.splitlines():
        if line.rstrip().endswith("| flake8_netbox.plugin"):
            return int(line.split("|")[1]) / 1000
    raise RuntimeError(proc.stderr)


def libcst_imported_at_startup() -> bool:
    proc = subprocess.run([sys.executable, "-c", "import sys, flake8_netbox.plugin; "
                           "print('libcst' in sys.modules)"], capture_output=True, text=True,
                          check=True)
    return proc.stdout.strip() == "True"


def ordinary_file_cost_us() -> float:
    """The plugin's time on a file that is not a configuration (name mismatch)."""
    from flake8_netbox.plugin import NetBoxPlugin

    source = "import os\n\ndef main():\n    return os.getcwd()\n" * 20
    tree = ast.parse(source)
    lines = source.splitlines(True)
    rounds = 10_000

    def run() -> None:
        for _ in range(rounds):
            list(NetBoxPlugin(tree, "src/app/views.py", lines).run())

    return best_of(run, 5) * 1000 / rounds


def configuration_ratio(lines: int) -> tuple:
    import libcst

    from flake8_netbox.checker import check_source
    from flake8_netbox.netbox import DEFAULT_RELEASE

    source = configuration(lines)
    tree = ast.parse(source)
    check_source(source, DEFAULT_RELEASE, tree)  # warm up imports and caches
    parse = best_of(lambda: libcst.parse_module(source))
    plugin = best_of(lambda: check_source(source, DEFAULT_RELEASE, tree))
    return source.count("\n"), parse, plugin


def whole_process(lines: int, repeat: int = 9) -> tuple:
    """flake8 on a configuration vs. the same text under another name, whole processes."""
    with tempfile.TemporaryDirectory() as folder:
        text = configuration(lines)
        Path(folder, "configuration.py").write_text(text)
        Path(folder, "other_name.py").write_text(text)

        def timed(name: str) -> float:
            return best_of(lambda: subprocess.run(
                [sys.executable, "-m", "flake8", "--select=NBX", name], cwd=folder,
                capture_output=True, check=False), repeat)

        return timed("configuration.py"), timed("other_name.py")


def main() -> None:
    print(f"Python {sys.version.split()[0]} on {os.cpu_count()} cores")
    print(f"import flake8_netbox.plugin: {import_time_ms():.2f} ms cumulative; "
          f"libcst imported at start-up: {libcst_imported_at_startup()}")
    print(f"plugin on an ordinary file: {ordinary_file_cost_us():.1f} us per file")
    print()
    print("| configuration | libcst.parse_module | whole plugin (parse, evaluate, rules, "
          "positions) | ratio |")
    print("| --- | --- | --- | --- |")
    for lines in (300, 3000, 30000):
        count, parse, plugin = configuration_ratio(lines)
        print(f"| {count} lines | {parse:.1f} ms | {plugin:.1f} ms | {plugin / parse:.2f} |")
    print()
    config, other = whole_process(300)
    print(f"flake8 --select=NBX, whole process, 300 lines: configuration.py {config:.0f} ms, "
          f"same text as other_name.py {other:.0f} ms (difference {config - other:.0f} ms: "
          "libcst import, parse and checks)")


if __name__ == "__main__":
    main()
