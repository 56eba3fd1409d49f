"""Static evaluation of a configuration module: which values each setting can hold, and where from.

Only module-level statements are executed (abstractly), in file order; expressions are followed
as far as they reach. Nothing is imported or run. What the evaluator cannot follow becomes
``Unknown``, which no rule judges.
"""

from __future__ import annotations

import ast
import operator
import re
from typing import (Any, Callable, Dict, Iterable, List, NamedTuple, Optional, Sequence, Set,
                    Tuple)

import libcst as cst

from flake8_netbox.values import (
    ENV_BOOL,
    ENV_FLOAT,
    ENV_INT,
    ENV_LIST,
    ENV_STR,
    ENV_TRUTHY,
    DictV,
    Entry,
    Env,
    ListV,
    Lit,
    Path,
    Ref,
    Slot,
    Unknown,
    Value,
    join,
)

#: Most alternatives one expression may produce before it is given up as unknown.
MAX_ALTERNATIVES = 16
#: Largest string, bytes or list the evaluator builds with ``*`` (a 5 MB literal is still read).
MAX_BUILT_SIZE = 100_000


class Absent(Value):
    """A dict key that some paths through the file never set: NetBox then uses its default."""

    __slots__ = ()


class Site:
    """Where a top-level name is bound."""

    __slots__ = ("node", "stmt", "path")

    def __init__(self, node: Any, stmt: int, path: Path) -> None:
        self.node = node
        self.stmt = stmt
        self.path = path


class Facts:
    """The evaluator's answer: what each module-level name can hold."""

    def __init__(self, names: Dict[str, List[Slot]], sites: Dict[str, List[Site]],
                 open_world: bool, rebinding: bool = False) -> None:
        self.names = names
        self.sites = sites
        #: Names may come from elsewhere (star import, globals(), module __getattr__, exec).
        self.open_world = open_world
        #: Code the evaluator cannot place in time (exec, writes to globals() or sys.modules)
        #: may rebind or fill any setting: NetBox's defaults cannot be assumed for any dict.
        self.rebinding = rebinding
        #: (option, value) alternatives of each module-level ldap.set_option() call.
        self.ldap_options: List[Tuple[List[Value], List[Value]]] = []

    def values(self, name: str) -> List[Value]:
        return [slot.value for slot in self.names.get(name, ())]

    def slots(self, name: str) -> List[Slot]:
        return list(self.names.get(name, ()))

    def is_bound(self, name: str) -> bool:
        return name in self.sites


# -- open-world detection on flake8's ast tree ---------------------------------------------------

#: Substrings without which a module cannot be open; plain ``in`` tests are far faster than
#: one regular expression with alternatives over a large file.
_OPEN_WORDS = ("globals", "locals", "vars", "exec", "__getattr__", "modules", "global")
_STAR_IMPORT = re.compile(r"import\s*\*")
_NAMESPACE_WRITERS = {"update", "setdefault", "__setitem__", "pop", "clear"}


class OpenWorld(NamedTuple):
    open_world: bool  # names may come from elsewhere: nothing is reported missing
    rebinding: bool  # ... at a moment the evaluator cannot place: no defaults assumed
    global_names: Set[str]  # names functions declare ``global``


def scan_open_world(tree: Optional[ast.AST], source: str) -> OpenWorld:
    """How the module can receive names from elsewhere, found on flake8's ast tree."""
    if tree is None or not (any(word in source for word in _OPEN_WORDS)
                            or ("*" in source and _STAR_IMPORT.search(source))):
        return OpenWorld(False, False, set())
    star = rebinding = False
    global_names: Set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and any(alias.name == "*" for alias in node.names):
            star = True  # placed in time by the evaluator
        elif isinstance(node, ast.Global):
            global_names.update(node.names)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            if node.func.id == "exec":
                rebinding = True
        elif isinstance(node, ast.Subscript) and isinstance(node.ctx, (ast.Store, ast.Del)):
            if _is_namespace_call(node.value):
                rebinding = True
        elif isinstance(node, ast.Attribute):
            if node.attr in _NAMESPACE_WRITERS and _is_namespace_call(node.value):
                rebinding = True
            elif node.attr == "modules" and isinstance(node.value, ast.Name) and \
                    node.value.id == "sys":
                rebinding = True
    getattr_ = isinstance(tree, ast.Module) and _defines_module_getattr(tree.body)
    return OpenWorld(star or rebinding or getattr_, rebinding, global_names)


