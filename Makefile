.PHONY: run test test-fast db-start db-stop db-replica-start db-replica-stop doctor

# Serve XAT on 127.0.0.1:$${PORT:-8000} (installs what is missing, starts the local cluster).
run:
	bash scripts/run.sh

# Run the whole test suite against a throwaway TimescaleDB cluster.
test:
	bash scripts/test.sh

# The unit and db tiers only (no servers, clusters, browser, fuzzing, faults): while working.
test-fast:
	bash scripts/test.sh -m "not system" -n auto

db-start:
	bash scripts/pg.sh start .xat/pg $${XAT_PG_PORT:-54329}

db-stop:
	bash scripts/pg.sh stop .xat/pg $${XAT_PG_PORT:-54329}

# A streaming hot standby of the local cluster on port $${XAT_PG_REPLICA_PORT:-54330}; its
# URL, for DATABASE_REPLICA_URLS, is the last line printed.
db-replica-start: db-start
	bash scripts/pg.sh replica-start .xat/pg-replica $${XAT_PG_REPLICA_PORT:-54330} .xat/pg/run $${XAT_PG_PORT:-54329}

db-replica-stop:
	bash scripts/pg.sh stop .xat/pg-replica $${XAT_PG_REPLICA_PORT:-54330}

doctor:
	.venv/bin/python manage.py xat_doctor
