"""The package's layers: each imports only the layers before it, as README and docs/architecture.md say."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "mzgraph"
LAYERS = ["", "rdf", "sparql", "store", "validation", "importer", "entities", "release", "web", "cli"]
"""In import order; "" is the modules at the package root (config, errors, progress, bundled, processes)."""


def _layer(module: str) -> str:
    """The layer of a dotted module name inside mzgraph (``mzgraph.store.base`` is ``store``)."""
    parts = module.split(".")
    return parts[1] if len(parts) > 2 or (len(parts) == 2 and parts[1] in LAYERS) else ""


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return {name for name in found if name == "mzgraph" or name.startswith("mzgraph.")}


def test_every_layer_imports_only_the_layers_before_it() -> None:
    wrong, checked = [], 0
    for path in sorted(PACKAGE.rglob("*.py")):
        module = ".".join(("mzgraph", *path.relative_to(PACKAGE).with_suffix("").parts))
        own = LAYERS.index(_layer(module))
        for name in _imports(path):
            layer = _layer(name)
            checked += 1
            if layer in LAYERS and LAYERS.index(layer) > own:
                wrong.append(f"{module} imports {name}")
    assert checked > 300, "the imports were read"
    assert not wrong, "\n".join(wrong)


def test_the_package_root_holds_at_most_six_modules_and_no_module_is_over_400_lines() -> None:
    assert len(list(PACKAGE.glob("*.py"))) <= 6
    long = [str(p.relative_to(PACKAGE)) for p in PACKAGE.rglob("*.py") if len(p.read_text().splitlines()) > 400]
    assert not long, long
