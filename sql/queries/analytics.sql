-- Analytics login roles (metrics/analytics.py, sql/schema/0006_analytics.sql).

-- name: analytics_role_add
-- Maps a login role to its organization: from now on the analytics views show it that
-- organization's rows.
INSERT INTO analytics_private.role (role_name, organization_id) VALUES (%(role_name)s, %(organization_id)s)

-- name: analytics_role_organization
-- The organization id a mapped role sees; no row for a role that is not an analytics role.
SELECT organization_id FROM analytics_private.role WHERE role_name = %(role_name)s

-- name: analytics_role_remove
-- Unmaps a role: from the next statement on its views are empty.
DELETE FROM analytics_private.role WHERE role_name = %(role_name)s

-- name: analytics_role_names
-- Every mapped role that exists, for granting the analytics views again.
SELECT r.role_name FROM analytics_private.role r JOIN pg_roles a ON a.rolname = r.role_name ORDER BY 1

-- name: role_exists
-- Any role of the cluster (roles are shared by every database of a cluster).
SELECT EXISTS (SELECT FROM pg_roles WHERE rolname = %(role_name)s)

-- name: analytics_roles
-- Every mapped role: its organization (NULL once deleted), whether the login role still
-- exists, its connection limit, its statement_timeout in this database, its open sessions.
SELECT r.role_name,
       o.slug,
       r.created_at,
       a.oid IS NOT NULL AS role_exists,
       a.rolconnlimit,
       (SELECT substr(setting, length('statement_timeout=') + 1)
        FROM pg_db_role_setting d
        JOIN pg_database db ON db.oid = d.setdatabase AND db.datname = current_database()
        CROSS JOIN unnest(d.setconfig) AS setting
        WHERE d.setrole = a.oid AND setting LIKE 'statement\_timeout=%%') AS statement_timeout,
       (SELECT count(*) FROM pg_stat_activity s WHERE s.usename = r.role_name) AS sessions
FROM analytics_private.role r
LEFT JOIN accounts_organization o ON o.id = r.organization_id
LEFT JOIN pg_roles a ON a.rolname = r.role_name
ORDER BY o.slug NULLS FIRST, r.role_name

-- name: analytics_role_sessions_end
-- Ends the role's open sessions (needs superuser, pg_signal_backend or membership in the
-- role); returns how many were signalled.
SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity WHERE usename = %(role_name)s
