"""Fetch objects *through* the caller's permissions.

Every helper scopes the query to the organizations the user belongs to and raises ``NotFound``
on a miss, so a member of another base learns nothing, not even that the object exists. A member
whose role does not allow the action gets ``PermissionDenied``.
"""
from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser
from django.utils.translation import gettext as _
from rest_framework.exceptions import NotFound, PermissionDenied

from annotation.models import Annotation, Job, Membership, Organization, Project, Role, Task
from annotation.models.organizations import MANAGING_ROLES

ANY_ROLE = tuple(Role)
WORKING_ROLES = (Role.OWNER, Role.MANAGER, Role.ANNOTATOR, Role.REVIEWER)


def role_in(user: AbstractBaseUser, organization_id: int) -> str | None:
    cache = getattr(user, "_zhibiao_roles", None)
    if cache is None:
        cache = dict(Membership.objects.filter(user=user).values_list("organization_id", "role"))
        user._zhibiao_roles = cache
    return cache.get(organization_id)


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


def project_for_user(user, project_id: int, *, roles=ANY_ROLE, for_update: bool = False) -> Project:
    queryset = Project.objects.select_related("organization")
    try:
        project = queryset.get(pk=project_id, organization_id__in=organization_ids(user))
    except (Project.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
    require_role(user, project.organization_id, roles)
    return project


def task_for_user(user, task_id: int, *, roles=ANY_ROLE) -> Task:
    try:
        task = Task.objects.select_related("project").get(
            pk=task_id, project__organization_id__in=organization_ids(user)
        )
    except (Task.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
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
