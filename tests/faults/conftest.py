import pytest

from tests.conftest import agent_service_serving, default_connection_to, manage, spare_database
from tests.faults.stage import DATABASE, WORKERS, Stage


@pytest.fixture(scope="package")
def stage(spare_cluster, tmp_path_factory):
    """The agent service (WORKERS uvicorn workers, as deployed) serving a migrated database of
    the spare cluster, for the whole folder: each test works in an organization of its own."""
    socket_dir, pg_port = spare_cluster
    env = spare_database(spare_cluster, DATABASE)
    migrated = manage("migrate", "--noinput", env=env)
    assert migrated.returncode == 0, migrated.stderr
    log = tmp_path_factory.mktemp("faults") / "agent-service.log"
    with agent_service_serving(env={**env, "XAT_AGENT_WORKERS": str(WORKERS)}, log=log) as (port, master):
        yield Stage(port=port, master=master.pid, socket_dir=socket_dir, pg_port=pg_port, log=log)


@pytest.fixture
def served_database(stage, django_db_blocker):
    """Django's connection in this process (ORM, tests/oracle.py) on the database the service serves."""
    with django_db_blocker.unblock(), default_connection_to(HOST=str(stage.socket_dir), PORT=stage.pg_port,
                                                            NAME=DATABASE):
        yield
