"""The generated SQL (sql/generate.py) is what the catalogue (metrics/catalogue.py) says,
and the catalogue describes the versioned files as they are."""

from sql import generate
from xat.sqlfiles import SQL_DIR


def test_it_finds_every_generated_file_as_the_catalogue_generates_it(tmp_path):
    written = generate.generate(into=tmp_path)
    differing = [path.relative_to(tmp_path).as_posix() for path in written
                 if (SQL_DIR / path.relative_to(tmp_path)).read_text() != path.read_text()]
    assert not differing, f"generated files differ from the catalogue: {differing}; run `.venv/bin/python -m sql.generate`"


def test_it_leaves_no_generated_file_behind():
    generated = set(generate.generated_files())
    stale = [path.relative_to(SQL_DIR).as_posix() for path in SQL_DIR.glob("*/*.sql")
             if path.read_text().startswith(generate.HEADER) and path.relative_to(SQL_DIR).as_posix() not in generated]
    assert not stale


def test_it_describes_the_continuous_aggregates_as_the_baseline_created_them():
    baseline = (SQL_DIR / "schema" / "0004_aggregates_timescale.sql").read_text()
    assert baseline[baseline.index("CREATE MATERIALIZED VIEW"):] == generate.continuous_aggregates()


def test_it_describes_the_apache_aggregate_tables_as_the_baseline_created_them():
    baseline = (SQL_DIR / "schema" / "0004_aggregates_apache.sql").read_text()
    tables = [generate.aggregate_table(family, level) for family in generate.FAMILIES.values()
              for level in generate.LEVELS]
    assert len(tables) == 21 and all(table in baseline for table in tables)


def test_it_generates_the_apache_views_and_functions_the_baseline_created():
    baseline = (SQL_DIR / "schema" / "0004_aggregates_apache.sql").read_text()
    chunks = generate.apache_aggregates().split("\n\n")
    statements = [chunk[chunk.index("CREATE"):] for chunk in chunks if "CREATE" in chunk]
    assert len(statements) == 45  # 21 views, 21 range functions, 3 recompute functions
    assert all(statement in baseline for statement in statements)
