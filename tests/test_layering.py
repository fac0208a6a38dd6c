"""The house's layers, read from the code's own imports (ast: every import counts, one inside
a function too). From the top down:

    metrics/uploads/, metrics/loadtests/, metrics/cloud/, metrics/perfdash/
                the outer parts: they build on the core and on accounts
    metrics/    the core (the rest of metrics): imports no outer part
    accounts/   organizations, users, keys, tenancy, the API's base views: imports nothing of
                metrics
    xat/        the project and the bottom helpers: imports no part of the house; its settings
                and URLconf name the apps by dotted strings (INSTALLED_APPS, include("...")),
                which are no imports

and no module imports itself back through others (no circle). Relative imports are refused:
a module names what it imports whole. Migrations are left out: they name models by app label,
as a string, which is no import. So are tests/ and bench/, which may import anything."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("accounts", "metrics", "sql", "xat")
OUTER = {"uploads": "metrics.uploads", "loadtests": "metrics.loadtests", "cloud": "metrics.cloud",
         "perfdash": "metrics.perfdash"}


def _modules() -> dict[str, Path]:
    """Every module of the house by its dotted name (a package by its __init__.py)."""
    modules = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            if "migrations" not in parts:
                modules[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return modules


MODULES = _modules()


def _module_of(name: str) -> str | None:
    """The house's module that an imported dotted name lands in, or None outside the house."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def _imported_names(path: Path) -> tuple[list[str], list[str]]:
    """(the dotted names the file imports: `import a.b`, and `from a import b` as a.b; its
    relative imports, as written)."""
    names, relative = [], []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level:
            relative.append(f"{path.relative_to(ROOT)}: from {'.' * node.level}{node.module or ''} import ...")
        elif isinstance(node, ast.ImportFrom):
            names += [f"{node.module}.{alias.name}" for alias in node.names]
    return names, relative


def _imports(path: Path) -> set[str]:
    """The house's modules that the file imports (a.b when `from a import b` names a module,
    else a)."""
    return {module for module in map(_module_of, _imported_names(path)[0]) if module is not None}


IMPORTS = {module: _imports(path) - {module} for module, path in MODULES.items()}


def part(module: str) -> str:
    """xat, accounts, sql, an outer part (OUTER's keys), or core (the rest of metrics)."""
    for name, package in OUTER.items():
        if module == package or module.startswith(f"{package}."):
            return name
    top = module.partition(".")[0]
    return "core" if top == "metrics" else top


def _imports_across(importer, imported) -> set[str]:
    """'a.b -> c.d' for each import from a module of a part that importer(part) accepts of a
    module of a part that imported(part) accepts."""
    return {f"{module} -> {target}" for module, targets in IMPORTS.items() if importer(part(module))
            for target in targets if imported(part(target))}


def test_it_finds_the_house():
    assert {"xat.settings", "xat.sqlfiles", "accounts.tenancy", "metrics.ingest", "sql.generate"} <= set(MODULES)
    assert "metrics.ingest" in IMPORTS["metrics.agent_service.app"]  # from metrics.ingest import ...
    assert "metrics.perfdash.charts" in IMPORTS["metrics.perfdash.apis.charts"]  # from metrics.perfdash import charts
    assert {part(module) for module in MODULES} == {"xat", "accounts", "sql", "core", *OUTER}


def test_it_refuses_relative_imports():
    assert not [found for path in MODULES.values() for found in _imported_names(path)[1]]


def test_it_imports_nothing_of_metrics_from_accounts():
    assert not _imports_across(lambda importer: importer == "accounts",
                               lambda imported: imported == "core" or imported in OUTER)


@pytest.mark.parametrize("outer", OUTER)
def test_it_keeps_the_core_from_importing_an_outer_part(outer):
    assert not _imports_across(lambda importer: importer == "core", lambda imported: imported == outer)


def test_it_keeps_xat_at_the_bottom():
    assert not _imports_across(lambda importer: importer == "xat", lambda imported: imported != "xat")


def _circles() -> list[set[str]]:
    """The strongly connected components of IMPORTS with more than one module (Tarjan)."""
    index, low, stack, on_stack, circles = {}, {}, [], set(), []

    def visit(module):
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for target in IMPORTS[module]:
            if target not in index:
                visit(target)
                low[module] = min(low[module], low[target])
            elif target in on_stack:
                low[module] = min(low[module], index[target])
        if low[module] == index[module]:
            component = set()
            while module not in component:
                member = stack.pop()
                on_stack.discard(member)
                component.add(member)
            if len(component) > 1:
                circles.append(component)

    for module in sorted(IMPORTS):
        if module not in index:
            visit(module)
    return circles


def test_it_has_no_circle_between_modules():
    assert not [sorted(circle) for circle in _circles()]
