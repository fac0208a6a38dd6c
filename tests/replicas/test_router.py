"""xat.replicas.PrimaryRouter: no ORM query and no migration on a replica."""

from django.test import override_settings

from metrics.models import Collector
from xat.replicas import PrimaryRouter

router = PrimaryRouter()


@override_settings(XAT_REPLICA_ALIASES=["replica1"])
def test_it_sends_orm_queries_to_the_primary_even_for_an_instance_said_to_be_from_a_replica():
    assert router.db_for_read(Collector) == router.db_for_write(Collector) == "default"
    stray = Collector()
    stray._state.db = "replica1"
    assert router.db_for_read(Collector, instance=stray) == router.db_for_write(Collector, instance=stray) == "default"


@override_settings(XAT_REPLICA_ALIASES=["replica1"])
def test_it_leaves_an_instance_on_another_database_it_came_from():
    elsewhere = Collector()
    elsewhere._state.db = "tsl"
    assert router.db_for_write(Collector, instance=elsewhere) == "tsl"


@override_settings(XAT_REPLICA_ALIASES=["replica1"])
def test_it_migrates_no_replica_and_leaves_other_databases_to_django():
    assert router.allow_migrate("replica1", "metrics") is False
    assert router.allow_migrate("default", "metrics") is None
    assert router.allow_migrate("tsl", "metrics") is None
