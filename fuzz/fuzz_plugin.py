"""Mutation fuzzing of the plugin as flake8 runs it (not part of the test suite).

Takes the test fixtures and the bundled example, applies random byte and token mutations
(deletions, duplications, truncation, unbalanced brackets, huge literals, 10,000-deep nesting,
NUL bytes, invalid UTF-8, swapped and repeated lines, renamed settings, changed numbers; and
the costly shapes of issue 15: values that double or refer to themselves, thousands of
branches writing REDIS keys, nested-quantifier CORS patterns, thousands of unknown names,
long or/not/unary/attribute chains), each worker under an address-space limit, and
feeds each mutant to the plugin the way flake8 does: flake8's own FileProcessor reads and
decodes the file and builds the ast; inputs Python cannot parse are flake8's E999 and never
reach plugins. ``--engine flake8`` runs flake8's whole command line in-process instead.
``--engine fix`` runs ``--fix`` (all fixes, unsafe ones and --upgrade-databases included, for
NetBox 2.10, 3.5, 4.6 or 4.7) on every mutant Python can parse, after mutations of the kinds
--fix must survive (comments after commas, colons and opening brackets, before closing ones,
inside parentheses around keys, values and whole settings; secrets computed, in f-strings,
continued over lines, in URLs, under secret-like, misspelt or swapped keys; latin-1, BOM and
CRLF files; late imports; f-strings and functions reading renamed settings; one dict for both
REDIS sections), and checks that the result parses, keeps every comment, can be written in the
file's encoding, keeps a CRLF file CRLF, does not change when fixed again, and that its
--diff holds no 6-character piece of the planted secret.

    python fuzz/fuzz_plugin.py --inputs 200000 --workers 2 --seed 1

Prints runs, inputs per second, how many mutants reached the plugin, findings, and failures
(an exception escaping run(), an NBX000 finding, or an input taking more than 5 seconds of
CPU time twice in a row: wall-clock time on a shared machine measures the neighbours, and even
CPU time grows when they share the core's caches);
failing inputs are written to fuzz/failures/ to become regression tests.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import re
import sys
import tempfile
import time
import traceback
from pathlib import Path
from typing import Callable, Dict, Optional, Tuple

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
SEEDS = [*sorted(FIXTURES.glob("*.py")), *sorted((FIXTURES / "upgrade").glob("*.py")),
         ROOT / "examples" / "configuration.py"]
FAILURES = Path(__file__).resolve().parent / "failures"
SETTINGS = [b"ALLOWED_HOSTS", b"DATABASE", b"DATABASES", b"REDIS", b"SECRET_KEY", b"EMAIL",
            b"DEBUG", b"API_TOKEN_PEPPERS", b"LOGIN_REQUIRED", b"CORS_ORIGIN_ALLOW_ALL"]
SLOW_SECONDS = 5.0
PROGRESS = 2000


def _span(data: bytes, rng: random.Random) -> Tuple[int, int]:
    if not data:
        return 0, 0
    start = rng.randrange(len(data))
    return start, min(len(data), start + rng.randint(1, 64))


def delete(data, rng):
    a, b = _span(data, rng)
    return data[:a] + data[b:]


def duplicate(data, rng):
    a, b = _span(data, rng)
    return data[:b] + data[a:b] + data[b:]


def truncate(data, rng):
    return data[:rng.randrange(len(data) + 1)]


def insert(data, rng, piece):
    at = rng.randrange(len(data) + 1)
    return data[:at] + piece + data[at:]


def bracket(data, rng):
    return insert(data, rng, rng.choice([b"(", b")", b"[", b"]", b"{", b"}", b"'", b'"""']))


def huge_literal(data, rng):
    scale = 10 if rng.random() < 0.05 else 1  # the largest ones are slow to parse: keep them rare
    piece = rng.choice([b"'" + b"a" * 100_000 * scale + b"'", b"9" * 5000,
                        b"[" + b"0," * 10_000 * scale + b"]", b"'%s' % 'x'" * 1000])
    return re.sub(rb"(?<== )[^\n]+", lambda m: piece, data, count=1) if rng.random() < 0.5 \
        else insert(data, rng, piece)


