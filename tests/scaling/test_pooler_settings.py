"""XAT_DB_POOLER=transaction (xat/settings.py): what a transaction pooler cannot carry from one
transaction to the next is off, unless PGPREPARE_THRESHOLD says otherwise (PgBouncer >= 1.21)."""

import json

from tests.conftest import manage

READ = ("import json; from django.conf import settings; d = settings.DATABASES['default'];"
        " print(json.dumps([d['DISABLE_SERVER_SIDE_CURSORS'], d['OPTIONS']['prepare_threshold']]))")


def _database_settings(**env: str) -> list:
    result = manage("shell", "-c", READ, env=env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_it_turns_off_server_side_cursors_and_prepared_statements_behind_a_transaction_pooler():
    assert _database_settings(XAT_DB_POOLER="transaction") == [True, None]


def test_it_keeps_them_without_a_pooler():
    assert _database_settings(XAT_DB_POOLER="") == [False, 5]


def test_it_prepares_behind_a_pooler_that_keeps_prepared_statements_when_told():
    assert _database_settings(XAT_DB_POOLER="transaction", PGPREPARE_THRESHOLD="5") == [True, 5]


def test_it_refuses_a_pooling_mode_it_does_not_know():
    result = manage("check", env={"XAT_DB_POOLER": "session"})
    assert result.returncode != 0
    assert "XAT_DB_POOLER='session': expected 'transaction' or nothing" in result.stderr
