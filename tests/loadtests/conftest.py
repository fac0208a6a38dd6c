import pytest


@pytest.fixture
def pcd_admitted(settings):
    """Admits 127.0.0.1 as a pcd target (the fake pcd of tests/loadtests/pcd_fake.py), in
    this test only, with short bounds so that failures show quickly."""
    settings.XAT_PCD_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    settings.XAT_PCD_CONNECT_TIMEOUT_SECONDS = 2
    settings.XAT_PCD_TIMEOUT_SECONDS = 2
    settings.XAT_PCD_MAX_ANSWER_BYTES = 64 * 1024
    return settings