def deep_nesting(data, rng):
    depth = rng.choice([150, 198, 201, 1000, 10_000])
    opener = rng.choice([b"[", b"(", b"{", b"{'a': "])
    closer = {b"[": b"]", b"(": b")", b"{": b"}", b"{'a': ": b"}"}[opener]
    return data + b"\nREDIS = " + opener * depth + b"0" + closer * depth + b"\n"


def growth(data, rng):
    """A value that doubles on every line, or refers to itself (string doubling, L = L + L,
    ALLOWED_HOSTS += ALLOWED_HOSTS, .extend(itself), replace/format/join/f-string growth)."""
    name = rng.choice([b"BANNER", b"ALLOWED_HOSTS", b"_L", b"_S"])
    start = rng.choice([b"'ab'", b"['a']", b"'ab' * 50000", b"{'a': 1}", b"('a',)"])
    step = rng.choice([b"N += N", b"N = N + N", b"N = N * 2", b"N.extend(N)", b"N += N * 3",
                       b"N = N.replace('a', N)", b"N = '%s%s' % (N, N)",
                       b"N = '{}{}'.format(N, N)", b"N = f'{N}{N}'", b"N = ''.join([N, N])",
                       b"N = [N, N]", b"N.update({str(len(N)): N})", b"N = N + [N]"])
    lines = [name + b" = " + start] + [step.replace(b"N", name)] * rng.choice([5, 20, 40, 64])
    return data + b"\n" + b"\n".join(lines) + b"\n"


def branches(data, rng):
    """Many if blocks, each writing REDIS section keys: alternatives pile up per entry."""
    count = rng.choice([50, 500, 2000])
    blocks = [f"if os.environ.get('A{i}'):\n    REDIS['tasks']['DATABASE'] = {i}\n"
              f"    REDIS['caching']['HOST'] = 'h{i}'\n" for i in range(count)]
    return data + b"\nimport os\n" + "".join(blocks).encode()


def cors_regex(data, rng):
    """CORS_ORIGIN_REGEX_WHITELIST entries built from nested quantifiers (ReDoS shapes)."""
    pieces = ["(.*?)*", "(.*)+", r"([\w\-.:/]*)*", r"(([\w-]+\.?)+)+", "(https?://)?", "(a|a)*",
              r"(\w+\.)*", ".*", r"\.example\.com", "$", "^", "(?=x)", r"(.)\1"]
    patterns = ["".join(rng.choice(pieces) for _ in range(rng.randint(1, 8)))
                for _ in range(rng.randint(1, 4))]
    return data + b"\nCORS_ORIGIN_REGEX_WHITELIST = " + repr(patterns).encode() + b"\n"


def unknown_names(data, rng):
    """Thousands of UPPER_CASE names no release reads (each one asks for a suggestion)."""
    names = [f"REDIS_SETTING_{i} = {i}\n" for i in range(rng.choice([100, 1000, 5000]))]
    return data + b"\n" + "".join(names).encode()


def deep_chain(data, rng):
    """Expressions Python's ast keeps flat or shallow but libcst nests once per link."""
    n = rng.choice([150, 199, 250, 600, 2000])
    chain = rng.choice([
        " or ".join(f"os.environ.get('H{i}')" for i in range(n)), "not " * n + "x",
        "-" * n + "1", "os" + ".path" * n, "D" + "[0]" * n, "1 if x else " * n + "2",
        "f" + "()" * n, " and ".join(["x"] * n)])
    return data + b"\nBANNER_TOP = " + chain.encode() + b"\n"


def nul(data, rng):
    return insert(data, rng, b"\x00")


def bad_utf8(data, rng):
    return insert(data, rng, rng.choice([b"\xff", b"\xc3", b"\xed\xa0\x80", b"\xfe\xff"]))


def swap_lines(data, rng):
    lines = data.split(b"\n")
    if len(lines) > 2:
        i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
        lines[i], lines[j] = lines[j], lines[i]
    return b"\n".join(lines)


def repeat_line(data, rng):
    lines = data.split(b"\n")
    i = rng.randrange(len(lines))
    lines.insert(i, lines[i])
    return b"\n".join(lines)


def rename(data, rng):
    a, b = rng.choice(SETTINGS), rng.choice(SETTINGS)
    return data.replace(a, b, rng.randint(1, 3))