def _is_namespace_call(node: ast.AST) -> bool:
    return (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
            and node.func.id in ("globals", "locals", "vars") and not node.args)


def _defines_module_getattr(body: Sequence[ast.stmt]) -> bool:
    for stmt in body:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)) and stmt.name == "__getattr__":
            return True
        if isinstance(stmt, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "__getattr__" for t in stmt.targets
        ):
            return True
        for field in ("body", "orelse", "finalbody"):
            if _defines_module_getattr(getattr(stmt, field, ()) or ()):
                return True
        for handler in getattr(stmt, "handlers", ()) or ():
            if _defines_module_getattr(handler.body):
                return True
    return False


# -- literal computation -------------------------------------------------------------------------

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
_SCALARS = (str, bytes, int, float, complex, bool, type(None))
_STR_METHODS = {
    "split", "rsplit", "splitlines", "strip", "lstrip", "rstrip", "lower", "upper", "casefold",
    "title", "capitalize", "replace", "startswith", "endswith", "isdigit", "removeprefix",
    "removesuffix",
}
_SPLITTERS = {"split", "rsplit", "splitlines"}
_PREDICATES = {"startswith", "endswith", "isdigit"}


def _size(value: Any) -> int:
    return len(value) if isinstance(value, (str, bytes, list, tuple)) else 0


def _safe_binary(op: type, left: Any, right: Any) -> Any:
    """Compute a literal operation, refusing anything that could take long or eat memory."""
    if op is cst.Multiply:
        for seq, times in ((left, right), (right, left)):
            if isinstance(seq, (str, bytes, list, tuple)) and isinstance(times, int):
                if _size(seq) * max(times, 0) > MAX_BUILT_SIZE:
                    raise OverflowError
    if op is cst.Modulo and isinstance(left, (str, bytes)):
        raise OverflowError  # %-formatting: width specifiers can build huge strings
    for value in (left, right):
        if isinstance(value, int) and value.bit_length() > 4096:
            raise OverflowError
    if isinstance(left, (list, tuple)) or isinstance(right, (list, tuple)):
        raise OverflowError  # containers are handled as ListV
    return _BINARY[op](left, right)


