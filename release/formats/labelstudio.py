"""Label Studio JSON: the release as Label Studio tasks, one annotation each (the accepted result).

A task is ``{"id": <task id>, "data": {...}, "annotations": [{"id", "result": [...],
"was_cancelled": false, "ground_truth": false}], "meta": {"zhibiao": {key, provenance, agreement,
sha256}}}``. Results use Label Studio's shapes with ``from_name`` = the label's name and ``to_name``
= the data field it is about (see ``annotation.imports.labelstudio`` for the table, which the
importer reads back): boxes and polygons in percent of the image with ``original_width``/
``original_height``, a chain of thought as a ``textarea`` whose last line is the answer, a
preference as ``pairwise`` (``left`` = the first field of ``between``). An image task's image field
reads ``images/<task id>.<ext>``, the names the YOLO export uses with ``?images=1``, so the file and
those images zipped together import back into a project.

The file is one JSON list, written task by task.
"""
from __future__ import annotations

from collections.abc import Iterator

from annotation.imports.labelstudio import LS_TYPE, PAIRWISE_SIDES
from annotation.schema import Schema
from release.formats import ExportContext, Format, Records, register
from release.formats.common import has_image, image_name, json_items
from release.formats.ziputil import batched_text


def applies(schema: Schema) -> bool:
    return all(spec.type in LS_TYPE for spec in schema.labels.values())


def _to_name(spec, schema: Schema) -> str:
    if spec.on:
        return spec.on
    if spec.between:
        return ",".join(spec.between)
    return next(iter(schema.data))


def _values(spec, value, width: int | None, height: int | None) -> Iterator[dict]:
    """The Label Studio ``value`` objects (with any extra item keys under ``"_item"``) of one label."""
    kind = spec.type
    if kind == "choice":
        yield {"choices": [value]}
    elif kind == "multi_choice":
        yield {"choices": list(value)}
    elif kind == "spans":
        for span in value:
            yield {"start": span["start"], "end": span["end"], "labels": [span["label"]],
                   **({"text": span["text"]} if "text" in span else {})}
    elif kind == "boxes" and width and height:
        for box in value:
            yield {"x": box["x"] * 100 / width, "y": box["y"] * 100 / height, "width": box["w"] * 100 / width,
                   "height": box["h"] * 100 / height, "rotation": 0, "rectanglelabels": [box["label"]],
                   "_item": {"original_width": width, "original_height": height, "image_rotation": 0}}
    elif kind == "polygons" and width and height:
        for polygon in value:
            yield {"points": [[x * 100 / width, y * 100 / height] for x, y in polygon["points"]],
                   "polygonlabels": [polygon["label"]],
                   "_item": {"original_width": width, "original_height": height, "image_rotation": 0}}
    elif kind == "rating":
        yield {"rating": value}
    elif kind == "text":
        yield {"text": [value]}
    elif kind == "chain_of_thought":
        yield {"text": [*value.get("steps", []), value.get("answer", "")]}
    elif kind == "preference" and value in spec.between:
        yield {"selected": PAIRWISE_SIDES[spec.between.index(value)]}


def ls_result(schema: Schema, result: dict, *, width: int | None, height: int | None, prefix: str) -> list[dict]:
    items = []
    for spec in schema.labels.values():
        value = result.get(spec.name)
        if value is None:
            continue
        for value_ls in _values(spec, value, width, height):
            extra = value_ls.pop("_item", {})
            items.append({"id": f"{prefix}-{len(items)}", "from_name": spec.name, "to_name": _to_name(spec, schema),
                          "type": LS_TYPE[spec.type], "value": value_ls, "origin": "manual", **extra})
    return items


def ls_task(record: dict, schema: Schema) -> dict:
    data = dict(record.get("data") or {})
    image_field = schema.image_field()
    if image_field and has_image(record):
        data[image_field] = f"images/{image_name(record)}"
    result = ls_result(schema, record.get("result") or {}, width=record.get("media_width"),
                       height=record.get("media_height"), prefix=str(record["id"]))
    return {"id": record["id"], "data": data,
            "annotations": [{"id": record["id"], "result": result, "was_cancelled": False, "ground_truth": False}],
            "predictions": [],
            "meta": {"zhibiao": {"key": record.get("key"), "provenance": record.get("provenance"),
                                 "agreement": record.get("agreement"), "sha256": record.get("sha256")}}}


def _pieces(ctx: ExportContext, records: Records) -> Iterator[str]:
    yield "[\n"
    yield from json_items((ls_task(record, ctx.schema) for record in records()), ",\n")
    yield "\n]\n"


def write(ctx: ExportContext, records: Records) -> Iterator[bytes]:
    return batched_text(_pieces(ctx, records))


FORMAT = register(Format(name="label-studio", content_type="application/json", extension="json",
                         description="Label Studio JSON tasks with the accepted result as an annotation",
                         applies=applies, write=write))
