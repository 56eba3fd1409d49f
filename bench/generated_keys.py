"""Keys from the real generators are never weak: 100,000 from each, through the NBX101/NBX102
checks (python bench/generated_keys.py [COUNT]).

NetBox's generate_secret_key.py draws 50 characters with secrets.choice from a-z, A-Z, 0-9 and
!@#$%^&*(-_=+); Django's get_random_secret_key draws 50 from a-z, 0-9 and !@#$%^&*(-_=+).
Both are reproduced here with the same alphabets and length, so Django need not be installed.
"""

from __future__ import annotations

import secrets
import string
import sys
import time

from flake8_netbox.checker import check_source
from flake8_netbox.netbox import DEFAULT_RELEASE
from flake8_netbox.weak_keys import weakness

GENERATORS = {
    "NetBox generate_secret_key.py": string.ascii_letters + string.digits + "!@#$%^&*(-_=+)",
    "Django get_random_secret_key": string.ascii_lowercase + string.digits + "!@#$%^&*(-_=+)",
}
TEMPLATE = "REDIS = {{}}\nALLOWED_HOSTS = ['x']\nSECRET_KEY = {key!r}\n"


def main(count: int) -> int:
    flagged_total = 0
    for name, alphabet in GENERATORS.items():
        start = time.perf_counter()
        keys = ["".join(secrets.choice(alphabet) for _ in range(50)) for _ in range(count)]
        flagged = [key for key in keys if weakness(key) or len(key) < 50]
        # A sample also goes through the whole checker, as flake8 would run it.
        through_checker = sum(
            1 for key in keys[:1000]
            for _, _, message in check_source(TEMPLATE.format(key=key), DEFAULT_RELEASE)
            if message.startswith(("NBX101", "NBX102")))
        flagged_total += len(flagged) + through_checker
        print(f"{name}: {count} keys, {len(flagged)} flagged as weak or short "
              f"({through_checker} of the first 1,000 through the whole checker), "
              f"{time.perf_counter() - start:.1f} s")
    return 1 if flagged_total else 0


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000))
