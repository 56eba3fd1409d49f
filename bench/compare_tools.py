"""Whole-process comparisons that need other environments: flake8 with and without the plugin
on ordinary files, and what bandit, ruff and detect-secrets find on NetBox configurations.

Run: python bench/compare_tools.py   (creates its own virtual environments under bench/out/,
installing flake8 alone and the peer tools from the package index; nothing is added to the
package's dependencies)
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
import venv
from pathlib import Path
from importlib.metadata import version
from typing import Dict, List, Sequence

HERE = Path(__file__).parent
OUT = HERE / "out"
CASES = OUT / "cases"
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "15"))


def environment(name: str, packages: Sequence[str]) -> Path:
    """A virtual environment under bench/out with ``packages`` installed (made once)."""
    folder = OUT / name
    python = folder / "bin" / "python"
    marker = folder / ".installed"
    if not marker.exists() or marker.read_text() != " ".join(packages):
        shutil.rmtree(folder, ignore_errors=True)
        venv.create(folder, with_pip=True)
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", *packages], check=True)
        marker.write_text(" ".join(packages))
    return folder / "bin"


def versions() -> Dict[str, str]:
    return {name: version(name) for name in ("flake8", "pycodestyle", "pyflakes", "mccabe")}


ORDINARY = '''\
"""Module {n}: ordinary application code, no NetBox settings."""
import os
from typing import Dict, List


class Service{n}:
    def __init__(self, name: str, retries: int = 3) -> None:
        self.name = name
        self.retries = retries
        self.cache: Dict[str, List[int]] = {{}}

    def fetch(self, key: str) -> List[int]:
        if key in self.cache:
            return self.cache[key]
        values = [len(key) * i for i in range(self.retries)]
        self.cache[key] = values
        return values


def main() -> int:
    service = Service{n}(os.environ.get("SERVICE_NAME", "svc{n}"))
    return sum(service.fetch("key{n}"))
'''


def ordinary_tree(count: int = 400) -> Path:
    tree = OUT / "ordinary-tree"
    if not tree.exists() or len(list(tree.rglob("*.py"))) != count:
        shutil.rmtree(tree, ignore_errors=True)
        for n in range(count):
            folder = tree / f"pkg{n // 40}"
            folder.mkdir(parents=True, exist_ok=True)
            (folder / f"module_{n}.py").write_text(ORDINARY.format(n=n))
    return tree


def timed(argv: List[str], cwd: Path) -> float:
    """CPU time (user + system) of one whole process: steadier than wall time on a shared
    machine, and what a plugin adds is CPU work."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(argv, cwd=cwd, capture_output=True, check=False)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def paired(first: List[str], second: List[str], cwd: Path, rounds: int = ROUNDS):
    """Alternate the two commands so that machine noise hits both alike; medians in seconds."""
    a, b = [], []
    timed(first, cwd), timed(second, cwd)  # warm the file cache
    for _ in range(rounds):
        a.append(timed(first, cwd))
        b.append(timed(second, cwd))
    return (statistics.median(a), statistics.median(b)), (min(a), min(b))


INSIDE = """
import time
from flake8.main.cli import main
from flake8_netbox.plugin import NetBoxPlugin
spent = [0]
original = NetBoxPlugin.run
def run(self):
    start = time.perf_counter()
    results = list(original(self))
    spent[0] += time.perf_counter() - start
    return iter(results)
NetBoxPlugin.run = run
start = time.perf_counter()
main(["--jobs=1", ".", "--output-file=/dev/null"])
total = time.perf_counter() - start
print(f"the plugin's run() took {spent[0] * 1000:.1f} ms of flake8's {total * 1000:.0f} ms "
      f"({100 * spent[0] / total:.2f} %)")
"""


def ordinary_files() -> None:
    pins = [f"{name}=={version}" for name, version in versions().items()]
    # The same packages on both sides (libcst included), so that only the plugin differs.
    bare = environment("flake8-only", [*pins, f"libcst=={version('libcst')}"])
    # The plugin installed as users install it (not editable: an editable install's import
    # hook would be measured too), with the same flake8.
    plugin_env = environment("flake8-with-plugin", [*pins, str(HERE.parent.resolve())])
    tree = ordinary_tree()
    for label, args in (("400 files", ["--jobs=1", "."]),
                        ("1 file", ["pkg0/module_0.py"])):
        with_plugin = [str(plugin_env / "python"), "-m", "flake8", *args]
        without = [str(bare / "python"), "-m", "flake8", *args]
        (plugin, alone), (plugin_min, alone_min) = paired(with_plugin, without, tree)
        ratio = plugin / alone
        verdict = f" ({'PASS' if ratio <= 1.02 else 'FAIL'} against <= 1.02)" \
            if label == "400 files" else ""
        print(f"flake8 on {label} of ordinary code, CPU time over {ROUNDS} paired runs: "
              f"median with flake8-netbox {plugin * 1000:.0f} ms, without {alone * 1000:.0f} ms, "
              f"ratio {ratio:.3f}{verdict}; fastest runs {plugin_min * 1000:.0f} / "
              f"{alone_min * 1000:.0f} ms, ratio {plugin_min / alone_min:.3f}")
    inside = subprocess.run([str(plugin_env / "python"), "-c", INSIDE], cwd=tree,
                            capture_output=True, text=True, check=True).stdout.strip()
    print(f"in one flake8 process on the 400 files: {inside}")