def number(data, rng):
    return re.sub(rb"\b\d+\b", lambda m: str(rng.choice([0, 1, -1, 32768, 10**30])).encode(),
                  data, count=rng.randint(1, 5))


MUTATIONS = [delete, duplicate, truncate, bracket, huge_literal, deep_nesting, nul, bad_utf8,
             swap_lines, repeat_line, rename, number,
             # the kinds of issue 15 (time and memory): each would have found its fault
             growth, branches, cors_regex, unknown_names, deep_chain]

# -- what --fix must survive (issue 15): comments in every position a tokenizer allows,
# -- secrets in every position, encodings, BOM and line ends, late imports, f-strings,
# -- names shadowed in functions, one dict for both REDIS sections.

#: Planted in every secret position; no 6-character piece of it may reach a diff.
PLANTED = b"Xs7Kp3Vb9Qw2"


def comment_after_token(data, rng):
    """A comment after a comma, colon or opening bracket (the next token then starts a line
    of its own, or is a closing bracket)."""
    spots = [m.end() for m in re.finditer(rb"[,:(\[{](?=[ \t]*[^\n#])", data)]
    if not spots:
        return data
    at = rng.choice(spots)
    return data[:at] + b"  # fz " + str(at).encode() + b"\n" + data[at:]


def comment_before_closing(data, rng):
    spots = [m.start() for m in re.finditer(rb"\n[ \t]*[}\])]", data)]
    if not spots:
        return data
    at = rng.choice(spots)
    return data[:at] + b"\n    # closing " + str(at).encode() + data[at:]


def parenthesise(data, rng):
    """Parentheses (with comments) around a whole setting's dict, a key or a value."""
    choice = rng.randrange(3)
    if choice == 0:
        return re.sub(rb"^(REDIS|DATABASE|EMAIL) = \{(.*?)^\}",
                      lambda m: m.group(1) + b" = (  # w\n{" + m.group(2)
                      + b"}  # end of dict\n)", data, count=1, flags=re.S | re.M)
    if choice == 1:
        return re.sub(rb"(['\"])(webhooks|tasks|caching|DEFAULT_TIMEOUT|HOST)\1:",
                      lambda m: b"(" + m.group(1) + m.group(2) + m.group(1) + b"  # key\n):",
                      data, count=1)
    return re.sub(rb"(['\"])(DATABASE|CACHE_DATABASE)\1: (\d+)",
                  lambda m: m.group(1) + m.group(2) + m.group(1) + b":  # colon\n (  # v\n"
                  + m.group(3) + b"  # in\n)", data, count=1)


def plant_secret(data, rng):
    """A secret in a position rules may not model: computed, f-string, continued over lines,
    concatenated around a comment, superseded, in a URL, under secret-like, misspelt or
    swapped keys."""
    s, a, b = PLANTED, PLANTED[:6], PLANTED[6:]
    triple = b"'" * 3
    piece = rng.choice([
        b"REDIS = {'HOST': 'r', 'PASSWORD': '" + a + b"' + '" + b + b"', 'DATABASE': 0}\n",
        b"EMAIL = {'PASSWORD': f'" + s + b"', 'PASSWROD': '" + s + b"'}\n",
        b"SECRET_KEY = '" + a + b"\\\n" + b + b"'\n",
        b"SECRET_KEY = " + triple + a + b"\n" + b + triple + b"\n",
        b"DATABASE = {'NAME': 'n', 'PASSWORD': ('" + a + b"'  # first\n    '" + b
        + b"'),\n}\n",
        b"DATABASE = {'NAME': 'n', 'PASSWORD': '" + s + b"'}\nDATABASE['PASSWORD'] = "
        b"os.environ['DB']\n",
        b"REDIS = {'webhooks': {'URL': 'redis://:" + s + b"@r:6379/0'}, 'caching': {}}\n",
        b"STORAGE_CONFIG = {'AWS_SECRET_ACCESS_KEY': '" + s + b"'}\n",
        b"DATABASE = {'NAME': 'n', '" + s + b"': 'PASSWORD'}\n",
        b"API_TOKEN_PEPPERS = {'" + s + b"': os.environ.get('P', '" + s + b"')}\n",
        # written where a name belongs, in a comment, or in a function's body
        b"DATABASES = {'default': {'NAME': 'n'}, '" + s + b"': {'CONN_MAX_AGE': '1'}}\n",
        b"REDIS['" + s + b"'] = {'HOST': 'r', 'DATABASE': '3'}\n",
        b"PAGINATE_COUNT = os.environ['" + s + b"']\n",
        b"PLUGINS = ['netbox-" + s + b"']\nPLUGINS_CONFIG = {'" + s + b"x': {}}\n",
        b"CSRF_TRUSTED_ORIGINS = ['https://n.example.com/?token=" + s + b"']\n",
        b"# the old password: " + s + b"\n",
        b"DATABASE = {'NAME': 'n',  # was " + s + b"\n    'PORT': 5432}\n",
        b"def _db():\n    return {'NAME': 'n', 'PASSWORD': '" + s + b"'}\nDATABASE = _db()\n",
    ])
    lines = data.split(b"\n")
    lines.insert(rng.randrange(len(lines) + 1), piece.rstrip(b"\n"))
    return b"\n".join(lines) + b"\nJOBRESULT_RETENTION = 1\n"


