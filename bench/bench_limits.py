"""The worst realistic inputs of issue 15, each in a fresh process: time and peak memory.

Run: python bench/bench_limits.py   (prints a Markdown table; about a minute)

Every case is a file someone could meet in a repository: values that double on every line,
a list extended by itself, 2,000 ``if`` blocks writing REDIS keys, a nested-quantifier CORS
pattern, 5,000 unknown names, a 600-long ``or`` chain given to ``--fix``, and generated
configurations of 3,000 and 30,000 lines (whose time per line must stay flat), written as one
large dict and as one statement per site. Each runs in its
own interpreter under a 2 GB address-space limit (a MemoryError instead of the machine's
out-of-memory killer); the figures are the check's wall time, that time against a plain
``libcst.parse_module`` of the same text in the same process (the ratio stays meaningful on a
busy machine), and the process's peak RSS, next to the same process checking a 300-line
configuration (the baseline: interpreter and libcst imported). Target: under 2 s and 200 MB
each.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Callable, Dict, List, Tuple

sys.path.insert(0, str(Path(__file__).parent))

from configs import HEAD as HEAD_CONFIGURATION, configuration  # noqa: E402

HEAD = ("import os\n"
        "ALLOWED_HOSTS = ['netbox.example.com']\n"
        "DATABASE = {'NAME': 'netbox', 'PASSWORD': os.environ['DB_PASSWORD']}\n"
        "REDIS = {'tasks': {'HOST': 'r', 'DATABASE': 0}, 'caching': {'HOST': 'r', 'DATABASE': 1}}\n"
        "SECRET_KEY = os.environ['SECRET_KEY']\n")
LIMIT_BYTES = 2 * 1024 ** 3


def string_doubling() -> str:
    return HEAD + "BANNER = 'ab'\n" + "BANNER += BANNER\n" * 40


def list_doubling() -> str:
    return HEAD + "_L = ['a']\n" + "_L = _L + _L\n" * 30 + "ALLOWED_HOSTS = _L\n"


def replace_growth() -> str:
    return HEAD + "_A = 'a' * 40000\n_B = _A.replace('a', _A)\nBANNER_TOP = _B\n"


def self_extend() -> str:
    return HEAD + "ALLOWED_HOSTS += ALLOWED_HOSTS\nALLOWED_HOSTS.extend(ALLOWED_HOSTS)\n" * 20


def nested_growth() -> str:
    return HEAD + "_L = ['a']\n" + "_L = [_L, _L]\n" * 40 + "ALLOWED_HOSTS = _L\n"


def redis_branches() -> str:
    blocks = [f"if os.environ.get('A{i}'):\n    REDIS['tasks']['DATABASE'] = {i}\n"
              f"    REDIS['caching']['DATABASE'] = {i + 1}\n    REDIS['tasks']['HOST'] = 'h{i}'\n"
              f"    REDIS['caching']['HOST'] = 'h{i}'\n" for i in range(2000)]
    return HEAD + "".join(blocks)


def redos_pattern() -> str:
    return HEAD + "CORS_ORIGIN_REGEX_WHITELIST = [r'^(.*?)*(.*?)*(.*?)*\\.example\\.com$']\n"


def unknown_names() -> str:
    return HEAD + "".join(f"REDIS_SETTING_{i} = {i}\n" for i in range(5000))


def deep_or_chain() -> str:
    chain = " or ".join(f"os.environ.get('H{i}')" for i in range(600))
    return HEAD + "DATABASE['PASSWORD'] = 'Rc4-recursion-pw'\nBANNER_TOP = " + chain + "\n"


def configuration_statements(lines: int) -> str:
    """The generated configuration with one top-level statement per site (``PLUGINS_CONFIG[
    'netbox_bgp']['site_n'] = {...}``) instead of one 29,000-line dict: a large file of many
    statements, which is checked one statement at a time (flake8_netbox/pieces.py)."""
    text = HEAD_CONFIGURATION + "    },\n}\n"
    n = 0
    while text.count("\n") < lines:
        text += (f"\n# Site {n}\nPLUGINS_CONFIG['netbox_bgp']['site_{n}'] = {{\n"
                 f"    'enabled': True,\n    'region': 'region-{n}',\n    'asn': {n},\n"
                 f"    'peers': ['192.0.2.{n % 250}', '198.51.100.{n % 250}'],\n"
                 f"    'timeout': 30,\n}}\n")
        n += 1
    return text


#: (name, builder, mode): mode "lint" runs the checker, "fix" the whole fixer (all fix kinds).
CASES: List[Tuple[str, Callable[[], str], str]] = [
    ("baseline: 300-line configuration", lambda: configuration(300), "lint"),
    ("string doubling (`BANNER += BANNER` x 40)", string_doubling, "lint"),
    ("list doubling (`L = L + L` x 30)", list_doubling, "lint"),
    ("`'a' * 40000` then `.replace('a', itself)`", replace_growth, "lint"),
    ("self-extend (`+=` and `.extend` of itself, x 20)", self_extend, "lint"),
    ("nesting growth (`L = [L, L]` x 40)", nested_growth, "lint"),
    ("2,000 `if` blocks writing REDIS keys (10,000 lines)", redis_branches, "lint"),
    ("ReDoS CORS pattern `^(.*?)*(.*?)*(.*?)*\\.example\\.com$`", redos_pattern, "lint"),
    ("5,000 unknown UPPER_CASE names", unknown_names, "lint"),
    ("600-long `or` chain, `--fix`", deep_or_chain, "fix"),
    ("generated configuration, 3,000 lines", lambda: configuration(3000), "lint"),
    ("generated configuration, 30,000 lines", lambda: configuration(30000), "lint"),
    ("generated configuration as statements, 3,000 lines",
     lambda: configuration_statements(3000), "lint"),
    ("generated configuration as statements, 30,000 lines",
     lambda: configuration_statements(30000), "lint"),
]

CHILD = """
import json, resource, sys, time
resource.setrlimit(resource.RLIMIT_AS, ({limit}, {limit}))
from flake8_netbox.checker import check_source
from flake8_netbox.fixer import fix_source
from flake8_netbox.releases import DEFAULT_RELEASE
source = open(sys.argv[1], encoding="utf-8").read()
start = time.perf_counter()
try:
    if sys.argv[2] == "fix":
        found = len(fix_source(source, DEFAULT_RELEASE,
                               kinds=("safe", "unsafe", "upgrade-databases")).remaining)
    else:
        found = len(check_source(source, DEFAULT_RELEASE))
    outcome = "ok"
