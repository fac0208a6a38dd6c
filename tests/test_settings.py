import secrets

from tests.conftest import manage

STRONG_KEY = secrets.token_urlsafe(50)


def test_it_refuses_production_without_a_secret_key():
    result = manage("check", env={"XAT_MODE": "production", "SECRET_KEY": "", "ALLOWED_HOSTS": "xat.example"})
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_it_refuses_a_weak_secret_key_in_production():
    result = manage("check", env={"XAT_MODE": "production", "SECRET_KEY": "django-insecure-abc", "ALLOWED_HOSTS": "x"})
    assert result.returncode != 0
    assert "too weak" in result.stderr


def test_it_passes_the_deployment_checklist_in_production():
    result = manage("check", "--deploy", "--fail-level", "WARNING",
                    env={"XAT_MODE": "production", "SECRET_KEY": STRONG_KEY, "ALLOWED_HOSTS": "xat.example"})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_it_reads_debug_strictly():
    result = manage("check", env={"DEBUG": "maybe"})
    assert result.returncode != 0
    assert "DEBUG='maybe'" in result.stderr


def test_it_refuses_debug_in_production():
    result = manage("check", env={"XAT_MODE": "production", "SECRET_KEY": STRONG_KEY, "ALLOWED_HOSTS": "xat.example",
                                  "DEBUG": "1"})
    assert result.returncode != 0
    assert "ImproperlyConfigured: DEBUG is on in production mode" in result.stderr
