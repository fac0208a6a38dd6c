import yaml

from tests.conftest import ROOT

# `db` itself, past PgBouncer: what needs a session of its own (docs/scaling.md).
DIRECT = "postgresql://xat:${POSTGRES_PASSWORD}@db:5432/xat"


def test_it_defines_a_community_timescaledb_on_postgresql_17_and_the_web_service():
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text())
    db, web = compose["services"]["db"], compose["services"]["web"]
    assert db["image"].startswith("timescale/timescaledb:") and "pg17" in db["image"]
    assert web["build"] == "."
    assert web["environment"]["XAT_MODE"] == "production"
    assert web["depends_on"]["db"]["condition"] == "service_healthy"


def test_it_builds_an_image_that_migrates_on_start_as_a_non_root_user():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "\nUSER xat\n" in dockerfile
    assert "manage.py migrate" in dockerfile and "gunicorn" in dockerfile


def test_it_runs_the_aggregate_upkeep_beside_the_web_service():
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text())
    maintain = compose["services"]["maintain"]
    assert maintain["command"][2:4] == ["xat_aggregates", "maintain"]
    assert maintain["environment"]["DATABASE_URL"] == DIRECT


def test_it_starts_the_aggregate_upkeep_again_if_it_exits():
    maintain = yaml.safe_load((ROOT / "compose.yaml").read_text())["services"]["maintain"]
    assert maintain.get("restart") in ("always", "unless-stopped")


def test_it_offers_grafana_on_the_analytics_views_as_an_optional_profile():
    grafana = yaml.safe_load((ROOT / "compose.yaml").read_text())["services"]["grafana"]
    assert grafana["profiles"] == ["grafana"]
    for volume in grafana["volumes"]:
        assert (ROOT / volume.split(":")[0]).is_dir(), volume
    assert grafana["ports"][0].startswith("127.0.0.1:")


def test_it_runs_the_upload_worker_beside_the_web_service_on_a_shared_upload_folder():
    services = yaml.safe_load((ROOT / "compose.yaml").read_text())["services"]
    web, worker = services["web"], services["worker"]
    assert worker["command"][1:4] == ["manage.py", "procrastinate", "worker"]
    assert worker["environment"]["DATABASE_URL"] == DIRECT
    assert worker.get("restart") in ("always", "unless-stopped")
    folder = web["environment"]["XAT_UPLOAD_DIR"]
    assert worker["environment"]["XAT_UPLOAD_DIR"] == folder
    assert f"uploads:{folder}" in web["volumes"] and f"uploads:{folder}" in worker["volumes"]


def test_it_runs_the_agent_service_beside_the_web_service_and_starts_it_again_if_it_exits():
    services = yaml.safe_load((ROOT / "compose.yaml").read_text())["services"]
    web, agents = services["web"], services["agents"]
    assert agents["build"] == "." and agents["command"] == ["python", "-m", "metrics.agent_service"]
    assert agents["environment"]["DATABASE_URL"] == DIRECT
    assert agents["environment"]["SECRET_KEY"] == web["environment"]["SECRET_KEY"]  # the keys' hashes
    assert agents["environment"]["XAT_AGENTS_BIND"].startswith("0.0.0.0:")
    assert "ports" not in agents  # reached through the proxy
    assert agents.get("restart") in ("always", "unless-stopped")
    assert agents["environment"]["XAT_UPLOAD_DIR"] == web["environment"]["XAT_UPLOAD_DIR"]


def test_it_serves_web_and_agents_behind_the_official_nginx_with_the_tested_configuration():
    services = yaml.safe_load((ROOT / "compose.yaml").read_text())["services"]
    proxy = services["proxy"]
    assert proxy["image"].startswith("nginx:")
    # The template tests/test_proxy.py runs, where the image's entrypoint fills it in.
    assert proxy["volumes"] == ["./deploy/nginx/xat.conf.template:/etc/nginx/templates/xat.conf.template:ro"]
    assert proxy["environment"] == {"XAT_PROXY_LISTEN": "8080", "XAT_WEB_UPSTREAM": "web:8000",
                                    "XAT_AGENTS_UPSTREAM": "agents:8001"}
    assert proxy["ports"] == ["127.0.0.1:${PORT:-8000}:8080"]
    # Nothing else takes requests: gunicorn never faces a slow client itself.
    published = [name for name, service in services.items() if "ports" in service and name != "grafana"]
    assert published == ["proxy"]
    # Behind it, the throttles key on the address it appends to X-Forwarded-For.
    for name in ("web", "agents"):
        assert services[name]["environment"]["XAT_NUM_PROXIES"] == "${XAT_NUM_PROXIES:-1}"


def test_it_serves_web_through_pgbouncer_in_transaction_pooling_with_the_tested_settings():
    services = yaml.safe_load((ROOT / "compose.yaml").read_text())["services"]
    web, pgbouncer = services["web"], services["pgbouncer"]
    assert web["environment"]["DATABASE_URL"] == "postgresql://xat:${POSTGRES_PASSWORD}@pgbouncer:6432/xat"
    assert web["environment"]["XAT_DB_POOLER"] == "transaction"
    assert web["depends_on"]["pgbouncer"]["condition"] == "service_started"
    assert pgbouncer["environment"]["XAT_DB_HOST"] == "db" and "ports" not in pgbouncer
    # Debian's package, with the pooling.ini tests/scaling/test_pooler.py runs.
    dockerfile = (ROOT / pgbouncer["build"] / "Dockerfile").read_text()
    assert "FROM debian:" in dockerfile and "install -y --no-install-recommends pgbouncer" in dockerfile
    assert "COPY pooling.ini entrypoint.sh /etc/pgbouncer/xat/" in dockerfile
    assert "%include /etc/pgbouncer/xat/pooling.ini" in (ROOT / pgbouncer["build"] / "entrypoint.sh").read_text()
    assert "pool_mode = transaction" in (ROOT / pgbouncer["build"] / "pooling.ini").read_text().splitlines()


def test_it_keeps_what_needs_a_session_off_pgbouncer():
    services = yaml.safe_load((ROOT / "compose.yaml").read_text())["services"]
    for name in ("worker", "maintain", "agents"):
        assert services[name]["environment"]["DATABASE_URL"] == DIRECT, name
        assert "XAT_DB_POOLER" not in services[name]["environment"], name


def test_it_runs_a_streaming_standby_of_db_that_web_reads_from():
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text())
    services = compose["services"]
    db, replica, web = services["db"], services["replica"], services["web"]
    assert replica["image"] == db["image"]  # the official TimescaleDB image, the same version
    assert replica["environment"]["PRIMARY_HOST"] == "db"
    assert replica["depends_on"]["db"]["condition"] == "service_healthy"
    assert "replicadata:/var/lib/postgresql/data" in replica["volumes"] and "replicadata" in compose["volumes"]
    standby = replica["volumes"][1].split(":")
    assert replica["entrypoint"] == ["sh", standby[1]]
    script = (ROOT / standby[0]).read_text()
    assert "pg_basebackup" in script and " -R " in script and 'PG_VERSION' in script  # copied once, then streaming
    # db lets it stream (at its cluster's creation).
    allow = next(volume.split(":") for volume in db["volumes"] if "docker-entrypoint-initdb.d" in volume)
    assert "host replication" in (ROOT / allow[0]).read_text()
    assert web["environment"]["DATABASE_REPLICA_URLS"] == "postgresql://xat:${POSTGRES_PASSWORD}@replica:5432/xat"
    assert "ports" not in replica