except MemoryError:
    found, outcome = 0, "MemoryError"
seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
import gc, libcst
gc.disable()  # as the checker parses
start = time.perf_counter()
libcst.parse_module(source)
parse = time.perf_counter() - start
print(json.dumps(dict(seconds=seconds, peak_mb=peak, findings=found, outcome=outcome,
                      parse=parse)))
"""


def measure(source: str, mode: str) -> Dict[str, object]:
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False, encoding="utf-8") as f:
        f.write(source)
    try:
        proc = subprocess.run([sys.executable, "-c", CHILD.format(limit=LIMIT_BYTES), f.name,
                               mode], capture_output=True, text=True, timeout=600)
    finally:
        Path(f.name).unlink()
    if proc.returncode:
        return dict(seconds=float("nan"), peak_mb=float("nan"), findings=0,
                    outcome=(proc.stderr.strip().splitlines() or ["crashed"])[-1][:60])
    return json.loads(proc.stdout)


def main() -> None:
    print("| case | lines | mode | time | against libcst's parse alone | peak RSS | findings |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    per_line: Dict[str, Dict[int, float]] = {}
    for name, build, mode in CASES:
        source = build()
        lines = source.count("\n")
        result = measure(source, mode)
        seconds, peak = float(result["seconds"]), float(result["peak_mb"])
        note = "" if result["outcome"] == "ok" else f" ({result['outcome']})"
        ratio = seconds / float(result.get("parse") or "nan")
        print(f"| {name} | {lines:,} | {mode} | {seconds:.2f} s{note} | {ratio:.2f}x | "
              f"{peak:.0f} MB | {result['findings']} |", flush=True)
        if name.startswith("generated configuration"):
            per_line.setdefault(name.rsplit(",", 1)[0], {})[lines] = seconds / lines
    for shape, figures in per_line.items():
        if len(figures) == 2:
            small, large = sorted(figures)
            print(f"\n{shape}: time per line, {large:,} lines against {small:,}: "
                  f"{figures[large] / figures[small]:.2f}x (1.00 = linear)")


if __name__ == "__main__":
    main()
