"""Pascal VOC: a zip of ``Annotations/<task id>.xml``, one per image, and ``ImageSets/Main/default.txt``.

Each file names the image (``<task id>.<ext>``, as in the COCO and YOLO exports), its size (depth 3)
and one ``object`` per box: ``name`` (the class, named as in the YOLO export), ``pose``
Unspecified, ``truncated``/``difficult`` 0, and ``bndbox`` with ``xmin``/``ymin``/``xmax``/``ymax``
rounded to whole pixels (0-based, as stored: Zhibiao's boxes start at the image's top-left
corner, pixel 0). The XML is built with ElementTree, so a class name cannot break the markup.
"""
from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator

from annotation.schema import Schema
from release.formats import ExportContext, Format, Records, labels_of_type, register
from release.formats.common import ClassMap, boxes_of, image_name, with_images
from release.formats.ziputil import ZipEntry, stream_zip, text_entry


def applies(schema: Schema) -> bool:
    return bool(labels_of_type(schema, "boxes"))


def _sub(parent: ET.Element, tag: str, text: object = None) -> ET.Element:
    element = ET.SubElement(parent, tag)
    if text is not None:
        element.text = str(text)
    return element


def voc_xml(record: dict, classes: ClassMap, labels: list) -> bytes:
    root = ET.Element("annotation")
    _sub(root, "folder", "images")
    _sub(root, "filename", image_name(record))
    source = _sub(root, "source")
    _sub(source, "database", "Zhibiao")
    _sub(source, "annotation", record.get("key") or "")
    size = _sub(root, "size")
    width, height = record["media_width"], record["media_height"]
    _sub(size, "width", width)
    _sub(size, "height", height)
    _sub(size, "depth", 3)
    _sub(root, "segmented", 0)
    for label, box in boxes_of(record, labels):
        index = classes.index.get((label, box.get("label")))
        if index is None:
            continue
        obj = _sub(root, "object")
        _sub(obj, "name", classes.names[index])
        _sub(obj, "pose", "Unspecified")
        _sub(obj, "truncated", 0)
        _sub(obj, "difficult", 0)
        bound = _sub(obj, "bndbox")
        _sub(bound, "xmin", max(0, round(box["x"])))
        _sub(bound, "ymin", max(0, round(box["y"])))
        _sub(bound, "xmax", min(width, round(box["x"] + box["w"])))
        _sub(bound, "ymax", min(height, round(box["y"] + box["h"])))
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def _entries(ctx: ExportContext, records: Records) -> Iterator[ZipEntry]:
    classes = ClassMap.of(ctx.schema, "boxes")
    labels = labels_of_type(ctx.schema, "boxes")
    for record in with_images(records):
        stem = image_name(record).rsplit(".", 1)[0]
        yield ZipEntry(f"Annotations/{stem}.xml", [voc_xml(record, classes, labels)])
    yield text_entry("ImageSets/Main/default.txt",
                     (image_name(r).rsplit(".", 1)[0] + "\n" for r in with_images(records)))


def write(ctx: ExportContext, records: Records) -> Iterator[bytes]:
    return stream_zip(_entries(ctx, records))


FORMAT = register(Format(name="voc", content_type="application/zip", extension="zip",
                         description="Pascal VOC: one XML file of boxes per image",
                         applies=applies, write=write))
