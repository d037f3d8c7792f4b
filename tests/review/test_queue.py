"""The review queue: who sees which items, leases like next-task's, expiry, and no double leases."""
from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection, connections
from django.utils import timezone

from annotation.models import Project, Role
from review.models import ReviewDecision, ReviewItem
from review.services.review_queue import review_next
from tests.factories import OrganizationFactory, ProjectFactory, UserFactory
from tests.review.queue_helpers import certify, member, reviewed_task

CONFLICT = [{"sentiment": "pos"}, {"sentiment": "pos"}, {"sentiment": "neg"}]
on_postgres = pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (DATABASE_URL)")


@pytest.fixture
def crowd(base):
    return [member(base, f"labeler{i}", Role.ANNOTATOR) for i in range(3)]


@pytest.fixture
def project(base):
    return ProjectFactory(organization=base, overlap=3, name="Headlines")


@pytest.fixture
def expert_project(base):
    return ProjectFactory(organization=base, overlap=3, review_policy={"stages": [{"min_level": 4}]})


def queue_ids(client, **params) -> list[int]:
    response = client.get("/api/v1/review/queue/", params)
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["results"]]


def test_a_level_2_reviewer_sees_an_empty_queue_and_a_senior_sees_the_item(
        base, owner, reviewer, project, crowd, client_for):
    _, item = reviewed_task(project, crowd, CONFLICT)
    certify(reviewer, base, 2, by=owner)
    assert queue_ids(client_for(reviewer)) == []
    assert client_for(reviewer).post(f"/api/v1/review/queue/next/?project={project.pk}").status_code == 204

    certify(reviewer, base, 3, by=owner)
    body = client_for(reviewer).get("/api/v1/review/queue/", {"project": project.pk}).json()

    assert [i["id"] for i in body["results"]] == [item.pk]
    assert body["results"][0] | {"created_at": None} == {
        "id": item.pk, "task": item.task_id, "project": {"id": project.pk, "name": "Headlines", "domain": "general"},
        "round": 1, "stage": 0, "stage_count": 1, "min_level": 3,
        "reasons": [{"code": "low_agreement", "label": "sentiment", "agreement": pytest.approx(1 / 3),
                     "threshold": 0.8}],
        "created_at": None, "leased_by_me": False}


def test_a_level_in_another_domain_does_not_count(base, owner, reviewer, project, crowd, client_for):
    reviewed_task(project, crowd, CONFLICT)
    certify(reviewer, base, 4, domain="medicine", by=owner)

    assert queue_ids(client_for(reviewer)) == []


def test_a_senior_cannot_take_or_decide_an_expert_stage(base, owner, reviewer, expert_project, crowd, client_for):
    _, item = reviewed_task(expert_project, crowd, CONFLICT)
    certify(reviewer, base, 3, by=owner)
    client = client_for(reviewer)

    assert queue_ids(client) == []
    assert client.post(f"/api/v1/review/queue/next/?project={expert_project.pk}").status_code == 204
    response = client.post("/api/v1/reviews/", {"item": item.pk, "decision": "accept"}, format="json")

    assert response.status_code == 403
    assert "level 4" in response.json()["detail"]
    assert not ReviewDecision.objects.exists()


def test_owner_and_manager_roles_do_not_stand_in_for_a_level(owner, manager, expert_project, crowd, client_for):
    _, item = reviewed_task(expert_project, crowd, CONFLICT)

    for user in (owner, manager):
        assert queue_ids(client_for(user)) == []
        response = client_for(user).post("/api/v1/reviews/", {"item": item.pk, "decision": "accept"}, format="json")
        assert response.status_code == 403
        # ... but they can read the item.
        assert client_for(user).get(f"/api/v1/review/items/{item.pk}/").status_code == 200


def test_outsiders_get_404_and_annotators_an_empty_queue_or_403(base, owner, annotator, outsider, project, crowd,
                                                                client_for):
    _, item = reviewed_task(project, crowd, CONFLICT)
    certify(annotator, base, 4, by=owner)

    assert client_for(outsider).get(f"/api/v1/review/items/{item.pk}/").status_code == 404
    assert client_for(outsider).get("/api/v1/review/queue/", {"project": project.pk}).status_code == 404
    assert client_for(outsider).post("/api/v1/reviews/", {"item": item.pk, "decision": "accept"},
                                     format="json").status_code == 404
    assert queue_ids(client_for(outsider)) == []
    assert queue_ids(client_for(annotator)) == []
    assert client_for(annotator).get("/api/v1/review/queue/", {"project": project.pk}).status_code == 403
    assert client_for(annotator).post(f"/api/v1/review/queue/next/?project={project.pk}").status_code == 403


def test_next_leases_an_item_gives_it_back_on_reload_and_not_to_another_reviewer(
        base, owner, reviewer, project, crowd, client_for):
    _, item = reviewed_task(project, crowd, CONFLICT)
    other = member(base, "reviewer2")
    for user in (reviewer, other):
        certify(user, base, 3, by=owner)

    first = client_for(reviewer).post(f"/api/v1/review/queue/next/?project={project.pk}")
    again = client_for(reviewer).post(f"/api/v1/review/queue/next/?project={project.pk}")
    theirs = client_for(other).post(f"/api/v1/review/queue/next/?project={project.pk}")

    assert first.status_code == 200 and first.json()["item"]["id"] == item.pk
    assert first.json()["item"]["leased_by_me"] is True and first.json()["lease_expires_at"]
    assert again.json()["item"]["id"] == item.pk
    assert theirs.status_code == 204
    assert queue_ids(client_for(other)) == []
    assert client_for(other).get(f"/api/v1/review/items/{item.pk}/").status_code == 403
    assert client_for(reviewer).get(f"/api/v1/review/items/{item.pk}/").status_code == 200


