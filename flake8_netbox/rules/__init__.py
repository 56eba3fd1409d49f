"""Every rule, in code order; a rule's code, message, documentation and examples are its class's."""

from __future__ import annotations

from typing import Dict, Tuple, Type

from flake8_netbox.rules.base import Rule
from flake8_netbox.rules.engine import UnsupportedEngine
from flake8_netbox.rules.hardening import (AnonymousAccess, CorsAnyOrigin, DebugOn,
                                           InsecureCookies, NoPasswordValidators,
                                           RedisTlsUnverified, WildcardHost)
from flake8_netbox.rules.hosts import UnmatchableHost
from flake8_netbox.rules.keys import IgnoredKey
from flake8_netbox.rules.kinds import StringForNumberOrContainer
from flake8_netbox.rules.ldap import (CertificateChecksOff, ClearTextLdap, EmptyPasswordBind,
                                      MissingServerUri, UnknownLdapSetting)
from flake8_netbox.rules.ldap_modes import ContradictoryTls, SettingInLdapConfig
from flake8_netbox.rules.names import HardCodedSetting, SettingOfAnotherRelease, UnknownSetting
from flake8_netbox.rules.none_values import NoneAsText
from flake8_netbox.rules.passwords import HardcodedPassword, SecretFallback, SecretLiteral
from flake8_netbox.rules.placeholders import TemplatePlaceholder
from flake8_netbox.rules.plugins import (PluginNotModule, StringifiedCollection,
                                         UnlistedPluginConfig)
from flake8_netbox.rules.redis import SharedDatabase, WrongLayout
from flake8_netbox.rules.required import BothDatabaseSettings, MissingEntry, MissingSetting
from flake8_netbox.rules.secret_key import BadPeppers, ShortSecretKey, WeakSecretKey
from flake8_netbox.rules.slips import MissingFPrefix, SharedEnvironmentVariable
from flake8_netbox.rules.startup import MissingPeppers
from flake8_netbox.rules.types import EnvironmentBoolean, WrongType

ALL_RULES: Tuple[Type[Rule], ...] = tuple(sorted(
    (
        MissingSetting, BothDatabaseSettings, MissingEntry, WrongType, WrongLayout,
        EnvironmentBoolean, TemplatePlaceholder, ShortSecretKey, WeakSecretKey, BadPeppers,
        MissingPeppers,
        SharedDatabase,
        HardcodedPassword, SecretFallback, SecretLiteral, DebugOn, WildcardHost, CorsAnyOrigin,
        AnonymousAccess, RedisTlsUnverified, NoPasswordValidators, InsecureCookies,
        UnknownSetting, SettingOfAnotherRelease, HardCodedSetting, IgnoredKey, MissingServerUri,
        ClearTextLdap, CertificateChecksOff, EmptyPasswordBind, UnknownLdapSetting,
        StringForNumberOrContainer, UnmatchableHost, PluginNotModule, UnlistedPluginConfig,
        StringifiedCollection, MissingFPrefix, SharedEnvironmentVariable, UnsupportedEngine,
        ContradictoryTls, SettingInLdapConfig, NoneAsText,
    ),
    key=lambda rule: rule.code,
))
BY_CODE: Dict[str, Type[Rule]] = {rule.code: rule for rule in ALL_RULES}
