"""A database ENGINE other than PostgreSQL (NBX010).

NetBox supports PostgreSQL only. Up to 3.5.0 its settings.py overwrote DATABASE['ENGINE']
(so any ENGINE written was ignored); from 3.5.1 it sets ENGINE only when the file does not
(``if 'ENGINE' not in DATABASE``; 4.3 on: ``DATABASES['default']``), so a written ENGINE is used.
"""

from __future__ import annotations

import re
from typing import Iterator, List, Tuple

from flake8_netbox.netbox import Release
from flake8_netbox.redaction import describe_key, describe_text
from flake8_netbox.rules.base import Context, Example, Finding, Rule, present_values, where
from flake8_netbox.values import DictV, Lit, Value

#: First release that uses an ENGINE written in the configuration.
RESPECTS_ENGINE = Release(3, 5, 1)
#: Database products an ENGINE path names, other than PostgreSQL (Django's own backends,
#: django.contrib.gis's, django-prometheus's, and third-party ones for other databases).
_OTHER_DATABASE = re.compile(r"(mysql|mariadb|sqlite|spatialite|oracle|mssql|sql_server|"
                             r"sqlserver|dummy|cockroach|snowflake|firebird|db2)", re.IGNORECASE)
_POSTGRES = re.compile(r"(postgres|postgis|psycopg)", re.IGNORECASE)


def other_engine(engine: str) -> bool:
    """Does the ENGINE path name a database other than PostgreSQL? (Unknown paths: no.)"""
    return bool(_OTHER_DATABASE.search(engine)) and not _POSTGRES.search(engine)


class UnsupportedEngine(Rule):
    code = "NBX010"
    name = "database-engine-not-postgresql"
    summary = "DATABASE or a DATABASES alias names an ENGINE for a database other than PostgreSQL."
    why = (
        "NetBox supports PostgreSQL only: its models use PostgreSQL's own field types and "
        "queries, so migrations fail on MySQL, SQLite or Oracle. Up to 3.5.0 NetBox overwrote "
        "ENGINE; from 3.5.1 it uses the ENGINE written in the configuration, so a copied "
        "'django.db.backends.mysql' now takes effect. PostgreSQL wrappers "
        "('django_prometheus.db.backends.postgresql', PostGIS, other postgresql backends) and "
        "engines whose database cannot be told from the name are not reported."
    )
    valid = (
        "DATABASE = {'NAME': 'netbox', 'ENGINE': 'django.db.backends.postgresql'}\n",
        Example("DATABASE = {'NAME': 'netbox', 'ENGINE': 'django.db.backends.mysql'}\n", "3.4"),
    )
    invalid = (
        "DATABASES = {\n    'default': {\n        'NAME': 'netbox',\n"
        "        'ENGINE': 'django.db.backends.mysql',  # NBX010\n    },\n}\n",
        Example("DATABASE = {'NAME': 'netbox', 'ENGINE': 'django.db.backends.sqlite3'}"
                "  # NBX010\n", "3.5.1"),
    )

    def check(self, ctx: Context) -> Iterator[Finding]:
        if ctx.release < RESPECTS_ENGINE:
            return
        seen = set()
        for path, value in _engines(ctx):
            if isinstance(value, Lit) and isinstance(value.value, str) and \
                    other_engine(value.value) and id(value.node) not in seen:
                seen.add(id(value.node))
                shown = describe_text(value.value)
                yield self.at(f"{path} is {shown}: NetBox supports PostgreSQL only (and uses "
                              "the ENGINE written here since 3.5.1); use "
                              "'django.db.backends.postgresql' or remove ENGINE", *where(value))


def _engines(ctx: Context) -> List[Tuple[str, Value]]:
    found: List[Tuple[str, Value]] = []
    for database in ctx.dicts("DATABASE"):
        found += [("DATABASE['ENGINE']", v) for v in present_values(database, "ENGINE")]
    for databases in ctx.dicts("DATABASES"):
        for alias in databases.entries:
            for database in present_values(databases, alias):
                if isinstance(database, DictV):
                    found += [(f"DATABASES[{describe_key(alias)}]['ENGINE']", v)
                              for v in present_values(database, "ENGINE")]
    return found