def storage(data, rng):
    """The same text as latin-1 (cookie, non-ASCII comments), with a BOM, or with CRLF."""
    choice = rng.randrange(3)
    if choice == 0:
        return b"# -*- coding: latin-1 -*-\n# configuraci\xf3n \xf1\n" + data.replace(
            b"# ", b"# \xe9 ", 1)
    if choice == 1:
        return b"\xef\xbb\xbf" + data
    return data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


def late_import(data, rng):
    lines = data.split(b"\n")
    imports = [line for line in lines if re.match(rb"(import os|from os import)", line)]
    rest = [line for line in lines if line not in imports]
    late = rng.choice([b"import os", b"from os import environ"])
    return b"\n".join(rest + (imports or [late]) + [b""])


def shadowing(data, rng):
    return data + rng.choice([
        b"\nBANNER_TOP = f'{DATABASE[\"HOST\"]} {JOBRESULT_RETENTION}'\n",
        b"\nBANNER_TOP = f\"{f'{DATABASE[1]}'}\"\n",
        b"\nX = dict(JOBRESULT_RETENTION=1)\n\n\ndef f(JOB_RETENTION=2):\n"
        b"    return JOBRESULT_RETENTION\n",
        b"\n\ndef g(JOBRESULT_RETENTION=2):\n    return JOBRESULT_RETENTION\n",
        b"\n_f = lambda JOBRESULT_RETENTION=JOBRESULT_RETENTION: JOBRESULT_RETENTION\n",
        b"\n_x = [JOB_RETENTION for JOB_RETENTION in [JOBRESULT_RETENTION]]\n",
        b"\n_R = {'HOST': 'r', 'DATABASE': 0}\nREDIS = {'tasks': _R, 'caching': _R}\n",
    ])


FIX_MUTATIONS = [comment_after_token, comment_before_closing, parenthesise, plant_secret,
                 storage, late_import, shadowing]


def mutate(data: bytes, rng: random.Random, fix: bool = False) -> bytes:
    """1-4 random mutations; for the fix engine, first 1-3 of the kinds --fix must survive,
    and half the time nothing else (so that their structure reaches the fixer intact)."""
    if fix:
        for _ in range(rng.randint(1, 3)):
            data = rng.choice(FIX_MUTATIONS)(data, rng)
        if rng.random() < 0.5:
            return data
    for _ in range(rng.randint(1, 4)):
        data = rng.choice(MUTATIONS)(data, rng)
    return data


def options() -> argparse.Namespace:
    return argparse.Namespace(hang_closing=False, indent_size=4, max_line_length=79,
                              max_doc_length=None, verbose=0)


def run_plugin(path: str) -> Tuple[str, int]:
    """('e999' | 'ok' | 'nbx000', findings) for one file, as flake8 would run the plugin."""
    from flake8.processor import FileProcessor

    from flake8_netbox.plugin import NetBoxPlugin

    try:
        processor = FileProcessor(path, options())
        tree = processor.build_ast()
    except (SyntaxError, ValueError, RecursionError, MemoryError, UnicodeError, TypeError):
        return "e999", 0
    results = list(NetBoxPlugin(tree, path, processor.lines).run())
    if any(message.startswith("NBX000") for _, _, message, _ in results):
        return "nbx000", len(results)
    return "ok", len(results)


