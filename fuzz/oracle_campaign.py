"""Campaign: thousands of generated configurations judged by the real NetBox and by the plugin.

    python fuzz/oracle_campaign.py --configs 3000 --seed 1

Draws configurations from the oracle's hypothesis grammar (tests/oracle/grammar.py), loads
each in NetBox 4.7.3 through the fork server (tests/oracle/harness.py: cached virtual
environment, sandboxed children, a time bound per configuration), runs flake8 with the plugin
at --netbox-version 4.7 on the same text, and prints the counts per outcome, the explained
cases per kind, every disagreement (grammar choices, NetBox's exception, the plugin's
start-up findings) and the cost per configuration. ``--fresh N`` also loads the first N
configurations in a fresh interpreter each (no fork server) and counts verdicts that differ:
the fork server's shortcut (NetBox imported once) must not change any verdict.
Exit status 1 when any disagreement or harness failure remains.
"""

from __future__ import annotations

import argparse
import collections
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from hypothesis import HealthCheck, Phase, given, seed, settings  # noqa: E402

from oracle.grammar import configurations  # noqa: E402
from oracle.harness import (SERVER, Server, judge, network_namespace,  # noqa: E402
                            plugin_findings)


def draw(count: int, seed_value: int) -> list:
    drawn = []

    @seed(seed_value)
    @settings(max_examples=count, database=None, phases=[Phase.generate], deadline=None,
              suppress_health_check=list(HealthCheck))
    @given(configurations())
    def collect(config):
        drawn.append(config)

    collect()
    return drawn


def fresh_outcome(server: Server, source: str, env: dict) -> str:
    """The outcome in a new interpreter (the server script, one request, then exit)."""
    with tempfile.TemporaryDirectory(prefix="oracle-fresh-") as folder:
        Path(folder, "oracle_fresh_configuration.py").write_text(source, encoding="utf-8")
        request = json.dumps({"folder": folder, "module": "oracle_fresh_configuration",
                              "env": env, "timeout": 120})
        proc = subprocess.run([*network_namespace(), str(server.venv / "bin" / "python"), "-I",
                               str(SERVER), "--fresh"], input=request + "\n", capture_output=True,
                              text=True, timeout=300, env={"PATH": "/usr/bin:/bin"})
        lines = proc.stdout.splitlines()
        return json.loads(lines[1])["outcome"] if len(lines) > 1 else "crashed"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--configs", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--fresh", type=int, default=0,
                        help="also load the first N in a fresh interpreter each")
    args = parser.parse_args()

    started = time.perf_counter()
    configs = draw(args.configs, args.seed)
    drew = time.perf_counter() - started
    outcomes = collections.Counter()
    kinds = collections.Counter()
    disagreements = []
    netbox_seconds = lint_seconds = 0.0
    with Server() as server:
        print(f"NetBox {server.ready['netbox']} on Python {server.ready['python']}: imported "
              f"in {server.ready['import_seconds']} s; network namespace: "
              f"{'yes' if server.isolated else 'no (audit hook only)'}")
        for config in configs:
            tick = time.perf_counter()
            (findings,) = plugin_findings([config.source])
            lint_seconds += time.perf_counter() - tick
            tick = time.perf_counter()
            result, verdict, _ = judge(server, config.source, config.env, config.full_env)
            netbox_seconds += time.perf_counter() - tick
            outcomes[verdict.outcome] += 1
            kinds[result.kind] += 1
            if not result.agree:
                disagreements.append((config, result, verdict))
        mismatched = 0
        for config in configs[:args.fresh]:
            forked = server.check(config.source, config.env).outcome
            if fresh_outcome(server, config.source, config.env) != forked:
                mismatched += 1
    total = time.perf_counter() - started
    count = len(configs)
    print(f"configurations: {count} (seed {args.seed}; drawn in {drew:.1f} s)")
    print("NetBox outcomes: " + ", ".join(f"{k} {v}" for k, v in sorted(outcomes.items())))
    print("comparison: " + ", ".join(f"{k} {v}" for k, v in sorted(kinds.items())))
    print(f"cost per configuration: NetBox and the plugin (fork, with re-runs) "
          f"{1000 * netbox_seconds / count:.0f} ms, flake8 alone "
          f"{1000 * lint_seconds / count:.0f} ms; whole run {total:.0f} s")
    if args.fresh:
        print(f"fork server vs fresh interpreter: {mismatched} of {min(args.fresh, count)} "
              "outcomes differ")
    for config, result, verdict in disagreements:
        print("---", result.kind, "|", " ".join(config.parts))
        print("   NetBox:", verdict.outcome, verdict.exception, verdict.message[:160])
        print("   plugin:", result.detail[:300])
    return 1 if disagreements or (args.fresh and mismatched) else 0


if __name__ == "__main__":
    sys.exit(main())
