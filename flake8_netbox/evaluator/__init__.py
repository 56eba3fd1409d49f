"""Static evaluation of a configuration module: which values each setting can hold, and where from.

Only module-level statements are executed (abstractly), in file order; expressions are followed
as far as they reach. Nothing is imported or run. What the evaluator cannot follow becomes
``Unknown``, which no rule judges.

The package holds one concern per module: ``bindings`` (the walk's state and the stores into
names and containers), ``statements`` (statements, branches and loops), ``expressions``
(operators and literals), ``calls`` (environment lookups, builtins, methods) and ``facts``
(the answer given to the rules). ``Evaluator`` joins the mixins.
"""

from __future__ import annotations

import ast
from typing import Any, Dict, FrozenSet, List, Optional, Set, Tuple

import libcst as cst

from flake8_netbox.evaluator.bindings import FUNCTION_GLOBAL, Binding
from flake8_netbox.evaluator.calls import Calls
from flake8_netbox.evaluator.bindings import MAX_ALTERNATIVES, MAX_BUILT_SIZE
from flake8_netbox.evaluator.expressions import Expressions
from flake8_netbox.evaluator.facts import Facts, OpenWorld, scan_open_world
from flake8_netbox.evaluator.statements import Statements
from flake8_netbox.values import Absent, Path, Slot, Value

__all__ = ["Absent", "Evaluator", "Facts", "MAX_ALTERNATIVES", "MAX_BUILT_SIZE", "OpenWorld",
           "Binding", "evaluate", "scan_open_world"]


class Evaluator(Statements, Expressions, Calls):
    """Abstract interpreter over the module-level statements of one libcst module."""

    def __init__(self, module: Optional[cst.Module], tree: Optional[ast.AST] = None,
                 source: str = "", netbox_version: Optional[str] = None) -> None:
        self.module = module
        self.netbox_version = netbox_version
        self.names: Dict[str, List[Slot]] = {}
        self.sites: Dict[str, List[Binding]] = {}
        self.read_names: Set[str] = set()
        self.deferred: List[Tuple[Any, FrozenSet[str]]] = []
        self.path: Path = ()
        self.stmt = 0
        self.loop_depth = 0
        self._branches = 0
        self.raised = False
        self.star_import: Optional[Tuple[Any, int, Path]] = None
        self.call_depth = 0
        self.own: FrozenSet[str] = frozenset()
        self.world = scan_open_world(tree, source)
        #: (option alternatives, value alternatives) of each module-level ldap.set_option().
        self.ldap_options: List[Tuple[List[Value], List[Value]]] = []

    # -- driver ----------------------------------------------------------------------------------

    def run(self) -> Facts:
        for index, statement in enumerate(self.module.body):
            self.exec_top(index, statement)
        return self.finish()

    def exec_top(self, index: int, statement: cst.CSTNode) -> None:
        """Run top-level statement number ``index`` (statements come in file order; the
        large-file path gives them one at a time, each parsed on its own, see ``pieces``)."""
        self.stmt = index
        self.exec_statement(statement)
        self.raised = False  # a raise outside any branch: the walk goes on regardless

    def finish(self) -> Facts:
        """The facts once every top-level statement has run."""
        for name in self.world.global_names:  # set by functions the file may call
            binding = Binding(name, FUNCTION_GLOBAL, None, 0, ())
            self.sites.setdefault(name, []).append(binding)
            self.names.setdefault(name, []).append(Slot(self.unknown(None), None, 0, (), binding))
        facts = Facts(self.names, self.sites, self.world.open_world, self.world.rebinding,
                      self.read_names, self.deferred)
        facts.ldap_options = self.ldap_options
        return facts


def evaluate(module: cst.Module, tree: Optional[ast.AST] = None, source: str = "",
             netbox_version: Optional[str] = None) -> Facts:
    """What each module-level name of ``module`` can hold (``tree``/``source``: flake8's ast and
    text, used to find how names can come from elsewhere; ``netbox_version``: the target
    release as NetBox's ``VERSION`` spells it, ``'4.7.3'``, for files that import it)."""
    return Evaluator(module, tree, source, netbox_version).run()
