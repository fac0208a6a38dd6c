.PHONY: run test test-fast db-start db-stop doctor

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

doctor:
	.venv/bin/python manage.py xat_doctor
