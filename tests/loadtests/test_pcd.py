"""The pcd client (metrics/loadtests/pcd.py) against a real pcd-compatible server
(pcd_fake.py): what it sends, what it reads, how each failure ends, and the address rules
(S8)."""

import json
import time

import pytest

from metrics.loadtests.pcd import pcd_answer_parse, pcd_loadtest_call
from metrics.pcd_address import PcdError, pcd_address_check
from tests.conftest import free_port
from tests.loadtests.pcd_fake import KEY, pcd_serving


def _failure(**call) -> PcdError:
    with pytest.raises(PcdError) as raised:
        pcd_loadtest_call(**call)
    return raised.value


def test_it_sends_pcd_what_it_expects_and_reads_its_ten_levels(pcd_admitted):
    with pcd_serving(units_at_100=12000) as pcd:
        result = pcd_loadtest_call(address=pcd.address, api_key=KEY)
    [(method, path, headers, body)] = pcd.requests
    assert (method, path, body) == ("POST", "/v1/loadtest", b"{}")
    assert headers["apikey"] == KEY and headers["Content-Type"] == "application/json"
    assert headers["Host"] == pcd.address
    assert result.levels == {level: 120 * level for level in range(10, 101, 10)}
    assert result.points == [(level, 120 * level) for level in range(10, 101, 10)]


def test_it_reads_levels_as_the_reference_stored_them():
    answer = {"results": [{"busyPct": 10, "workUnits": 5}, {"busyPct": "20", "workUnits": 7},
                          {"busyPct": 10, "workUnits": 9},  # a repeated level: the last wins
                          {"busyPct": 10.0, "workUnits": 1}, {"busyPct": 15, "workUnits": 1},  # no such level
                          {"busyPct": 30}, {"busyPct": 40, "workUnits": 11.9}],
              "maxUnits": 999, "unitsPerSec": 3.5}
    result = pcd_answer_parse(json.dumps(answer).encode())
    assert result.levels == {10: 9, 20: 7, 30: 0, 40: 11, 50: 0, 60: 0, 70: 0, 80: 0, 90: 0, 100: 0}
    assert result.points == [(10, 5), (20, 7), (10, 9), (30, 0), (40, 11)]


@pytest.mark.parametrize("units", [-1, 2**31, True, "12", None, [1]])
def test_it_refuses_work_units_the_table_cannot_hold(units):
    with pytest.raises(PcdError) as raised:
        pcd_answer_parse(json.dumps({"results": [{"busyPct": 10, "workUnits": units}]}).encode())
    assert raised.value.status == 500 and "workUnits" in raised.value.message


@pytest.mark.parametrize("body", [b"[]", b"null", b'{"results": 3}', b'{"results": [1]}', b"\xff"])
def test_it_refuses_answers_that_are_not_an_object_of_results(body):
    with pytest.raises(PcdError) as raised:
        pcd_answer_parse(body)
    assert raised.value.status == 500 and raised.value.message.startswith("Error communicating with pcd daemon")


@pytest.mark.parametrize("serving, status, message", [
    ({"status": 503, "text": "secret internal page"}, 502, "pcd daemon returned error: 503"),
    ({"key": "another-key"}, 502, "pcd daemon returned error: 401"),
    ({"behaviour": "redirect"}, 502, "pcd daemon returned error: 302"),
    ({"behaviour": "garbage"}, 500, "Error communicating with pcd daemon: the answer is not a JSON object of results"),
    ({"behaviour": "oversize"}, 500, "Error communicating with pcd daemon: the answer is larger than 65536 bytes"),
    ({"behaviour": "pcd_error"}, 500, "pcd load test failed: perfcpumeasure crashed"),
])
def test_it_ends_each_failure_with_the_contracts_message(pcd_admitted, serving, status, message):
    with pcd_serving(**serving) as pcd:
        failure = _failure(address=pcd.address, api_key=KEY)
    assert (failure.status, failure.message) == (status, message)
    assert len(pcd.requests) == 1  # no redirect followed, no retry


@pytest.mark.parametrize("behaviour", ["hang", "drip"])
def test_it_gives_up_at_the_deadline_even_on_an_answer_that_drips(pcd_admitted, behaviour):
    """The drip sends a byte every 50 ms (never silent for the read timeout): only the
    total deadline (XAT_PCD_TIMEOUT_SECONDS, 2 s here) ends it."""
    with pcd_serving(behaviour=behaviour) as pcd:
        began = time.monotonic()
        failure = _failure(address=pcd.address, api_key=KEY)
        took = time.monotonic() - began
    assert (failure.status, failure.message) == (504, "pcd daemon timed out")
    assert 1.5 < took < 5, took


def test_it_says_it_could_not_connect_when_nothing_listens(pcd_admitted):
    address = f"127.0.0.1:{free_port()}"
    failure = _failure(address=address, api_key=KEY)
    assert (failure.status, failure.message) == (502, f"Could not connect to pcd daemon at {address}")


