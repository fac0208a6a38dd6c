-- Refresh tokens: simplejwt's blacklist app (token_blacklist) kept the full text of every
-- token it issued (token_blacklist_outstandingtoken.token): anyone reading the database or
-- a backup could use them until they expired. XAT now records only what revocation needs
-- (accounts_refreshtokenrecord: jti, user, expiry, family, rotated, revoked) and the app is
-- uninstalled. Applied by accounts/migrations/0005_refresh_token_record.py, after the
-- table is created.
--
-- A database that had the app: its live tokens (not yet expired, with a user) are carried
-- over, a blacklisted one as revoked at the time it was blacklisted, then its two tables are
-- dropped and its migration history forgotten (so reinstalling it would start clean). Their
-- ancestry was never stored, so each carried token is a family of its own: a replay of one
-- of them revokes that token alone. A fresh database has nothing to carry.
DO $$
BEGIN
    IF to_regclass('token_blacklist_outstandingtoken') IS NOT NULL THEN
        INSERT INTO accounts_refreshtokenrecord (jti, user_id, family, expires_at, revoked_at)
        SELECT outstanding.jti, outstanding.user_id, gen_random_uuid(), outstanding.expires_at,
               blacklisted.blacklisted_at
        FROM token_blacklist_outstandingtoken AS outstanding
        LEFT JOIN token_blacklist_blacklistedtoken AS blacklisted ON blacklisted.token_id = outstanding.id
        WHERE outstanding.user_id IS NOT NULL AND outstanding.expires_at > now();
        DROP TABLE token_blacklist_blacklistedtoken, token_blacklist_outstandingtoken;
    END IF;
    DELETE FROM django_migrations WHERE app = 'token_blacklist';
END
$$;
