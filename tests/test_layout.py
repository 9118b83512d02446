"""The layout of docs/development.md, checked: which package may import which, where torch and
transformers may load, no import circle, and no SQL in a page."""

from __future__ import annotations

import ast
import re
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LIBRARY = sorted((ROOT / "annotator").rglob("*.py"))
PAGES = [ROOT / "app.py", *sorted((ROOT / "pages").glob("*.py"))]
HEAVY = ("torch", "transformers", "openvino", "nncf")
TORCH_MODULES = {f"annotator.scorer.{name}" for name in ("model", "parallel", "predict", "fast", "train")}
# package -> the packages its modules may not import (anything, at any depth in the function)
FORBIDDEN = {
    "annotator": ("annotator.agreement", "annotator.published", "annotator.scorer", "annotator.cli"),
    "annotator.agreement": ("annotator.published", "annotator.scorer", "annotator.cli"),
    "annotator.published": ("annotator.scorer", "annotator.cli"),
    "annotator.scorer": ("annotator.agreement", "annotator.cli"),
    "annotator.messages": ("annotator.",),  # the texts import nothing of the library (but each other)
}
SQL = re.compile(r"\b(SELECT\b.+\bFROM|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM)\b", re.I | re.S)


def _module(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _package(module: str, path: Path) -> str:
    return module if path.name == "__init__.py" else module.rpartition(".")[0]


def _imports(path: Path, top_level_only: bool = False) -> set[str]:
    """The absolute names a file imports (relative imports resolved)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    module = _module(path)
    nodes = tree.body if top_level_only else ast.walk(tree)
    names: set[str] = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = _package(module, path).split(".")
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


def _under(name: str, prefix: str) -> bool:
    return name == prefix.rstrip(".") or name.startswith(prefix if prefix.endswith(".") else prefix + ".")


@pytest.mark.parametrize("path", LIBRARY, ids=lambda p: str(p.relative_to(ROOT)))
def test_a_module_imports_only_what_its_place_allows(path):
    module = _module(path)
    if module == "annotator.__main__":
        return  # `python -m annotator` hands over to the command line
    package = _package(module, path)
    imported = _imports(path)
    forbidden = [
        name
        for name in imported
        for prefix in FORBIDDEN.get(package, ())
        if _under(name, prefix) and not (package != "annotator" and _under(name, package))
    ]
    assert not forbidden, f"{module} imports {sorted(set(forbidden))}"
    assert not [name for name in imported if name == "streamlit" or name.startswith("streamlit.")]
    if module not in TORCH_MODULES and not module.startswith("annotator.cli"):
        heavy = [name for name in imported if name.split(".")[0] in HEAVY]
        assert not heavy, f"{module} imports {sorted(heavy)}"


def test_no_module_level_import_circle():
    modules = {_module(path): path for path in LIBRARY}
    graph = {
        module: {
            name
            for name in _imports(path, top_level_only=True)
            if name in modules and name != module and not _under(module, name)
        }
        for module, path in modules.items()
    }
    try:
        tuple(TopologicalSorter(graph).static_order())
    except CycleError as error:
        pytest.fail(f"import circle: {error.args[1]}")


@pytest.mark.parametrize("path", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_a_page_holds_no_sql(path):
    strings = [
        node.value
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    ]
    assert not [text for text in strings if SQL.search(text)]
