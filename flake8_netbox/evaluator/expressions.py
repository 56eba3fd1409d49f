"""Expressions: literals and f-strings, names, attributes, subscripts, containers, and the
binary, unary, boolean, comparison, conditional and walrus operators."""

from __future__ import annotations

import ast
import operator
import re
from typing import Any, Callable, Dict, List, Optional, Set

import libcst as cst

from flake8_netbox.evaluator.bindings import (_NO_KEY, MAX_ALTERNATIVES, MAX_BUILT_SIZE,
                                              Walker,
                                              _container_len, _hashable, _single_index,
                                              _truth, identifier, too_large)
from flake8_netbox.evaluator.calls import _BUILTINS, _MODULES, _NAMESPACE, _SCALARS
from flake8_netbox.values import (
    ENV_BOOL,
    ENV_FLOAT,
    ENV_INT,
    ENV_STR,
    Absent,
    DictV,
    Env,
    ListV,
    Lit,
    Imported,
    Ref,
    Unknown,
    Value,
    as_fallback,
    join,
)


#: Literals as written in the file: read whatever their size (only built values are bounded).
_WRITTEN = (cst.SimpleString, cst.ConcatenatedString, cst.Integer, cst.Float)

_BINARY: Dict[type, Callable[[Any, Any], Any]] = {
    cst.Add: operator.add,
    cst.Subtract: operator.sub,
    cst.Multiply: operator.mul,
    cst.Divide: operator.truediv,
    cst.FloorDivide: operator.floordiv,
    cst.Modulo: operator.mod,
    cst.BitOr: operator.or_,
    cst.BitAnd: operator.and_,
    cst.BitXor: operator.xor,
}
_COMPARE: Dict[type, Callable[[Any, Any], Any]] = {
    cst.Equal: operator.eq,
    cst.NotEqual: operator.ne,
    cst.LessThan: operator.lt,
    cst.LessThanEqual: operator.le,
    cst.GreaterThan: operator.gt,
    cst.GreaterThanEqual: operator.ge,
    cst.In: lambda a, b: a in b,
    cst.NotIn: lambda a, b: a not in b,
    cst.Is: operator.is_,
    cst.IsNot: operator.is_not,
}


#: The flags, width and precision of each %-directive (``%-10.3s`` gives ``-10.3``).
_PERCENT_WIDTHS = re.compile(r"%(?:\([^)]*\))?([#0 +\-]*[\d*]*(?:\.[\d*]*)?)")


def _size(value: Any) -> int:
    return len(value) if isinstance(value, (str, bytes, list, tuple)) else 0


def _safe_binary(op: type, left: Any, right: Any) -> Any:
    """Compute a literal operation, refusing anything that could take long or eat memory."""
    if op is cst.Add and _size(left) + _size(right) > MAX_BUILT_SIZE:
        raise OverflowError  # BANNER += BANNER, forty times over
    if op is cst.Multiply:
        for seq, times in ((left, right), (right, left)):
            if isinstance(seq, (str, bytes, list, tuple)) and isinstance(times, int):
                if _size(seq) * max(times, 0) > MAX_BUILT_SIZE:
                    raise OverflowError
    if op is cst.Modulo and isinstance(left, (str, bytes)):
        # %-formatting: refused when a width or precision could build a huge string
        text = left if isinstance(left, str) else left.decode("latin-1")
        for width in _PERCENT_WIDTHS.findall(text):
            if "*" in width or any(len(n) > 6 or int(n) > MAX_BUILT_SIZE
                                   for n in re.findall(r"\d+", width)):
                raise OverflowError
        result = left % right
        if len(result) > MAX_BUILT_SIZE:
            raise OverflowError
        return result
    for value in (left, right):
        if isinstance(value, int) and value.bit_length() > 4096:
            raise OverflowError
    if isinstance(left, (list, tuple)) or isinstance(right, (list, tuple)):
        raise OverflowError  # containers are handled as ListV
    return _BINARY[op](left, right)


