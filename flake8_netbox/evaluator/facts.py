"""The evaluator's answer to the rules, and how a module can receive names from elsewhere."""

from __future__ import annotations

import ast
import re
from typing import Any, Dict, FrozenSet, List, NamedTuple, Optional, Sequence, Set, Tuple

from flake8_netbox.evaluator.bindings import Binding, name_loads
from flake8_netbox.values import Slot, Value


class Facts:
    """The evaluator's answer: what each module-level name can hold, where it is bound, and
    whether the file reads it.

    ``names`` maps each name bound at the end of the module (on some path) to its possible
    values; ``sites`` maps each name to every ``Binding`` the file made, in file order,
    including bindings later removed by ``del``.
    """

    def __init__(self, names: Dict[str, List[Slot]], sites: Dict[str, List[Binding]],
                 open_world: bool, rebinding: bool = False,
                 read_names: Optional[Set[str]] = None,
                 deferred: Sequence[Tuple[Any, FrozenSet[str]]] = ()) -> None:
        self.names = names
        self.sites = sites
        #: Names may come from elsewhere (star import, globals(), module __getattr__, exec).
        self.open_world = open_world
        #: Code the evaluator cannot place in time (exec, writes to globals() or sys.modules)
        #: may rebind or fill any setting: NetBox's defaults cannot be assumed for any dict.
        self.rebinding = rebinding
        #: (option, value) alternatives of each module-level ldap.set_option() call.
        self.ldap_options: List[Tuple[List[Value], List[Value]]] = []
        self._read = set(read_names or ())
        #: Code the walk did not evaluate (function and class bodies, comprehensions, lambdas,
        #: expressions given up as unknown): scanned for reads only when asked.
        self._deferred = list(deferred)
        self._deferred_reads: Optional[Set[str]] = None

    def values(self, name: str) -> List[Value]:
        return [slot.value for slot in self.names.get(name, ())]

    def slots(self, name: str) -> List[Slot]:
        return list(self.names.get(name, ()))

    def bindings(self, name: str) -> List[Binding]:
        """Every place the file binds ``name``, in file order (NFKC-normalised names)."""
        return list(self.sites.get(name, ()))

    def is_bound(self, name: str) -> bool:
        """Is ``name`` bound when the module has run (on some path)? A ``del`` unbinds it."""
        return name in self.names

    def is_read(self, name: str) -> bool:
        """Does the file itself read ``name`` anywhere: module-level code, function and class
        bodies, comprehensions, lambdas (a helper variable, not a setting for NetBox alone)."""
        if name in self._read:
            return True
        if self._deferred_reads is None:
            self._deferred_reads = set()
            for node, own in self._deferred:
                self._deferred_reads.update(name_loads(node, own))
        return name in self._deferred_reads

    def read_names(self) -> Set[str]:
        """Every name the file reads (see ``is_read``)."""
        self.is_read("")
        return self._read | (self._deferred_reads or set())


# -- open-world detection on flake8's ast tree ---------------------------------------------------

#: Substrings without which a module cannot be open; plain ``in`` tests are far faster than
#: one regular expression with alternatives over a large file.
_OPEN_WORDS = ("globals", "locals", "vars", "exec", "__getattr__", "modules", "global",
               "import_module", "__import__")
_STAR_IMPORT = re.compile(r"import\s*\*")
#: Methods of the namespace dict that only read it: ``globals().get('X')`` adds no name.
_NAMESPACE_READERS = {"get", "keys", "values", "items", "copy", "__contains__", "__getitem__"}


class OpenWorld(NamedTuple):
    open_world: bool  # names may come from elsewhere: nothing is reported missing
    rebinding: bool  # ... at a moment the evaluator cannot place: no defaults assumed
    global_names: Set[str]  # names functions declare ``global``


def scan_open_world(tree: Optional[ast.AST], source: str) -> OpenWorld:
    """How the module can receive names from elsewhere, found on flake8's ast tree.

    One mechanism: the module's namespace *escapes* when code other than a plain read gets hold
    of it: ``globals()``/``vars()``/``locals()`` passed to any call (``_deep_merge(config,
    globals())``), assigned, returned or written into (``globals().update(...)``,
    ``globals()['X'] = v``); ``sys.modules`` used at all (``sys.modules[__name__]``,
    ``setattr(sys.modules[__name__], ...)``); the module imported by its own name
    (``importlib.import_module(__name__)``, ``__import__(__name__)``); ``exec``. Then any name
    may be bound at a moment the evaluator cannot place (``rebinding``). A star import or a
    module ``__getattr__`` opens the module without that.
    """
    if tree is None or not (any(word in source for word in _OPEN_WORDS)
                            or ("*" in source and _STAR_IMPORT.search(source))):
        return OpenWorld(False, False, set())
    star = rebinding = False
    global_names: Set[str] = set()
    sys_names = {"sys"}
    reads: Set[int] = set()  # namespace calls used only to read the namespace
    namespace_calls: List[ast.AST] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if any(alias.name == "*" for alias in node.names):
                star = True  # placed in time by the evaluator
            elif node.module == "sys" and any(alias.name == "modules" for alias in node.names):
                rebinding = True
        elif isinstance(node, ast.Import):
            sys_names.update(alias.asname for alias in node.names
                             if alias.name == "sys" and alias.asname)
        elif isinstance(node, ast.Global):
            global_names.update(node.names)
        elif isinstance(node, ast.Call):
            if _is_namespace_call(node):
                namespace_calls.append(node)
            elif isinstance(node.func, ast.Name) and node.func.id == "exec":
                rebinding = True
            elif _imports_itself(node):
                rebinding = True
        elif isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Load):
            reads.add(id(node.value))
        elif isinstance(node, ast.Attribute):
            if node.attr in _NAMESPACE_READERS:
                reads.add(id(node.value))
            elif node.attr == "modules" and isinstance(node.value, ast.Name) and \
                    node.value.id in sys_names:
                rebinding = True
        elif isinstance(node, ast.Compare) and all(
                isinstance(op, (ast.In, ast.NotIn)) for op in node.ops):
            reads.update(id(comparator) for comparator in node.comparators)
    if any(id(call) not in reads for call in namespace_calls):
        rebinding = True  # the namespace escapes: passed on, kept, or written into
    getattr_ = isinstance(tree, ast.Module) and _defines_module_getattr(tree.body)
    return OpenWorld(star or rebinding or getattr_, rebinding, global_names)


def _is_namespace_call(node: ast.AST) -> bool:
    return (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
            and node.func.id in ("globals", "locals", "vars") and not node.args)


def _imports_itself(node: ast.Call) -> bool:
    """``__import__(__name__)``, ``importlib.import_module(__name__)``: the module itself."""
    func = node.func
    name = func.id if isinstance(func, ast.Name) else func.attr \
        if isinstance(func, ast.Attribute) else ""
    return name in ("__import__", "import_module") and any(
        isinstance(arg, ast.Name) and arg.id == "__name__" for arg in node.args)


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