def run_flake8(path: str) -> Tuple[str, int]:
    import contextlib
    import io

    from flake8.main.cli import main

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        main(["--select=NBX,E999", "--format=%(code)s", path])
    codes = out.getvalue().split()
    if "NBX000" in codes:
        return "nbx000", len(codes)
    return ("e999" if "E999" in codes else "ok"), len([c for c in codes if c != "E999"])


#: CPU seconds of the last ``run_fix``'s own ``fix_source`` call (None: time the whole run).
FIX_SECONDS: Optional[float] = None


def run_fix(path: str) -> Tuple[str, int]:
    """('e999' | 'ok' | what broke, fixes applied) for one file through the fixer, for a
    release chosen by the input: the result must parse, keep every comment, be writable in
    the file's encoding, be stable when fixed again, and its --diff must hold no piece of the
    planted secret."""
    import ast
    import io
    import tokenize
    from collections import Counter

    from flake8_netbox.fixer import fix_source
    from flake8_netbox.redaction import redacted_diff
    from flake8_netbox.releases import parse_release

    def comments(text: str) -> Counter:
        tokens = tokenize.generate_tokens(io.StringIO(text).readline)
        return Counter(t.string for t in tokens if t.type == tokenize.COMMENT)

    data = Path(path).read_bytes()
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        text = data.decode(encoding)
        ast.parse(text)
        before = comments(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError, UnicodeError, TypeError,
            LookupError, tokenize.TokenError):
        return "e999", 0
    release = parse_release(["4.7", "4.6", "3.5", "2.10"][len(data) % 4])
    kinds = ("safe", "unsafe", "upgrade-databases")
    start = time.process_time()
    result = fix_source(text, release, kinds=kinds)
    global FIX_SECONDS
    FIX_SECONDS = time.process_time() - start  # the user's --fix, not the checks below
    try:
        ast.parse(result.source)
    except SyntaxError:
        return "fix-broke-syntax", len(result.changes)
    if comments(result.source) != before:
        return "fix-lost-comments", len(result.changes)
    if any("please report" in refusal.reason for refusal in result.refusals):
        return "fix-internal-error", len(result.changes)
    try:
        result.source.encode(encoding)
    except UnicodeError:
        return "fix-unencodable", len(result.changes)
    if ("\r\n" in text and "\n" not in text.replace("\r\n", "")) and \
            "\n" in result.source.replace("\r\n", ""):
        return "fix-mixed-line-ends", len(result.changes)
    shown = redacted_diff(text, result.source, "configuration.py")
    planted = PLANTED.decode()
    if any(planted[i:i + 6] in shown for i in range(len(planted) - 5)):
        return "diff-shows-secret", len(result.changes)
    if fix_source(result.source, release, kinds=kinds).changes:
        return "fix-not-idempotent", len(result.changes)
    if undefined_names(result.source) > undefined_names(text):
        return "fix-made-a-name-undefined", len(result.changes)  # a rename too far or short
    return "ok", len(result.changes)


def undefined_names(text: str) -> int:
    """How many reads pyflakes finds of names never bound (F821), e.g. a default value a
    rename missed: ``lambda JOBRESULT_RETENTION=JOBRESULT_RETENTION: ...``. (A count: a read
    that was undefined before a rename is undefined under its new name after it.)"""
    import ast

    from pyflakes import checker, messages

    try:
        found = checker.Checker(ast.parse(text)).messages
    except (SyntaxError, RecursionError, ValueError):
        return 0
    return sum(isinstance(m, messages.UndefinedName) for m in found)


def limit_memory(megabytes: int) -> None:
    """Cap this worker's address space, so that unbounded growth is a MemoryError (an NBX000
    or an exception: a failure) rather than the machine's out-of-memory killer."""
    try:
        import resource
    except ImportError:  # not on Windows
        return
    if megabytes:
        limit = megabytes * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


#: (outcome, findings, traceback or '') of the last ``timed`` run.
LAST: Tuple[str, int, str] = ("", 0, "")


