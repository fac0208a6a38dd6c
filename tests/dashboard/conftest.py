import pytest


@pytest.fixture(autouse=True)
def retention_keeps_the_captures(settings):
    """The replayed captures are older than the default retention (30 days of raw samples),
    which would make every chart read a coarser level (metrics.dashboard.resolution_choose):
    nothing is dropped here unless a test says so."""
    settings.XAT_RETENTION_DAYS = dict.fromkeys(("raw", "1m", "1h", "1d"), 0)
