"""What a folder costs the flake8-netbox command: a 2,000-file repository holding one
configuration.py, against the command on that one file, and against plain flake8 reading
every file (what the command did before it searched folders for configurations only).

Run: python bench/bench_command.py [--files 2000] [--repeat 5]
Prints whole-process wall times (median) and their ratios; figures go in docs/performance.md.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import List

sys.path.insert(0, str(Path(__file__).parent))

from configs import configuration  # noqa: E402

ORDINARY = '''"""An ordinary module of a repository that also holds a NetBox configuration."""

import os


def handler_{n}(request, *args):
    values = [value for value in args if value]
    return {{"path": os.path.join("/srv", str({n})), "values": values}}
'''


def build(root: Path, files: int) -> Path:
    """``files`` Python files in folders of 50, one of them site/configuration.py."""
    for n in range(files - 1):
        folder = root / "app" / f"pkg{n // 50:03d}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"module{n:04d}.py").write_text(ORDINARY.format(n=n))
    (root / "site").mkdir()
    target = root / "site" / "configuration.py"
    target.write_text(configuration(300))
    return target


def timed(argv: List[str], cwd: Path, repeat: int) -> float:
    """Median wall time of the whole process, in seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(argv, cwd=cwd, capture_output=True, check=False)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    bindir = Path(sys.executable).parent
    command, flake8 = str(bindir / "flake8-netbox"), str(bindir / "flake8")
    root = Path(tempfile.mkdtemp(prefix="nbx-bench-"))
    try:
        build(root, args.files)
        folder = timed([command, "."], root, args.repeat)
        one = timed([command, "site/configuration.py"], root, args.repeat)
        every = timed([flake8, "--select=NBX,E999,E902,F821", "."], root, 1)
    finally:
        shutil.rmtree(root)
    print(f"| what | wall time (median of {args.repeat}) | ratio to the one file |")
    print("| --- | --- | --- |")
    print(f"| `flake8-netbox site/configuration.py` (the one file) | {one:.2f} s | 1.00 |")
    print(f"| `flake8-netbox .` ({args.files:,} files, one configuration) | {folder:.2f} s | "
          f"{folder / one:.2f} |")
    print(f"| `flake8 --select=NBX,E999,E902,F821 .` (every file read; one run) | {every:.2f} s "
          f"| {every / one:.2f} |")


if __name__ == "__main__":
    main()