class Expressions(Walker):
    """Possible values of an expression."""

    def eval(self, node: Any) -> List[Value]:
        """Possible values of an expression (never empty)."""
        method = getattr(self, "eval_" + type(node).__name__, None)
        if method is None:
            if node is not None:
                self.not_followed(node)
            return [self.unknown(node)]
        result = method(node)
        if len(result) == 1 and type(result[0]) is Unknown and result[0].node is node:
            self.defer(node)  # given up: parts of it may not have been read
        if len(result) > MAX_ALTERNATIVES or not isinstance(node, _WRITTEN) and any(
                value.node is node and too_large(value) for value in result):
            return [self.unknown(node)]  # too many, or built here beyond MAX_BUILT_SIZE
        return result or [self.unknown(node)]

    def eval_SimpleString(self, node: cst.SimpleString) -> List[Value]:
        return self._literal(node)

    def eval_ConcatenatedString(self, node: cst.ConcatenatedString) -> List[Value]:
        return self._literal(node)

    def eval_Integer(self, node: cst.Integer) -> List[Value]:
        return self._literal(node)

    def eval_Float(self, node: cst.Float) -> List[Value]:
        return self._literal(node)

    def _literal(self, node: Any) -> List[Value]:
        try:
            value = _fast_literal(node)
            if value is _NO_KEY:
                value = node.evaluated_value
        except Exception:  # e.g. integers beyond Python's digit limit
            return [self.unknown(node)]
        if value is None:  # a concatenation with an f-string part
            return self.eval_FormattedString(node)
        return [self.lit(value, node)]

    def eval_FormattedString(self, node: Any) -> List[Value]:
        """An f-string (or a concatenation with f-string parts) whose replacement fields are all
        literals is a literal: ``f'{"a"}-{1:03}'``, ``'a' f'{B}'`` with ``B = 'b'``."""
        pieces: List[List[Value]] = []
        for part in _string_parts(node):
            if isinstance(part, cst.SimpleString):
                try:
                    pieces.append([self.lit(part.evaluated_value, part)])
                except Exception:
                    return [self.unknown(node)]
            elif isinstance(part, cst.FormattedString):
                pieces.append(self.formatted(part))
            else:
                return [self.unknown(node)]
        return self.concatenate(pieces, node)

    def formatted(self, node: cst.FormattedString) -> List[Value]:
        """One f-string: its text from Python's own parser (escapes, ``{{``), its fields
        evaluated; unknown unless every field is a literal."""
        try:
            parsed = ast.parse(cst.Module([]).code_for_node(node), mode="eval").body
        except (SyntaxError, ValueError, RecursionError):
            return [self.unknown(node)]
        if not isinstance(parsed, ast.JoinedStr):
            return [self.unknown(node)]
        fields = [p for p in node.parts if isinstance(p, cst.FormattedStringExpression)]
        formatted = [v for v in parsed.values if isinstance(v, ast.FormattedValue)]
        if len(fields) != len(formatted):
            return [self.unknown(node)]
        pieces: List[List[Value]] = []
        index = 0
        for value in parsed.values:
            if isinstance(value, ast.Constant):
                pieces.append([self.lit(value.value, node)])
                continue
            assert isinstance(value, ast.FormattedValue)
            field, index = fields[index], index + 1
            spec = value.format_spec
            if spec is not None and not all(isinstance(v, ast.Constant) for v in spec.values):
                return [self.unknown(node)]  # a computed format spec
            spec_text = "".join(v.value for v in spec.values) if spec is not None else ""
            if not _spec_fits(spec_text):
                return [self.unknown(node)]
            out: List[Value] = []
            for alternative in self.eval(field.expression):
                if not isinstance(alternative, Lit) or not isinstance(alternative.value, _SCALARS):
                    return [self.unknown(node)]
                try:
                    text = {115: str, 114: repr, 97: ascii}.get(value.conversion, lambda x: x)(
                        alternative.value)
                    out.append(alternative.derive(format(text, spec_text), node, self.stmt,
                                                  join(self.path, alternative.path)))
                except Exception:
                    return [self.unknown(node)]
            pieces.append(out)
        return self.concatenate(pieces, node)

    def concatenate(self, pieces: List[List[Value]], node: Any) -> List[Value]:
        """Every way of joining one literal string from each piece (at most MAX_ALTERNATIVES);
        a piece standing in for an unset environment variable makes the result one too."""
        results: List[Value] = [self.lit("", node)]
        for piece in pieces:
            if len(results) * len(piece) > MAX_ALTERNATIVES:
                return [self.unknown(node)]
            joined: List[Value] = []
            for left in results:
                for right in piece:
                    if not isinstance(right, Lit) or not isinstance(right.value, str) or \
                            not isinstance(left, Lit):
                        return [self.unknown(node)]
                    if len(left.value) + len(right.value) > MAX_BUILT_SIZE:
                        return [self.unknown(node)]
                    origin = left if left.fallback_of else right
                    joined.append(origin.derive(left.value + right.value, node, self.stmt,
                                                join(self.path, left.path, right.path)))
            results = joined
        return results

    def eval_Name(self, node: cst.Name) -> List[Value]:
        name = identifier(node.value)
        slots = self.names.get(name)
        if name not in self.own:  # else the value assigned to it, or a write into it
            self.read_names.add(name)
            seen = None
            for slot in slots or ():  # the read is recorded on each binding it may read
                if slot.binding is not None and slot.binding is not seen:
                    seen = slot.binding
                    if not seen.reads or seen.reads[-1] is not node:
                        seen.reads.append(node)
        if slots is not None:
            return [slot.value for slot in slots]
        if name in ("True", "False", "None"):
            return [self.lit({"True": True, "False": False, "None": None}[name], node)]
        if name in _BUILTINS:
            return [Ref("builtins." + name, node, self.stmt)]
        if self.star_import is not None:
            return [self.from_star_import(name, node)]
        return [self.unknown(node)]

    def from_star_import(self, name: str, node: Any) -> Value:
        """A name the file uses but never binds, after ``from .base import *``: unknown (an
        ``Imported``, which a write turns into an open dict, see ``Walker.written_dict``); the
        modules the evaluator follows (os) are taken to be those modules."""
        star, stmt, _ = self.star_import
        if name in _MODULES:
            return Ref(name, star, stmt)
        return Imported(name, node, self.stmt, self.path)

    def eval_Attribute(self, node: cst.Attribute) -> List[Value]:
        attr = identifier(node.attr.value)
        out: List[Value] = []
        for base in self.eval(node.value):
            if isinstance(base, Ref) and base.receiver is None and (
                    f"{base.qualname}.{attr}" in _NAMESPACE or base.qualname == "ldap"):
                out.append(Ref(f"{base.qualname}.{attr}", node, self.stmt))
            elif isinstance(base, Lit) and isinstance(base.value, tuple) and \
                    base.value[:1] == ("version",) and attr in _VERSION_PARTS:
                numbers = base.value[1] + (0, 0, 0)
                part = numbers[:len(base.value[1])] if attr == "release" else \
                    numbers[_VERSION_PARTS.index(attr)]
                out.append(base.derive(part, node, self.stmt, self.path))
            elif isinstance(base, (Lit, Env, DictV, ListV)):
                out.append(Ref("." + attr, node, self.stmt, receiver=[base]))
            elif isinstance(base, Imported) and attr in ("update", "setdefault"):
                out.append(Ref("." + attr, node, self.stmt, receiver=[self.written_dict(base)]))
            else:
                out.append(self.unknown(node))
        return _merge_methods(out, node, self.stmt)

    def eval_Subscript(self, node: cst.Subscript) -> List[Value]:
        index = _single_index(node)
        if index is None:
            return self.eval_slice(node)
        keys = self.eval(index)
        out: List[Value] = []
        for base in self.eval(node.value):
            for key in keys:
                out.extend(self.subscript(base, key, node))
        return out

    def eval_slice(self, node: cst.Subscript) -> List[Value]:
        """``x[a:b]`` of a literal string or a closed list with literal bounds."""
        if len(node.slice) != 1 or not isinstance(node.slice[0].slice, cst.Slice):
            return [self.unknown(node)]
        part = node.slice[0].slice
        bounds: List[Optional[int]] = []
        for expr in (part.lower, part.upper, part.step):
            values = self.eval(expr) if expr is not None else [self.lit(None, node)]
            if len(values) != 1 or not isinstance(values[0], Lit) or not (
                    values[0].value is None or type(values[0].value) is int):
                return [self.unknown(node)]
            bounds.append(values[0].value)
        window = slice(*bounds)
        out: List[Value] = []
        for base in self.eval(node.value):
            if isinstance(base, Lit) and isinstance(base.value, (str, bytes)):
                out.append(base.derive(base.value[window], node, self.stmt, self.path))
            elif isinstance(base, ListV) and not base.open and bounds[2] in (None, 1):
                result = ListV(base.kind, node, self.stmt, join(self.path, base.path))
                result.items = [list(items) for items in base.items[window]]
                out.append(result)
            else:
                out.append(self.unknown(node))
        return out

    def subscript(self, base: Value, key: Value, node: Any) -> List[Value]:
        if isinstance(base, Ref) and base.qualname == "os.environ":
            return self.env_lookup(node, [key], None)
        if not isinstance(key, Lit) or not _hashable(key.value):
            return [self.unknown(node)]
        if isinstance(base, DictV):
            entry = base.entries.get(key.value)
            if entry is None:
                return [self.unknown(node)]
            return [v for v in entry.values() if not isinstance(v, Absent)] or \
                [self.unknown(node)]
        if isinstance(base, ListV) and isinstance(key.value, int) and not base.open:
            if -len(base.items) <= key.value < len(base.items):
                return list(base.items[key.value])
        if isinstance(base, Lit) and isinstance(base.value, (str, bytes)) and \
                isinstance(key.value, int):
            try:
                return [base.derive(base.value[key.value], node, self.stmt, self.path)]
            except IndexError:
                pass
        return [self.unknown(node)]

    def eval_Dict(self, node: cst.Dict) -> List[Value]:
        result = DictV(node, self.stmt, self.path)
        for element in node.elements:
            if isinstance(element, cst.DictElement):
                key = _key(self.eval(element.key))
                values = self.eval(element.value)
                if key is not _NO_KEY:
                    result.entries.pop(key, None)  # a repeated key moves to the end
                    self.set_entry(result, key, element.key, values, element.value)
                else:
                    result.open = True
            else:
                self.update_dict(result, self.eval(element.value), element.value)
        return [result]

    def eval_List(self, node: Any) -> List[Value]:
        return [self._sequence(node, "list")]

    def eval_Tuple(self, node: Any) -> List[Value]:
        return [self._sequence(node, "tuple")]

    def eval_Set(self, node: Any) -> List[Value]:
        return [self._sequence(node, "set")]

    def _sequence(self, node: Any, kind: str) -> ListV:
        result = ListV(kind, node, self.stmt, self.path)
        for element in node.elements:
            if isinstance(element, cst.StarredElement):
                self.extend_list(result, self.eval(element.value), element)
            else:
                result.items.append(self.eval(element.value))
        return result

    def eval_BinaryOperation(self, node: cst.BinaryOperation) -> List[Value]:
        return self.combine(type(node.operator), self.eval(node.left), self.eval(node.right), node)

    def combine(self, op: Any, lefts: List[Value], rights: List[Value], node: Any) -> List[Value]:
        if len(lefts) * len(rights) > MAX_ALTERNATIVES:
            return [self.unknown(node)]
        out: List[Value] = []
        for left in lefts:
            for right in rights:
                out.append(self.binary(op, left, right, node))
        return out

    def binary(self, op: Any, left: Value, right: Value, node: Any) -> Value:
        path = join(self.path, left.path, right.path)
        if op is cst.Modulo and isinstance(left, Lit) and isinstance(left.value, str):
            right = _as_literal(right)  # '%s-%s' % ('a', 'b'), '%(x)s' % {'x': 'a'}
        if isinstance(left, Lit) and isinstance(right, Lit) and op in _BINARY:
            try:
                value = _safe_binary(op, left.value, right.value)
            except Exception:
                return self.unknown(node)
            origin = left if left.fallback_of else right
            return origin.derive(value, node, self.stmt, path)
        if isinstance(left, ListV) and isinstance(right, ListV) and op is cst.Add:
            if len(left.items) + len(right.items) > MAX_BUILT_SIZE:
                return self.unknown(node)  # L = L + L, thirty times over
            result = ListV(left.kind, node, self.stmt, path)
            result.items = [list(i) for i in left.items + right.items]
            result.open = left.open or right.open
            return result
        if isinstance(left, DictV) and isinstance(right, DictV) and op is cst.BitOr:
            result_dict = self.copy_dict(left, node)
            self.update_dict(result_dict, [right], node)
            return result_dict
        env, other = (left, right) if isinstance(left, Env) else (right, left)
        if isinstance(env, Env) and isinstance(other, Lit) and op in _BINARY:
            kind = {ENV_STR: ENV_STR, ENV_INT: ENV_INT, ENV_FLOAT: ENV_FLOAT}.get(env.kind)
            if kind is not None:
                return env.derive((op.__name__, other.value is left), kind, node, self.stmt, path)
        return self.unknown(node)

    def eval_UnaryOperation(self, node: cst.UnaryOperation) -> List[Value]:
        op = type(node.operator)
        out: List[Value] = []
        for value in self.eval(node.expression):
            if isinstance(value, Lit):
                try:
                    computed = {cst.Not: operator.not_, cst.Minus: operator.neg,
                                cst.Plus: operator.pos, cst.BitInvert: operator.invert}[op](
                        value.value)
                except Exception:
                    out.append(self.unknown(node))
                    continue
                out.append(value.derive(computed, node, self.stmt, self.path))
            elif isinstance(value, Env) and op is cst.Not:
                out.append(value.derive("not", ENV_BOOL, node, self.stmt, self.path))
            elif isinstance(value, (DictV, ListV)) and op is cst.Not and not value.open:
                out.append(self.lit(not _container_len(value), node))
            else:
                out.append(self.unknown(node))
        return out

    def eval_BooleanOperation(self, node: cst.BooleanOperation) -> List[Value]:
        is_or = isinstance(node.operator, cst.Or)
        out: List[Value] = []
        rights: Optional[List[Value]] = None
        seen: Set[int] = set()
        stand_ins: Dict[int, Value] = {}
        for left in self.eval(node.left):
            truth = _truth(left)
            if truth is None or truth is is_or:  # the left operand can be the result
                if id(left) not in seen:
                    seen.add(id(left))
                    out.append(left)
                if truth is is_or:
                    continue
            if rights is None:
                rights = self.eval(node.right)
            var = left.var if isinstance(left, Env) else left.fallback_of
            for right in rights:
                if var is not None and is_or:
                    # `environ.get(A) or environ.get(B) or 'default'`: one stand-in for the
                    # unset variables, whatever the length of the chain
                    right = stand_ins.setdefault(id(right), as_fallback(right, var))
                if id(right) not in seen:
                    seen.add(id(right))
                    out.append(right)
        return out

    def eval_Comparison(self, node: cst.Comparison) -> List[Value]:
        if len(node.comparisons) != 1:
            return [self.chained(node)]
        target = node.comparisons[0]
        op = type(target.operator)
        compare = _COMPARE.get(op)
        lefts, rights = self.eval(node.left), self.eval(target.comparator)
        if compare is None or len(lefts) * len(rights) > MAX_ALTERNATIVES:
            return [self.unknown(node)]
        out: List[Value] = []
        for left in lefts:
            for right in rights:
                out.append(self.compare(compare, op, left, right, node))
        return out

    def chained(self, node: cst.Comparison) -> Value:
        """``a < b < c`` of literals: each pair compared, as Python does."""
        left = self.eval(node.left)
        result = True
        origin: Optional[Lit] = None
        for target in node.comparisons:
            right = self.eval(target.comparator)
            compare = _COMPARE.get(type(target.operator))
            if compare is None or len(left) != 1 or len(right) != 1:
                return self.unknown(node)
            value = self.compare(compare, type(target.operator), left[0], right[0], node)
            if not isinstance(value, Lit):
                return self.unknown(node)
            origin = value if origin is None or value.fallback_of else origin
            result = result and bool(value.value)
            left = right
        assert origin is not None
        return origin.derive(result, node, self.stmt, self.path)

    def compare(self, compare: Callable[[Any, Any], Any], op: type, left: Value, right: Value,
                node: Any) -> Value:
        path = join(self.path, left.path, right.path)
        if isinstance(left, ListV) and not left.open and all(
                len(i) == 1 and isinstance(i[0], Lit) for i in left.items):
            left = Lit(tuple(i[0].value for i in left.items), left.node, left.stmt, left.path)
        if isinstance(right, ListV) and not right.open and all(
                len(i) == 1 and isinstance(i[0], Lit) for i in right.items):
            right = Lit(tuple(i[0].value for i in right.items), right.node, right.stmt, right.path)
        if isinstance(left, Lit) and isinstance(right, Lit):
            try:
                value = bool(compare(left.value, right.value))
            except Exception:
                return self.unknown(node)
            origin = left if left.fallback_of else right
            return origin.derive(value, node, self.stmt, path)
        env, other = (left, right) if isinstance(left, Env) else (right, left)
        if isinstance(env, Env) and isinstance(other, Lit):
            return env.derive((op.__name__, other.value, env is left), ENV_BOOL, node,
                              self.stmt, path)
        return self.unknown(node)

    def eval_IfExp(self, node: cst.IfExp) -> List[Value]:
        """``a if c else b``: the side Python takes when ``c`` is known in every run (see
        ``decide``), else both."""
        truth = self.decide(node.test)
        if truth is None:
            return self.eval(node.body) + self.eval(node.orelse)
        taken, skipped = (node.body, node.orelse) if truth else (node.orelse, node.body)
        self.defer(skipped)
        return self.eval(taken)

    def eval_NamedExpr(self, node: cst.NamedExpr) -> List[Value]:
        values = self.eval(node.value)
        self.bind_target(node.target, values, node.value)
        return values


