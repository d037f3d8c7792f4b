"""Fetch objects *through* the caller's permissions.

Every helper scopes the query to the organizations the user belongs to and raises ``NotFound``
on a miss, so a member of another base learns nothing, not even that the object exists. A member
whose role does not allow the action gets ``PermissionDenied``.
"""
from __future__ import annotations

from collections.abc import Iterable
from functools import cache

from django.contrib.auth.models import AbstractBaseUser
from django.utils.translation import gettext as _
from rest_framework.exceptions import NotFound, PermissionDenied

from annotation.models import Annotation, Job, Membership, Organization, Project, Role, Task
from annotation.models.organizations import MANAGING_ROLES
from annotation.sql import fetch, fetch_all, is_row_id, rows

ANY_ROLE = tuple(Role)
WORKING_ROLES = (Role.OWNER, Role.MANAGER, Role.ANNOTATOR, Role.REVIEWER)


def role_in(user: AbstractBaseUser, organization_id: int) -> str | None:
    roles = getattr(user, "_zhibiao_roles", None)
    if roles is None:
        # Raw SQL: every request of every annotator asks this (see annotation/sql.py).
        roles = dict(fetch_all(f"SELECT organization_id, role FROM {Membership._meta.db_table} WHERE user_id = %s",
                               [user.pk]))
        user._zhibiao_roles = roles
    return roles.get(organization_id)


def require_role(user: AbstractBaseUser, organization_id: int, roles: Iterable[str]) -> str:
    role = role_in(user, organization_id)
    if role is None:
        raise NotFound()
    if role not in tuple(roles):
        raise PermissionDenied(_("Your role in this organization does not allow this."))
    return role


def organization_ids(user: AbstractBaseUser) -> list[int]:
    role_in(user, 0)
    return list(user._zhibiao_roles)


def organization_for_user(user, organization_id: int, *, roles=ANY_ROLE) -> Organization:
    try:
        organization = Organization.objects.get(pk=organization_id)
    except (Organization.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
    require_role(user, organization.pk, roles)
    return organization


def object_id(value) -> int:
    try:
        value = int(value)
    except (ValueError, TypeError):
        raise NotFound() from None
    if not is_row_id(value):
        raise NotFound()
    return value


@cache
def _project_sql() -> str:
    return (f"SELECT {rows(Project).columns('p')}, {rows(Organization).columns('o')} "
            f"FROM {Project._meta.db_table} p JOIN {Organization._meta.db_table} o ON o.id = p.organization_id "
            f"WHERE p.id = %s")


@cache
def _task_sql() -> str:
    return (f"SELECT {rows(Task).columns('t')}, {rows(Project).columns('p')} "
            f"FROM {Task._meta.db_table} t JOIN {Project._meta.db_table} p ON p.id = t.project_id WHERE t.id = %s")


def project_for_user(user, project_id: int, *, roles=ANY_ROLE) -> Project:
    """The project with its organization. Raw SQL, as in ``task_for_user``."""
    row = fetch(_project_sql(), [object_id(project_id)])
    if row is None:
        raise NotFound()
    project = rows(Project).load(row)
    project.organization = rows(Organization).load(row, rows(Project).width)
    require_role(user, project.organization_id, roles)
    return project


def task_for_user(user, task_id: int, *, roles=ANY_ROLE) -> Task:
    """The task with its project. Raw SQL: every submit and skip of every annotator fetches one
    (see annotation/sql.py); the organization scope is the caller's role there, as everywhere."""
    row = fetch(_task_sql(), [object_id(task_id)])
    if row is None:
        raise NotFound()
    task = rows(Task).load(row)
    task.project = rows(Project).load(row, rows(Task).width)
    require_role(user, task.project.organization_id, roles)
    return task


def annotation_for_user(user, annotation_id: int) -> Annotation:
    """Annotators reach only their own annotations; managers and reviewers every one in the base."""
    try:
        annotation = Annotation.objects.select_related("task__project").get(
            pk=annotation_id, task__project__organization_id__in=organization_ids(user)
        )
    except (Annotation.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
    role = role_in(user, annotation.task.project.organization_id)
    if role == Role.ANNOTATOR and annotation.annotator_id != user.pk:
        raise NotFound()
    return annotation


def job_for_user(user, job_id: int) -> Job:
    try:
        job = Job.objects.get(pk=job_id, organization_id__in=organization_ids(user))
    except (Job.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
    role = role_in(user, job.organization_id)
    if role not in MANAGING_ROLES and job.created_by_id != user.pk:
        raise NotFound()
    return job
