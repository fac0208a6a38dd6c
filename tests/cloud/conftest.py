import pytest

from tests.personas import team_make


@pytest.fixture
def acme():
    """The organization whose cloud accounts a test connects (admin, analyst, viewer)."""
    return team_make("acme")
