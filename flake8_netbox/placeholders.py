"""Is a string a template placeholder, left for a deploy step to fill in?

Configuration files rendered by Ansible, Salt, Helm, envsubst, ERB/EPP or a sed script hold
placeholders where the secret or host name goes. Until the file is rendered, NetBox would run
with the placeholder's literal text, but it is no hard-coded password or weak key: the rules
report it once, as a placeholder (NBX007), instead.

Forms delimited by '{' or '<' count anywhere in the string ('postgres://netbox:<password>@db',
'abc{{SECRET_KEY}}def'): neither NetBox's generate_secret_key.py nor Django's
get_random_secret_key() ever produces those characters. The others ('__SECRET_KEY__',
'@SECRET_KEY@', '%(secret)s', 'CHANGE_ME') count only as the whole value: their characters do
occur in generated keys (about one 50-character key in 30,000 would hold a '%(ab)s'). Bounded
quantifiers keep the time linear in the string.
"""

from __future__ import annotations

import re

#: Placeholders that may stand inside a longer value: each needs '{' or '<', which neither
#: NetBox's nor Django's key generator produces.
_EMBEDDED = re.compile(
    r"\{\{[^{}\n]{0,200}\}\}"  # Jinja2 (Ansible, Salt), Go templates (Helm), Mustache
    r"|\{%[^\n]{0,200}?%\}"  # Jinja2 statements
    r"|\$\{[A-Za-z_][A-Za-z0-9_.]{0,100}(?::?[-=?+][^}\n]{0,100})?\}"  # ${VAR}, ${VAR:-x}
    r"|<%=?[^\n]{0,200}?%>"  # ERB (Chef, Puppet), EPP
    r"|<[A-Za-z][A-Za-z0-9 _.-]{1,60}>"  # <password>, <your secret key>
)
#: Placeholders only as the whole value (their characters can occur in generated keys).
_WHOLE = re.compile(
    r"__[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)*__"  # __SECRET_KEY__ (sed-style markers)
    r"|@[A-Za-z][A-Za-z0-9_]{0,100}@"  # autoconf / CMake configure_file
    r"|%\([A-Za-z_][A-Za-z0-9_]{0,100}\)[sdr]"  # Python %-format, configparser interpolation
)
#: Words that say "replace me", compared without case, spaces, '-' and '_'.
_WORDS = frozenset({"changeme", "replaceme", "changethis", "replacethis", "setme", "fillme",
                    "fillmein", "yoursecretkey", "yourpassword", "secretkeyhere",
                    "passwordhere"})
_SEPARATORS = re.compile(r"[\s_-]+")
#: Longer strings are not looked into (no placeholder makes a value this long).
MAX_LENGTH = 10_000


def is_placeholder(text: str) -> bool:
    """Does ``text`` hold a template placeholder (in any of the forms above)?"""
    if not text or len(text) > MAX_LENGTH:
        return False
    stripped = text.strip()
    if _SEPARATORS.sub("", stripped).lower() in _WORDS or _WHOLE.fullmatch(stripped):
        return True
    return _EMBEDDED.search(text) is not None
