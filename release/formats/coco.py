"""COCO detection/segmentation JSON, written piecewise (images in one pass, annotations in another).

* ``images``: one per record with an image: ``id`` = task id, ``file_name`` = ``<task id>.<ext>``
  (the same names the YOLO and VOC exports use), ``width``/``height`` in pixels, and ``zhibiao_key``
  (the import key) so a row can be traced back.
* ``categories``: the options of the project's boxes and polygons labels, ids from 1 in schema
  order, ``supercategory`` = the label's name.
* ``annotations``: a box gives ``bbox`` ``[x, y, w, h]`` in pixels, ``area`` = w·h and its rectangle as
  ``segmentation``; a polygon gives ``segmentation`` ``[[x1, y1, x2, y2, ...]]``, its bounding box
  and its (shoelace) area. ``iscrowd`` is 0. Ids count from 1.
"""
from __future__ import annotations

from collections.abc import Iterator

from annotation.schema import Schema
from release.formats import ExportContext, Format, Records, labels_of_type, register
from release.formats.common import ClassMap, dumps, image_name, json_items, with_images
from release.formats.ziputil import batched_text

GEOMETRY = ("boxes", "polygons")


def applies(schema: Schema) -> bool:
    return bool(labels_of_type(schema, *GEOMETRY))


def _polygon_area(points: list) -> float:
    total = 0.0
    for (x1, y1), (x2, y2) in zip(points, points[1:] + points[:1], strict=True):
        total += x1 * y2 - x2 * y1
    return abs(total) / 2


def annotations_of(record: dict, schema: Schema, classes: ClassMap) -> Iterator[dict]:
    """COCO annotations (without id) for one record's boxes and polygons."""
    result = record.get("result") or {}
    for spec in labels_of_type(schema, *GEOMETRY):
        for item in result.get(spec.name) or []:
            category = classes.index.get((spec.name, item.get("label"))) if isinstance(item, dict) else None
            if category is None:
                continue
            if spec.type == "boxes":
                x, y, w, h = item["x"], item["y"], item["w"], item["h"]
                yield {"image_id": record["id"], "category_id": category + 1, "bbox": [x, y, w, h],
                       "area": w * h, "segmentation": [[x, y, x + w, y, x + w, y + h, x, y + h]], "iscrowd": 0}
            else:
                points = [list(p) for p in item["points"]]
                xs, ys = [p[0] for p in points], [p[1] for p in points]
                yield {"image_id": record["id"], "category_id": category + 1,
                       "bbox": [min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys)],
                       "area": _polygon_area(points), "segmentation": [[c for p in points for c in p]],
                       "iscrowd": 0}


def _pieces(ctx: ExportContext, records: Records) -> Iterator[str]:
    classes = ClassMap.of(ctx.schema, *GEOMETRY)
    release = ctx.release
    info = {"description": getattr(release, "name", "") or "", "version": str(getattr(release, "version", "")),
            "contributor": "Zhibiao", "merkle_root": ctx.manifest.get("merkle_root")}
    categories = [{"id": i + 1, "name": classes.names[i], "supercategory": label}
                  for (label, _), i in classes.index.items()]
    yield '{"info":' + dumps(info) + ',"licenses":[],"categories":' + dumps(categories) + ',"images":['
    yield from json_items({"id": r["id"], "file_name": image_name(r), "width": r["media_width"],
                           "height": r["media_height"], "zhibiao_key": r.get("key")} for r in with_images(records))
    yield '],"annotations":['
    annotations = (a for r in with_images(records) for a in annotations_of(r, ctx.schema, classes))
    yield from json_items({"id": n, **a} for n, a in enumerate(annotations, 1))
    yield "]}"


def write(ctx: ExportContext, records: Records) -> Iterator[bytes]:
    return batched_text(_pieces(ctx, records))


FORMAT = register(Format(name="coco", content_type="application/json", extension="json",
                         description="COCO JSON: images, categories, boxes and polygons in pixels",
                         applies=applies, write=write))
