"""Differential check of the large-file path (flake8_netbox/pieces.py) against the whole-module one.

Every input is checked twice in the same process, as the plugin checks it (flake8's
FileProcessor reads and decodes it and builds the ast): once with libcst's whole module, once
cut into top-level statements parsed one at a time (forced by setting ``LARGE_SOURCE`` to 0),
for NetBox 4.7 and 3.5, as configuration.py and as ldap_config.py, with every opt-in rule. Any
difference in (line, column, message) is a failure. Inputs: the test fixtures, the example,
bench/configs.py's generated configurations, bench/bench_limits.py's cases and fuzz mutants of
the fixtures (fuzz/fuzz_plugin.py's mutations, seeded).

    python fuzz/compare_pieces.py --inputs 3000 --seed 5

Prints how many inputs were compared, how many the large-file path checked itself (the others
fell back to the whole module: a cut libcst disagreed with), and every difference.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
from pathlib import Path
from typing import Dict, Iterator, List, Tuple

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "fuzz"))

import bench_limits  # noqa: E402
import fuzz_plugin  # noqa: E402
from configs import configuration  # noqa: E402

from flake8_netbox import checker, pieces  # noqa: E402
from flake8_netbox.releases import parse_release  # noqa: E402
from flake8_netbox.settings import OPT_IN_CODES  # noqa: E402


WORTHWHILE = pieces.worthwhile


def inputs(count: int, seed: int) -> Iterator[Tuple[str, bytes]]:
    for path in fuzz_plugin.SEEDS:
        yield str(path.relative_to(ROOT)), path.read_bytes()
    for lines in (300, 1000, 3000):
        yield f"configuration({lines})", configuration(lines).encode()
    for name, build, _ in bench_limits.CASES:
        yield name, build().encode()
    rng = random.Random(seed)
    seeds = [path.read_bytes() for path in fuzz_plugin.SEEDS]
    for index in range(count):
        yield f"mutant {seed}-{index}", fuzz_plugin.mutate(rng.choice(seeds), rng,
                                                           fix=index % 2 == 1)


def check(path: str, large: bool) -> Dict[Tuple[str, str], List[Tuple[int, int, str]]]:
    from flake8.processor import FileProcessor

    processor = FileProcessor(path, fuzz_plugin.options())
    tree = processor.build_ast()
    source = "".join(processor.lines)
    pieces.LARGE_SOURCE = 0 if large else 10 ** 12
    pieces.worthwhile = (lambda *_: True) if large else WORTHWHILE  # type: ignore[assignment]
    out = {}
    for release in ("4.7", "3.5"):
        for kind in ("netbox", "ldap"):
            out[release, kind] = checker.check_source(source, parse_release(release), tree,
                                                      opt_in=OPT_IN_CODES, kind=kind)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inputs", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args()
    fell_back = 0
    whole_path = checker._check_pieces

    def counting(*call_args):  # type: ignore[no-untyped-def]
        nonlocal fell_back
        found = whole_path(*call_args)
        fell_back += found is None
        return found

    checker._check_pieces = counting  # type: ignore[assignment]
    compared = differences = 0
    folder = tempfile.mkdtemp(prefix="nbx-pieces-")
    path = os.path.join(folder, "configuration.py")
    for name, data in inputs(args.inputs, args.seed):
        with open(path, "wb") as handle:
            handle.write(data)
        try:
            whole = check(path, large=False)
        except (SyntaxError, ValueError, RecursionError, MemoryError, UnicodeError, TypeError):
            continue  # flake8's E999: never reaches the plugin
        before = fell_back
        large = check(path, large=True)
        compared += 1
        if fell_back > before:
            fell_back = before + 1  # one input, counted once
        if large != whole:
            differences += 1
            keep = Path(__file__).parent / "failures" / f"pieces-{compared}.py"
            keep.parent.mkdir(exist_ok=True)
            keep.write_bytes(data)
            print(f"DIFFERENT: {name} (kept as {keep})")
            for key in whole:
                if whole[key] != large[key]:
                    print(f"  {key}: whole {sorted(set(whole[key]) - set(large[key]))[:3]}"
                          f" pieces {sorted(set(large[key]) - set(whole[key]))[:3]}")
    print(f"{compared} inputs compared, {compared - fell_back} checked statement by statement "
          f"({fell_back} fell back to the whole module), {differences} different")
    sys.exit(1 if differences else 0)


if __name__ == "__main__":
    main()
