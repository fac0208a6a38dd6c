"""What the database keeps of refresh tokens (issue 12, finding 8): what revocation needs
(id, user, expiry, family, rotated or revoked), never anything a token can be replayed from."""

import subprocess

import pytest
from django.db import connection
from rest_framework_simplejwt.tokens import UntypedToken

from accounts.models import RefreshTokenRecord
from tests.conftest import manage, spare_database
from tests.personas import PASSWORD, api_client, team_make

pytestmark = pytest.mark.django_db


def tokens_issued() -> list[str]:
    """Every kind of token XAT hands out: both logins, both refreshes, a rotation after
    a logout and a password change."""
    acme = team_make("acme")
    xat = api_client().post("/api/auth/login/", {"username": "acme-admin", "password": PASSWORD},
                            format="json").json()
    perfdash = api_client().post("/api/v1/auth/token/", {"username": "acme-viewer", "password": PASSWORD},
                                 format="json").json()
    rotated = api_client().post("/api/auth/refresh/", {"refresh": xat["refresh"]}, format="json").json()
    reusable = api_client().post("/api/v1/auth/token/refresh/", {"refresh": perfdash["refresh"]},
                                 format="json").json()
    changed = api_client(acme.analyst).post("/api/auth/password/",
                                            {"old_password": PASSWORD, "new_password": "a brand new passphrase"},
                                            format="json").json()
    assert api_client().post("/api/auth/logout/", {"refresh": rotated["refresh"]}, format="json").status_code == 204
    return [answer[kind] for answer in (xat, perfdash, rotated, reusable, changed) for kind in ("access", "refresh")]


def rows_containing(text: str) -> dict[str, int]:
    """Rows of every table whose text form (all columns) contains text."""
    found = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT count(*) FROM "{table}" AS t WHERE strpos(t::text, %s) > 0', [text])
            (count,) = cursor.fetchone()
            if count:
                found[table] = count
    return found


def test_it_stores_no_token_nor_signature_anywhere():
    tokens = tokens_issued()
    assert len(set(tokens)) == 10
    for token in tokens:
        _header, _payload, signature = token.split(".")
        assert rows_containing(signature) == {}, token


def test_it_records_every_refresh_token_it_issues():
    # The scan above must look where records are: the store holds one row per refresh token.
    tokens = tokens_issued()
    refresh_ids = {UntypedToken(token)["jti"] for token in tokens[1::2]}
    assert refresh_ids <= set(RefreshTokenRecord.objects.values_list("jti", flat=True))
    for jti in refresh_ids:
        assert rows_containing(jti), jti


# simplejwt 5.5's blacklist tables as its migrations left them (the columns the carry-over reads).
BLACKLIST_APP_TABLES = """
CREATE TABLE token_blacklist_outstandingtoken (
    id bigserial PRIMARY KEY, user_id integer REFERENCES auth_user, jti varchar(255) NOT NULL UNIQUE,
    token text NOT NULL, created_at timestamptz, expires_at timestamptz NOT NULL);
CREATE TABLE token_blacklist_blacklistedtoken (
    id bigserial PRIMARY KEY, token_id bigint NOT NULL UNIQUE REFERENCES token_blacklist_outstandingtoken,
    blacklisted_at timestamptz NOT NULL);
INSERT INTO django_migrations (app, name, applied)
    VALUES ('token_blacklist', '0013_alter_blacklistedtoken_options_and_more', now());
INSERT INTO django_content_type (app_label, model) VALUES ('token_blacklist', 'outstandingtoken');
INSERT INTO auth_permission (name, content_type_id, codename)
    SELECT 'Can view outstanding token', id, 'view_outstandingtoken' FROM django_content_type
    WHERE app_label = 'token_blacklist';
INSERT INTO auth_user (password, is_superuser, username, first_name, last_name, email, is_staff, is_active,
                       date_joined) VALUES ('!', false, 'dan', '', '', '', false, true, now());
INSERT INTO token_blacklist_outstandingtoken (user_id, jti, token, created_at, expires_at)
    SELECT (SELECT id FROM auth_user), jti, 'eyJ.text-of-' || jti, now(), now() + lifetime
    FROM (VALUES ('live', interval '1 day'), ('blacklisted', interval '1 day'), ('expired', interval '-1 day'))
        AS issued (jti, lifetime);
INSERT INTO token_blacklist_outstandingtoken (user_id, jti, token, created_at, expires_at)
    VALUES (NULL, 'userless', 'eyJ.text-of-userless', now(), now() + interval '1 day');
INSERT INTO token_blacklist_blacklistedtoken (token_id, blacklisted_at)
    SELECT id, now() FROM token_blacklist_outstandingtoken WHERE jti = 'blacklisted';
"""


def test_it_carries_the_blacklist_apps_live_tokens_over_without_their_text(spare_cluster):
    env = spare_database(spare_cluster, "tokens_upgraded")

    def psql(*commands: str) -> str:
        arguments = ["psql", "-h", env["PGHOST"], "-p", env["PGPORT"], "-U", "xat", "-d", env["PGDATABASE"],
                     "-qAt", "-v", "ON_ERROR_STOP=1"]
        for command in commands:
            arguments += ["-c", command]
        result = subprocess.run(arguments, capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
        return result.stdout

    for target in (["contenttypes"], ["auth"], ["accounts", "0004"]):  # the database before this change
        before = manage("migrate", *target, "--noinput", env=env)
        assert before.returncode == 0, before.stderr
    psql(BLACKLIST_APP_TABLES)
    after = manage("migrate", "--noinput", env=env)
    assert after.returncode == 0, after.stderr
    assert psql("SELECT jti, revoked_at IS NOT NULL, rotated_at IS NULL, expires_at > now()"
                " FROM accounts_refreshtokenrecord ORDER BY jti") == "blacklisted|t|t|t\nlive|f|t|t\n"
    assert psql("SELECT count(DISTINCT family) FROM accounts_refreshtokenrecord") == "2\n"
    assert psql("SELECT to_regclass('token_blacklist_outstandingtoken') IS NULL,"
                " to_regclass('token_blacklist_blacklistedtoken') IS NULL") == "t|t\n"
    assert psql("SELECT count(*) FROM django_migrations WHERE app = 'token_blacklist'",
                "SELECT count(*) FROM django_content_type WHERE app_label = 'token_blacklist'") == "0\n0\n"
    unapplied = manage("migrate", "--check", env=env)
    assert unapplied.returncode == 0, unapplied.stdout
