"""Label Studio JSON exports as an import: tasks with their annotations.

A Label Studio export is a JSON list of tasks ``{"id", "data": {...}, "annotations": [{"result":
[...], "completed_by", "lead_time", "was_cancelled", ...}], "predictions": [...], ...}``. Each task
becomes a task of the project (import key ``id:ls-<id>``, so importing the file again adds
nothing); each annotation that is not cancelled becomes a **submitted** annotation.

Who an annotation belongs to: ``completed_by`` is matched, by e-mail and then by username, to a
member of the project's base; when there is no match (Label Studio's user ids mean nothing here)
it belongs to the user who imports. One user has at most one annotation per task, so a task whose
annotations map to the same user twice is refused with a row error naming
``annotations[i].completed_by``.

Result items map by ``from_name`` (the label's name) and ``type``:

| Label Studio ``type`` | label type | value |
| --- | --- | --- |
| ``choices`` | choice / multi_choice | ``choices`` (exactly one for choice) |
| ``labels`` | spans | ``start``, ``end``, ``labels[0]`` (``text`` is checked against the data) |
| ``rectanglelabels`` | boxes | ``x``, ``y``, ``width``, ``height`` % → pixels, ``rectanglelabels[0]``, no rotation |
| ``polygonlabels`` | polygons | ``points`` in percent → pixels, ``polygonlabels[0]`` |
| ``rating`` | rating | ``rating`` |
| ``textarea`` | text | ``text`` lines joined by newlines |
| ``textarea`` | chain_of_thought | ``text``: the steps, then the final answer as the last line |
| ``pairwise`` | preference | ``selected`` ``left``/``right`` → the first/second field of ``between`` |

Percent coordinates use the item's ``original_width``/``original_height``, else the task's image
size. ``predictions`` are not imported. Anything that does not fit the schema is an error naming
its path (``annotations[0].result[2].value.rectanglelabels[0]``).
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from annotation.imports.errors import ImportFailed, RowError
from annotation.imports.parsers import Record, read_json_list
from annotation.models import Annotation, AnnotationRevision, Membership, Project, Task, TaskStatus
from annotation.schema import Schema, SchemaError, validate_result, validate_task_data
from annotation.signals import task_completed

# Our label type → the Label Studio result type that carries it.
LS_TYPE = {"choice": "choices", "multi_choice": "choices", "spans": "labels", "boxes": "rectanglelabels",
           "polygons": "polygonlabels", "rating": "rating", "text": "textarea", "chain_of_thought": "textarea",
           "preference": "pairwise"}
PAIRWISE_SIDES = ("left", "right")
FORMAT = "label-studio"
MAX_CHECK_ERRORS = 20
# Larger files are not read in the request (it would outlast a web worker's timeout): their tasks
# are checked by the job, row by row, like a zip.
CHECK_MAX_BYTES = 64 * 1024 * 1024
COORD_DIGITS = 4  # pixels: percent → pixels → percent keeps a box where it was


@dataclass(frozen=True)
class RawAnnotation:
    index: int  # position in the task's "annotations" list (for error paths)
    result: Any
    completed_by: Any
    lead_time: float


def looks_like_labelstudio(path: Path) -> bool:
    """Does a JSON list file read as a Label Studio export (its first task has ``data`` plus
    ``annotations`` or ``predictions``)?"""
    try:
        with open(path, "rb") as stream:
            for _, value in read_json_list(stream):
                return (isinstance(value, Record) and isinstance(value.value, dict)
                        and isinstance(value.value.get("data"), dict)
                        and ("annotations" in value.value or "predictions" in value.value))
    except (ImportFailed, OSError):
        return False
    return False


def split_task(value: Any) -> tuple[dict, list[RawAnnotation]]:
    """A Label Studio task → (an import row ``{"data", "id"}``, its annotations still raw)."""
    if not isinstance(value, dict) or not isinstance(value.get("data"), dict):
        raise RowError("data", "a Label Studio task needs a 'data' object")
    row: dict = {"data": value["data"]}
    task_id = value.get("id")
    if task_id is not None:
        if isinstance(task_id, bool) or not isinstance(task_id, (int, str)) or str(task_id) == "":
            raise RowError("id", "must be an integer or a non-empty string")
        row["id"] = f"ls-{task_id}"
    annotations = value.get("annotations") or []
    if not isinstance(annotations, list):
        raise RowError("annotations", "must be a list")
    raw = []
    for i, item in enumerate(annotations):
        if not isinstance(item, dict):
            raise RowError(f"annotations[{i}]", "must be an object")
        if item.get("was_cancelled"):
            continue
        lead_time = item.get("lead_time") or 0.0
        if isinstance(lead_time, bool) or not isinstance(lead_time, (int, float)) or not 0 <= lead_time < 7 * 86400:
            lead_time = 0.0
        raw.append(RawAnnotation(i, item.get("result"), item.get("completed_by"), float(lead_time)))
    return row, raw


def _one(value: dict, key: str, path: str) -> Any:
    items = value.get(key)
    if not isinstance(items, list) or len(items) != 1:
        raise RowError(f"{path}.value.{key}", "must be a list of exactly one option")
    return items[0]


def _number(value: Any, path: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise RowError(path, "must be a number")
    return float(value)


def _pixels(item: dict, path: str, size: tuple[int | None, int | None]) -> tuple[float, float]:
    width, height = item.get("original_width") or size[0], item.get("original_height") or size[1]
    if not width or not height:
        raise RowError(f"{path}.original_width", "percent coordinates need the image's original_width and "
                                                   "original_height (or an image on the task)")
    return _number(width, f"{path}.original_width") / 100, _number(height, f"{path}.original_height") / 100


def _convert_item(spec, item: dict, path: str, size: tuple, out: dict) -> None:
    value = item.get("value")
    if not isinstance(value, dict):
        raise RowError(f"{path}.value", "must be an object")
    kind = spec.type
    if kind in ("choice", "multi_choice"):
        choices = value.get("choices")
        if not isinstance(choices, list):
            raise RowError(f"{path}.value.choices", "must be a list")
        out[spec.name] = _one(value, "choices", path) if kind == "choice" else list(choices)
    elif kind == "spans":
        span = {"start": value.get("start"), "end": value.get("end"), "label": _one(value, "labels", path)}
        if isinstance(value.get("text"), str):
            span["text"] = value["text"]
        out.setdefault(spec.name, []).append(span)
    elif kind == "boxes":
        if value.get("rotation") not in (None, 0, 0.0):
            raise RowError(f"{path}.value.rotation", "rotated boxes are not supported")
        sx, sy = _pixels(item, path, size)
        coords = [_number(value.get(k), f"{path}.value.{k}") for k in ("x", "y", "width", "height")]
        out.setdefault(spec.name, []).append({
            "x": round(coords[0] * sx, COORD_DIGITS), "y": round(coords[1] * sy, COORD_DIGITS),
            "w": round(coords[2] * sx, COORD_DIGITS), "h": round(coords[3] * sy, COORD_DIGITS),
            "label": _one(value, "rectanglelabels", path)})
    elif kind == "polygons":
        sx, sy = _pixels(item, path, size)
        points = value.get("points")
        if not isinstance(points, list):
            raise RowError(f"{path}.value.points", "must be a list of [x, y] points")
        pixels = []
        for j, point in enumerate(points):
            if not isinstance(point, list) or len(point) != 2:
                raise RowError(f"{path}.value.points[{j}]", "must be [x, y]")
            pixels.append([round(_number(point[0], f"{path}.value.points[{j}]") * sx, COORD_DIGITS),
                           round(_number(point[1], f"{path}.value.points[{j}]") * sy, COORD_DIGITS)])
        out.setdefault(spec.name, []).append({"points": pixels, "label": _one(value, "polygonlabels", path)})
    elif kind == "rating":
        out[spec.name] = value.get("rating")
    elif kind in ("text", "chain_of_thought"):
        lines = value.get("text")
        if isinstance(lines, str):
            lines = [lines]
        if not isinstance(lines, list) or not all(isinstance(line, str) for line in lines):
            raise RowError(f"{path}.value.text", "must be a list of strings")
        if kind == "text":
            out[spec.name] = "\n".join(lines)
        elif len(lines) < 2:
            raise RowError(f"{path}.value.text", "a chain of thought needs its steps and then the answer")
        else:
            out[spec.name] = {"steps": lines[:-1], "answer": lines[-1]}
    elif kind == "preference":
        selected = value.get("selected")
        if selected not in PAIRWISE_SIDES:
            raise RowError(f"{path}.value.selected", "must be 'left' or 'right'")
        out[spec.name] = spec.between[PAIRWISE_SIDES.index(selected)]


def convert_result(schema: Schema, items: Any, *, data: dict, width: int | None, height: int | None,
                   path: str) -> dict:
    """A Label Studio ``result`` list → a result of the schema, validated (RowError naming the path)."""
    if not isinstance(items, list):
        raise RowError(path, "must be a list of results")
    out: dict = {}
    for j, item in enumerate(items):
        item_path = f"{path}[{j}]"
        if not isinstance(item, dict):
            raise RowError(item_path, "must be an object")
        spec = schema.labels.get(item.get("from_name"))
        if spec is None:
            raise RowError(f"{item_path}.from_name", f"no label named {item.get('from_name')!r} in the project's "
                                                     f"schema (labels: {', '.join(schema.labels)})")
        if item.get("type") != LS_TYPE[spec.type]:
            raise RowError(f"{item_path}.type", f"the {spec.type} label {spec.name!r} takes "
                                                f"{LS_TYPE[spec.type]!r} results, not {item.get('type')!r}")
        _convert_item(spec, item, item_path, (width, height), out)
    try:
        validate_result(schema, out, data=data, width=width, height=height)
    except SchemaError as exc:
        raise ResultErrors([(f"{path}.{bad.removeprefix('result.')}", message) for bad, message in exc.errors]
                           ) from exc
    return out


class ResultErrors(RowError):
    """Every field of a converted result the schema refuses; the row error names the first."""

    def __init__(self, errors: list[tuple[str, str]]):
        super().__init__(*errors[0])
        self.errors = errors


class UserMap:
    """``completed_by`` → a member of the base (by e-mail, then username), else the importing user."""

    def __init__(self, project: Project, default_user):
        self.organization_id, self.default = project.organization_id, default_user
        self._cache: dict[str, int | None] = {}

    def _member(self, **lookup) -> int | None:
        key = repr(sorted(lookup.items()))
        if key not in self._cache:
            users = get_user_model().objects.filter(
                Exists(Membership.objects.filter(user=OuterRef("pk"), organization_id=self.organization_id)),
                **lookup)
            self._cache[key] = users.values_list("pk", flat=True).first()
        return self._cache[key]

    def user_id(self, completed_by: Any, path: str) -> int:
        found = None
        if isinstance(completed_by, dict):
            if isinstance(completed_by.get("email"), str) and completed_by["email"]:
                found = self._member(email__iexact=completed_by["email"])
            if found is None and isinstance(completed_by.get("username"), str) and completed_by["username"]:
                found = self._member(username=completed_by["username"])
        if found is not None:
            return found
        if self.default is None:
            raise RowError(path, "matches no member of this base, and the import has no user to credit")
        return self.default.pk


@dataclass
class LabelStudioRows:
    """The Label Studio side of an import job: converts annotations row by row and writes them
    with each batch of tasks (in the batch's transaction)."""

    project: Project
    users: UserMap
    pending: dict[str, list[tuple[int, dict, float]]] = field(default_factory=dict)
    created: int = 0

    @classmethod
    def for_job(cls, job, project: Project) -> LabelStudioRows:
        return cls(project=project, users=UserMap(project, job.created_by))

    def read(self, stream: BinaryIO) -> Iterator[tuple[int, Record | RowError]]:
        """The tasks of the file as import rows; their annotations wait in ``raw`` until prepared."""
        for number, value in read_json_list(stream):
            try:
                row, raw = split_task(value.value)
            except RowError as exc:
                yield number, exc
                continue
            yield number, _LabelStudioRecord(row, raw=raw)

    def prepare(self, record: Record, key: str, *, data: dict, width: int | None, height: int | None) -> None:
        """Convert and check a row's annotations before its task is written (RowError when any is bad)."""
        raw = getattr(record, "raw", None)
        if not raw:
            return
        converted, seen = [], {}
        for annotation in raw:
            path = f"annotations[{annotation.index}]"
            result = convert_result(self.project.parsed_schema, annotation.result, data=data, width=width,
                                    height=height, path=f"{path}.result")
            user_id = self.users.user_id(annotation.completed_by, f"{path}.completed_by")
            if user_id in seen:
                raise RowError(f"{path}.completed_by", f"credits the same user as annotations[{seen[user_id]}]; "
                                                       "one user has one annotation per task (map each annotator "
                                                       "to a member by e-mail or username)")
            seen[user_id] = annotation.index
            converted.append((user_id, result, annotation.lead_time))
        self.pending[key] = converted

    def mask(self, key: str, masked_data: dict) -> None:
        """The task's data was masked: span texts copied into its annotations are masked alike."""
        schema = self.project.parsed_schema
        for _, result, _ in self.pending.get(key, []):
            for name, value in result.items():
                spec = schema.labels[name]
                if spec.type == "spans":
                    for span in value:
                        if "text" in span:
                            span["text"] = masked_data[spec.on][span["start"]:span["end"]]

    def write(self, keys: list[str]) -> None:
        """Attach the pending annotations of these keys to their tasks when the task has none yet
        (a task just written by this batch; a re-run finds its annotations and adds nothing)."""
        pending = {key: self.pending.pop(key) for key in keys if key in self.pending}
        if not pending:
            return
        # Read once, before any annotation is written (the filter would then exclude these tasks).
        tasks = list(Task.objects.filter(project_id=self.project.pk, import_key__in=list(pending))
                     .exclude(Exists(Annotation.objects.filter(task=OuterRef("pk"))))
                     .values_list("pk", "import_key"))
        now = timezone.now()
        annotations = [Annotation(task_id=task_id, annotator_id=user_id, result=result, lead_time=lead_time,
                                  status=Annotation.Status.SUBMITTED, submitted_at=now)
                       for task_id, key in tasks for user_id, result, lead_time in pending[key]]
        Annotation.objects.bulk_create(annotations)
        AnnotationRevision.objects.bulk_create(
            AnnotationRevision(annotation_id=a.pk, version=1, result=a.result, status=a.status,
                               author_id=a.annotator_id) for a in annotations)
        by_count: dict[int, list[int]] = {}
        for task_id, key in tasks:
            if pending[key]:
                by_count.setdefault(len(pending[key]), []).append(task_id)
        completed: list[int] = []
        for count, ids in by_count.items():
            status = TaskStatus.COMPLETED if count >= self.project.overlap else TaskStatus.OPEN
            Task.objects.filter(pk__in=ids).update(submitted_count=count, status=status)
            if status == TaskStatus.COMPLETED:
                completed.extend(ids)
        self.created += len(annotations)
        # Like a submit that fills the overlap: the consistency check decides these tasks, once
        # the batch is committed (a task that never reached the check would stay "completed").
        if completed:
            project = self.project
            transaction.on_commit(lambda: [task_completed.send(sender=Task, task=Task(pk=pk, project=project))
                                           for pk in completed])


class _LabelStudioRecord(Record):
    __slots__ = ("raw",)

    def __init__(self, value: Any, *, raw: list[RawAnnotation]):
        super().__init__(value)
        self.raw = raw


def check_file(path: Path, schema: Schema) -> dict[str, list[str]]:
    """Read a Label Studio export before it is queued: ``{"tasks[i].<path>": [message]}`` for what
    does not fit the schema (at most ``MAX_CHECK_ERRORS``), empty when it fits.

    Only a bare JSON file is checked this way (it brings no images, so an image project's tasks
    fail here); in a zip of the export and its images the job checks each row against its image.
    """
    errors: dict[str, list[str]] = {}
    with open(path, "rb") as stream:
        try:
            for number, value in read_json_list(stream):
                prefix = f"tasks[{number - 1}]"
                try:
                    row, raw = split_task(value.value)
                    try:  # a bare JSON file brings no images: an image task needs the zip
                        validate_task_data(schema, row["data"], has_media=False)
                    except SchemaError as exc:
                        bad, message = exc.errors[0]
                        raise RowError(bad, message) from exc
                    for annotation in raw:
                        size = _first_size(annotation.result)
                        convert_result(schema, annotation.result, data=row["data"], width=size[0], height=size[1],
                                       path=f"annotations[{annotation.index}].result")
                except RowError as exc:
                    for path, message in getattr(exc, "errors", [(exc.path, exc.message)]):
                        errors.setdefault(f"{prefix}.{path}", []).append(message)
                    if len(errors) >= MAX_CHECK_ERRORS:
                        break
        except ImportFailed as exc:
            errors["file"] = [str(exc)]
    return errors


def _first_size(items: Any) -> tuple[int | None, int | None]:
    for item in items if isinstance(items, list) else []:
        if isinstance(item, dict) and item.get("original_width") and item.get("original_height"):
            return item["original_width"], item["original_height"]
    return None, None
