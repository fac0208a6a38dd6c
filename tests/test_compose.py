import yaml

from tests.conftest import ROOT


def test_it_defines_a_community_timescaledb_on_postgresql_17_and_the_web_service():
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text())
    db, web = compose["services"]["db"], compose["services"]["web"]
    assert db["image"].startswith("timescale/timescaledb:") and "pg17" in db["image"]
    assert web["build"] == "."
    assert web["environment"]["XAT_MODE"] == "production"
    assert "@db:5432/xat" in web["environment"]["DATABASE_URL"]
    assert web["depends_on"]["db"]["condition"] == "service_healthy"


def test_it_builds_an_image_that_migrates_on_start_as_a_non_root_user():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "\nUSER xat\n" in dockerfile
    assert "manage.py migrate" in dockerfile and "gunicorn" in dockerfile


def test_it_runs_the_aggregate_upkeep_beside_the_web_service():
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text())
    maintain = compose["services"]["maintain"]
    assert maintain["command"][2:4] == ["xat_aggregates", "maintain"]
    assert maintain["environment"]["DATABASE_URL"] == compose["services"]["web"]["environment"]["DATABASE_URL"]


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
    assert worker["environment"]["DATABASE_URL"] == web["environment"]["DATABASE_URL"]
    assert worker.get("restart") in ("always", "unless-stopped")
    folder = web["environment"]["XAT_UPLOAD_DIR"]
    assert worker["environment"]["XAT_UPLOAD_DIR"] == folder
    assert f"uploads:{folder}" in web["volumes"] and f"uploads:{folder}" in worker["volumes"]


def test_it_runs_the_agent_service_beside_the_web_service_and_starts_it_again_if_it_exits():
    services = yaml.safe_load((ROOT / "compose.yaml").read_text())["services"]
    web, agents = services["web"], services["agents"]
    assert agents["build"] == "." and agents["command"] == ["python", "-m", "metrics.agent_service"]
    assert agents["environment"]["DATABASE_URL"] == web["environment"]["DATABASE_URL"]
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
