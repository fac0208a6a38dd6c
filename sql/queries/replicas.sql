-- Read replicas' health (xat/replicas.py): how far a streaming standby's replay is behind
-- its primary. Catalogue functions only, no table.

-- name: replica_primary_position
-- On the primary: its WAL position, then the time of its newest commit (with
-- track_commit_timestamp on; else now, which only overstates a standby's lag). Read
-- before the standby's position, so a standby that replayed up to it holds every commit
-- made so far: the insert position, since a commit made with synchronous_commit off is
-- seen before its WAL is written.
SELECT pg_wal_lsn_diff(pg_current_wal_insert_lsn(), '0/0') AS position,
       CASE WHEN current_setting('track_commit_timestamp')::boolean
            THEN coalesce((pg_last_committed_xact()).timestamp, clock_timestamp())
            ELSE clock_timestamp() END AS newest_commit

-- name: replica_replay_position
-- On a standby: the WAL position it has replayed up to and the commit time of the newest
-- transaction replayed (null on a primary, or before a standby replays its first commit).
SELECT pg_is_in_recovery() AS in_recovery,
       pg_wal_lsn_diff(pg_last_wal_replay_lsn(), '0/0') AS replayed_position,
       pg_last_xact_replay_timestamp() AS replayed_commit
