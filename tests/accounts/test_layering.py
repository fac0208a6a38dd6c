"""accounts sits below metrics: no module of accounts imports metrics (metrics builds on
accounts' organizations, keys and tenancy). Migrations are left out: they name metrics'
models by app label, as a string, which is no import."""

import ast
from pathlib import Path

ACCOUNTS = Path(__file__).resolve().parents[2] / "accounts"


def _imported_modules(path: Path) -> list[str]:
    modules = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            modules += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            modules.append(node.module)
    return modules


def test_it_imports_nothing_of_metrics_from_accounts():
    sources = [path for path in ACCOUNTS.rglob("*.py") if "migrations" not in path.relative_to(ACCOUNTS).parts]
    assert len(sources) > 10  # the walk found the package
    found = {f"{path.relative_to(ACCOUNTS.parent)}: {module}" for path in sources
             for module in _imported_modules(path) if module == "metrics" or module.startswith("metrics.")}
    assert not found
