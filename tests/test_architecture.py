"""The walls of the house, checked over the import graph of every module (function-level imports too).

- no import cycles between modules;
- no module reaches into another module's private names (``_name``);
- layers: ``ui`` and ``commands`` above ``reports``, ``transfer`` and ``demo``, above the feature
  packages (``register``, ``offers``, ``matching``, ``booking``, ``admin``), above ``db``, above ``common``;
- the matching engine (``kpdesk.matching.engine``) never imports the database or SQLAlchemy;
- ``common`` imports nothing else of kpdesk.

Imports under ``if TYPE_CHECKING:`` are left out: they never run.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "kpdesk"

LAYERS: dict[str, int] = {
    "cli": 5, "__main__": 5, "ui": 5, "commands": 5,
    "reports": 4, "transfer": 4, "demo": 4,
    "register": 3, "offers": 3, "matching": 3, "booking": 3, "admin": 3, "motor": 3,
    "db": 2,
    "common": 1,
    "__init__": 0,  # kpdesk/__init__.py: the version only
}
ENGINE = "kpdesk.matching.engine"


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    line: int
    names: tuple[str, ...]


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@cache
def all_modules() -> dict[str, Path]:
    return {module_name(path): path for path in PACKAGE.rglob("*.py") if "__pycache__" not in path.parts}


def _type_checking_lines(tree: ast.Module) -> set[int]:
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.body:
                lines.update(range(child.lineno, (child.end_lineno or child.lineno) + 1))
    return lines


@cache
def edges() -> tuple[Edge, ...]:
    modules = all_modules()
    found: list[Edge] = []
    for source, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        skipped = _type_checking_lines(tree)
        for node in ast.walk(tree):
            if getattr(node, "lineno", 0) in skipped:
                continue
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name.startswith("kpdesk") and alias.name in modules:
                        found.append(Edge(source, alias.name, node.lineno, ()))
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                if not node.module.startswith("kpdesk"):
                    continue
                attributes = []
                for alias in node.names:
                    full = f"{node.module}.{alias.name}"
                    if full in modules:
                        found.append(Edge(source, full, node.lineno, ()))
                    else:
                        attributes.append(alias.name)
                if attributes or node.module not in modules:
                    found.append(Edge(source, node.module, node.lineno, tuple(attributes)))
    return tuple(found)


def layer(module: str) -> tuple[str, int]:
    parts = module.split(".")
    top = parts[1] if len(parts) > 1 else "__init__"
    return top, LAYERS[top]


def test_every_package_has_a_layer() -> None:
    unknown = {layer_name for module in all_modules() if (layer_name := [*module.split("."), "__init__"][1])
               not in LAYERS}
    assert not unknown, f"give these a layer in tests/test_architecture.py and docs/architecture.md: {unknown}"


def import_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return cycles


def layer_violations(found: tuple[Edge, ...]) -> list[str]:
    bad = []
    for edge in found:
        (source_top, source_layer), (target_top, target_layer) = layer(edge.source), layer(edge.target)
        if source_top != target_top and target_top != "__init__" and target_layer > source_layer:
            bad.append(f"{edge.source}:{edge.line} imports {edge.target} (layer {source_top} may not import"
                       f" {target_top})")
    return bad


def test_no_import_cycles() -> None:
    graph: dict[str, set[str]] = {module: set() for module in all_modules()}
    for edge in edges():
        if edge.target != edge.source:
            graph[edge.source].add(edge.target)
    cycles = import_cycles(graph)
    assert not cycles, f"import cycles: {cycles}"


def test_the_checks_see_a_cycle_and_an_upward_import() -> None:
    """The checkers themselves: the old six-file cycle is found, and so is a service importing the window."""
    old = ["audit", "csvfile", "files", "db.store", "backup", "db.lock"]
    graph = {f"kpdesk.{a}": {f"kpdesk.{b}"} for a, b in zip(old, old[1:] + old[:1], strict=True)}
    graph["kpdesk.common.norsk"] = set()
    assert import_cycles(graph) == [sorted(f"kpdesk.{name}" for name in old)]
    upward = Edge("kpdesk.register.service", "kpdesk.ui.main_window", 1, ())
    downward = Edge("kpdesk.ui.main_window", "kpdesk.register.service", 1, ())
    assert layer_violations((upward, downward)) == [
        "kpdesk.register.service:1 imports kpdesk.ui.main_window (layer register may not import ui)"]


def test_no_private_names_across_modules() -> None:
    bad = [f"{edge.source}:{edge.line} imports {name} from {edge.target}"
           for edge in edges() for name in edge.names
           if name.startswith("_") and not name.startswith("__") and edge.target != edge.source]
    modules = all_modules()
    for source, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imported: dict[str, str] = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("kpdesk"):
                for alias in node.names:
                    if f"{node.module}.{alias.name}" in modules:
                        imported[alias.asname or alias.name] = f"{node.module}.{alias.name}"
        for node in ast.walk(tree):
            if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in imported
                    and node.attr.startswith("_") and not node.attr.startswith("__")):
                bad.append(f"{source}:{node.lineno} uses {imported[node.value.id]}.{node.attr}")
    assert not bad, "private names used across modules:\n" + "\n".join(bad)


def test_layers_point_down() -> None:
    bad = layer_violations(edges())
    assert not bad, "imports against the layers:\n" + "\n".join(bad)


def test_matching_engine_is_pure() -> None:
    bad = []
    for source, path in all_modules().items():
        if not (source == ENGINE or source.startswith(ENGINE + ".")):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = ([alias.name for alias in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            for name in names:
                if name.startswith(("kpdesk.db", "sqlalchemy", "PySide6")) or (
                        name.startswith("kpdesk.") and not name.startswith((ENGINE, "kpdesk.common"))):
                    bad.append(f"{source}:{node.lineno} imports {name}")
    assert not bad, "the matching engine must stay pure (no database, no Qt):\n" + "\n".join(bad)


def test_the_graph_holds_real_imports() -> None:
    """Function-level imports count: the store imports the backup module inside a function."""
    targets = {edge.target for edge in edges() if edge.source == "kpdesk.db.store"}
    assert {"kpdesk.common.errors", "kpdesk.db.backup"} <= targets


def test_the_window_opens_no_sessions_of_its_own() -> None:
    """Pages go through AppContext, whose jobs call ``Store.transaction`` on the database thread."""
    bad = [str(path.relative_to(ROOT)) for path in (PACKAGE / "ui").rglob("*.py")
           if ".session()" in path.read_text(encoding="utf-8")]
    assert not bad, f"sessions opened in kpdesk/ui: {bad}"
