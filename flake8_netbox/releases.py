"""NetBox release numbers: parsing ``--netbox-version`` and the series this plugin knows.

Imported by the flake8 adapter at start-up, so it stays tiny.
"""

from __future__ import annotations

import re
from typing import NamedTuple, Tuple

#: A release given as ``X.Y`` means the newest patch release of that series.
LATEST_PATCH = 999


class Release(NamedTuple):
    major: int
    minor: int
    patch: int = LATEST_PATCH

    def __str__(self) -> str:
        if self.patch == LATEST_PATCH:
            return f"{self.major}.{self.minor}"
        return f"{self.major}.{self.minor}.{self.patch}"


#: Every release series whose configuration handling this plugin knows.
KNOWN_SERIES: Tuple[Tuple[int, int], ...] = (
    *((2, minor) for minor in range(6, 12)),
    *((3, minor) for minor in range(0, 8)),
    *((4, minor) for minor in range(0, 8)),
)
#: The newest stable series (4.7: 4.7.0 to 4.7.3 are known): the default target.
DEFAULT_RELEASE = Release(4, 7)

_VERSION_RE = re.compile(r"^v?(\d+)\.(\d+)(?:\.(\d+))?$")


def parse_release(text: str) -> Release:
    """Parse ``X.Y`` or ``X.Y.Z``; raise ValueError with a message meant for the user."""
    match = _VERSION_RE.match(text.strip())
    if not match:
        raise ValueError(f"{text!r} is not a NetBox release; use X.Y or X.Y.Z, e.g. 4.7")
    major, minor = int(match.group(1)), int(match.group(2))
    if (major, minor) not in KNOWN_SERIES:
        first, last = KNOWN_SERIES[0], KNOWN_SERIES[-1]
        raise ValueError(
            f"NetBox {major}.{minor} is not a release flake8-netbox knows "
            f"(known: {first[0]}.{first[1]} to {last[0]}.{last[1]})"
        )
    patch = int(match.group(3)) if match.group(3) is not None else LATEST_PATCH
    return Release(major, minor, patch)
