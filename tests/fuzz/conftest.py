import pytest

from tests.cloud.openapi_cases import faked_providers


@pytest.fixture(autouse=True)
def cloud_providers_faked(tmp_path):
    """The cloud endpoints reach local fakes of the providers (tests/cloud/), never the
    internet: connect would otherwise answer 503 to every example."""
    with faked_providers(directory=tmp_path):
        yield


@pytest.fixture
def unthrottled(settings):
    """Without the login, register and password-change throttles (tests/accounts/
    test_throttling.py), which would answer 429 to most examples of those operations
    before their own checks."""
    settings.XAT_THROTTLE_RATES = {}