class Evaluator:
    """Abstract interpreter over the module-level statements of one libcst module."""

    def __init__(self, module: cst.Module, tree: Optional[ast.AST] = None,
                 source: str = "") -> None:
        self.module = module
        self.names: Dict[str, List[Slot]] = {}
        self.sites: Dict[str, List[Site]] = {}
        self.path: Path = ()
        self.stmt = 0
        self.loop_depth = 0
        self._branches = 0
        self.world = scan_open_world(tree, source)
        #: (option alternatives, value alternatives) of each module-level ldap.set_option().
        self.ldap_options: List[Tuple[List[Value], List[Value]]] = []

    # -- driver ----------------------------------------------------------------------------------

    def run(self) -> Facts:
        for index, statement in enumerate(self.module.body):
            self.stmt = index
            self.exec_statement(statement)
        for name in self.world.global_names:  # set by functions the file may call
            self.sites.setdefault(name, []).append(Site(None, 0, ()))
            self.names.setdefault(name, []).append(Slot(self.unknown(None), None, 0, ()))
        facts = Facts(self.names, self.sites, self.world.open_world, self.world.rebinding)
        facts.ldap_options = self.ldap_options
        return facts

    def unknown(self, node: Any) -> Unknown:
        return Unknown(node, self.stmt, self.path)

    # -- statements ------------------------------------------------------------------------------

    def exec_block(self, block: Any) -> None:
        for statement in getattr(block, "body", ()):
            self.exec_statement(statement)

    def exec_statement(self, stmt: cst.CSTNode) -> None:
        if isinstance(stmt, cst.SimpleStatementLine):
            for small in stmt.body:
                self.exec_small(small)
        elif isinstance(stmt, cst.SimpleStatementSuite):
            for small in stmt.body:
                self.exec_small(small)
        elif isinstance(stmt, cst.If):
            self.exec_if(stmt)
        elif isinstance(stmt, (cst.Try, getattr(cst, "TryStar", cst.Try))):
            self.exec_try(stmt)
        elif isinstance(stmt, (cst.For, cst.While)):
            self.exec_loop(stmt)
        elif isinstance(stmt, cst.With):
            for item in stmt.items:
                self.eval(item.item)
                if item.asname is not None:
                    self.bind_target(item.asname.name, [self.unknown(item.asname.name)],
                                     item.asname.name)
            self.exec_block(stmt.body)
        elif isinstance(stmt, (cst.FunctionDef, cst.ClassDef)):
            self.bind_name(stmt.name.value, [self.unknown(stmt)], stmt.name)
        elif isinstance(stmt, cst.Match):
            arms = [case.body for case in stmt.cases] + [None]
            self.exec_branches(arms)

    def exec_small(self, small: cst.CSTNode) -> None:
        if isinstance(small, cst.Assign):
            values = self.eval(small.value)
            for target in small.targets:
                self.bind_target(target.target, values, small.value)
        elif isinstance(small, cst.AnnAssign):
            if small.value is not None:
                self.bind_target(small.target, self.eval(small.value), small.value)
        elif isinstance(small, cst.AugAssign):
            self.exec_augassign(small)
        elif isinstance(small, cst.Expr):
            self.eval(small.value)
        elif isinstance(small, cst.Import):
            for alias in small.names:
                self.exec_import(alias)
        elif isinstance(small, cst.ImportFrom):
            self.exec_import_from(small)
        elif isinstance(small, cst.Del):
            self.exec_del(small.target)

    def exec_import(self, alias: cst.ImportAlias) -> None:
        dotted = _dotted(alias.name)
        if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
            value: Value = Ref(dotted, alias, self.stmt) if dotted in _MODULES \
                else self.unknown(alias)
            self.bind_name(alias.asname.name.value, [value], alias.asname.name)
        else:
            top = dotted.split(".")[0]
            value = Ref(top, alias, self.stmt) if top in _MODULES else self.unknown(alias)
            self.bind_name(top, [value], alias.name)

    def exec_import_from(self, node: cst.ImportFrom) -> None:
        if isinstance(node.names, cst.ImportStar):
            # Any public name bound so far may be replaced by the imported module's (modules
            # such as os are taken to stay what they are).
            for name, slots in list(self.names.items()):
                if not name.startswith("_") and not all(isinstance(s.value, Ref) for s in slots):
                    self.names[name] = slots + [Slot(self.unknown(node), node, self.stmt,
                                                     self.path)]
            return
        module = _dotted(node.module) if node.module is not None and not node.relative else ""
        for alias in node.names:
            name = _dotted(alias.name)
            bound = alias.asname.name.value if isinstance(
                getattr(alias.asname, "name", None), cst.Name) else name
            if module == "os" and name in ("environ", "getenv") or module == "ldap":
                value: Value = Ref(f"{module}.{name}", alias, self.stmt)
            else:
                value = self.unknown(alias)
            self.bind_name(bound, [value], alias)

    def exec_del(self, target: cst.BaseExpression) -> None:
        if isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                self.exec_del(element.value)
        elif isinstance(target, cst.Name):
            if not self.path and not self.loop_depth:
                self.names.pop(target.value, None)
        elif isinstance(target, cst.Subscript):
            containers = self.eval(target.value)
            index = _single_index(target)
            keys = self.eval(index) if index is not None else []
            for container in containers:
                if (isinstance(container, DictV) and len(containers) == 1 and len(keys) == 1
                        and isinstance(keys[0], Lit) and _hashable(keys[0].value)
                        and container.path == self.path and not self.loop_depth):
                    container.entries.pop(keys[0].value, None)
                elif isinstance(container, (DictV, ListV)):
                    container.open = True

    def exec_augassign(self, node: cst.AugAssign) -> None:
        right = self.eval(node.value)
        target = node.target
        current = self.eval(target)
        op = type(node.operator)
        if op is cst.AddAssign and len(current) == 1 and isinstance(current[0], ListV):
            self.extend_list(current[0], right, node.value)
            return
        if op is cst.BitOrAssign and len(current) == 1 and isinstance(current[0], DictV):
            self.update_dict(current[0], right, node.value)
            return
        binary = {cst.AddAssign: cst.Add, cst.SubtractAssign: cst.Subtract,
                  cst.MultiplyAssign: cst.Multiply, cst.BitOrAssign: cst.BitOr}.get(op)
        result = self.combine(binary, current, right, node) if binary else [self.unknown(node)]
        self.bind_target(target, result, node.value)

    # -- branches --------------------------------------------------------------------------------

    def exec_if(self, node: cst.If) -> None:
        arms: List[Any] = []
        current: Any = node
        while isinstance(current, cst.If):
            self.eval(current.test)
            arms.append(current.body)
            current = current.orelse
        arms.append(current.body if isinstance(current, cst.Else) else None)
        self.exec_branches(arms)

    def exec_try(self, node: Any) -> None:
        body = [node.body] + ([node.orelse.body] if node.orelse is not None else [])
        arms: List[Any] = [body] + [handler.body for handler in node.handlers]
        self.exec_branches(arms)
        if node.finalbody is not None:
            self.exec_block(node.finalbody.body)

    def exec_loop(self, node: Any) -> None:
        if isinstance(node, cst.For):
            self.eval(node.iter)
        else:
            self.eval(node.test)
        self.loop_depth += 1
        try:
            body: List[Any] = []
            if isinstance(node, cst.For):
                body.append(("target", node.target))
            body.append(node.body)
            self.exec_branches([body, None])
        finally:
            self.loop_depth -= 1
        if node.orelse is not None:
            self.exec_block(node.orelse.body)

    def exec_branches(self, arms: Sequence[Any]) -> None:
        """Run each arm from the same state and keep every name's values from every arm."""
        self._branches += 1
        branch = self._branches
        before, outer = self.names, self.path
        results: List[Dict[str, List[Slot]]] = []
        for index, arm in enumerate(arms):
            self.names = dict(before)
            self.path = outer + ((branch, index),)
            for block in arm if isinstance(arm, list) else [arm]:
                if isinstance(block, tuple):  # a for loop's target
                    self.bind_target(block[1], [self.unknown(block[1])], block[1])
                elif block is not None:
                    self.exec_block(block)
            results.append(self.names)
        self.path = outer
        merged: Dict[str, List[Slot]] = {}
        for names in results:
            for name, slots in names.items():
                if name not in merged:
                    merged[name] = slots
                elif merged[name] is not slots:
                    merged[name] = _union(merged[name], slots)
        self.names = merged

    # -- binding ---------------------------------------------------------------------------------

    def bind_target(self, target: cst.BaseExpression, values: List[Value], value_node: Any) -> None:
        if isinstance(target, cst.Name):
            self.bind_name(target.value, values, value_node, target)
        elif isinstance(target, cst.Subscript):
            self.assign_item(target, values, value_node)
        elif isinstance(target, (cst.Tuple, cst.List)):
            elements = target.elements
            source = values[0] if len(values) == 1 else None
            fits = (isinstance(source, ListV) and not source.open
                    and len(source.items) == len(elements)
                    and not any(isinstance(e, cst.StarredElement) for e in elements))
            for index, element in enumerate(elements):
                inner = element.value
                parts = source.items[index] if fits and isinstance(source, ListV) else \
                    [self.unknown(inner)]
                self.bind_target(inner, parts, inner)

    def bind_name(self, name: str, values: List[Value], value_node: Any,
                  target: Any = None) -> None:
        self.sites.setdefault(name, []).append(Site(target or value_node, self.stmt, self.path))
        slots = [Slot(value, value_node, self.stmt, self.path) for value in values]
        if self.loop_depth:  # other iterations may bind something else
            slots = _union(self.names.get(name, []), slots + [
                Slot(self.unknown(value_node), value_node, self.stmt, self.path)])
        self.names[name] = slots

    def assign_item(self, target: cst.Subscript, values: List[Value], value_node: Any) -> None:
        key_node = _single_index(target)
        containers = self.eval(target.value)
        keys = self.eval(key_node) if key_node is not None else [self.unknown(target)]
        key = keys[0].value if len(keys) == 1 and isinstance(keys[0], Lit) else _NO_KEY
        strong = len(containers) == 1
        for container in containers:
            if isinstance(container, DictV):
                if key is _NO_KEY or not _hashable(key):
                    container.open = True
                else:
                    self.set_entry(container, key, key_node, values, value_node, strong)
            elif isinstance(container, ListV):
                container.open = True

    def set_entry(self, container: DictV, key: Any, key_node: Any, values: List[Value],
                  value_node: Any, strong: bool = True) -> None:
        slots = [Slot(value, value_node, self.stmt, self.path) for value in values]
        in_place = strong and container.path == self.path and not self.loop_depth
        entry = container.entries.get(key)
        if in_place or entry is None and container.path == self.path and not self.loop_depth:
            container.entries[key] = Entry(key_node, self.stmt, slots)
            return
        if entry is None:
            absent = Absent(container.node, container.stmt, container.path)
            entry = Entry(key_node, self.stmt, [Slot(absent, container.node, container.stmt, ())])
            container.entries[key] = entry
        entry.slots = _union(entry.slots, slots)
        if self.loop_depth:
            container.open = True

    def update_dict(self, container: DictV, args: List[Value], node: Any) -> None:
        source = args[0] if len(args) == 1 else None
        if not isinstance(source, DictV):
            container.open = True
            return
        for key, entry in source.entries.items():
            self.set_entry(container, key, entry.key_node, entry.values(), node)
        container.open = container.open or source.open

    def extend_list(self, container: ListV, args: List[Value], node: Any) -> None:
        source = args[0] if len(args) == 1 else None
        if isinstance(source, ListV):
            container.items.extend(list(items) for items in source.items)
            container.open = container.open or source.open
        else:
            container.open = True
        if self.loop_depth or container.path != self.path:
            container.open = True

    # -- expressions -----------------------------------------------------------------------------

    def eval(self, node: Any) -> List[Value]:
        """Possible values of an expression (never empty)."""
        method = getattr(self, "eval_" + type(node).__name__, None)
        if method is None:
            return [self.unknown(node)]
        result = method(node)
        if len(result) > MAX_ALTERNATIVES:
            return [self.unknown(node)]
        return result or [self.unknown(node)]

    def lit(self, value: Any, node: Any) -> Lit:
        return Lit(value, node, self.stmt, self.path)

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
        """An f-string without replacement fields is a plain literal."""
        parts = [node] if isinstance(node, cst.FormattedString) else [node.left, node.right]
        text = []
        for part in parts:
            if isinstance(part, cst.ConcatenatedString):
                inner = self.eval_FormattedString(part)
                if not isinstance(inner[0], Lit):
                    return [self.unknown(node)]
                text.append(inner[0].value)
            elif isinstance(part, cst.SimpleString):
                text.append(part.evaluated_value)
            elif isinstance(part, cst.FormattedString):
                if not all(isinstance(p, cst.FormattedStringText) for p in part.parts):
                    return [self.unknown(node)]
                try:
                    parsed = ast.parse(cst.Module([]).code_for_node(part), mode="eval").body
                except (SyntaxError, ValueError):
                    return [self.unknown(node)]
                values = getattr(parsed, "values", [])
                text.append("".join(v.value for v in values if isinstance(v, ast.Constant)))
            else:
                return [self.unknown(node)]
        if not all(isinstance(t, str) for t in text):
            return [self.unknown(node)]
        return [self.lit("".join(text), node)]

    def eval_Name(self, node: cst.Name) -> List[Value]:
        name = node.value
        slots = self.names.get(name)
        if slots is not None:
            return [slot.value for slot in slots]
        if name in ("True", "False", "None"):
            return [self.lit({"True": True, "False": False, "None": None}[name], node)]
        if name in _BUILTINS:
            return [Ref("builtins." + name, node, self.stmt)]
        return [self.unknown(node)]

    def eval_Attribute(self, node: cst.Attribute) -> List[Value]:
        attr = node.attr.value
        out: List[Value] = []
        for base in self.eval(node.value):
            if isinstance(base, Ref) and base.receiver is None and (
                    f"{base.qualname}.{attr}" in _NAMESPACE or base.qualname == "ldap"):
                out.append(Ref(f"{base.qualname}.{attr}", node, self.stmt))
            elif isinstance(base, (Lit, Env, DictV, ListV)):
                out.append(Ref("." + attr, node, self.stmt, receiver=[base]))
            else:
                out.append(self.unknown(node))
        return _merge_methods(out, node, self.stmt)

    def eval_Subscript(self, node: cst.Subscript) -> List[Value]:
        index = _single_index(node)
        if index is None:
            return [self.unknown(node)]
        keys = self.eval(index)
        out: List[Value] = []
        for base in self.eval(node.value):
            for key in keys:
                out.extend(self.subscript(base, key, node))
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
        if isinstance(left, Lit) and isinstance(right, Lit) and op in _BINARY:
            try:
                value = _safe_binary(op, left.value, right.value)
            except Exception:
                return self.unknown(node)
            origin = left if left.fallback_of else right
            return origin.derive(value, node, self.stmt, path)
        if isinstance(left, ListV) and isinstance(right, ListV) and op is cst.Add:
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
        for left in self.eval(node.left):
            truth = _truth(left)
            if truth is None or truth is is_or:  # the left operand can be the result
                out.append(left)
                if truth is is_or:
                    continue
            if rights is None:
                rights = self.eval(node.right)
            var = left.var if isinstance(left, Env) else left.fallback_of
            for right in rights:
                if var is not None and is_or:
                    right = _as_fallback(right, var)  # `environ.get(X) or 'default'`
                out.append(right)
        return out

    def eval_Comparison(self, node: cst.Comparison) -> List[Value]:
        if len(node.comparisons) != 1:
            return [self.unknown(node)]
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
        self.eval(node.test)
        return self.eval(node.body) + self.eval(node.orelse)

    def eval_NamedExpr(self, node: cst.NamedExpr) -> List[Value]:
        values = self.eval(node.value)
        self.bind_target(node.target, values, node.value)
        return values

    def eval_Call(self, node: cst.Call) -> List[Value]:
        funcs = self.eval(node.func)
        if len(funcs) != 1 or not isinstance(funcs[0], Ref):
            self._escape(node)
            return [self.unknown(node)]
        func = funcs[0]
        positional = [arg.value for arg in node.args if not arg.keyword and not arg.star]
        keywords = {arg.keyword.value: arg.value for arg in node.args if arg.keyword}
        starred = any(arg.star for arg in node.args)
        name = func.qualname
        if name in ("os.environ.get", "os.getenv") and not starred:
            key = positional[0] if positional else keywords.get("key")
            default = positional[1] if len(positional) > 1 else keywords.get("default")
            if key is None:
                return [self.unknown(node)]
            return self.env_lookup(node, self.eval(key), default)
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
            defaults = [_as_fallback(v, var) for v in self.eval(default)]
        elif not is_subscript:
            defaults = [_as_fallback(self.lit(None, node), var)]
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
        if len(args) != 1 or keywords:
            if name in ("list", "tuple", "set") and not args and not keywords:
                return [ListV(name, node, self.stmt, self.path)]
            return [self.unknown(node)]
        out: List[Value] = []
        for value in self.eval(args[0]):
            out.append(self.convert(name, value, node))
        return out

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
        if isinstance(receiver, (Lit, Env)) and method in _STR_METHODS and not keywords:
            return self.string_method(receiver, method, args, node)
        if isinstance(receiver, DictV):
            return self.dict_method(receiver, method, args, keywords, node)
        if isinstance(receiver, ListV):
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
        if not isinstance(receiver.value, str):
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

    def copy_dict(self, source: DictV, node: Any) -> DictV:
        result = DictV(node, self.stmt, self.path)
        for key, entry in source.entries.items():
            result.entries[key] = Entry(entry.key_node, entry.key_stmt, list(entry.slots))
        result.open = source.open
        return result


