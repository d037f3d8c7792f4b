"""Start an export of a release: check the format and the state, audit it, hand back the stream."""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _
from pathlib import Path

from annotation.services.audit import audit_record
from release.formats import FORMATS, ExportContext, Format
from release.models import Release
from release.selectors import release_records
from release.services.manifest import schema_of


class ExportRefused(Exception):
    """The export cannot start; ``field_name`` is the query parameter at fault (None: the state)."""

    def __init__(self, field_name: str | None, message: str):
        super().__init__(message)
        self.field_name, self.message = field_name, message


@dataclass(frozen=True)
class ExportStream:
    format: Format
    filename: str
    chunks: Iterator[bytes]


def export_filename(release: Release, fmt: Format) -> str:
    project = slugify(release.project.name) or f"project-{release.project_id}"
    return f"{project}-v{release.version}.{fmt.extension}"


def release_export(*, release: Release, actor, format_name: str, unmasked: bool = False,
                   options: dict | None = None) -> ExportStream:
    """Refuses an unknown or inapplicable format (``format``) and a release that is not ready;
    records ``release.export`` or, for original personal data, ``release.export.unmasked``.
    Whether the actor may see unmasked data is the caller's check (a role, decided by the view)."""
    schema = schema_of(release.manifest)
    fmt = FORMATS.get(format_name)
    if fmt is None:
        raise ExportRefused("format", _("unknown format; one of {formats}").format(formats=", ".join(sorted(FORMATS))))
    if not fmt.applies(schema):
        raise ExportRefused("format", _("{format} does not apply to this project's labels").format(format=format_name))
    if release.state != Release.State.READY:
        raise ExportRefused(None, _("The release is {state}; only a ready release can be exported.").format(
            state=release.state))
    with transaction.atomic():
        audit_record(organization_id=release.project.organization_id, actor=actor,
                     action="release.export.unmasked" if unmasked else "release.export", obj=release,
                     data={"format": fmt.name, "version": release.version})
    ctx = ExportContext(release=release, schema=schema, manifest=release.manifest,
                        media_root=Path(settings.MEDIA_ROOT), unmasked=unmasked, options=options or {})
    return ExportStream(format=fmt, filename=export_filename(release, fmt),
                        chunks=fmt.write(ctx, lambda: release_records(release, unmasked=unmasked)))
