"""The per-process token cache: a round trip reads the token once, and every change this process
makes to a token, a user or a membership takes effect on the next request."""
from __future__ import annotations

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from annotation.api import authentication
from annotation.models import Membership, Role

NEXT = "/api/v1/projects/{}/next-task/"


@pytest.fixture
def lookups(monkeypatch):
    """Counts the token lookups that reach the database."""
    seen = []
    real = authentication.fetch

    def counting(sql, params):
        seen.append(params[0])
        return real(sql, params)

    monkeypatch.setattr(authentication, "fetch", counting)
    return seen


def token_client(user) -> tuple[APIClient, Token]:
    token = Token.objects.create(user=user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client, token


@pytest.mark.django_db
def test_a_token_is_read_once_then_remembered(project, tasks, annotator, lookups):
    client, token = token_client(annotator)
    me = [client.get("/api/v1/me/").json()["username"] for _ in range(3)]
    assert me == ["annotator"] * 3
    assert lookups == [token.key]


@pytest.mark.django_db
def test_an_entry_expires(project, tasks, annotator, lookups, monkeypatch, settings):
    settings.AUTH_CACHE_SECONDS = 5
    client, token = token_client(annotator)
    clock = [1000.0]
    monkeypatch.setattr(authentication.time, "monotonic", lambda: clock[0])
    client.get("/api/v1/me/")
    clock[0] += 4.9
    client.get("/api/v1/me/")
    clock[0] += 0.2
    client.get("/api/v1/me/")
    assert lookups == [token.key, token.key]


@pytest.mark.django_db
def test_zero_seconds_turns_the_cache_off(project, tasks, annotator, lookups, settings):
    settings.AUTH_CACHE_SECONDS = 0
    client, token = token_client(annotator)
    client.get("/api/v1/me/")
    client.get("/api/v1/me/")
    assert lookups == [token.key, token.key]


@pytest.mark.django_db
def test_a_removed_member_loses_access_on_the_next_request(project, tasks, annotator):
    client, _token = token_client(annotator)
    assert client.post(NEXT.format(project.pk)).status_code == 200
    Membership.objects.get(user=annotator, organization=project.organization).delete()
    assert client.post(NEXT.format(project.pk)).status_code == 404


@pytest.mark.django_db
def test_a_changed_role_applies_on_the_next_request(project, tasks, annotator):
    client, _token = token_client(annotator)
    assert client.patch(f"/api/v1/projects/{project.pk}/", {"instructions": "x"}, format="json").status_code == 403
    membership = Membership.objects.get(user=annotator, organization=project.organization)
    membership.role = Role.MANAGER
    membership.save()
    assert client.patch(f"/api/v1/projects/{project.pk}/", {"instructions": "x"}, format="json").status_code == 200


@pytest.mark.django_db
def test_a_deleted_token_or_a_deactivated_user_is_refused_at_once(project, tasks, annotator):
    client, token = token_client(annotator)
    assert client.get("/api/v1/me/").status_code == 200
    token.delete()
    response = client.get("/api/v1/me/")
    assert response.status_code == 403 and response.json()["detail"] == "Invalid token."

    client, _token = token_client(annotator)
    assert client.get("/api/v1/me/").status_code == 200
    annotator.is_active = False
    annotator.save()
    response = client.get("/api/v1/me/")
    assert response.status_code == 403 and response.json()["detail"] == "User inactive or deleted."


@pytest.mark.django_db
def test_each_request_gets_its_own_copy_of_the_user(annotator):
    _client, token = token_client(annotator)
    auth = authentication.TokenAuthentication()
    first, _ = auth.authenticate_credentials(token.key)
    first.first_name = "changed by one request"
    first._zhibiao_roles.clear()
    second, second_token = auth.authenticate_credentials(token.key)
    assert second is not first and second.first_name == "" and second._zhibiao_roles
    assert second_token.user is second
