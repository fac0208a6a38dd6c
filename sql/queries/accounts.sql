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
