"""accounts/agent_auth.py: the four ways an agent presents its key, and the agents' answers
to a refused one."""

import json

import pytest
from django.http import JsonResponse
from django.test import RequestFactory
from rest_framework_simplejwt.tokens import AccessToken

from accounts.agent_auth import AgentKeyAuthentication, agent_key_required
from tests.personas import api_key_make, team_make

pytestmark = pytest.mark.django_db


@agent_key_required
def echo(request):
    return JsonResponse({"key": request.api_key.pk})


@pytest.mark.parametrize(
    "header, template",
    [
        ("HTTP_APIKEY", "{}"),
        ("HTTP_X_API_KEY", "{}"),
        ("HTTP_AUTHORIZATION", "ApiKey {}"),
        ("HTTP_AUTHORIZATION", "Bearer {}"),
    ],
)
def test_it_accepts_each_header(header, template):
    acme = team_make("acme")
    key, secret = api_key_make(acme.organization)
    request = RequestFactory().post("/", **{header: template.format(secret)})
    assert AgentKeyAuthentication().authenticate(request) == (None, key)
    assert echo(request).status_code == 200


def test_it_answers_401_without_a_key():
    response = echo(RequestFactory().post("/"))
    assert response.status_code == 401
    assert response.content == b'{"error": "Invalid API key"}'
    assert not response.has_header("WWW-Authenticate")


def test_it_answers_401_with_a_challenge_to_a_key_matching_none():
    acme = team_make("acme")
    _, secret = api_key_make(acme.organization)
    for headers in ({"HTTP_APIKEY": secret[:-1] + "x"}, {"HTTP_APIKEY": "garbage"},
                    {"HTTP_AUTHORIZATION": f"ApiKey {secret[:-1]}x"}):
        response = echo(RequestFactory().post("/", **headers))
        assert response.status_code == 401
        assert json.loads(response.content) == {"error": "Invalid API key", "detail": "Invalid API key"}
        assert response["WWW-Authenticate"] == "ApiKey"


def test_it_does_not_take_a_jwt_for_a_key():
    acme = team_make("acme")
    request = RequestFactory().post("/", HTTP_AUTHORIZATION=f"Bearer {AccessToken.for_user(acme.admin)}")
    assert AgentKeyAuthentication().authenticate(request) is None


def test_it_refuses_a_revoked_key():
    acme = team_make("acme")
    key, secret = api_key_make(acme.organization)
    key.revoked_at = key.created_at
    key.save()
    assert echo(RequestFactory().post("/", HTTP_APIKEY=secret)).status_code == 401
