"""Calls: environment lookups, builtins and conversions, str/dict/list methods, and what the
evaluator knows of the outside world (``os``, ``ldap``, the builtins it follows)."""

from __future__ import annotations

import re
import string
from typing import Any, Dict, List

import libcst as cst

from flake8_netbox.evaluator.bindings import (MAX_BUILT_SIZE, Walker, _hashable, identifier,
                                              target_names,
                                              written_container)
from flake8_netbox.values import (
    ENV_BOOL,
    ENV_FLOAT,
    ENV_INT,
    ENV_LIST,
    ENV_STR,
    ENV_TRUTHY,
    DictV,
    Env,
    Function,
    ListV,
    Lit,
    Ref,
    Slot,
    Value,
    as_fallback,
    join,
)

_SCALARS = (str, bytes, int, float, complex, bool, type(None))
_STR_METHODS = {
    "split", "rsplit", "splitlines", "strip", "lstrip", "rstrip", "lower", "upper", "casefold",
    "title", "capitalize", "replace", "startswith", "endswith", "isdigit", "removeprefix",
    "removesuffix",
}
_SPLITTERS = {"split", "rsplit", "splitlines"}
_PREDICATES = {"startswith", "endswith", "isdigit"}

_BUILTINS = {"dict", "list", "tuple", "set", "str", "int", "float", "bool", "map"}
_NAMESPACE = {"os.environ", "os.getenv", "os.environ.get", "packaging.version",
              "packaging.version.parse", "packaging.version.Version"}
#: Modules whose names the evaluator follows: os for environment lookups, python-ldap for its
#: option constants (ldap.OPT_X_TLS_REQUIRE_CERT and the like), packaging's version parser
#: (plugin development files compare NetBox's VERSION with it).
_MODULES = {"os", "ldap", "packaging", "packaging.version"}
_VERSION_PARSERS = {"packaging.version.parse", "packaging.version.Version"}
_RELEASE = re.compile(r"v?(\d+(?:\.\d+)*)")