def timed(run: Callable[[str], Tuple[str, int]], path: str) -> float:
    """CPU seconds (the machine is shared: wall time is noise) of what a user waits for:
    flake8's run, or for ``--engine fix`` the ``--fix`` itself without the fuzzer's checks of
    its result (which fix the file a second time); the outcome goes to ``LAST``."""
    global LAST, FIX_SECONDS
    FIX_SECONDS = None
    start = time.process_time()
    try:
        outcome, findings = run(path)
    except BaseException as error:  # what would abort a user's flake8 run
        LAST = (f"exception {type(error).__name__}", 0, traceback.format_exc())
    else:
        LAST = (outcome, findings, "")
    whole = time.process_time() - start
    return FIX_SECONDS if FIX_SECONDS is not None else whole


def worker(args: Tuple[int, int, str, int]) -> Dict[str, object]:
    count, seed, engine, megabytes = args
    limit_memory(megabytes)
    rng = random.Random(seed)
    seeds = [path.read_bytes() for path in SEEDS]
    stats: Dict[str, object] = {"runs": 0, "e999": 0, "ok": 0, "findings": 0, "failures": [],
                                "slowest": 0.0}
    run = {"plugin": run_plugin, "flake8": run_flake8, "fix": run_fix}[engine]
    folder = tempfile.mkdtemp(prefix="nbx-fuzz-")
    path = os.path.join(folder, "configuration.py")
    for index in range(count):
        data = mutate(rng.choice(seeds), rng, engine == "fix")
        with open(path, "wb") as handle:
            handle.write(data)
        elapsed = timed(run, path)
        outcome, findings, detail = LAST
        if elapsed > SLOW_SECONDS and not detail:  # slow once: again, to tell the input's
            elapsed = min(elapsed, timed(run, path))  # cost from a neighbour's (shared cores)
            outcome, findings, detail = LAST
        stats["runs"] += 1  # type: ignore[operator]
        stats["slowest"] = max(stats["slowest"], elapsed)  # type: ignore[type-var]
        if outcome in ("ok", "e999"):
            stats[outcome] += 1  # type: ignore[operator]
            stats["findings"] += findings  # type: ignore[operator]
        if (index + 1) % PROGRESS == 0:  # a long campaign shows where it is
            print(f"worker {seed}: {index + 1} inputs, {len(stats['failures'])} failures, "
                  f"slowest {stats['slowest']:.2f} s", file=sys.stderr, flush=True)
        if outcome not in ("ok", "e999") or elapsed > SLOW_SECONDS:
            FAILURES.mkdir(exist_ok=True)
            name = FAILURES / f"seed{seed}-{index}.py"
            name.write_bytes(data)
            stats["failures"].append(  # type: ignore[union-attr]
                (str(name), outcome, round(elapsed, 2), detail[-2000:]))
    return stats


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--inputs", type=int, default=20_000)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--engine", choices=["plugin", "flake8", "fix"], default="plugin")
    parser.add_argument("--memory-mb", type=int, default=2000,
                        help="address-space limit per worker (0: none)")
    args = parser.parse_args()
    share = [args.inputs // args.workers + (1 if i < args.inputs % args.workers else 0)
             for i in range(args.workers)]
    start = time.perf_counter()
    with multiprocessing.Pool(args.workers) as pool:
        parts = pool.map(worker, [(n, args.seed * 1000 + i, args.engine, args.memory_mb)
                                  for i, n in enumerate(share)])
    elapsed = time.perf_counter() - start
    total = {key: sum(part[key] for part in parts) for key in ("runs", "e999", "ok", "findings")}
    failures = [f for part in parts for f in part["failures"]]  # type: ignore[union-attr]
    slowest = max(part["slowest"] for part in parts)  # type: ignore[type-var]
    print(f"engine {args.engine}, seed {args.seed}, {args.workers} workers: {total['runs']} "
          f"inputs in {elapsed:.0f} s ({total['runs'] / elapsed:.0f} inputs/s); "
          f"{total['ok']} reached the plugin ({total['findings']} "
          f"{'fixes applied' if args.engine == 'fix' else 'findings'}), "
          f"{total['e999']} were E999 for flake8; slowest input {slowest:.2f} s; "
          f"failures: {len(failures)}")
    for name, outcome, seconds, detail in failures[:20]:
        print(f"  {name}: {outcome} ({seconds} s)\n{detail}")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
