-- Accounts: login and register throttling (accounts/throttling.py).

-- name: throttle_hit
-- Counts one hit for a key in its window and returns the window's hits; also sweeps
-- windows that ended a day ago or more (index throttle_window_start), so the table stays
-- small. Shared by every worker: one atomic upsert.
WITH swept AS (DELETE FROM accounts_throttlewindow WHERE window_start < %(sweep_before)s)
INSERT INTO accounts_throttlewindow (key, window_start, hits)
VALUES (%(key)s, %(window_start)s, 1)
ON CONFLICT (key, window_start) DO UPDATE SET hits = accounts_throttlewindow.hits + 1
RETURNING hits

-- name: memberships_of_user
-- The user's memberships, each with the user and its organization (accounts/authentication.py):
-- on every request of the API, read by the primary key of auth_user and the index of
-- membership_unique (user_id, organization_id). Columns "<model>.<field>" (sqlfiles.fetch_models).
SELECT m.id AS "membership.id", m.user_id AS "membership.user_id",
       m.organization_id AS "membership.organization_id", m.role AS "membership.role",
       m.created_at AS "membership.created_at",
       u.id AS "user.id", u.password AS "user.password", u.last_login AS "user.last_login",
       u.is_superuser AS "user.is_superuser", u.username AS "user.username",
       u.first_name AS "user.first_name", u.last_name AS "user.last_name", u.email AS "user.email",
       u.is_staff AS "user.is_staff", u.is_active AS "user.is_active", u.date_joined AS "user.date_joined",
       o.id AS "organization.id", o.slug AS "organization.slug", o.name AS "organization.name",
       o.created_at AS "organization.created_at"
FROM accounts_membership m
JOIN auth_user u ON u.id = m.user_id
JOIN accounts_organization o ON o.id = m.organization_id
WHERE m.user_id = %(user_id)s::integer
