"""Issue 13 point 3: the code keeps the import layers ARCHITECTURE.md states, has no import cycle, and
prints only from the CLI. Read from the source with `ast` (nothing is imported)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from conftest import REPO

PACKAGE = REPO / "generator"
ARCHITECTURE = REPO / "ARCHITECTURE.md"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def layers() -> dict[str, int]:
    """Module prefix → layer, from the table under "## Import layers" in ARCHITECTURE.md."""
    text = ARCHITECTURE.read_text(encoding="utf-8")
    section = text.split("## Import layers", 1)[1].split("\n## ", 1)[0]
    found = {}
    for number, cells in re.findall(r"^\|\s*(\d+)\s*\|(.*)\|\s*$", section, re.MULTILINE):
        for name in re.findall(r"`([\w.]+)`", cells):
            found[name] = int(number)
    assert found, "ARCHITECTURE.md has no import layers table"
    return found


def layer_of(module: str, table: dict[str, int]) -> int:
    """The layer of the longest listed prefix; a module under no listed prefix is at the bottom (0)."""
    best = max((p for p in table if module == p or module.startswith(p + ".")), key=len, default=None)
    return table[best] if best else 0


def imports(module: str, path: Path) -> list[tuple[str, int]]:
    """(generator module imported, line) for every import in the file, those inside functions too."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(
                    package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else [])
                )
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                found.append((sub if sub in MODULES else base, node.lineno))
    return [(name, line) for name, line in found if name == "generator" or name.startswith("generator.")]


GRAPH = {module: imports(module, path) for module, path in MODULES.items()}


def test_every_module_is_read():
    assert {"generator.docx.reader", "generator.check.nd30", "generator.analysis.audit", "generator.cli"} <= set(
        MODULES
    )
    assert any(name == "generator.docx.package" for name, _ in GRAPH["generator.docx.reader"])


def test_imports_go_down_the_layers():
    table = layers()
    wrong = []
    for module, targets in GRAPH.items():
        for target, line in targets:
            if layer_of(target, table) > layer_of(module, table):
                wrong.append(
                    f"{MODULES[module].relative_to(REPO)}:{line}: {module} (tầng {layer_of(module, table)}) "
                    f"imports {target} (tầng {layer_of(target, table)})"
                )
    assert not wrong, "imports against ARCHITECTURE.md's layers:\n" + "\n".join(wrong)


def test_layer_check_can_fail():
    table = layers()
    assert (
        layer_of("generator.cli.build", table)
        > layer_of("generator.build", table)
        > layer_of("generator.render.renderer", table)
    )
    assert (
        layer_of("generator.render.renderer", table)
        > layer_of("generator.compute.figures", table)
        > layer_of("generator.model.schema", table)
    )
    assert layer_of("generator.model.schema", table) > layer_of("generator.vi.words", table)


def cycles(graph: dict[str, list[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module, or a module importing itself (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, []):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1 or node in graph.get(node, []):
                found.append(sorted(component))

    for node in graph:
        if node not in index:
            visit(node)
    return found


def test_no_import_cycles():
    graph = {module: sorted({t for t, _ in targets if t in MODULES}) for module, targets in GRAPH.items()}
    assert cycles(graph) == []


def test_cycle_finder_finds_cycles():
    assert cycles({"a": ["b"], "b": ["c"], "c": ["a"], "d": ["a"]}) == [["a", "b", "c"]]
    assert cycles({"a": ["a"]}) == [["a"]] and cycles({"a": ["b"], "b": []}) == []


@pytest.mark.parametrize("module", [m for m in MODULES if not m.startswith("generator.cli")])
def test_library_code_does_not_print(module):
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    calls = [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "print"
    ]
    assert calls == [], f"{module} prints (lines {calls}): return text and let generator/cli print it"