class Calls(Walker):
    """What a call returns, for the functions and methods the evaluator follows."""

    def parse_version(self, value: Value, node: Any) -> Value:
        """``packaging.version.parse('2.9')`` of a literal release number: a literal that
        compares as the parsed version does (``('version', (2, 9))``; trailing zeros dropped,
        so 2.9 == 2.9.0). Pre-releases and anything else stay unknown."""
        if not isinstance(value, Lit) or not isinstance(value.value, str):
            return self.unknown(node)
        match = _RELEASE.fullmatch(value.value.strip())
        if match is None:
            return self.unknown(node)
        numbers = [int(part) for part in match.group(1).split(".")[:8]]
        while len(numbers) > 1 and numbers[-1] == 0:
            numbers.pop()
        return value.derive(("version", tuple(numbers)), node, self.stmt, self.path)

    def definition_value(self, node: Any) -> Value:
        """The value a ``def`` or ``class`` binds: a ``Function`` for a plain helper whose body
        is one ``return`` (after an optional docstring), evaluated at each call; else unknown
        (decorators, ``async``, ``*args``/``**kwargs``, any other statement)."""
        if not isinstance(node, cst.FunctionDef) or node.decorators or node.asynchronous:
            return self.unknown(node)
        params = node.params
        if params.star_kwarg is not None or isinstance(params.star_arg, cst.Param) or \
                params.posonly_params:
            return self.unknown(node)
        body = node.body
        statements = list(body.body) if isinstance(body, cst.IndentedBlock) else [body]
        if not all(isinstance(statement, (cst.SimpleStatementLine, cst.SimpleStatementSuite))
                   for statement in statements):
            return self.unknown(node)
        smalls = [small for statement in statements for small in statement.body]
        if smalls and isinstance(smalls[0], cst.Expr) and \
                isinstance(smalls[0].value, (cst.SimpleString, cst.ConcatenatedString)):
            smalls = smalls[1:]  # the docstring
        if len(smalls) != 1 or not isinstance(smalls[0], cst.Return) or smalls[0].value is None:
            return self.unknown(node)
        return Function(list(params.params) + list(params.kwonly_params), len(params.params),
                        smalls[0].value, node, self.stmt, self.path)

    def call_function(self, func: Function, positional: List[Any], keywords: Dict[str, Any],
                      node: Any) -> List[Value]:
        """The returned expression of a helper, evaluated with its parameters bound to the
        call's arguments (defaults where not given), in the module's names as they are at the
        call. Calls inside helpers are followed one level deep."""
        if self.call_depth >= 2 or len(positional) > func.positional:
            return [self.unknown(node)]
        local: Dict[str, List[Slot]] = {}
        for index, param in enumerate(func.params):
            name = identifier(param.name.value)
            if index < len(positional):
                expr = positional[index]
            elif name in keywords:
                expr = keywords[name]
            elif param.default is not None:
                expr = param.default
            else:
                return [self.unknown(node)]
            local[name] = [Slot(value, expr, self.stmt, self.path) for value in self.eval(expr)]
        if set(keywords) - set(local):
            return [self.unknown(node)]
        outer = self.names
        self.names = {**outer, **local}
        self.call_depth += 1
        try:
            return self.eval(func.body)
        finally:
            self.call_depth -= 1
            self.names = outer

    def eval_Call(self, node: cst.Call) -> List[Value]:
        written = written_container(node)  # X.append(v) writes into X, it does not read it
        with self.not_reading(target_names([written] if written is not None else [])):
            funcs = self.eval(node.func)
        if len(funcs) != 1 or not isinstance(funcs[0], (Ref, Function)):
            self._escape(node)
            return [self.unknown(node)]
        func = funcs[0]
        positional = [arg.value for arg in node.args if not arg.keyword and not arg.star]
        keywords = {identifier(arg.keyword.value): arg.value for arg in node.args if arg.keyword}
        starred = any(arg.star for arg in node.args)
        if isinstance(func, Function) and not starred:
            return self.call_function(func, positional, keywords, node)
        name = func.qualname
        if name in ("os.environ.get", "os.getenv") and not starred:
            key = positional[0] if positional else keywords.get("key")
            default = positional[1] if len(positional) > 1 else keywords.get("default")
            if key is None:
                return [self.unknown(node)]
            return self.env_lookup(node, self.eval(key), default)
        if name in _VERSION_PARSERS and len(positional) == 1 and not keywords and not starred:
            return [self.parse_version(value, node) for value in self.eval(positional[0])]
        if name == "ldap.set_option" and len(positional) == 2 and not starred:
            self.ldap_options.append((self.eval(positional[0]), self.eval(positional[1])))
            return [self.lit(None, node)]
        if name.startswith("builtins.") and not starred:
            return self.call_builtin(name[len("builtins."):], positional, keywords, node)
        if func.receiver is not None and not starred:
            out: List[Value] = []
            for receiver in func.receiver:
                out.extend(self.call_method(receiver, name[1:], positional, keywords, node))
            return out
        self._escape(node)
        return [self.unknown(node)]

    def _escape(self, node: cst.Call) -> None:
        """Containers handed to an unknown function may be filled by it."""
        for arg in node.args:
            for value in self.eval(arg.value):
                if isinstance(value, (DictV, ListV)):
                    value.open = True

    def env_lookup(self, node: Any, keys: List[Value], default: Any) -> List[Value]:
        """``os.environ[key]`` (default None) or ``.get``/``getenv`` (default given or None)."""
        if len(keys) != 1 or not isinstance(keys[0], Lit) or not isinstance(keys[0].value, str):
            return [self.unknown(node)]
        var = keys[0].value
        is_subscript = isinstance(node, cst.Subscript)
        defaults: List[Value] = []
        if default is not None:
            defaults = [as_fallback(v, var) for v in self.eval(default)]
        elif not is_subscript:
            defaults = [as_fallback(self.lit(None, node), var)]
        ident = (var, tuple(_ident(v) for v in defaults), is_subscript)
        return [Env(var, ident, ENV_STR, node, self.stmt, self.path)] + defaults

    def call_builtin(self, name: str, args: List[Any], keywords: Dict[str, Any], node: Any
                     ) -> List[Value]:
        if name == "dict":
            result = DictV(node, self.stmt, self.path)
            if len(args) > 1:
                return [self.unknown(node)]
            if args:
                self.update_dict(result, self.eval(args[0]), args[0])
            for key, expr in keywords.items():
                self.set_entry(result, key, expr, self.eval(expr), expr)
            return [result]
        if name == "map":
            return [self.map_builtin(args, keywords, node)]
        if len(args) != 1 or keywords:
            if name in ("list", "tuple", "set") and not args and not keywords:
                return [ListV(name, node, self.stmt, self.path)]
            return [self.unknown(node)]
        out: List[Value] = []
        for value in self.eval(args[0]):
            out.append(self.convert(name, value, node))
        return out

    def map_builtin(self, args: List[Any], keywords: Dict[str, Any], node: Any) -> Value:
        """``map(int, parts)`` of a conversion over a closed list: the converted list."""
        funcs = self.eval(args[0]) if len(args) == 2 and not keywords else []
        items = self.eval(args[1]) if len(args) == 2 and not keywords else []
        func = funcs[0] if len(funcs) == 1 else None
        source = items[0] if len(items) == 1 else None
        if not isinstance(func, Ref) or func.qualname not in (
                "builtins.int", "builtins.str", "builtins.float", "builtins.bool") or \
                not isinstance(source, ListV) or source.open:
            return self.unknown(node)
        result = ListV("list", node, self.stmt, self.path)
        convert = func.qualname[len("builtins."):]
        result.items = [[self.convert(convert, value, node) for value in values]
                        for values in source.items]
        return result

    def convert(self, name: str, value: Value, node: Any) -> Value:
        if isinstance(value, Lit):
            if name in ("list", "tuple", "set") and isinstance(value.value, (str, bytes)):
                return self.unknown(node)
            func = {"str": str, "int": int, "float": float, "bool": bool}.get(name)
            if func is None or not isinstance(value.value, _SCALARS):
                return self.unknown(node)
            try:
                if isinstance(value.value, (str, bytes)) and len(value.value) > 4300:
                    raise ValueError
                return value.derive(func(value.value), node, self.stmt, self.path)
            except Exception:
                return self.unknown(node)
        if isinstance(value, Env):
            kind = {
                "str": value.kind if value.kind == ENV_STR else None,
                "int": ENV_INT, "float": ENV_FLOAT,
                "bool": ENV_TRUTHY if value.kind == ENV_STR else ENV_BOOL,
                "list": ENV_LIST if value.kind == ENV_LIST else None,
                "tuple": ENV_LIST if value.kind == ENV_LIST else None,
            }.get(name)
            if kind is None:
                return self.unknown(node)
            return value.derive(name, kind, node, self.stmt, self.path)
        if isinstance(value, ListV) and name in ("list", "tuple", "set"):
            result = ListV(name, node, self.stmt, self.path)
            result.items = [list(i) for i in value.items]
            result.open = value.open
            return result
        if isinstance(value, DictV) and name == "bool" and not value.open:
            return self.lit(bool(value.entries), node)
        return self.unknown(node)

    def call_method(self, receiver: Value, method: str, args: List[Any],
                    keywords: Dict[str, Any], node: Any) -> List[Value]:
        if isinstance(receiver, Lit) and isinstance(receiver.value, str) and \
                method in ("format", "join"):
            return [self.literal_method(receiver, method, args, keywords, node)]
        if isinstance(receiver, (Lit, Env)) and method in _STR_METHODS and not keywords:
            return self.string_method(receiver, method, args, node)
        if isinstance(receiver, DictV):
            return self.dict_method(receiver, method, args, keywords, node)
        if isinstance(receiver, ListV):
            if method in ("append", "insert") and len(receiver.items) >= MAX_BUILT_SIZE:
                receiver.open = True  # more items than the evaluator keeps
                return [self.lit(None, node)]
            if method == "append" and len(args) == 1:
                receiver.items.append(self.eval(args[0]))
                if self.loop_depth or receiver.path != self.path:
                    receiver.open = True
                return [self.lit(None, node)]
            if method == "extend" and len(args) == 1:
                self.extend_list(receiver, self.eval(args[0]), node)
                return [self.lit(None, node)]
            if method == "insert" and len(args) == 2:
                receiver.items.append(self.eval(args[1]))  # order does not matter to the rules
                if self.loop_depth or receiver.path != self.path:
                    receiver.open = True
                return [self.lit(None, node)]
            if method == "copy" and not args:
                return [self.convert(receiver.kind, receiver, node)]
            receiver.open = True
        return [self.unknown(node)]

    def literal_method(self, receiver: Lit, method: str, args: List[Any],
                       keywords: Dict[str, Any], node: Any) -> Value:
        """``'{}-{x}'.format('a', x=1)`` and ``'-'.join(['a', 'b'])`` of literals are literals
        (no attribute or index lookups in fields, no widths beyond MAX_BUILT_SIZE)."""
        sources: List[Lit] = [receiver]
        if method == "join":
            items = self.eval(args[0]) if len(args) == 1 and not keywords else []
            seq = items[0] if len(items) == 1 else None
            if not isinstance(seq, ListV) or seq.open:
                return self.unknown(node)
            parts = [values[0] if len(values) == 1 else None for values in seq.items]
            if not all(isinstance(p, Lit) and isinstance(p.value, str) for p in parts):
                return self.unknown(node)
            sources.extend(p for p in parts if isinstance(p, Lit))
            pieces = [p.value for p in sources[1:]]
            if sum(map(len, pieces)) + len(receiver.value) * len(pieces) > MAX_BUILT_SIZE:
                return self.unknown(node)
            result = receiver.value.join(pieces)
        else:
            positional: List[Any] = []
            named: Dict[str, Any] = {}
            for target, expr in [(None, a) for a in args] + list(keywords.items()):
                values = self.eval(expr)
                if len(values) != 1 or not isinstance(values[0], Lit) or \
                        not isinstance(values[0].value, _SCALARS):
                    return self.unknown(node)
                sources.append(values[0])
                if target is None:
                    positional.append(values[0].value)
                else:
                    named[target] = values[0].value
            try:
                fields = list(string.Formatter().parse(receiver.value))
                if not all(_plain_field(name, spec) for _, name, spec, _ in fields):
                    return self.unknown(node)
                result = receiver.value.format(*positional, **named)
            except Exception:
                return self.unknown(node)
            if len(result) > MAX_BUILT_SIZE:
                return self.unknown(node)
        origin = next((s for s in sources if s.fallback_of), receiver)
        return origin.derive(result, node, self.stmt, join(*(s.path for s in sources)))

    def string_method(self, receiver: Value, method: str, args: List[Any], node: Any
                      ) -> List[Value]:
        arg_values: List[Any] = []
        for arg in args:
            values = self.eval(arg)
            if len(values) != 1 or not isinstance(values[0], Lit):
                return [self.unknown(node)]
            arg_values.append(values[0].value)
        if isinstance(receiver, Env):
            if receiver.kind != ENV_STR:
                return [self.unknown(node)]
            kind = ENV_LIST if method in _SPLITTERS else \
                ENV_BOOL if method in _PREDICATES else ENV_STR
            return [receiver.derive((method, tuple(arg_values)), kind, node, self.stmt,
                                    self.path)]
        assert isinstance(receiver, Lit)
        if not isinstance(receiver.value, str) or \
                method == "replace" and _replaced_size(receiver.value, arg_values) > MAX_BUILT_SIZE:
            return [self.unknown(node)]
        try:
            result = getattr(receiver.value, method)(*arg_values)
        except Exception:
            return [self.unknown(node)]
        if isinstance(result, list):
            out = ListV("list", node, self.stmt, self.path)
            out.items = [[receiver.derive(part, node, self.stmt, self.path)] for part in result]
            if receiver.fallback_of is not None:
                out.mark_fallback(receiver.fallback_of, receiver.fallback_node)
            return [out]
        return [receiver.derive(result, node, self.stmt, self.path)]

    def dict_method(self, receiver: DictV, method: str, args: List[Any],
                    keywords: Dict[str, Any], node: Any) -> List[Value]:
        if method == "update" and len(args) <= 1:
            if args:
                self.update_dict(receiver, self.eval(args[0]), args[0])
            for key, expr in keywords.items():
                self.set_entry(receiver, key, expr, self.eval(expr), expr)
            return [self.lit(None, node)]
        if method == "get" and 1 <= len(args) <= 2 and not keywords:
            keys = self.eval(args[0])
            if len(keys) == 1 and isinstance(keys[0], Lit) and _hashable(keys[0].value):
                entry = receiver.entries.get(keys[0].value)
                if entry is not None:
                    return entry.values()
                if not receiver.open:
                    return self.eval(args[1]) if len(args) == 2 else [self.lit(None, node)]
            return [self.unknown(node)]
        if method == "setdefault" and len(args) == 2 and not keywords:
            keys = self.eval(args[0])
            if len(keys) == 1 and isinstance(keys[0], Lit) and _hashable(keys[0].value):
                if keys[0].value not in receiver.entries:
                    values = self.eval(args[1])
                    self.set_entry(receiver, keys[0].value, args[0], values, args[1])
                return receiver.entries[keys[0].value].values()
            receiver.open = True
            return [self.unknown(node)]
        if method == "copy" and not args:
            return [self.copy_dict(receiver, node)]
        if method in ("keys", "values", "items", "__contains__"):
            return [self.unknown(node)]
        receiver.open = True  # pop, clear, popitem, anything else that may change it
        return [self.unknown(node)]


