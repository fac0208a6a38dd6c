-- The collector a user's request names in its URL (metrics.collectors.collector_get_for_org).
-- Raw SQL rather than the ORM, as the agents' lookups (agents.sql): on every chart,
-- compiling the ORM query cost more than running it.

-- name: collector_of_organization
-- The organization's collector with this id (primary key), none when another organization
-- owns it: accounts/tenancy.py answers 404 for it, never 403.
SELECT * FROM metrics_collector
WHERE id = %(collector_id)s::bigint AND organization_id = %(organization_id)s::bigint
