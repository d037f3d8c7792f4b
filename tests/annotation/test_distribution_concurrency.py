"""Many annotators racing for tasks at once never break overlap.

Each thread is one annotator with its own database connection, looping next-task → submit
through the services until nothing is left for them. The claim log records who held which task
and when; the tables are checked at the end.
"""
from __future__ import annotations

import threading
import time
from collections import defaultdict
from dataclasses import dataclass

import pytest
from django.db import connection, connections, transaction
from django.db.models import Count

from annotation.models import Annotation, Assignment, Project, Role, Task, TaskStatus
from annotation.services.annotations import annotation_create
from annotation.services.audit import audit_verify
from annotation.services.distribution import task_next
from tests.factories import MembershipFactory, OrganizationFactory, ProjectFactory, TaskFactory, UserFactory

RESULT = {"sentiment": "pos"}
on_postgres = pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (DATABASE_URL)")
on_sqlite = pytest.mark.skipif(connection.vendor != "sqlite", reason="the embedded SQLite default only")


@dataclass
class Held:
    user_id: int
    task_id: int
    claimed: float  # after task_next returned: the lease was live by then
    submitted: float  # after the submit committed


def _annotator(user_id: int, project_id: int, start: threading.Barrier, log: list[Held], errors: list[str],
               max_rounds: int) -> None:
    try:
        user = UserFactory._meta.model.objects.get(pk=user_id)
        project = Project.objects.get(pk=project_id)
        start.wait(timeout=60)
        for _ in range(max_rounds):
            claim = task_next(user=user, project=project)
            if claim is None:
                return
            claimed = time.monotonic()
            annotation_create(user=user, task=claim.task, result=RESULT, status=Annotation.Status.SUBMITTED,
                              lead_time=1.0)
            log.append(Held(user_id, claim.task.pk, claimed, time.monotonic()))
        errors.append(f"user {user_id} still had work after {max_rounds} rounds")
    except Exception as exc:  # noqa: BLE001 - any failure in a thread fails the test below
        errors.append(f"user {user_id}: {exc!r}")
    finally:
        connections.close_all()


def _race(*, annotators: int, tasks: int, overlap: int) -> tuple[Project, list[Held]]:
    base = OrganizationFactory()
    project = ProjectFactory(organization=base, overlap=overlap)
    Task.objects.bulk_create([TaskFactory.build(project=project) for _ in range(tasks)])
    users = [UserFactory() for _ in range(annotators)]
    for user in users:
        MembershipFactory(user=user, organization=base, role=Role.ANNOTATOR)
    log: list[Held] = []
    errors: list[str] = []
    start = threading.Barrier(annotators)
    threads = [threading.Thread(target=_annotator, args=(u.pk, project.pk, start, log, errors, tasks + 1))
               for u in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert not any(t.is_alive() for t in threads), "a worker hung"
    assert errors == []
    return project, log


def _most_holders_at_once(log: list[Held]) -> dict[int, int]:
    """Per task, the most annotators whose [claimed, submitted] intervals overlap at one instant."""
    events = defaultdict(list)
    for held in log:
        events[held.task_id] += [(held.claimed, 1), (held.submitted, -1)]
    peaks = {}
    for task_id, marks in events.items():
        now = peak = 0
        for _, step in sorted(marks, key=lambda m: (m[0], m[1])):
            now += step
            peak = max(peak, now)
        peaks[task_id] = peak
    return peaks


def _assert_overlap_held(project: Project, log: list[Held], *, tasks: int, overlap: int) -> None:
    holders = defaultdict(set)
    for held in log:
        holders[held.task_id].add(held.user_id)
    # Leases never expire here, so every annotator who ever held a task is in the log.
    assert len(log) == tasks * overlap
    assert max(len(users) for users in holders.values()) == overlap
    assert all(len(users) == overlap for users in holders.values())
    assert max(_most_holders_at_once(log).values()) <= overlap

    submitted = dict(Annotation.objects.filter(task__project=project, status=Annotation.Status.SUBMITTED)
                     .values("task").annotate(n=Count("id")).values_list("task", "n"))
    assert len(submitted) == tasks
    assert max(submitted.values()) == overlap
    rows = Task.objects.filter(project=project)
    assert {(t.pk, t.submitted_count) for t in rows} == set(submitted.items())
    assert set(rows.values_list("status", flat=True)) == {TaskStatus.COMPLETED}
    leases = Assignment.objects.filter(task__project=project)
    assert set(leases.values_list("state", flat=True)) == {Assignment.State.DONE}
    assert max(leases.values("task").annotate(n=Count("id")).values_list("n", flat=True)) == overlap
    assert audit_verify(organization_id=project.organization_id) == []


@pytest.mark.postgres
@on_postgres
@pytest.mark.parametrize("overlap", [1, 3])
def test_32_annotators_at_once_never_exceed_overlap_on_postgresql(transactional_db, overlap):
    project, log = _race(annotators=32, tasks=300, overlap=overlap)

    _assert_overlap_held(project, log, tasks=300, overlap=overlap)
    if overlap == 1:
        assert len({h.task_id for h in log}) == 300  # no task was held by two annotators, ever
    assert len({h.user_id for h in log}) > 1  # the race really ran in parallel


@on_sqlite
@pytest.mark.parametrize("overlap", [1, 2])
def test_annotators_at_once_never_exceed_overlap_on_sqlite(transactional_db, overlap):
    project, log = _race(annotators=6, tasks=30, overlap=overlap)

    _assert_overlap_held(project, log, tasks=30, overlap=overlap)


@pytest.mark.postgres
@on_postgres
def test_a_submit_that_waited_for_another_submit_counts_afresh(transactional_db):
    """The submit reads the task's lock and its counts in one statement, from a snapshot taken
    before the lock. When another submit to the task committed while it waited, that snapshot
    still shows the other's lease as live while the locked row already counts its annotation:
    read alone, the task would look full and the waiting submit would get a wrong 409."""
    base = OrganizationFactory()
    project = ProjectFactory(organization=base, overlap=2)
    TaskFactory(project=project)
    first, second = UserFactory(), UserFactory()
    for user in (first, second):
        MembershipFactory(user=user, organization=base, role=Role.ANNOTATOR)
    task = task_next(user=first, project=project).task
    assert task_next(user=second, project=project).task.pk == task.pk  # two leases, two places
    holding, waiting = threading.Event(), threading.Event()
    errors: list[str] = []

    def first_submits_slowly():
        try:
            with transaction.atomic():
                annotation_create(user=first, task=task, result=RESULT, status=Annotation.Status.SUBMITTED)
                holding.set()
                waiting.wait(timeout=30)
                time.sleep(0.5)  # the second submit is waiting for the row's lock by now
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(repr(exc))
        finally:
            holding.set()
            connections.close_all()

    thread = threading.Thread(target=first_submits_slowly)
    thread.start()
    assert holding.wait(timeout=30)
    waiting.set()
    annotation_create(user=second, task=Task.objects.get(pk=task.pk), result=RESULT,
                      status=Annotation.Status.SUBMITTED)
    thread.join(timeout=30)
    assert errors == []
    stored = Task.objects.get(pk=task.pk)
    assert (stored.submitted_count, stored.status) == (2, TaskStatus.COMPLETED)