#: Attributes of a parsed version (packaging.version.Version) the evaluator knows.
_VERSION_PARTS = ("major", "minor", "micro", "release")
_PLAIN_INT = re.compile(r"[1-9][0-9]{0,17}|0")


def _fast_literal(node: Any) -> Any:
    """The common literals without ``ast.literal_eval`` (which libcst calls for each one)."""
    if isinstance(node, cst.SimpleString):
        text = node.value
        quote = text[-1]
        if text[0] == quote and "\\" not in text and text[:3] not in ('"""', "'''"):
            return text[1:-1]
    elif isinstance(node, cst.Integer) and _PLAIN_INT.fullmatch(node.value):
        return int(node.value)
    return _NO_KEY


def _key(keys: List[Value]) -> Any:
    """A dict key the evaluator can follow: a hashable literal, or a module constant such as
    ldap.OPT_REFERRALS (kept as ('ref', 'ldap.OPT_REFERRALS'))."""
    if len(keys) != 1:
        return _NO_KEY
    key = keys[0]
    if isinstance(key, Lit) and _hashable(key.value):
        return key.value
    if isinstance(key, Ref) and key.receiver is None and key.qualname.startswith("ldap."):
        return ("ref", key.qualname)
    return _NO_KEY


def _merge_methods(values: List[Value], node: Any, stmt: int) -> List[Value]:
    """``x.split`` over several alternatives of ``x`` is one bound method with several receivers."""
    refs = [v for v in values if isinstance(v, Ref) and v.receiver is not None]
    if len(refs) == len(values) and len(refs) > 1:
        receivers = [r for ref in refs for r in (ref.receiver or [])]
        return [Ref(refs[0].qualname, node, stmt, receiver=receivers)]
    return values


