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

-- name: api_keys_live
-- The agent service's cache check (metrics/agent_service/cache.py): which of these keys
-- are still live (not revoked, not expired, not deleted). Primary key lookups.
SELECT id FROM accounts_apikey
WHERE id = ANY(%(key_ids)s::bigint[]) AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())

-- name: api_keys_used
-- last_used_at of keys the agent service accepted since its last check, written at most
-- once per %(resolution)s (bookkeeping, as api_key_authenticate does it).
UPDATE accounts_apikey SET last_used_at = now()
WHERE id = ANY(%(key_ids)s::bigint[]) AND (last_used_at IS NULL OR last_used_at < now() - %(resolution)s)

-- name: collectors_identifiers
-- The agent service's cache check: which of these collectors still exist, and their
-- identifiers (a collector key's collector gets one bound by its first request).
SELECT id, identifier FROM metrics_collector WHERE id = ANY(%(collector_ids)s::bigint[])
