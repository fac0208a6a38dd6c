-- Lookups on every agent request (metrics/apis/trickle.py). Raw SQL rather than the ORM:
-- compiling these ORM queries cost more than running them (about 1 ms each per tick).

-- name: api_key_live_by_prefix
-- The live key with this public prefix (unique index on prefix); the caller compares the
-- hash in constant time.
SELECT id, organization_id, collector_id, name, prefix, key_hash, created_at, last_used_at, revoked_at, expires_at
FROM accounts_apikey
WHERE prefix = %(prefix)s AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())

-- name: collector_by_id
SELECT * FROM metrics_collector WHERE id = %(collector_id)s::bigint

-- name: collector_by_identifier
-- The ingest lookup (index collector_identifier_unique).
SELECT * FROM metrics_collector
WHERE organization_id = %(organization_id)s::bigint AND identifier = %(identifier)s AND identifier <> ''
