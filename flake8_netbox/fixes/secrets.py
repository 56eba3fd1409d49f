"""Unsafe fixes for secrets (only with --unsafe-fixes): a fresh SECRET_KEY, and passwords read
from the environment. Neither can keep behaviour: the user must act, and the report says how."""

from __future__ import annotations

import re
import secrets
import string
from typing import Iterator, List, Set

import libcst as cst

from flake8_netbox.fixes.base import (UNSAFE, Change, Edit, Fix, FixContext, FixExample,
                                      Proposal, Refusal, module_level_imports, quote_of)
from flake8_netbox.fixes.edits import insert_import, replace_literal
from flake8_netbox.netbox import SECRET_KEY_MIN_LENGTH
from flake8_netbox.rules.base import LDAP, NETBOX, is_literal_str, is_placeholder_literal
from flake8_netbox.rules.passwords import env_name, password_values
from flake8_netbox.values import Lit
from flake8_netbox.weak_keys import weakness

#: The characters of NetBox's generate_secret_key.py.
KEY_ALPHABET = string.ascii_letters + string.digits + "!@#$%^&*(-_=+)"


def new_secret_key() -> str:
    """A key as NetBox's generate_secret_key.py makes it, never one NBX102 would call weak."""
    while True:
        key = "".join(secrets.choice(KEY_ALPHABET) for _ in range(SECRET_KEY_MIN_LENGTH))
        if weakness(key) is None:
            return key


class NewSecretKey(Fix):
    codes = ("NBX101", "NBX102")
    name = "new-secret-key"
    kind = UNSAFE
    summary = ("With --unsafe-fixes: a short or weak SECRET_KEY written in the file is replaced "
               "by a new random 50-character key in NetBox's alphabet. Every signed-in user is "
               "signed out and password-reset links already sent stop working.")
    examples = (FixExample("SECRET_KEY = 'netbox-key-2024'\n",
                           "SECRET_KEY = '<a new random key>'\n",
                           kind=UNSAFE),)

    def propose(self, fx: FixContext) -> Iterator[Proposal]:
        for slot in fx.ctx.slots("SECRET_KEY"):
            value = slot.value
            if not is_literal_str(value) or is_placeholder_literal(value):
                continue  # a template placeholder (NBX007) is the deploy step's to fill in
            assert isinstance(value, Lit)
            code = "NBX101" if len(value.value) < SECRET_KEY_MIN_LENGTH else "NBX102"
            if code == "NBX102" and weakness(value.value) is None:
                continue
            if slot.node is not value.node:
                yield Refusal(code, "SECRET_KEY is not written as a literal where it is set; "
                                    "replace it by hand")
                continue
            quote = quote_of(value.node)
            edits = replace_literal(fx.source, value.node, value.stmt,
                                    f"{quote}{new_secret_key()}{quote}")
            yield Change(code, "SECRET_KEY replaced by a new random 50-character key", edits,
                         ["every signed-in user is signed out and password-reset links already "
                          "sent stop working; restart all NetBox processes (web and workers) "
                          "together",
                          "better still, read the key from the environment or a secret file "
                          "(see NBX303)", *fx.also_bound("SECRET_KEY")])


class PasswordFromEnvironment(Fix):
    codes = ("NBX301",)
    name = "password-from-environment"
    kind = UNSAFE
    applies_to = frozenset({NETBOX, LDAP})
    summary = ("With --unsafe-fixes: a password written in the file is replaced by "
               "`os.environ['NETBOX_<SETTING PATH>']` (adding `import os` once; one password "
               "written in both REDIS sections becomes one `NETBOX_REDIS_PASSWORD`); the report "
               "lists the variables to set, never the old value.")
    examples = (FixExample(
        "DATABASE = {\n    'NAME': 'netbox',\n    'PASSWORD': 'J5brHrAXFLQSif0K',\n}\n",
        "import os\nDATABASE = {\n    'NAME': 'netbox',\n"
        "    'PASSWORD': os.environ['NETBOX_DATABASE_PASSWORD'],\n}\n",
        kind=UNSAFE,
    ),)

    def propose(self, fx: FixContext) -> Iterator[Proposal]:
        seen: Set[int] = set()
        edits: List[Edit] = []
        variables: List[str] = []
        places: List[str] = []
        shared = _shared_redis_passwords(fx)
        # os (or environ) must be bound before the first password read from it runs.
        first = min((value.stmt for _, value in password_values(fx.ctx)
                     if is_literal_str(value) and value.value), default=None)
        reachable = module_level_imports(fx.source.module, first)
        environ = "os.environ" if reachable.get("os") == "os" else \
            "environ" if reachable.get("environ") == "os.environ" else None
        for path, value in password_values(fx.ctx):
            if not (is_literal_str(value) and value.value) or id(value.node) in seen or \
                    is_placeholder_literal(value):  # NBX007's: the deploy step fills it in
                continue
            seen.add(id(value.node))
            try:
                start, end = fx.source.span(value.node, value.stmt, parentheses=False)
            except LookupError:  # written in a function's body or another statement
                yield Refusal(self.codes[0], f"{path} is written away from the setting "
                                             "(in a function or another statement); move it "
                                             "out by hand")
                continue
            if fx.silenced(self.codes[0], start):
                continue
            if not isinstance(value.node, (cst.SimpleString, cst.ConcatenatedString)):
                yield Refusal(self.codes[0], f"{path} is computed; move it out by hand")
                continue
            # One password for both REDIS sections (as the 2.6 layout had) stays one variable.
            variable = "NETBOX_REDIS_PASSWORD" if path.startswith("REDIS[") and \
                value.value in shared else env_name(path)
            if not re.fullmatch(r"[A-Z_][A-Z0-9_]*", variable):  # never: env_name is ASCII
                yield Refusal(self.codes[0], f"{path} has no usable environment variable "
                                             "name; move it out by hand")
                continue
            edits += replace_literal(fx.source, value.node, value.stmt,
                                     f"{environ or 'os.environ'}['{variable}']")
            if variable not in variables:
                variables.append(variable)
            places.append(path)
        if not edits:
            return
        if environ is None:
            edits.append(insert_import(fx.source, "import os"))
        yield Change(self.codes[0], f"{', '.join(places)} now read from the environment",
                     edits, [_export_note(variables), "the old passwords stay in every copy and "
                             "in the repository's history: change them if the file was ever "
                             "shared or committed"])


def _shared_redis_passwords(fx: FixContext) -> Set[str]:
    """Password literals written in more than one REDIS section."""
    seen: Set[str] = set()
    shared: Set[str] = set()
    for path, value in password_values(fx.ctx):
        if path.startswith("REDIS[") and is_literal_str(value) and value.value:
            assert isinstance(value, Lit)
            (shared if value.value in seen else seen).add(value.value)
    return shared


def _export_note(variables: List[str]) -> str:
    return ("before restarting NetBox, set " + ", ".join(variables) + " in its environment "
            "(systemd unit or EnvironmentFile, container env, or your secret store) to the "
            "passwords the file held")
