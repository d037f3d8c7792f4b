"""YOLO detection: a zip of ``data.yaml`` and one ``labels/<task id>.txt`` per image.

``data.yaml`` holds ``path: .``, ``train``/``val`` (``images``), ``nc`` and ``names`` (the classes of
the boxes labels, index = class id). A label file has one line per box, ``class cx cy w h``,
normalised by the image's width and height (six decimals); an image without boxes gets an empty
file (a background image, as YOLO expects). With ``?images=1`` the images go in too, as
``images/<task id>.<ext>``; an image missing from MEDIA_ROOT is left out and named in
``missing_images.txt``.
"""
from __future__ import annotations

from collections.abc import Iterator

import yaml

from annotation.schema import Schema
from release.formats import ExportContext, Format, Records, labels_of_type, register
from release.formats.common import ClassMap, boxes_of, image_name, media_file, with_images
from release.formats.ziputil import ZipEntry, file_chunks, stream_zip, text_entry


def applies(schema: Schema) -> bool:
    return bool(labels_of_type(schema, "boxes"))


def wants_images(ctx: ExportContext) -> bool:
    return str(ctx.options.get("images", "")).lower() in ("1", "true", "yes")


def label_lines(record: dict, classes: ClassMap, labels: list) -> Iterator[str]:
    width, height = record["media_width"], record["media_height"]
    for label, box in boxes_of(record, labels):
        index = classes.index.get((label, box.get("label")))
        if index is None:
            continue
        cx, cy = (box["x"] + box["w"] / 2) / width, (box["y"] + box["h"] / 2) / height
        yield f"{index} {cx:.6f} {cy:.6f} {box['w'] / width:.6f} {box['h'] / height:.6f}\n"


def data_yaml(classes: ClassMap) -> str:
    return yaml.safe_dump({"path": ".", "train": "images", "val": "images", "nc": len(classes.names),
                           "names": list(classes.names)}, allow_unicode=True, sort_keys=False)


def image_entries(ctx: ExportContext, records: Records, missing: list[str]) -> Iterator[ZipEntry]:
    for record in with_images(records):
        path = media_file(ctx, record)
        if path is None:
            missing.append(image_name(record))
            continue
        yield ZipEntry(f"images/{image_name(record)}", file_chunks(path), compress=False, size=path.stat().st_size)


def _entries(ctx: ExportContext, records: Records) -> Iterator[ZipEntry]:
    classes = ClassMap.of(ctx.schema, "boxes")
    labels = labels_of_type(ctx.schema, "boxes")
    yield text_entry("data.yaml", [data_yaml(classes)])
    for record in with_images(records):
        stem = image_name(record).rsplit(".", 1)[0]
        yield text_entry(f"labels/{stem}.txt", label_lines(record, classes, labels))
    if wants_images(ctx):
        missing: list[str] = []
        yield from image_entries(ctx, records, missing)
        if missing:
            yield text_entry("missing_images.txt", [name + "\n" for name in missing])


def write(ctx: ExportContext, records: Records) -> Iterator[bytes]:
    return stream_zip(_entries(ctx, records))


FORMAT = register(Format(name="yolo", content_type="application/zip", extension="zip",
                         description="YOLO: data.yaml and normalised box label files (?images=1 adds images)",
                         applies=applies, write=write))
