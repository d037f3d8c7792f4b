"""Diffing two releases of a project: added, removed and changed records by key and hash."""
from __future__ import annotations

import pytest

from annotation.models import TaskStatus
from release.services import diff as diff_module
from release.services.snapshot import release_create
from review.models import TaskOutcome
from tests.factories import ProjectFactory, TaskFactory
from tests.release.builders import accept, build_release


@pytest.fixture
def two_releases(project, manager, annotator):
    tasks = [TaskFactory(project=project) for _ in range(5)]
    for task in tasks[:4]:
        accept(task, result={"sentiment": "pos"}, annotators=[annotator])
    old = build_release(project, manager)
    TaskOutcome.objects.filter(task=tasks[1]).update(result={"sentiment": "neg"})  # fixed after the release
    tasks[2].status = TaskStatus.IN_REVIEW  # reopened: leaves the next release
    tasks[2].save()
    accept(tasks[4], result={"sentiment": "neu"}, annotators=[annotator])  # newly accepted
    new = build_release(project, manager)
    return old, new, tasks


def test_the_diff_names_added_removed_and_changed_records(two_releases, manager, client_for):
    old, new, tasks = two_releases
    response = client_for(manager).get(f"/api/v1/releases/{new.pk}/diff/", {"against": old.pk})
    assert response.status_code == 200
    assert response.json() == {"added": [tasks[4].import_key], "removed": [tasks[2].import_key],
                               "changed": [tasks[1].import_key],
                               "counts": {"added": 1, "removed": 1, "changed": 1, "unchanged": 2},
                               "truncated": False}


def test_the_diff_the_other_way_round_swaps_added_and_removed(two_releases, manager, client_for):
    old, new, tasks = two_releases
    body = client_for(manager).get(f"/api/v1/releases/{old.pk}/diff/", {"against": new.pk}).json()
    assert body["added"] == [tasks[2].import_key] and body["removed"] == [tasks[4].import_key]


def test_a_release_against_itself_has_no_differences(two_releases, manager, client_for):
    _, new, _ = two_releases
    body = client_for(manager).get(f"/api/v1/releases/{new.pk}/diff/", {"against": new.pk}).json()
    assert body["counts"] == {"added": 0, "removed": 0, "changed": 0, "unchanged": 4}


def test_the_merge_reads_in_chunks_and_lists_are_capped_while_counts_stay_complete(
        project, manager, annotator, monkeypatch, client_for):
    tasks = [TaskFactory(project=project) for _ in range(9)]
    for task in tasks[:2]:
        accept(task, result={"sentiment": "pos"}, annotators=[annotator])
    old = build_release(project, manager)
    for task in tasks[2:]:
        accept(task, result={"sentiment": "pos"}, annotators=[annotator])
    new = build_release(project, manager)
    monkeypatch.setattr(diff_module, "CHUNK", 2)
    body = client_for(manager).get(f"/api/v1/releases/{new.pk}/diff/", {"against": old.pk, "limit": 3}).json()
    assert body["counts"] == {"added": 7, "removed": 0, "changed": 0, "unchanged": 2}
    assert body["added"] == [t.import_key for t in tasks[2:5]] and body["truncated"] is True


def test_against_is_required_and_must_be_a_ready_release_of_the_same_project(
        two_releases, manager, base, annotator, client_for):
    old, new, _ = two_releases
    client = client_for(manager)
    url = f"/api/v1/releases/{new.pk}/diff/"
    assert client.get(url).json() == {"against": ["This parameter is required."]}
    assert "against" in client.get(url, {"against": "x"}).json()
    other_project = ProjectFactory(organization=base)
    accept(TaskFactory(project=other_project), result={"sentiment": "pos"}, annotators=[annotator])
    other = build_release(other_project, manager)
    response = client.get(url, {"against": other.pk})
    assert response.status_code == 400 and response.json() == {"against": ["must be a release of the same project"]}
    building = release_create(project=new.project, actor=manager, send=lambda job: None)
    response = client.get(url, {"against": building.pk})
    assert response.status_code == 400 and "not ready" in response.json()["against"][0]


def test_a_release_of_another_base_is_not_found(two_releases, outsider, other_base, client_for):
    old, new, _ = two_releases
    response = client_for(outsider).get(f"/api/v1/releases/{new.pk}/diff/", {"against": old.pk})
    assert response.status_code == 404