_NO_KEY = object()
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


_BUILTINS = {"dict", "list", "tuple", "set", "str", "int", "float", "bool"}
_NAMESPACE = {"os.environ", "os.getenv", "os.environ.get"}
#: Modules whose names the evaluator follows: os for environment lookups, python-ldap for its
#: option constants (ldap.OPT_X_TLS_REQUIRE_CERT and the like).
_MODULES = {"os", "ldap"}


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


def _dotted(node: Any) -> str:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return f"{_dotted(node.value)}.{node.attr.value}"
    return ""


def _single_index(node: cst.Subscript) -> Optional[cst.BaseExpression]:
    if len(node.slice) == 1 and isinstance(node.slice[0].slice, cst.Index):
        return node.slice[0].slice.value
    return None


def _hashable(value: Any) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True


def _union(first: List[Slot], second: Iterable[Slot]) -> List[Slot]:
    seen = {(id(s.value), id(s.node)) for s in first}
    out = list(first)
    for slot in second:
        key = (id(slot.value), id(slot.node))
        if key not in seen:
            seen.add(key)
            out.append(slot)
    return out


def _merge_methods(values: List[Value], node: Any, stmt: int) -> List[Value]:
    """``x.split`` over several alternatives of ``x`` is one bound method with several receivers."""
    refs = [v for v in values if isinstance(v, Ref) and v.receiver is not None]
    if len(refs) == len(values) and len(refs) > 1:
        receivers = [r for ref in refs for r in (ref.receiver or [])]
        return [Ref(refs[0].qualname, node, stmt, receiver=receivers)]
    return values


def _as_fallback(value: Value, var: str) -> Value:
    """A copy of a default literal marked as standing in for the unset variable."""
    if isinstance(value, Lit) and value.fallback_of is None:
        copy = Lit(value.value, value.node, value.stmt, value.path)
        return copy.mark_fallback(var, value.node)
    return value


def _ident(value: Value) -> Any:
    if isinstance(value, Lit):
        return ("lit", type(value.value).__name__, repr(value.value)[:200])
    if isinstance(value, Env):
        return ("env", value.ident)
    return ("node", id(value))


def _truth(value: Value) -> Optional[bool]:
    if isinstance(value, Lit):
        try:
            return bool(value.value)
        except Exception:
            return None
    if isinstance(value, (DictV, ListV)) and not value.open:
        return bool(_container_len(value))
    return None


def _container_len(value: Any) -> int:
    return len(value.entries) if isinstance(value, DictV) else len(value.items)


def evaluate(module: cst.Module, tree: Optional[ast.AST] = None, source: str = "") -> Facts:
    return Evaluator(module, tree, source).run()