def test_an_expired_lease_returns_the_item_to_the_queue(base, owner, reviewer, project, crowd, client_for):
    _, item = reviewed_task(project, crowd, CONFLICT)
    other = member(base, "reviewer2")
    for user in (reviewer, other):
        certify(user, base, 3, by=owner)
    assert client_for(reviewer).post(f"/api/v1/review/queue/next/?project={project.pk}").status_code == 200
    ReviewItem.objects.filter(pk=item.pk).update(lease_expires_at=timezone.now() - timedelta(seconds=1))

    assert queue_ids(client_for(other)) == [item.pk]
    response = client_for(other).post(f"/api/v1/review/queue/next/?project={project.pk}")

    assert response.json()["item"]["id"] == item.pk
    item.refresh_from_db()
    assert item.leased_by == other
    # The first reviewer's lease is gone: renewing it is a 409, deciding too.
    assert client_for(reviewer).post(f"/api/v1/review/items/{item.pk}/lease/").status_code == 409
    assert client_for(reviewer).post("/api/v1/reviews/", {"item": item.pk, "decision": "accept"},
                                     format="json").status_code == 409


def test_a_lease_is_renewed_by_its_holder(settings, base, owner, reviewer, project, crowd, client_for):
    settings.REVIEW_LEASE_SECONDS = 60
    _, item = reviewed_task(project, crowd, CONFLICT)
    certify(reviewer, base, 3, by=owner)
    client_for(reviewer).post(f"/api/v1/review/queue/next/?project={project.pk}")
    item.refresh_from_db()
    assert item.lease_expires_at <= timezone.now() + timedelta(seconds=61)
    settings.REVIEW_LEASE_SECONDS = 3600

    response = client_for(reviewer).post(f"/api/v1/review/items/{item.pk}/lease/")

    assert response.status_code == 200
    item.refresh_from_db()
    assert item.lease_expires_at > timezone.now() + timedelta(seconds=3000)


def test_next_without_a_project_leases_across_the_projects_the_caller_may_review(
        base, owner, reviewer, project, expert_project, crowd, client_for):
    _, item = reviewed_task(project, crowd, CONFLICT)
    reviewed_task(expert_project, crowd, CONFLICT)  # needs level 4
    certify(reviewer, base, 3, by=owner)
    client = client_for(reviewer)

    first = client.post("/api/v1/review/queue/next/")
    client.post("/api/v1/reviews/", {"item": item.pk, "decision": "accept"}, format="json")
    second = client.post("/api/v1/review/queue/next/")

    assert first.json()["item"]["id"] == item.pk
    assert second.status_code == 204
    bad = client.post("/api/v1/review/queue/next/?project=abc")
    assert bad.status_code == 400 and "project" in bad.json()


def test_the_queue_costs_the_same_queries_however_long_it_is(base, owner, reviewer, project, crowd, client_for,
                                                            django_assert_max_num_queries):
    certify(reviewer, base, 3, by=owner)
    client = client_for(reviewer)
    reviewed_task(project, crowd, CONFLICT)
    with django_assert_max_num_queries(20) as one:
        assert len(queue_ids(client)) == 1
    for _ in range(6):
        reviewed_task(project, crowd, CONFLICT)
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert len(queue_ids(client)) == 7


def test_reviewers_do_not_get_tasks_they_annotated(base, owner, project, crowd, client_for):
    certify(owner, base, 4, by=owner)
    reviewed_task(project, [crowd[0], crowd[1], owner], CONFLICT)

    assert queue_ids(client_for(owner)) == []
    assert client_for(owner).post(f"/api/v1/review/queue/next/?project={project.pk}").status_code == 204


# Concurrency -----------------------------------------------------------------------------------

def _reviewer_loop(user_id: int, project_id: int, start: threading.Barrier, taken: list, errors: list) -> None:
    try:
        user = UserFactory._meta.model.objects.get(pk=user_id)
        project = Project.objects.get(pk=project_id)
        start.wait(timeout=60)
        item = review_next(user=user, project=project)
        if item is not None:
            taken.append((user_id, item.pk))
    except Exception as exc:  # noqa: BLE001 - any failure in a thread fails the test
        errors.append(f"user {user_id}: {exc!r}")
    finally:
        connections.close_all()


@pytest.mark.postgres
@on_postgres
def test_reviewers_racing_for_items_never_get_the_same_one_on_postgresql(transactional_db):
    base = OrganizationFactory()
    owner = member(base, "boss", Role.OWNER)
    crowd = [member(base, f"labeler{i}", Role.ANNOTATOR) for i in range(3)]
    project = ProjectFactory(organization=base, overlap=3)
    items = [reviewed_task(project, crowd, CONFLICT)[1] for _ in range(12)]
    reviewers = [member(base, f"rev{i}") for i in range(16)]
    for user in reviewers:
        certify(user, base, 3, by=owner)
    taken: list[tuple[int, int]] = []
    errors: list[str] = []
    start = threading.Barrier(len(reviewers))
    threads = [threading.Thread(target=_reviewer_loop, args=(u.pk, project.pk, start, taken, errors))
               for u in reviewers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    assert len(taken) == len(items)  # every item went out, four reviewers found nothing left
    assert len({item for _, item in taken}) == len(items)  # never one item to two reviewers
    leased = dict(ReviewItem.objects.filter(project=project).values_list("pk", "leased_by_id"))
    assert {item: user for user, item in taken} == leased
