"""``POST /api/v1/projects/{id}/imports/``: upload a file (or send a JSON list) → an import job.

The view saves the upload where the worker can read it, creates the job, and queues it once the
job row is committed. A broker that is down is a 503 the caller sees; nothing runs in the request.
"""
from __future__ import annotations

import json
import os
import shutil
import uuid
from pathlib import Path

from django.conf import settings
from django.db import transaction
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import ParseError, ValidationError
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from annotation.access import project_for_user
from annotation.api.serializers import JobOut
from annotation.errors import ServiceUnavailable
from annotation.imports import labelstudio
from annotation.models.organizations import MANAGING_ROLES
from annotation.services.imports import FORMATS, detect_format, import_dir, import_source
from annotation.services.jobs import BrokerUnavailable, job_create, job_enqueue
from annotation.tasks import import_run


class PayloadTooLarge(ValidationError):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "too_large"


def _staging_path() -> Path:
    staging = Path(settings.DATA_DIR) / "imports" / "tmp"
    staging.mkdir(parents=True, exist_ok=True)
    return staging / f"upload-{uuid.uuid4().hex}"


def _too_large() -> PayloadTooLarge:
    return PayloadTooLarge({"file": [f"An import may be at most {settings.IMPORT_MAX_BYTES} bytes."]})


class ImportFormatParameter(DefaultContentNegotiation):
    """``?format=`` names the import format here, not a DRF renderer (which answered 404)."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class ImportCreateView(APIView):
    parser_classes = [MultiPartParser, JSONParser]
    content_negotiation_class = ImportFormatParameter

    @extend_schema(request=None, responses={202: JobOut})
    def post(self, request, project_id: int) -> Response:
        project = project_for_user(request.user, project_id, roles=MANAGING_ROLES)
        if int(request.META.get("CONTENT_LENGTH") or 0) > settings.IMPORT_MAX_BYTES + 64 * 1024:
            raise _too_large()  # refused before the body is read
        staged, filename, fmt = self._stage(request)
        fmt = _label_studio_check(staged, fmt, project)
        try:
            with transaction.atomic():
                job = job_create(organization_id=project.organization_id, project_id=project.pk, kind="import",
                                 created_by=request.user,
                                 params={"format": fmt, "filename": filename, "size": staged.stat().st_size})
                import_dir(job.pk).mkdir(parents=True, exist_ok=True)
                os.replace(staged, import_source(job.pk))
        except BaseException:
            staged.unlink(missing_ok=True)
            raise
        try:
            job_enqueue(job, lambda: import_run.apply_async(args=[job.pk]))
        except BrokerUnavailable as exc:
            shutil.rmtree(import_dir(job.pk), ignore_errors=True)
            raise ServiceUnavailable() from exc
        job.refresh_from_db()
        return Response(JobOut(job).data, status=status.HTTP_202_ACCEPTED)

    def _stage(self, request) -> tuple[Path, str, str]:
        """Write the upload (or the JSON rows) to a staging file; return (path, name, format)."""
        staged = _staging_path()
        requested = request.query_params.get("format") or (
            request.data.get("format") if hasattr(request.data, "get") else None)
        if requested is not None and requested not in FORMATS:
            raise ValidationError({"format": [f"must be one of {', '.join(FORMATS)}"]})
        if isinstance(request.data, list):
            if not request.data:
                raise ValidationError({"rows": ["The list of tasks is empty."]})
            with open(staged, "w", encoding="utf-8") as out:
                json.dump(request.data, out, ensure_ascii=False)
            return staged, "rows.json", "json"
        upload = request.FILES.get("file") if hasattr(request, "FILES") else None
        if upload is None:
            raise ParseError("Send a multipart field 'file', or a JSON list of tasks as the body.")
        if upload.size > settings.IMPORT_MAX_BYTES:
            raise _too_large()
        head = b""
        with open(staged, "wb") as out:
            for chunk in upload.chunks():
                head = head or chunk[:64]
                out.write(chunk)
        filename = os.path.basename(upload.name or "upload")[:200]
        fmt = requested or detect_format(filename, head)
        if fmt is None:
            staged.unlink(missing_ok=True)
            raise ValidationError({"file": [f"Unknown file type; send one of {', '.join(FORMATS)} "
                                            "(or name it .json, .jsonl, .csv, .png, .jpg, .webp, .zip)."]})
        return staged, filename, fmt


def _label_studio_check(staged: Path, fmt: str, project) -> str:
    """A JSON list shaped like a Label Studio export imports as one; its tasks and annotations are
    checked against the schema here, so what does not fit is a 400 naming its path (a zip of the
    export and its images, or a file over ``CHECK_MAX_BYTES``, is checked row by row by the job)."""
    if fmt == "json" and labelstudio.looks_like_labelstudio(staged):
        fmt = labelstudio.FORMAT
    if fmt != labelstudio.FORMAT:
        return fmt
    with open(staged, "rb") as stream:
        is_zip = detect_format("", stream.read(8)) == "zip"
    if not is_zip and staged.stat().st_size <= labelstudio.CHECK_MAX_BYTES:
        errors = labelstudio.check_file(staged, project.parsed_schema)
        if errors:
            staged.unlink(missing_ok=True)
            raise ValidationError(errors)
    return fmt
