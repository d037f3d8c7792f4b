from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError

from annotation.models import Membership, Organization, Role
from annotation.services.audit import audit_record


def organization_create(*, name: str, city: str = "", owner) -> Organization:
    with transaction.atomic():
        organization = Organization.objects.create(name=name, city=city)
        Membership.objects.create(user=owner, organization=organization, role=Role.OWNER)
        audit_record(organization_id=organization.pk, actor=owner, action="organization.create", obj=organization,
                     data={"name": name, "city": city})
    return organization


def organization_update(*, organization: Organization, actor, **fields) -> Organization:
    with transaction.atomic():
        for key, value in fields.items():
            setattr(organization, key, value)
        organization.save(update_fields=list(fields))
        audit_record(organization_id=organization.pk, actor=actor, action="organization.update", obj=organization,
                     data=fields)
    return organization


def membership_add(*, organization: Organization, username: str, role: str, actor) -> Membership:
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise ValidationError({"username": [_("No user with this username.")]})
    with transaction.atomic():
        if Membership.objects.filter(organization=organization, user=user).exists():
            raise ValidationError({"username": [_("This user is already a member.")]})
        membership = Membership.objects.create(organization=organization, user=user, role=role)
        audit_record(organization_id=organization.pk, actor=actor, action="membership.add", obj=membership,
                     data={"user": username, "role": role})
    return membership


def _last_owner(membership: Membership) -> bool:
    return membership.role == Role.OWNER and not Membership.objects.filter(
        organization_id=membership.organization_id, role=Role.OWNER
    ).exclude(pk=membership.pk).exists()


def membership_change_role(*, membership: Membership, role: str, actor) -> Membership:
    with transaction.atomic():
        if role != Role.OWNER and _last_owner(membership):
            raise ValidationError({"role": [_("An organization keeps at least one owner.")]})
        old = membership.role
        membership.role = role
        membership.save(update_fields=["role"])
        audit_record(organization_id=membership.organization_id, actor=actor, action="membership.role",
                     obj=membership, data={"user": membership.user.username, "from": old, "to": role})
    return membership


def membership_remove(*, membership: Membership, actor) -> None:
    with transaction.atomic():
        if _last_owner(membership):
            raise ValidationError({"role": [_("An organization keeps at least one owner.")]})
        audit_record(organization_id=membership.organization_id, actor=actor, action="membership.remove",
                     obj=membership, data={"user": membership.user.username})
        membership.delete()
