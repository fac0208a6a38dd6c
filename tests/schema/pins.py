"""The SHA-256 pins of every merged versioned schema file and migration.

A database that applied a versioned SQL file (sql/schema/, docs/storage.md "How the schema
evolves") or a migration never applies it again: editing one after it merged leaves old
databases and new ones with different schemas. tests/schema/test_pins.py holds every such
file to its pin in PIN_LIST, which is `sha256sum` output (`sha256sum -c
tests/schema/pins.sha256` checks it from the repository's root).

    .venv/bin/python -m tests.schema.pins            # pins new files; changes no pin
    .venv/bin/python -m tests.schema.pins --update   # pins every file as it is now

Use the first when a new versioned file or migration is merged. Use --update only for an
edit that was decided on purpose (say in the commit why old databases are not affected).
"""

import argparse
import hashlib
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PIN_LIST = Path(__file__).with_name("pins.sha256")
# Every module of a migrations package, helpers included: a migration may import only
# them (besides Django and the standard library), so they are frozen with it.
PINNED = ("sql/schema/*.sql", "accounts/migrations/*.py", "metrics/migrations/*.py", "metrics/loadtests/migrations/*.py",
          "metrics/cloud/migrations/*.py", "metrics/uploads/migrations/*.py")
COMMAND = ".venv/bin/python -m tests.schema.pins"


def pinned_files() -> list[str]:
    """The repository paths PINNED matches now (empty __init__.py files left out)."""
    paths = {path for pattern in PINNED for path in ROOT.glob(pattern)
             if not (path.name == "__init__.py" and not path.read_bytes())}
    return sorted(path.relative_to(ROOT).as_posix() for path in paths)


def digest(path: str) -> str:
    return hashlib.sha256((ROOT / path).read_bytes()).hexdigest()


def pins_read() -> dict[str, str]:
    """path -> pinned SHA-256."""
    pins = {}
    for line in PIN_LIST.read_text().splitlines():
        sha256, path = line.split("  ", 1)
        pins[path] = sha256
    return pins


def pins_write(pins: dict[str, str]) -> None:
    PIN_LIST.write_text("".join(f"{pins[path]}  {path}\n" for path in sorted(pins)))


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog=COMMAND, description=__doc__.split("\n\n")[0])
    parser.add_argument("--update", action="store_true", help="pin every file as it is now, changed ones included")
    update = parser.parse_args(argv).update
    pins = pins_read() if PIN_LIST.exists() else {}
    current = {path: digest(path) for path in pinned_files()}
    changed = sorted(path for path in pins.keys() & current.keys() if pins[path] != current[path])
    gone = sorted(pins.keys() - current.keys())
    added = sorted(current.keys() - pins.keys())
    if update:
        pins = current
    else:
        pins.update((path, current[path]) for path in added)
    pins_write(pins)
    for path in added:
        print(f"pinned {path}")
    for path in changed + gone:
        print(f"{'re-pinned' if update else 'NOT re-pinned (use --update)'}: {path} "
              f"({'changed' if path in changed else 'gone'})")
    return 1 if (changed or gone) and not update else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
