"""A merged versioned schema file or migration cannot change, neither by an edit nor
through code it imports.

- Pins: every file tests/schema/pins.py's PINNED matches (sql/schema/*.sql, the modules of
  every app's migrations/) has its SHA-256 in tests/schema/pins.sha256, and still has it.
  The list is written by `.venv/bin/python -m tests.schema.pins` (see its docstring).
- Imports: a migration runs again on every new database, long after it merged, so it may
  import only Django, the standard library and modules of its own migrations package
  (pinned with it). Application code (metrics.*, accounts.*, xat.*) changes: a migration
  that calls it builds a different schema tomorrow than it built on the day it merged.
"""

import ast
import sys

import pytest

from tests.schema.pins import COMMAND, PIN_LIST, PINNED, ROOT, digest, pinned_files, pins_read

MIGRATION_PACKAGES = ("accounts.migrations", "metrics.migrations", "metrics.loadtests.migrations",
                      "metrics.cloud.migrations", "metrics.uploads.migrations")


def test_it_finds_files_to_pin_under_every_pattern():
    files = pinned_files()
    for pattern in PINNED:
        assert any(ROOT.joinpath(path).match(pattern) for path in files), f"{pattern} matches nothing"


def test_it_holds_every_merged_file_to_its_pin():
    pins = pins_read()
    changed = [path for path, sha256 in pins.items() if (ROOT / path).exists() and digest(path) != sha256]
    assert not changed, "\n".join(
        f"{path} changed after it was pinned (pinned {pins[path][:12]}…, now {digest(path)[:12]}…)."
        for path in changed
    ) + (
        "\nA database that applied a merged file never applies it again: revert the edit and put the "
        "change in a new file (docs/storage.md, \"How the schema evolves\"). Only for an edit decided "
        f"on purpose (say why in the commit): `{COMMAND} --update`, and commit {PIN_LIST.relative_to(ROOT)} with it."
    )


def test_it_has_no_pin_whose_file_is_gone():
    gone = [path for path in pins_read() if not (ROOT / path).exists()]
    assert not gone, (
        f"pinned but gone: {', '.join(gone)}. A database that applied a merged file still records it "
        "(django_migrations): restore it under its path. If it was moved or removed on purpose, "
        f"`{COMMAND} --update` and commit {PIN_LIST.relative_to(ROOT)} with it."
    )


def test_it_has_a_pin_for_every_versioned_file_and_migration():
    unpinned = sorted(set(pinned_files()) - pins_read().keys())
    assert not unpinned, (
        f"not pinned: {', '.join(unpinned)}. A new versioned file or migration is pinned when it is "
        f"merged: `{COMMAND}` (adds pins, changes none), and commit {PIN_LIST.relative_to(ROOT)} with it."
    )


def _imported_modules(path) -> list[tuple[int, str]]:
    """(line, absolute module name) of every import in a migration file, those inside
    functions included; a relative import is resolved against the file's package."""
    package = ".".join(path.relative_to(ROOT).parent.parts)
    modules = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            modules += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                modules.append((node.lineno, f"{base}.{node.module}" if node.module else base))
            else:
                modules.append((node.lineno, node.module))
    return modules


def _frozen(module: str) -> bool:
    top = module.split(".")[0]
    return (top == "django" or top in sys.stdlib_module_names
            or any(module == package or module.startswith(f"{package}.") for package in MIGRATION_PACKAGES))


@pytest.mark.parametrize("package", MIGRATION_PACKAGES)
def test_it_runs_no_application_code_in_a_migration(package):
    folder = ROOT.joinpath(*package.split("."))
    imports = [(path, line, module) for path in sorted(folder.glob("*.py"))
               for line, module in _imported_modules(path) if not _frozen(module)]
    assert not imports, (
        "migrations import code that can change after they merged:\n"
        + "\n".join(f"  {path.relative_to(ROOT)}:{line}: {module}" for path, line, module in imports)
        + f"\nA migration may import only django, the standard library and modules of {package} "
        "(pinned with it): copy what it needs there, or put the SQL in a versioned file."
    )