def test_it_never_puts_the_key_or_pcds_body_in_an_error(pcd_admitted, caplog):
    with pcd_serving(status=500, text="secret internal page") as pcd:
        failure = _failure(address=pcd.address, api_key=KEY)
    assert "secret internal page" not in failure.message
    assert KEY not in caplog.text and KEY not in failure.message


# -- the address rules (S8) --------------------------------------------------------------------

REFUSED = ["127.0.0.1:8080", "127.1:8080", "2130706433:8080", "localhost:8080", "pcd.localhost:8080",
           "[::1]:8080", "[::ffff:127.0.0.1]:8080", "10.0.0.5:8080", "172.16.3.4:8080", "192.168.1.10:8080",
           "169.254.1.1:8080", "169.254.169.254:80", "metadata.google.internal:80", "[fd00:ec2::254]:80",
           "100.100.100.200:80", "[fe80::1]:8080", "[fd12::1]:8080", "0.0.0.0:8080", "224.0.0.1:8080",
           "240.0.0.1:8080", "100.64.0.1:8080", "[2002:7f00:1::]:8080", "[64:ff9b::a00:1]:8080"]


@pytest.mark.parametrize("address", REFUSED)
def test_it_refuses_addresses_that_are_not_public_when_saved(settings, address):
    settings.XAT_PCD_ALLOWED_NETWORKS = []
    with pytest.raises(PcdError) as raised:
        pcd_address_check(address)
    assert raised.value.status == 400 and "is not allowed" in raised.value.message


@pytest.mark.parametrize("address", ["http://8.8.8.8:80", "8.8.8.8", "8.8.8.8:0", "8.8.8.8:65536",
                                     "user@8.8.8.8:80", "8.8.8.8:80/v1", "pcd host:80", "-pcd.example:80", "[8.8.8.8]:80",
                                     ""])
def test_it_refuses_what_is_not_host_and_port(address):
    with pytest.raises(PcdError) as raised:
        pcd_address_check(address)
    assert raised.value.status == 400 and raised.value.message.startswith("pcd address must be host:port")


@pytest.mark.parametrize("address", ["8.8.8.8:8080", "pcd.example.com:8080", "[2001:4860:4860::8888]:8080",
                                     "PCD-1.Example.com.:80"])
def test_it_accepts_public_addresses_and_names(settings, address):
    settings.XAT_PCD_ALLOWED_NETWORKS = []
    pcd_address_check(address)


def test_it_admits_the_operators_networks_but_never_a_metadata_endpoint(settings):
    settings.XAT_PCD_ALLOWED_NETWORKS = ["10.20.0.0/16", "169.254.0.0/16", "fd00::/8"]
    pcd_address_check("10.20.1.5:8080")
    pcd_address_check("169.254.10.10:8080")
    for address in ("10.21.0.1:8080", "169.254.169.254:80", "[fd00:ec2::254]:80"):
        with pytest.raises(PcdError):
            pcd_address_check(address)


def test_it_refuses_a_loopback_pcd_at_connect_time_without_calling_it(settings):
    """The address is stored already (saved before the rule, or a name): the call checks it
    again, and the live server behind it receives nothing."""
    settings.XAT_PCD_ALLOWED_NETWORKS = []
    with pcd_serving() as pcd:
        failure = _failure(address=pcd.address, api_key=KEY)
    assert failure.status == 400 and "(loopback)" in failure.message
    assert pcd.requests == []


def test_it_refuses_a_name_that_resolves_to_loopback_at_connect_time(settings):
    settings.XAT_PCD_ALLOWED_NETWORKS = []
    with pcd_serving() as pcd:
        port = pcd.address.split(":")[1]
        failure = _failure(address=f"localhost:{port}", api_key=KEY)
        assert failure.status == 400 and "is not allowed" in failure.message
        assert pcd.requests == []
        # The same name once the operator admits loopback: the resolved address is what is judged.
        settings.XAT_PCD_ALLOWED_NETWORKS = ["127.0.0.0/8", "::1/128"]
        assert pcd_loadtest_call(address=f"localhost:{port}", api_key=KEY).levels[100] == 12000
    assert pcd.requests[0][2]["Host"] == f"localhost:{port}"


def test_it_refuses_a_metadata_address_at_connect_time_even_when_its_network_is_admitted(settings):
    settings.XAT_PCD_ALLOWED_NETWORKS = ["169.254.0.0/16"]
    failure = _failure(address="169.254.169.254:80", api_key=KEY)
    assert failure.status == 400 and "metadata" in failure.message


def test_it_answers_an_unknown_name_as_unreachable(settings):
    failure = _failure(address="pcd.invalid:8080", api_key=KEY)
    assert (failure.status, failure.message) == (502, "Could not connect to pcd daemon at pcd.invalid:8080")
