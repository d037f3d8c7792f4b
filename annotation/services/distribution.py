"""Task distribution: who gets which task next, with leases that expire.

Leases are operational state and are not audited; skips and submissions are.

The candidate query walks an index in the project's task order and stops at the first fit, so
no request sorts the table. On PostgreSQL the pick takes the row with ``FOR UPDATE SKIP
LOCKED``; everywhere, capacity is checked again under the task row's lock, in the same statement
that writes the lease, so overlap can never be exceeded (SQLite serializes writers with IMMEDIATE
transactions, which gives the same guarantee).

A claim costs three statements on the database (the caller's own lease or else the pick, the
lease, commit); predictions and the caller's draft are read only when the pick says the task
has some.
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from annotation.errors import Conflict
from annotation.gates import work_gates_check
from annotation.models import Annotation, Assignment, Prediction, Project, Task, TaskOrder, TaskStatus
from annotation.services.audit import audit_record
from annotation.sql import db_time, execute, fetch, fetch_all, for_update, rows

# Each order is the tail of one task index (project, status, ...). The pick states the status as
# a range and orders by it, so that only that index can serve the order: with "status = 'open'"
# PostgreSQL may walk the primary key for sequential order instead, filtering out every task
# already done, which is cheap just after ANALYZE and grows with each task done until the next.
ORDER_SQL = {
    TaskOrder.SEQUENTIAL: "t.status, t.id",
    TaskOrder.PRIORITY: "t.status, t.priority DESC, t.id",
    TaskOrder.RANDOM: "t.status, t.random_key, t.id",
    TaskOrder.UNCERTAINTY: "t.status, t.uncertainty DESC NULLS LAST, t.id",
}
MAX_PICKS = 8
ACTIVE = Assignment.State.ACTIVE
TASKS, LEASES = Task._meta.db_table, Assignment._meta.db_table
PREDICTIONS, ANNOTATIONS = Prediction._meta.db_table, Annotation._meta.db_table

# Places of a task held by others than the caller: live leases (params: now, user_id).
LIVE_LEASES_OF_OTHERS = f"""(SELECT COUNT(*) FROM {LEASES} a
    WHERE a.task_id = t.id AND a.state = '{ACTIVE}' AND a.expires_at > %s AND a.user_id <> %s)"""
# The places others hold on task t and the caller's own annotation on it (params: now, user_id twice).
PLACES_COLUMNS = f"""t.submitted_count + {LIVE_LEASES_OF_OTHERS},
                     (SELECT d.id FROM {ANNOTATIONS} d WHERE d.task_id = t.id AND d.annotator_id = %s)"""
PLACES_TAKEN = f"SELECT {PLACES_COLUMNS} FROM {TASKS} t WHERE t.id = %s"
LEASE_IF_ROOM = f"""
    INSERT INTO {LEASES} (task_id, user_id, state, expires_at, created_at)
    SELECT t.id, %s, '{ACTIVE}', %s, %s FROM {TASKS} t
    WHERE t.id = %s AND t.status = %s AND t.submitted_count + {LIVE_LEASES_OF_OTHERS} < %s
    ON CONFLICT (task_id, user_id) DO UPDATE SET state = excluded.state, expires_at = excluded.expires_at
    RETURNING id"""


@dataclass
class Claim:
    task: Task
    predictions: list[Prediction]
    annotation: Annotation | None
    lease_expires_at: datetime


def _lease_ttl() -> timedelta:
    return timedelta(seconds=settings.LEASE_TTL_SECONDS)


def places_taken(task_id: int, user_id: int, now: datetime) -> tuple[int, int | None]:
    """Call with the task row locked, in a statement after the lock (a fresh snapshot).

    Returns the places taken by others (submitted annotations plus others' live leases) and the
    caller's own annotation on the task, if any, in one query.
    """
    return fetch(PLACES_TAKEN, [db_time(now), user_id, user_id, task_id])


def honeypots_on(project: Project) -> bool:
    """With a gold rate, tasks with a gold answer are honeypots: served to every annotator once,
    at that rate, never completed; without one they are ordinary tasks (exams still use them)."""
    return project.gold_rate > 0


def _pick_honeypot(project: Project, user_id: int, *, skip_locked: bool, exclude: int | None) -> Task | None:
    """A gold task the caller has neither annotated nor given back, in random-key order."""
    sql = f"""
        SELECT {rows(Task).columns("t")}
        FROM {TASKS} t
        WHERE t.project_id = %s AND t.status = %s AND t.gold IS NOT NULL AND t.id <> %s
          AND NOT EXISTS (SELECT 1 FROM {ANNOTATIONS} d WHERE d.task_id = t.id AND d.annotator_id = %s)
          AND NOT EXISTS (SELECT 1 FROM {LEASES} a WHERE a.task_id = t.id AND a.user_id = %s)
        ORDER BY t.random_key, t.id
        LIMIT 1{for_update("t", skip_locked=skip_locked)}"""
    row = fetch(sql, [project.pk, TaskStatus.OPEN, exclude or 0, user_id, user_id])
    return None if row is None else rows(Task).load(row)


# Whether reading the task's predictions or the caller's draft is worth a query (param: user_id).
FLAGS = f"""EXISTS (SELECT 1 FROM {PREDICTIONS} p WHERE p.task_id = t.id) AS has_predictions,
            EXISTS (SELECT 1 FROM {ANNOTATIONS} d WHERE d.task_id = t.id AND d.annotator_id = %s) AS has_draft"""


@cache
def _candidate_sql(task_order: str, lock: str, honeypots: bool) -> str:
    """The first task in order with room for the caller (params: project_id, status twice,
    user_id, now, user_id, overlap, exclude)."""
    # Honeypots are served by _pick_honeypot only, so the regular order never reaches them.
    gold = " AND t.gold IS NULL" if honeypots else ""
    return f"""
        SELECT {rows(Task).columns("t")}
        FROM {TASKS} t
        WHERE t.project_id = %s AND t.status >= %s AND t.status <= %s
          AND t.id NOT IN (SELECT a.task_id FROM {LEASES} a WHERE a.user_id = %s AND a.state <> '{ACTIVE}')
          AND t.submitted_count + {LIVE_LEASES_OF_OTHERS} < %s
          AND t.id <> %s{gold}
        ORDER BY {ORDER_SQL[task_order]}
        LIMIT 1{lock}"""


@cache
def _pick_sql(task_order: str, lock: str, honeypots: bool) -> str:
    # The two flags are computed outside the picking subquery, for its one row: in the same
    # SELECT, PostgreSQL planned them for the thousands of rows it expects to scan and hashed the
    # whole prediction table (and the caller's every annotation) to answer them.
    return f"SELECT {rows(Task).columns('t')}, {FLAGS} FROM ({_candidate_sql(task_order, lock, honeypots)}) t"


@cache
def _own_lease_or_pick_sql(task_order: str, lock: str, own_lock: str) -> str:
    """The caller's oldest live lease in the project if there is one (with its id), else the pick
    (lease id NULL), in one statement: the next-task after a submit finds no lease of the
    caller's, and this saves it a round trip. ``Append`` runs its branches in order and ``LIMIT
    1`` stops it at the first row, so the pick runs only when the caller holds no lease."""
    columns = rows(Task).columns
    return f"""
        WITH mine AS ({_own_lease_sql(own_lock)})
        SELECT t.lease_id, {columns("t")}, {FLAGS} FROM (
            SELECT lease_id, {columns("mine")} FROM mine
            UNION ALL
            SELECT NULL, {columns("p")} FROM ({_candidate_sql(task_order, lock, False)}) p
            WHERE NOT EXISTS (SELECT 1 FROM mine)
        ) t
        LIMIT 1"""


def _pick_params(project: Project, user_id: int, now: datetime, exclude: int | None) -> list:
    # The caller's tasks given back or done are read once (a hashed NOT IN), not probed per candidate.
    return [project.pk, TaskStatus.OPEN, TaskStatus.OPEN, user_id, db_time(now), user_id, project.overlap,
            exclude or 0]


def _flagged(row) -> Task:
    task = rows(Task).load(row)
    task.has_predictions, task.has_draft = bool(row[-2]), bool(row[-1])
    return task


def _pick(project: Project, user_id: int, now: datetime, *, skip_locked: bool, exclude: int | None) -> Task | None:
    """The first task in order that still has room for the caller, locked, with two flags that
    say whether reading its predictions or the caller's draft is worth a query."""
    sql = _pick_sql(project.task_order, for_update("t", skip_locked=skip_locked), honeypots_on(project))
    row = fetch(sql, [user_id, *_pick_params(project, user_id, now, exclude)])
    return None if row is None else _flagged(row)


def _own_lease_or_pick(project: Project, user_id: int, now: datetime, *, skip_locked: bool,
                       exclude: int | None) -> tuple[int | None, Task] | None:
    """``(lease id, task)`` of the caller's own live lease, or ``(None, task)`` of a pick."""
    sql = _own_lease_or_pick_sql(project.task_order, for_update("t", skip_locked=skip_locked), for_update("a"))
    row = fetch(sql, [*_own_lease_params(user_id, project, now, exclude), user_id,
                      *_pick_params(project, user_id, now, exclude)])
    return None if row is None else (row[0], _flagged(row[1:]))


def _lease(task: Task, user_id: int, overlap: int, now: datetime, expires_at: datetime) -> bool:
    """Write the caller's lease if the task, locked by the pick, still has room (checked in this
    statement's fresh snapshot: a claim that committed between the pick's snapshot and its lock
    is seen here). A honeypot has room for everyone: pass ``overlap=None``."""
    if overlap is None:
        Assignment.objects.update_or_create(task=task, user_id=user_id,
                                            defaults={"state": ACTIVE, "expires_at": expires_at})
        return True
    params = [user_id, db_time(expires_at), db_time(now), task.pk, TaskStatus.OPEN, db_time(now), user_id,
              overlap]
    return fetch(LEASE_IF_ROOM, params) is not None


@cache
def _result_sql() -> tuple[str, str]:
    predictions = (f"SELECT {rows(Prediction).columns('p')} FROM {PREDICTIONS} p WHERE p.task_id = %s "
                   f"ORDER BY p.created_at DESC, p.id DESC LIMIT 5")
    draft = f"SELECT {rows(Annotation).columns('d')} FROM {ANNOTATIONS} d WHERE d.task_id = %s AND d.annotator_id = %s"
    return predictions, draft


def _claim_result(task: Task, user, expires_at: datetime, *, predictions: bool = True,
                  draft: bool = True) -> Claim:
    predictions_sql, draft_sql = _result_sql()
    found = [rows(Prediction).load(row) for row in fetch_all(predictions_sql, [task.pk])] if predictions else []
    row = fetch(draft_sql, [task.pk, user.pk]) if draft else None
    annotation = None if row is None else rows(Annotation).load(row)
    return Claim(task=task, predictions=found, annotation=annotation, lease_expires_at=expires_at)


@cache
def _own_lease_sql(lock: str) -> str:
    return f"""
        SELECT a.id AS lease_id, {rows(Task).columns("t")} FROM {LEASES} a JOIN {TASKS} t ON t.id = a.task_id
        WHERE a.user_id = %s AND t.project_id = %s AND t.status = %s AND a.state = '{ACTIVE}'
          AND a.expires_at > %s AND a.task_id <> %s
        ORDER BY a.created_at, a.id LIMIT 1{lock}"""


def _own_lease_params(user_id: int, project: Project, now: datetime, exclude: int | None) -> list:
    return [user_id, project.pk, TaskStatus.OPEN, db_time(now), exclude or 0]


def _own_lease(user_id: int, project: Project, now: datetime, exclude: int | None) -> tuple[int, Task] | None:
    """The caller's oldest unexpired lease in the project (locked), with its task."""
    row = fetch(_own_lease_sql(for_update("a")), _own_lease_params(user_id, project, now, exclude))
    return None if row is None else (row[0], rows(Task).load(row, 1))


def _renewed(lease_id: int, task: Task, user, expires_at: datetime, **flags) -> Claim:
    execute(f"UPDATE {LEASES} SET expires_at = %s WHERE id = %s", [db_time(expires_at), lease_id])
    return _claim_result(task, user, expires_at, **flags)


def _claim(user, project: Project, *, skip_locked: bool, exclude: int | None) -> Claim | None:
    now = timezone.now()
    expires_at = now + _lease_ttl()
    with transaction.atomic():
        # An unexpired lease of the caller's comes back first: a reload never loses a task.
        if honeypots_on(project):
            mine = _own_lease(user.pk, project, now, exclude)
            if mine is not None:
                return _renewed(*mine, user, expires_at)
            if random.random() < project.gold_rate:
                honeypot = _pick_honeypot(project, user.pk, skip_locked=skip_locked, exclude=exclude)
                if honeypot is not None and _lease(honeypot, user.pk, None, now, expires_at):
                    # Fetched like any task (predictions included) so nothing gives the honeypot away.
                    return _claim_result(honeypot, user, expires_at)
            task = _pick(project, user.pk, now, skip_locked=skip_locked, exclude=exclude)
        else:
            found = _own_lease_or_pick(project, user.pk, now, skip_locked=skip_locked, exclude=exclude)
            if found is None:
                return None
            lease_id, task = found
            if lease_id is not None:
                return _renewed(lease_id, task, user, expires_at, predictions=task.has_predictions,
                                draft=task.has_draft)
        for _ in range(MAX_PICKS):
            if task is None:
                return None
            if _lease(task, user.pk, project.overlap, now, expires_at):
                return _claim_result(task, user, expires_at, predictions=bool(task.has_predictions),
                                     draft=bool(task.has_draft))
            # another claim won the race between the pick's snapshot and its lock; pick again
            task = _pick(project, user.pk, now, skip_locked=skip_locked, exclude=exclude)
    return None


def task_next(*, user, project: Project, exclude: int | None = None) -> Claim | None:
    """The caller's next task with its predictions, or None when nothing is left for them.

    ``exclude`` is the task the caller is working on: the workspace fetches the next one ahead
    so it shows at once after submit, and the caller then holds two leases. Raises
    PermissionDenied when a registered work gate (a certification level, say) refuses the caller."""
    work_gates_check(user=user, project=project)
    claim = _claim(user, project, skip_locked=True, exclude=exclude)
    if claim is None and connection.vendor == "postgresql":
        # SKIP LOCKED passes over tasks that a claim or a submit holds this instant; before
        # saying "nothing left", look once more, waiting for those locks (this transaction
        # holds none while it waits).
        claim = _claim(user, project, skip_locked=False, exclude=exclude)
    return claim


def lease_renew(*, user, task: Task) -> datetime:
    """Push a live lease's expiry. An expired lease is not revived: the task may be someone
    else's by now, and only a claim (which checks capacity under the lock) may give it back."""
    now = timezone.now()
    expires_at = now + _lease_ttl()
    updated = Assignment.objects.filter(task=task, user=user, state=ACTIVE, expires_at__gt=now).update(
        expires_at=expires_at)
    if not updated:
        raise Conflict(_("You hold no lease on this task; ask for the next task again."))
    return expires_at


LEASE_DONE = f"UPDATE {LEASES} SET state = %s, expires_at = %s WHERE task_id = %s AND user_id = %s"
TASK_COUNT = f"UPDATE {TASKS} SET submitted_count = %s, status = %s WHERE id = %s"


def _counted_params(task: Task, user_id: int, now: datetime) -> tuple[list, list]:
    return [Assignment.State.DONE, db_time(now), task.pk, user_id], [task.submitted_count, task.status, task.pk]


def submission_ctes(*, task: Task, user_id: int, now: datetime) -> tuple[str, list]:
    """``submission_counted`` as two CTEs of the caller's statement (PostgreSQL): ``lease`` (its
    rows say whether the caller held a lease) and ``counted``. Pass the number of ``lease`` rows
    to ``lease_missing`` afterwards."""
    lease, count = _counted_params(task, user_id, now)
    return f"lease AS ({LEASE_DONE} RETURNING 1), counted AS ({TASK_COUNT})", lease + count


def lease_missing(*, leases: int, task: Task, user_id: int, now: datetime) -> None:
    if not leases:  # submitted without a lease (an expired one that someone else's claim replaced)
        Assignment.objects.create(task=task, user_id=user_id, state=Assignment.State.DONE, expires_at=now)


def submission_counted(*, task: Task, user_id: int, now: datetime) -> None:
    """Call with the task row locked, its ``submitted_count`` and ``status`` already moved: store
    them, and the caller's lease becomes a submission. One statement on PostgreSQL (a writable
    CTE; every statement saved counts on the submit path, docs/performance.md)."""
    lease, count = _counted_params(task, user_id, now)
    if connection.vendor == "postgresql":
        ctes, params = submission_ctes(task=task, user_id=user_id, now=now)
        leases = fetch(f"WITH {ctes} SELECT COUNT(*) FROM lease", params)[0]
    else:
        execute(TASK_COUNT, count)
        leases = execute(LEASE_DONE, lease)
    lease_missing(leases=leases, task=task, user_id=user_id, now=now)


def task_skip(*, user, task: Task) -> None:
    """Give the task back; it is not offered to this user again."""
    with transaction.atomic():
        Task.objects.select_for_update().filter(pk=task.pk).values_list("pk").get()
        if Annotation.objects.filter(task=task, annotator=user, status=Annotation.Status.SUBMITTED).exists():
            raise Conflict(_("You already submitted this task."))
        Assignment.objects.update_or_create(
            task=task, user=user, defaults={"state": Assignment.State.SKIPPED, "expires_at": timezone.now()})
        audit_record(organization_id=task.project.organization_id, actor=user, action="task.skip", obj=task)
