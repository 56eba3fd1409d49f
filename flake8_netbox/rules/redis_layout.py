"""How a REDIS dict is laid out, compared with what the target release reads.

Shared by NBX003 (a section is missing), NBX005 (the layout belongs to another release) and
NBX201 (which section holds the task queue), so the three never disagree about one dict.
"""

from __future__ import annotations

from typing import Any, List, NamedTuple, Optional, Tuple

from flake8_netbox import netbox
from flake8_netbox.netbox import Release
from flake8_netbox.rules.base import key_location
from flake8_netbox.values import DictV


class Layout(NamedTuple):
    #: Section keys NetBox requires that the dict lacks (NBX003).
    missing: List[str]
    #: Layout problems (NBX005): (message, statement index, node).
    wrong: List[Tuple[str, int, Any]]
    #: The key of the section NetBox uses for the task queue, when it is there.
    task_key: Optional[str]
    #: The dict uses the flat 2.6 layout.
    flat: bool


def analyse(redis: DictV, release: Release, may_be_incomplete: bool) -> Layout:
    keys = set(redis.entries)
    sections = keys & netbox.SECTION_NAMES
    flat = not sections and bool(keys & netbox.FLAT_KEYS)
    layout = netbox.redis_layout(release)
    missing: List[str] = []
    wrong: List[Tuple[str, int, Any]] = []
    here = (redis.stmt, redis.node)

    if layout == netbox.FLAT:
        if sections:
            wrong.append((f"REDIS uses sections ({_names(sections)}), which NetBox {release} "
                          "does not read: it reads one flat dict with DATABASE and "
                          "CACHE_DATABASE", *here))
        return Layout([], wrong, None, True)

    if flat:
        wrong.append((f"REDIS uses NetBox 2.6's flat layout; NetBox {release} reads "
                      f"{_names(_required_task(layout), 'caching')} sections and refuses to "
                      "start without them", *here))
        return Layout([], wrong, None, True)

    task_key: Optional[str] = None
    if layout == netbox.TASKS:
        if "tasks" in keys:
            task_key = "tasks"
        elif "webhooks" in keys:
            wrong.append(("REDIS['webhooks'] was renamed 'tasks' in NetBox 2.7.11 and is "
                          f"ignored since 2.9: NetBox {release} refuses to start without a 'tasks' "
                          "section; rename the key to 'tasks'",
                          *key_location(redis, "webhooks")))
        else:
            missing.append("tasks")
    elif layout == netbox.TASKS_OR_WEBHOOKS:
        task_key = "tasks" if "tasks" in keys else "webhooks" if "webhooks" in keys else None
        if task_key is None:
            missing.append("tasks")
    else:  # 2.7.0 - 2.7.10
        if "webhooks" in keys:
            task_key = "webhooks"
        elif "tasks" in keys:
            wrong.append((f"REDIS['tasks'] is read from NetBox 2.7.11 on; NetBox {release} "
                          "reads the task queue from REDIS['webhooks']",
                          *key_location(redis, "tasks")))
        else:
            missing.append("webhooks")
    if "caching" not in keys:
        missing.append("caching")
    if may_be_incomplete:
        missing = []
    return Layout(missing, wrong, task_key, False)


def _required_task(layout: str) -> str:
    return "webhooks" if layout == netbox.WEBHOOKS else "tasks"


def _names(*groups: Any) -> str:
    names: List[str] = []
    for group in groups:
        names.extend(sorted(group) if isinstance(group, (set, frozenset)) else [group])
    return " and ".join(f"'{name}'" for name in names)
