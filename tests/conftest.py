"""Personas shared by every suite: owner, manager, annotator, reviewer, expert of one base, and
an outsider who belongs to another base."""
from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from annotation.models import Role
from tests.factories import MembershipFactory, OrganizationFactory, ProjectFactory, TaskFactory, UserFactory

pytest_plugins = ["tests.worker"]


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # PBKDF2's deliberate slowness costs seconds per persona on a 2-core machine; tests don't need it.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _no_pending_consistency_sweeps():
    # Ids come back after a test's rollback; a sweep mark left by an earlier test must not make
    # this test's completions wait for a sweep that belonged to another database state.
    from review.receivers import forget_pending_sweeps

    forget_pending_sweeps()
    yield


@pytest.fixture(autouse=True)
def _no_remembered_tokens():
    # Ids and users come back after a test's rollback without a signal; a token remembered by an
    # earlier test must not authenticate in this one.
    from annotation.api.authentication import forget

    forget()
    yield


@pytest.fixture
def base(db):
    return OrganizationFactory(name="Hefei Annotation Base", city="Hefei")


@pytest.fixture
def other_base(db):
    return OrganizationFactory(name="Chengdu Annotation Base", city="Chengdu")


def _member(organization, role: str, username: str):
    user = UserFactory(username=username)
    MembershipFactory(user=user, organization=organization, role=role)
    return user


@pytest.fixture
def owner(base):
    return _member(base, Role.OWNER, "owner")


@pytest.fixture
def manager(base):
    return _member(base, Role.MANAGER, "manager")


@pytest.fixture
def annotator(base):
    return _member(base, Role.ANNOTATOR, "annotator")


@pytest.fixture
def annotator2(base):
    return _member(base, Role.ANNOTATOR, "annotator2")


@pytest.fixture
def reviewer(base):
    return _member(base, Role.REVIEWER, "reviewer")


@pytest.fixture
def outsider(other_base):
    return _member(other_base, Role.OWNER, "outsider")


@pytest.fixture
def project(base):
    return ProjectFactory(organization=base, name="News sentiment")


@pytest.fixture
def tasks(project):
    return [TaskFactory(project=project) for _ in range(5)]


@pytest.fixture
def client_for():
    """``client_for(user)`` is an API client logged in as that user (token auth)."""

    def make(user) -> APIClient:
        client = APIClient()
        client.force_authenticate(user=user)
        return client

    return make


@pytest.fixture
def personas(owner, manager, annotator, reviewer, outsider) -> dict:
    """The five personas of the permission matrices, by name."""
    return {"owner": owner, "manager": manager, "annotator": annotator, "reviewer": reviewer, "outsider": outsider}
