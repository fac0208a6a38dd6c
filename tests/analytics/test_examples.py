"""docs/analytics.md: every ```sql block runs as an analytics role against real captures and
returns rows; the examples section holds ten of them. The doc is the only copy."""

import re

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.django_db
DOC = ROOT / "docs" / "analytics.md"
_SQL_BLOCK = re.compile(r"^```sql\n(.*?)^```", re.MULTILINE | re.DOTALL)


def sql_blocks(text: str) -> list[str]:
    return [block.strip() for block in _SQL_BLOCK.findall(text)]


def _examples() -> list[tuple[str, str]]:
    section = DOC.read_text().split("\n## Example queries\n", 1)[1].split("\n## ", 1)[0]
    examples = []
    for part in section.split("\n### ")[1:]:
        title = part.splitlines()[0]
        (query,) = sql_blocks(part)
        examples.append((title, query))
    return examples


def test_it_documents_ten_examples_and_no_sql_outside_them():
    assert len(_examples()) == 10
    assert len(sql_blocks(DOC.read_text())) == 10


@pytest.mark.parametrize(("title", "query"), _examples(), ids=[title.split(".")[0] for title, _ in _examples()])
def test_it_answers_the_example_with_rows(analytics_data, title, query):
    with analytics_data.acme.connect() as conn, conn.cursor() as cursor:
        cursor.execute(query)
        rows = cursor.fetchall()
    assert rows, title
    assert {cell for row in rows for cell in row if isinstance(cell, str)} & {"web-1", "db-1", "web", "db", "prod"}, (title, rows[:3])
