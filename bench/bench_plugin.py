"""Measure what flake8-netbox costs: start-up import, ordinary files, and configurations.

Run: python bench/bench_plugin.py   (prints a table; nothing to install beyond the package)
"""

from __future__ import annotations

import ast
import gc
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable, List, Tuple

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
    """Cumulative import time of the module flake8 loads at start-up, after what flake8 itself
    has loaded by then (its own modules and the standard library they pull in)."""
    proc = subprocess.run([sys.executable, "-X", "importtime", "-c",
                           "import flake8.main.application, fnmatch; import flake8_netbox.plugin"],
                          capture_output=True, text=True, check=True)
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
    gc.disable()  # the plugin parses with the cyclic collector paused: the same floor
    try:
        bare = best_of(lambda: libcst.parse_module(source))
    finally:
        gc.enable()
    return source.count("\n"), parse, plugin, bare


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


PEAK_RSS = """
import sys
sys.path.insert(0, {bench!r})
from configs import configuration
from flake8_netbox.checker import check_source
from flake8_netbox.netbox import DEFAULT_RELEASE

def peak():  # VmHWM belongs to this program image; ru_maxrss would carry the parent's peak
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmHWM"))

source = configuration({lines})
before = peak()
check_source(source, DEFAULT_RELEASE)
print(before, peak())
"""


def peak_rss_kib(lines: int) -> Tuple[int, int]:
    """Peak RSS of a process before and after checking a configuration of ``lines`` lines."""
    proc = subprocess.run([sys.executable, "-c", PEAK_RSS.format(
        bench=str(Path(__file__).parent), lines=lines)], capture_output=True, text=True,
        check=True)
    before, after = proc.stdout.split()
    return int(before), int(after)


def libcst_import_ms() -> float:
    proc = subprocess.run([sys.executable, "-X", "importtime", "-c", "import libcst"],
                          capture_output=True, text=True, check=True)
    for line in proc.stderr.splitlines():
        if line.rstrip().endswith("| libcst"):
            return int(line.split("|")[1]) / 1000
    raise RuntimeError(proc.stderr)


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def main() -> None:
    print(f"Python {sys.version.split()[0]} on {os.cpu_count()} cores")
    startup = import_time_ms()
    print(f"import flake8_netbox.plugin: {startup:.2f} ms cumulative "
          f"({verdict(startup < 5)} against < 5 ms); libcst imported at start-up: "
          f"{libcst_imported_at_startup()}")
    print(f"plugin on an ordinary file: {ordinary_file_cost_us():.1f} us per file")
    print()
    print("| configuration | libcst.parse_module | the same, gc paused | whole plugin (parse, "
          "evaluate, rules, positions) | ratio to parse (target <= 1.5) | ratio to parse with gc "
          "paused | peak RSS growth |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    per_line = {}
    for lines in (300, 3000, 30000):
        count, parse, plugin, bare = configuration_ratio(lines)
        before, after = peak_rss_kib(lines)
        per_line[lines] = (bare / count, plugin / count)
        print(f"| {count} lines | {parse:.1f} ms | {bare:.1f} ms | {plugin:.1f} ms | "
              f"{plugin / parse:.2f} ({verdict(lines > 3000 or plugin / parse <= 1.5)}) | "
              f"{plugin / bare:.2f} | {(after - before) / 1024:.1f} MiB |")
    parse_growth = per_line[3000][0] / per_line[300][0]
    plugin_growth = per_line[3000][1] / per_line[300][1]
    print(f"\ntime per line, 300 -> 3,000 lines: libcst parse (gc paused) x{parse_growth:.2f}, "
          f"plugin "
          f"x{plugin_growth:.2f}; plugin growth / parse growth = "
          f"{plugin_growth / parse_growth:.2f} ({verdict(plugin_growth / parse_growth <= 1.2)}"
          " against <= 1.2)")
    print()
    config, other = whole_process(300)
    libcst_ms = libcst_import_ms()
    _, parse, plugin, _ = configuration_ratio(300)
    rest = config - other - libcst_ms - plugin
    print(f"cold start, flake8 --select=NBX on one 300-line file, whole process (median): "
          f"as configuration.py {config:.0f} ms, as other_name.py {other:.0f} ms; difference "
          f"{config - other:.0f} ms = import libcst {libcst_ms:.0f} ms + parse {parse:.0f} ms "
          f"+ evaluation, rules and positions {plugin - parse:.0f} ms + other {rest:.0f} ms")


if __name__ == "__main__":
    main()
