"""Fixes for what a release still reads but has deprecated (NBX502)."""

from __future__ import annotations

from typing import Tuple

from flake8_netbox import netbox
from flake8_netbox.fixes.base import FixExample
from flake8_netbox.fixes.redis import WebhooksSection


class DeprecatedWebhooksSection(WebhooksSection):
    """NetBox 2.7.11-2.8 read REDIS['tasks'], or the old 'webhooks' with a deprecation warning
    (settings.py), the same way: renaming the section keeps the behaviour and survives 2.9."""

    codes = ("NBX502",)
    name = "redis-webhooks-to-tasks-deprecated"
    summary = ("On NetBox 2.7.11-2.8, REDIS['webhooks'] (read with a deprecation warning; "
               "ignored from 2.9) is renamed 'tasks', which those releases read the same way.")
    examples = (FixExample(
        "REDIS = {\n    'webhooks': {'HOST': 'redis', 'DATABASE': 0},  # queue\n"
        "    'caching': {'HOST': 'redis', 'DATABASE': 1},\n}\n",
        "REDIS = {\n    'tasks': {'HOST': 'redis', 'DATABASE': 0},  # queue\n"
        "    'caching': {'HOST': 'redis', 'DATABASE': 1},\n}\n", "2.8"),)
    layouts: Tuple[str, ...] = (netbox.TASKS_OR_WEBHOOKS,)
