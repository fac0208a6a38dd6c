"""Login/register throttling: per address and per username, shared through PostgreSQL."""

from datetime import datetime, timezone

import pytest

from accounts.models import ThrottleWindow
from accounts.throttling import LoginAddressThrottle, throttle_hit
from tests.personas import PASSWORD, api_client, team_make

pytestmark = pytest.mark.django_db


@pytest.fixture
def tight_rates(settings):
    settings.XAT_THROTTLE_RATES = {
        "login_address": "5/min", "login_username": "3/min", "register_address": "2/hour", "register_username": "",
    }


def login(username="acme-admin", password="wrong", address="10.0.0.1", **headers):
    return api_client().post("/api/auth/login/", {"username": username, "password": password}, format="json",
                             REMOTE_ADDR=address, **headers)


def test_it_answers_429_with_retry_after_once_a_username_exceeds_its_rate(tight_rates):
    team_make("acme")
    assert [login(address=f"10.0.0.{n}").status_code for n in range(3)] == [401, 401, 401]
    throttled = login(address="10.0.0.99", password=PASSWORD)
    assert throttled.status_code == 429
    assert 1 <= int(throttled["Retry-After"]) <= 60
    assert login(username="acme-viewer", password=PASSWORD, address="10.0.0.99").status_code == 200


def test_it_throttles_an_address_whatever_the_usernames(tight_rates):
    statuses = [login(username=f"user{n}").status_code for n in range(6)]
    assert statuses == [401] * 5 + [429]
    assert login(username="user9", address="10.0.0.2").status_code == 401


def test_it_ignores_a_forwarded_for_header_it_was_not_told_to_trust(tight_rates):
    statuses = [login(username=f"user{n}", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}").status_code for n in range(6)]
    assert statuses[-1] == 429


def test_it_uses_the_address_a_trusted_proxy_forwarded(tight_rates, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}  # XAT_NUM_PROXIES=1
    statuses = [login(username=f"user{n}", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}").status_code for n in range(6)]
    assert statuses == [401] * 6


def test_it_throttles_register_per_address(tight_rates):
    def register(n):
        return api_client().post("/api/auth/register/", {"username": f"u{n}", "email": f"u{n}@example.com",
                                 "password": PASSWORD, "organization": f"Org {n}"}, format="json",
                                 REMOTE_ADDR="10.0.0.7")
    assert [register(n).status_code for n in range(3)] == [201, 201, 429]


def test_it_counts_in_the_database_and_never_stores_the_username(tight_rates):
    login(username="Secret-Name")
    keys = list(ThrottleWindow.objects.values_list("key", "hits"))
    assert len(keys) == 2 and all(hits == 1 for _, hits in keys)
    assert not any("secret" in key.lower() for key, _ in keys)


def test_it_counts_per_window_and_sweeps_old_windows():
    t0 = datetime(2026, 1, 1, 12, 0, 10, tzinfo=timezone.utc)
    assert throttle_hit(key="k", period=60, now=t0) == (1, 50)
    assert throttle_hit(key="k", period=60, now=t0.replace(second=59)) == (2, 1)
    assert throttle_hit(key="k", period=60, now=t0.replace(minute=1)) == (1, 50)
    throttle_hit(key="other", period=60, now=t0.replace(day=3))
    assert ThrottleWindow.objects.count() == 1


def test_it_parses_rates_as_the_settings_write_them():
    parse = LoginAddressThrottle().parse_rate  # DRF's
    assert parse("10/min") == (10, 60)
    assert parse("5/hour") == (5, 3600)
    with pytest.raises(ValueError):
        parse("lots")


def admin_login(client, username="staff", password="wrong", address="10.0.0.1"):
    return client.post("/admin/login/", {"username": username, "password": password}, REMOTE_ADDR=address)


def test_it_counts_the_admin_login_in_the_api_logins_buckets(tight_rates, client, django_user_model):
    django_user_model.objects.create_superuser("staff", "staff@example.com", PASSWORD)
    assert [login(username="staff", address=f"10.0.0.{n}").status_code for n in range(2)] == [401, 401]
    assert admin_login(client, address="10.0.0.5").status_code == 200  # the form again, with its error
    throttled = admin_login(client, password=PASSWORD, address="10.0.0.6")
    assert throttled.status_code == 429
    assert 1 <= int(throttled["Retry-After"]) <= 60
    assert "_auth_user_id" not in client.session  # the right password was not even checked


def test_it_throttles_the_admin_login_per_address(tight_rates, client, django_user_model):
    django_user_model.objects.create_superuser("staff", "staff@example.com", PASSWORD)
    assert admin_login(client, password=PASSWORD, address="10.0.0.9").status_code == 302  # in, below the rates
    statuses = [admin_login(client, username=f"user{n}").status_code for n in range(6)]
    assert statuses == [200] * 5 + [429]