def _string_parts(node: Any) -> List[Any]:
    """The strings an implicit concatenation is made of, left to right."""
    if isinstance(node, cst.ConcatenatedString):
        return _string_parts(node.left) + _string_parts(node.right)
    return [node]


_SPEC_NUMBER = re.compile(r"\d+")


def _spec_fits(spec: str) -> bool:
    """A format spec (``>10``, ``.3f``) whose widths cannot build a huge string."""
    return all(len(number) <= 6 and int(number) <= MAX_BUILT_SIZE
               for number in _SPEC_NUMBER.findall(spec))


def _as_literal(value: Value) -> Value:
    """A closed tuple or dict of single literals as one literal (the operand of ``%``)."""
    items: List[Lit] = []
    literal: Any
    if isinstance(value, ListV) and value.kind == "tuple" and not value.open:
        items = [i[0] for i in value.items if len(i) == 1 and isinstance(i[0], Lit)]
        if len(items) != len(value.items):
            return value
        literal = tuple(i.value for i in items)
    elif isinstance(value, DictV) and not value.open:
        pairs = [(k, e.slots[0].value) for k, e in value.entries.items() if len(e.slots) == 1]
        items = [v for _, v in pairs if isinstance(v, Lit)]
        if len(items) != len(value.entries):
            return value
        literal = {k: v.value for k, v in pairs if isinstance(v, Lit)}
    else:
        return value
    out = Lit(literal, value.node, value.stmt, value.path)
    for item in items:
        if item.fallback_of is not None:
            return out.mark_fallback(item.fallback_of, item.fallback_node)
    return out