def _replaced_size(text: str, args: List[Any]) -> int:
    """The length of ``text.replace(*args)``, worked out before building it (``'a' * 40000``
    with each 'a' replaced by itself would be 1.6 GB)."""
    if len(args) not in (2, 3) or not all(isinstance(a, str) for a in args[:2]):
        return 0  # the call itself fails: nothing is built
    old, new = args[0], args[1]
    count = text.count(old) if old else len(text) + 1
    if len(args) == 3 and isinstance(args[2], int) and args[2] >= 0:
        count = min(count, args[2])
    return len(text) + count * (len(new) - len(old))


def _ident(value: Value) -> Any:
    if isinstance(value, Lit):
        return ("lit", type(value.value).__name__, repr(value.value)[:200])
    if isinstance(value, Env):
        return ("env", value.ident)
    return ("node", id(value))


_FIELD_NAME = re.compile(r"\d*|[^\W\d]\w*")


def _plain_field(name: Any, spec: Any) -> bool:
    """A ``str.format`` field that only places an argument: no ``{0.attr}``/``{0[k]}`` lookup,
    no nested field in its spec, no width beyond MAX_BUILT_SIZE."""
    if name is None:
        return True
    return bool(_FIELD_NAME.fullmatch(name)) and "{" not in (spec or "") and all(
        len(n) <= 6 and int(n) <= MAX_BUILT_SIZE for n in re.findall(r"\d+", spec or ""))
