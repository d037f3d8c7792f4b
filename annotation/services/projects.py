from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError

from annotation.gates import policy_validators_check, prelabel_validators_check
from annotation.models import Organization, Project, Task
from annotation.schema import SchemaError, parse_schema
from annotation.services.audit import audit_record

EDITABLE = {"name", "domain", "description", "instructions", "schema", "overlap", "task_order",
            "review_policy", "prelabel", "gold_rate", "pii_policy", "price_per_token"}


def _check_schema(schema) -> None:
    try:
        parse_schema(schema)
    except SchemaError as exc:
        raise ValidationError(exc.as_dict()) from exc


def project_create(*, organization: Organization, actor, name: str, schema: dict, **fields) -> Project:
    _check_schema(schema)
    if "review_policy" in fields:
        policy_validators_check(fields["review_policy"])
    if "prelabel" in fields:
        prelabel_validators_check(fields["prelabel"])
    unknown = set(fields) - EDITABLE
    assert not unknown, f"unknown project fields {unknown}"
    with transaction.atomic():
        project = Project.objects.create(organization=organization, name=name, schema=schema, created_by=actor,
                                         **fields)
        audit_record(organization_id=organization.pk, actor=actor, action="project.create", obj=project,
                     data={"name": name})
    return project


def project_update(*, project: Project, actor, **fields) -> Project:
    unknown = set(fields) - EDITABLE
    assert not unknown, f"unknown project fields {unknown}"
    if "review_policy" in fields:
        policy_validators_check(fields["review_policy"])
    if "prelabel" in fields:
        prelabel_validators_check(fields["prelabel"])
    if "schema" in fields:
        _check_schema(fields["schema"])
        # Changing the labels under existing annotations would orphan them; adding labels is fine.
        if Task.objects.filter(project=project, annotations__isnull=False).exists():
            removed = set(project.schema.get("labels", {})) - set(fields["schema"].get("labels", {}))
            if removed:
                raise ValidationError({"schema.labels": [
                    _("Labels already annotated cannot be removed: {labels}").format(labels=', '.join(sorted(removed)))]})
    with transaction.atomic():
        for key, value in fields.items():
            setattr(project, key, value)
        project.save()
        audit_record(organization_id=project.organization_id, actor=actor, action="project.update", obj=project,
                     data={"fields": sorted(fields)})
    return project