# -- peers -------------------------------------------------------------------------------------

CLEAN = """\
import os

ALLOWED_HOSTS = ['netbox.example.com']
DATABASES = {
    'default': {
        'NAME': 'netbox',
        'USER': 'netbox',
        'PASSWORD': os.environ['DB_PASSWORD'],
        'HOST': 'db.example.com',
    },
}
REDIS = {
    'tasks': {'HOST': 'redis', 'PASSWORD': os.environ['REDIS_PASSWORD'], 'DATABASE': 0},
    'caching': {'HOST': 'redis', 'PASSWORD': os.environ['REDIS_PASSWORD'], 'DATABASE': 1},
}
SECRET_KEY = os.environ['SECRET_KEY']
DEBUG = False
"""

#: One seeded problem per file: (folder name, text replaced in CLEAN, replacement).
PROBLEMS = [
    ("no_problem", "", ""),
    ("NBX001_REDIS_missing", "REDIS = {", "_REDIS = {"),
    ("NBX002_DATABASE_and_DATABASES", "DEBUG = False", "DEBUG = False\nDATABASE = {'NAME': 'n'}"),
    ("NBX003_no_caching_section", "    'caching': {'HOST'", "    'cache': {'HOST'"),
    ("NBX004_hosts_from_raw_env", "['netbox.example.com']", "os.environ['ALLOWED_HOSTS']"),
    ("NBX005_flat_2.6_layout", "REDIS = {\n    'tasks'",
     "REDIS = {'DATABASE': 0, 'CACHE_DATABASE': 1}\n_OLD = {\n    'tasks'"),
    ("NBX006_DEBUG_env_string", "DEBUG = False", "DEBUG = os.environ.get('DEBUG', 'False')"),
    ("NBX101_short_SECRET_KEY", "os.environ['SECRET_KEY']", "'my-netbox-key'"),
    ("NBX102_weak_SECRET_KEY", "os.environ['SECRET_KEY']",
     "'django-insecure-q8#x2!pm(7w@k=4r+e9t^b$u6n-c1d&s0f)h5j3v'"),
    ("NBX201_shared_Redis_database", "'DATABASE': 1}", "'DATABASE': 0}"),
    ("NBX301_database_password_literal", "os.environ['DB_PASSWORD']", "'Xk29-pgPass!'"),
    ("NBX302_password_env_fallback", "os.environ['DB_PASSWORD']",
     "os.environ.get('DB_PASSWORD', 'netbox123')"),
]


def make_cases() -> None:
    shutil.rmtree(CASES, ignore_errors=True)
    for name, old, new in PROBLEMS:
        folder = CASES / name
        folder.mkdir(parents=True)
        text = CLEAN.replace(old, new, 1) if old else CLEAN
        assert text != CLEAN or not old, name
        (folder / "configuration.py").write_text(text)


PEERS = {
    "flake8-netbox": lambda bins, path: [sys.executable, "-m", "flake8_netbox", "--isolated",
                                         "--format=%(path)s:%(row)d: %(code)s", str(path)],
    "bandit (B105)": lambda bins, path: [str(bins / "bandit"), "-q", "-f", "json", str(path)],
    "ruff (S105)": lambda bins, path: [str(bins / "ruff"), "check", "--isolated", "--select",
                                       "S", "--output-format", "json", str(path)],
    "detect-secrets": lambda bins, path: [str(bins / "detect-secrets"), "scan", str(path)],
}


def found(tool: str, output: str) -> int:
    """How many findings a tool printed (each tool's own output format)."""
    if tool == "flake8-netbox":
        return len([line for line in output.splitlines() if ": NBX" in line])
    try:
        data = json.loads(output or "{}")
    except json.JSONDecodeError:
        return 0
    if tool.startswith("bandit"):
        return len(data.get("results", []))
    if tool.startswith("ruff"):
        return len(data)
    return sum(len(v) for v in data.get("results", {}).values())


def peers() -> None:
    bins = environment("peers", ["bandit", "ruff", "detect-secrets"])
    make_cases()
    cases = [CASES / name / "configuration.py" for name, _, _ in PROBLEMS]
    print("| problem (one file each, bench/cases/) | " + " | ".join(PEERS) + " |")
    print("| --- |" + " --- |" * len(PEERS))
    totals = {tool: 0.0 for tool in PEERS}
    for case in cases:
        row = []
        for tool, command in PEERS.items():
            argv = command(bins, case)
            times = []
            for _ in range(3):
                start = time.perf_counter()
                proc = subprocess.run(argv, capture_output=True, text=True, cwd=case.parent)
                times.append(time.perf_counter() - start)
            totals[tool] += statistics.median(times)
            count = found(tool, proc.stdout)
            row.append(f"{count} finding{'s' if count != 1 else ''}" if count else "-")
        title = case.parent.name.replace("_", " ")
        print(f"| {title} | " + " | ".join(row) + " |")
    print("| whole-process time, all cases (median of 3 per case) | " +
          " | ".join(f"{totals[tool] * 1000:.0f} ms" for tool in PEERS) + " |")


if __name__ == "__main__":
    OUT.mkdir(exist_ok=True)
    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} cores, "
          f"{', '.join(f'{k} {v}' for k, v in versions().items())}")
    ordinary_files()
    print()
    peers()
