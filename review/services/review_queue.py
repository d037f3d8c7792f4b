"""The review queue: which items a reviewer may take, and leases on them like next-task's.

An item is open to a caller when it is ``pending`` or its lease has expired, its stage's
``min_level`` is at most the caller's certified level in the project's domain, the caller holds a
reviewing role in the base (owner, manager, reviewer), did not annotate the task, and did not
decide an earlier stage of the same round (two stages mean two people).

Leases: ``review_next`` returns the caller's own live lease first (a reload never loses an item),
else locks the first open item with ``FOR UPDATE SKIP LOCKED`` on PostgreSQL (SQLite serializes
writers with IMMEDIATE transactions) and leases it for ``REVIEW_LEASE_SECONDS`` (default 30 min).
An expired lease needs no sweeper: the item is simply open again. Leases are operational state
and are not audited; decisions are.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.exceptions import NotFound, PermissionDenied

from annotation.access import organization_ids, require_role, role_in
from annotation.errors import Conflict
from annotation.models import Annotation, Project, Role
from annotation.models.organizations import MANAGING_ROLES
from review.models import ReviewDecision, ReviewItem
from review.services.certification import active_certifications

REVIEW_ROLES = (Role.OWNER, Role.MANAGER, Role.REVIEWER)
PENDING, LEASED, DONE = ReviewItem.Status.PENDING, ReviewItem.Status.LEASED, ReviewItem.Status.DONE


def lease_ttl() -> timedelta:
    return timedelta(seconds=int(getattr(settings, "REVIEW_LEASE_SECONDS", 30 * 60)))


def levels_of(user) -> dict[tuple[int, str], int]:
    """The caller's active levels, {(organization id, domain): level}, in one query."""
    rows = active_certifications().filter(user=user).values_list("organization_id", "domain", "level")
    return {(org, domain): level for org, domain, level in rows}


def _open_to(user, now: datetime) -> Q:
    """Items free to take: pending, or leased with an expired lease (or leased by the caller)."""
    return Q(status=PENDING) | Q(status=LEASED, lease_expires_at__lte=now) | Q(status=LEASED, leased_by=user)


def _not_conflicted(queryset: QuerySet[ReviewItem], user) -> QuerySet[ReviewItem]:
    """Without the tasks the caller annotated or already reviewed in this round."""
    annotated = Annotation.objects.filter(task=OuterRef("task"), annotator=user)
    reviewed = ReviewDecision.objects.filter(item__task=OuterRef("task"), item__round=OuterRef("round"),
                                             reviewer=user)
    return queryset.filter(~Exists(annotated), ~Exists(reviewed))


def _allowed(user) -> Q:
    """Items at a level the caller holds, in bases where they have a reviewing role."""
    orgs = {org for org in organization_ids(user) if role_in(user, org) in REVIEW_ROLES}
    allowed = Q(pk__in=[])
    for (org, domain), level in levels_of(user).items():
        if org in orgs:
            allowed |= Q(project__organization_id=org, project__domain=domain, min_level__lte=level)
    return allowed


def review_queue_items(*, user, project: Project | None = None) -> QuerySet[ReviewItem]:
    """What the caller may take, oldest first. Empty for a caller without a reviewing role or
    a level (an annotator's queue is empty, not an error; asking for one project is 403 there)."""
    items = ReviewItem.objects.filter(_allowed(user)).filter(_open_to(user, timezone.now()))
    if project is not None:
        items = items.filter(project=project)
    return _not_conflicted(items, user).select_related("project").order_by("id")


def _own_lease(user, project: Project | None, now: datetime) -> ReviewItem | None:
    mine = ReviewItem.objects.filter(status=LEASED, leased_by=user, lease_expires_at__gt=now)
    if project is not None:
        mine = mine.filter(project=project)
    return mine.select_for_update(of=("self",)).order_by("id").first()


def _pick(user, project: Project | None, now: datetime) -> ReviewItem | None:
    candidates = ReviewItem.objects.filter(_allowed(user)).filter(
        Q(status=PENDING) | Q(status=LEASED, lease_expires_at__lte=now))
    if project is not None:
        candidates = candidates.filter(project=project)
    locking = {"skip_locked": True, "of": ("self",)} if connection.vendor == "postgresql" else {}
    return _not_conflicted(candidates, user).select_for_update(**locking).order_by("id").first()


def review_next(*, user, project: Project | None = None) -> ReviewItem | None:
    """Lease the caller's next item, in ``project`` or in any project they may review (or give
    back their live one); None when nothing is open to them."""
    now = timezone.now()
    with transaction.atomic():
        item = _own_lease(user, project, now) or _pick(user, project, now)
        if item is None:
            return None
        item.status, item.leased_by, item.lease_expires_at = LEASED, user, now + lease_ttl()
        item.save(update_fields=["status", "leased_by", "lease_expires_at"])
    return item


def review_lease_renew(*, user, item: ReviewItem) -> datetime:
    """Push the caller's lease. A lapsed lease that nobody took since is still the caller's:
    taking an item always rewrites ``leased_by``, so it is safe to extend."""
    expires_at = timezone.now() + lease_ttl()
    updated = ReviewItem.objects.filter(pk=item.pk, status=LEASED, leased_by=user).update(lease_expires_at=expires_at)
    if not updated:
        raise Conflict(_("You hold no lease on this review item; take the next one from the queue."))
    return expires_at


def review_item_for_user(user, item_id, *, need_lease: bool = False) -> ReviewItem:
    """Fetch an item through the caller's permissions: 404 outside their bases, 403 without a
    reviewing role. With ``need_lease``, a reviewer must hold the item's live lease (owners and
    managers see every item of their base)."""
    try:
        item = ReviewItem.objects.select_related("task__project", "project").get(
            pk=item_id, project__organization_id__in=organization_ids(user))
    except (ReviewItem.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
    role = require_role(user, item.project.organization_id, REVIEW_ROLES)
    if need_lease and role not in MANAGING_ROLES and not item_leased_by(item, user):
        raise PermissionDenied(_("Take this item from the review queue first."))
    return item


def item_leased_by(item: ReviewItem, user) -> bool:
    return (item.status == LEASED and item.leased_by_id == user.pk and item.lease_expires_at is not None
            and item.lease_expires_at > timezone.now())
