"""Every fix, in the order they are tried: layouts first, so that later fixes see sections."""

from __future__ import annotations

from typing import Tuple, Type

from flake8_netbox.fixes.base import Fix
from flake8_netbox.fixes.databases import DatabasesLayout
from flake8_netbox.fixes.deprecations import DeprecatedWebhooksSection
from flake8_netbox.fixes.keys import UpperCaseKey
from flake8_netbox.fixes.redis import CacheDatabase, FlatLayout, SectionTimeout, WebhooksSection
from flake8_netbox.fixes.renames import RenamedSetting
from flake8_netbox.fixes.secrets import NewSecretKey, PasswordFromEnvironment

ALL_FIXES: Tuple[Type[Fix], ...] = (
    FlatLayout, WebhooksSection, DeprecatedWebhooksSection, SectionTimeout, CacheDatabase,
    RenamedSetting, UpperCaseKey, DatabasesLayout, NewSecretKey, PasswordFromEnvironment,
)
