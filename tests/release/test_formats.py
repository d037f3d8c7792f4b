"""Export writers: each format is written from synthetic release records and read back with the
reader its users would use (pycocotools, HF datasets, defusedxml, PyYAML, a CoNLL column reader)."""
from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
import yaml
from defusedxml import ElementTree as SafeET
from hypothesis import given, settings as hyp_settings, strategies as st
from PIL import Image

import release.formats.all  # noqa: F401  (registers every format)
from annotation.imports.labelstudio import convert_result
from annotation.schema import parse_schema
from release.formats import FORMATS, ExportContext
from release.formats.conll import bio_tags, tokenize
from release.formats.labelstudio import ls_result
from release.formats.ziputil import ZipEntry, stream_zip
from release.services.exports import ExportRefused
from tests.factories import COT_SCHEMA, IMAGE_SCHEMA, TEXT_SCHEMA

NER_SCHEMA = {"data": {"text": "text"},
              "labels": {"entities": {"type": "spans", "on": "text", "options": ["PER", "ORG", "LOC"]}}}


def record(task_id: int, data: dict, result: dict, *, media: str | None = None, size=(None, None)) -> dict:
    return {"id": task_id, "key": f"id:{task_id}", "data": data, "media": media, "media_width": size[0],
            "media_height": size[1], "result": result, "agreement": 0.9, "sha256": "ab" * 32,
            "provenance": {"source": "review", "annotators": [{"id": 7, "username": "annotator"}],
                           "suggestions": [], "reviews": [],
                           "approved_by": {"username": "expert", "level": 4, "domain": "general"},
                           "cot_verdicts": None}}


def export(name: str, schema: dict, records: list[dict], *, media_root: Path = Path("/nonexistent"),
           **options) -> bytes:
    fmt = FORMATS[name]
    ctx = ExportContext(release=None, schema=parse_schema(schema), manifest={"merkle_root": "00"},
                        media_root=media_root, options=options)
    assert fmt.applies(ctx.schema)
    chunks = list(fmt.write(ctx, lambda: iter(records)))
    assert all(isinstance(c, bytes) for c in chunks)
    return b"".join(chunks)


IMAGE_RECORDS = [
    record(11, {"image": "street.png"}, {
        "objects": [{"x": 10, "y": 20, "w": 50, "h": 40, "label": "car"},
                    {"x": 100, "y": 0, "w": 60, "h": 120, "label": "person"}],
        "shape": [{"points": [[0, 0], [40, 0], [40, 30]], "label": "lesion"}]},
        media="projects/1/aa/aaaa.png", size=(640, 480)),
    record(12, {"image": "empty.jpg"}, {"objects": []}, media="projects/1/bb/bbbb.jpg", size=(320, 200)),
]


# -- COCO -----------------------------------------------------------------------------------------

def test_coco_is_read_by_pycocotools_with_boxes_polygons_and_categories(tmp_path):
    from pycocotools.coco import COCO

    path = tmp_path / "coco.json"
    path.write_bytes(export("coco", IMAGE_SCHEMA, IMAGE_RECORDS))
    coco = COCO(str(path))
    assert sorted(coco.getImgIds()) == [11, 12]
    assert coco.loadImgs(11)[0] | {} == {"id": 11, "file_name": "11.png", "width": 640, "height": 480,
                                        "zhibiao_key": "id:11"}
    names = {c["id"]: (c["name"], c["supercategory"]) for c in coco.loadCats(coco.getCatIds())}
    assert names == {1: ("car", "objects"), 2: ("person", "objects"), 3: ("lesion", "shape")}
    anns = coco.loadAnns(coco.getAnnIds(imgIds=[11]))
    boxes = sorted((a["category_id"], a["bbox"], a["area"]) for a in anns)
    assert boxes == [(1, [10, 20, 50, 40], 2000), (2, [100, 0, 60, 120], 7200), (3, [0, 0, 40, 30], 600.0)]
    polygon = next(a for a in anns if a["category_id"] == 3)
    assert polygon["segmentation"] == [[0, 0, 40, 0, 40, 30]]
    assert coco.annToMask(polygon).shape == (480, 640)
    assert coco.getAnnIds(imgIds=[12]) == []
    assert len({a["id"] for a in coco.dataset["annotations"]}) == 3


def test_coco_skips_records_without_an_image_size():
    records = [record(1, {"image": "x.png"}, {"objects": []})]
    doc = json.loads(export("coco", IMAGE_SCHEMA, records))
    assert doc["images"] == [] and doc["annotations"] == []


def test_a_class_shared_by_two_labels_keeps_both_apart():
    schema = {"data": {"image": "image"},
              "labels": {"front": {"type": "boxes", "on": "image", "options": ["car"]},
                         "back": {"type": "boxes", "on": "image", "options": ["car", "bus"]}}}
    doc = json.loads(export("coco", schema, [record(1, {"image": "a.png"}, {
        "front": [{"x": 1, "y": 1, "w": 2, "h": 2, "label": "car"}],
        "back": [{"x": 3, "y": 3, "w": 2, "h": 2, "label": "car"}]}, media="a/b.png", size=(10, 10))]))
    assert [c["name"] for c in doc["categories"]] == ["front/car", "back/car", "bus"]
    assert sorted(a["category_id"] for a in doc["annotations"]) == [1, 2]


# -- YOLO -----------------------------------------------------------------------------------------

def test_yolo_zip_has_data_yaml_and_normalised_labels():
    archive = zipfile.ZipFile(io.BytesIO(export("yolo", IMAGE_SCHEMA, IMAGE_RECORDS)))
    assert archive.testzip() is None
    assert yaml.safe_load(archive.read("data.yaml")) == {"path": ".", "train": "images", "val": "images",
                                                        "nc": 2, "names": ["car", "person"]}
    lines = [line.split() for line in archive.read("labels/11.txt").decode().splitlines()]
    assert [line[0] for line in lines] == ["0", "1"]
    cls, cx, cy, w, h = lines[0]
    pixels = (float(cx) * 640, float(cy) * 480, float(w) * 640, float(h) * 480)
    assert pixels == pytest.approx((35, 40, 50, 40), abs=1e-3)
    cx, cy, w, h = map(float, lines[1][1:])
    assert (cx * 640 - w * 640 / 2, cy * 480 - h * 480 / 2) == pytest.approx((100, 0), abs=1e-3)
    assert archive.read("labels/12.txt") == b""  # a background image
    assert not [n for n in archive.namelist() if n.startswith("images/")]


def test_yolo_with_images_adds_the_media_files(tmp_path):
    media = tmp_path / "projects/1/aa"
    media.mkdir(parents=True)
    Image.new("RGB", (640, 480)).save(media / "aaaa.png")
    archive = zipfile.ZipFile(io.BytesIO(export("yolo", IMAGE_SCHEMA, IMAGE_RECORDS, media_root=tmp_path,
                                                images="1")))
    assert Image.open(io.BytesIO(archive.read("images/11.png"))).size == (640, 480)
    assert archive.read("missing_images.txt").decode().split() == ["12.jpg"]


# -- VOC ------------------------------------------------------------------------------------------

def test_voc_xml_is_read_by_defusedxml():
    archive = zipfile.ZipFile(io.BytesIO(export("voc", IMAGE_SCHEMA, IMAGE_RECORDS)))
    root = SafeET.fromstring(archive.read("Annotations/11.xml"))
    assert root.findtext("filename") == "11.png"
    assert (root.findtext("size/width"), root.findtext("size/height")) == ("640", "480")
    objects = [(o.findtext("name"), [int(o.findtext(f"bndbox/{k}")) for k in ("xmin", "ymin", "xmax", "ymax")])
               for o in root.findall("object")]
    assert objects == [("car", [10, 20, 60, 60]), ("person", [100, 0, 160, 120])]
    assert SafeET.fromstring(archive.read("Annotations/12.xml")).findall("object") == []
    assert archive.read("ImageSets/Main/default.txt").decode().split() == ["11", "12"]


def test_voc_escapes_class_names():
    schema = {"data": {"image": "image"}, "labels": {"o": {"type": "boxes", "on": "image", "options": ["<a&b>"]}}}
    archive = zipfile.ZipFile(io.BytesIO(export("voc", schema, [record(
        3, {"image": "x.png"}, {"o": [{"x": 0, "y": 0, "w": 5, "h": 5, "label": "<a&b>"}]}, media="x.png",
        size=(10, 10))])))
    assert SafeET.fromstring(archive.read("Annotations/3.xml")).findtext("object/name") == "<a&b>"


# -- CoNLL ----------------------------------------------------------------------------------------

def read_conll(text: str) -> list[list[tuple[str, str]]]:
    lines = text.split("\n")
    assert lines[0] == "-DOCSTART- -X- -X- O" and lines[1] == ""
    blocks, current = [], []
    for line in lines[2:]:
        if not line:
            if current:
                blocks.append(current)
            current = []
            continue
        token, pos, chunk, tag = line.split(" ")
        assert (pos, chunk) == ("-X-", "_")
        current.append((token, tag))
    return blocks


def assert_bio(tags: list[str]) -> None:
    previous = "O"
    for tag in tags:
        if tag.startswith("I-"):
            assert previous[2:] == tag[2:] and previous != "O", tags
        previous = tag


def test_conll_tags_latin_words_and_cjk_characters():
    records = [
        record(1, {"text": "Zhang San joined Acme Corp in Hefei."},
               {"entities": [{"start": 0, "end": 9, "label": "PER"}, {"start": 17, "end": 26, "label": "ORG"},
                             {"start": 30, "end": 35, "label": "LOC"}]}),
        record(2, {"text": "张三在合肥工作"},
               {"entities": [{"start": 0, "end": 2, "label": "PER"}, {"start": 3, "end": 5, "label": "LOC"}]}),
        record(3, {"text": "   "}, {"entities": []}),
    ]
    blocks = read_conll(export("conll", NER_SCHEMA, records).decode())
    assert blocks[0] == [("Zhang", "B-PER"), ("San", "I-PER"), ("joined", "O"), ("Acme", "B-ORG"),
                         ("Corp", "I-ORG"), ("in", "O"), ("Hefei.", "B-LOC")]
    assert blocks[1] == [("张", "B-PER"), ("三", "I-PER"), ("在", "O"), ("合", "B-LOC"), ("肥", "I-LOC"),
                         ("工", "O"), ("作", "O")]
    assert len(blocks) == 2
    for block in blocks:
        assert_bio([tag for _, tag in block])


def test_adjacent_and_overlapping_spans_stay_valid_bio():
    tokens = tokenize("北京上海 New York")
    tags = bio_tags(tokens, [{"start": 0, "end": 2, "label": "LOC"}, {"start": 2, "end": 4, "label": "LOC"},
                             {"start": 1, "end": 3, "label": "ORG"}, {"start": 5, "end": 13, "label": "LOC"}])
    assert tags == ["B-LOC", "I-LOC", "B-LOC", "I-LOC", "B-LOC", "I-LOC"]
    assert_bio(tags)


def test_conll_label_option_picks_a_span_label_and_rejects_an_unknown_one():
    schema = {"data": {"text": "text"},
              "labels": {"a": {"type": "spans", "on": "text", "options": ["X"]},
                         "b": {"type": "spans", "on": "text", "options": ["Y"]}}}
    records = [record(1, {"text": "one two"}, {"a": [{"start": 0, "end": 3, "label": "X"}],
                                                "b": [{"start": 4, "end": 7, "label": "Y"}]})]
    assert read_conll(export("conll", schema, records).decode()) == [[("one", "B-X"), ("two", "O")]]
    assert read_conll(export("conll", schema, records, label="b").decode()) == [[("one", "O"), ("two", "B-Y")]]
    with pytest.raises(ExportRefused, match="no spans label named 'c'") as refused:
        export("conll", schema, records, label="c")
    assert refused.value.field_name == "label"


# -- SFT / DPO ------------------------------------------------------------------------------------

COT_RECORDS = [
    record(21, {"question": "2+3*4?", "response_a": "14", "response_b": "20"},
           {"reasoning": {"steps": ["3*4 = 12", "2 + 12 = 14"], "answer": "14"}, "better": "response_a"}),
    record(22, {"question": "中国的首都？", "response_a": "上海", "response_b": "北京"},
           {"reasoning": {"steps": ["首都是北京"], "answer": "北京"}, "better": "response_b"}),
    record(23, {"question": "skipped", "response_a": "a", "response_b": "b"}, {}),
]


def load_jsonl(tmp_path: Path, content: bytes):
    from datasets import load_dataset

    path = tmp_path / "rows.jsonl"
    path.write_bytes(content)
    return load_dataset("json", data_files=str(path), split="train", cache_dir=str(tmp_path / "hf"))


def test_sft_chat_jsonl_loads_with_hf_datasets(tmp_path):
    rows = load_jsonl(tmp_path, export("sft", COT_SCHEMA, COT_RECORDS))
    assert rows.num_rows == 2
    first = rows[0]
    assert first["messages"] == [{"role": "user", "content": "2+3*4?"},
                                 {"role": "assistant", "content": "3*4 = 12\n2 + 12 = 14\n\nAnswer: 14"}]
    assert first["meta"]["id"] == 21 and first["meta"]["label"] == "reasoning"
    assert first["meta"]["approved_by"] == {"username": "expert", "level": 4, "domain": "general"}
    assert rows[1]["messages"][1]["content"].endswith("Answer: 北京")


def test_dpo_pairs_load_with_hf_datasets(tmp_path):
    rows = load_jsonl(tmp_path, export("dpo", COT_SCHEMA, COT_RECORDS))
    assert [(r["prompt"], r["chosen"], r["rejected"]) for r in rows] == [("2+3*4?", "14", "20"),
                                                                         ("中国的首都？", "北京", "上海")]
    assert rows[1]["meta"]["chosen_field"] == "response_b"


def test_formats_apply_only_to_schemas_they_can_write():
    text, image, cot = parse_schema(TEXT_SCHEMA), parse_schema(IMAGE_SCHEMA), parse_schema(COT_SCHEMA)
    applies = {name: [FORMATS[name].applies(s) for s in (text, image, cot)]
               for name in ("coco", "yolo", "voc", "conll", "sft", "dpo", "label-studio")}
    assert applies == {"coco": [False, True, False], "yolo": [False, True, False], "voc": [False, True, False],
                       "conll": [True, False, False], "sft": [False, False, True], "dpo": [False, False, True],
                       "label-studio": [True, True, True]}


# -- zip streaming --------------------------------------------------------------------------------

def test_stream_zip_yields_chunks_as_it_goes_and_the_archive_reads_back():
    produced = []

    def lines():
        for i in range(2000):
            produced.append(i)
            yield f"line {i}\n".encode()

    stream = stream_zip([ZipEntry("a.txt", lines()), ZipEntry("b.bin", [b"\x00" * 10], compress=False)])
    first = next(stream)
    assert first.startswith(b"PK\x03\x04") and len(produced) < 2000  # bytes leave before the entry ends
    archive = zipfile.ZipFile(io.BytesIO(first + b"".join(stream)))
    assert archive.read("a.txt").decode().count("\n") == 2000
    assert archive.read("b.bin") == b"\x00" * 10
    assert archive.testzip() is None


# -- Label Studio round trip ----------------------------------------------------------------------

TEXT_RECORDS = [
    record(31, {"text": "Zhang San joined Acme in Hefei."},
           {"sentiment": "pos", "topics": ["finance"], "quality": 5, "note": "two\nlines",
            "entities": [{"start": 0, "end": 9, "label": "PER"}, {"start": 17, "end": 21, "label": "ORG"}]}),
    record(32, {"text": "无事发生。"}, {"sentiment": "neu"}),
]


def import_labelstudio(project, content: bytes, user) -> dict:
    from annotation.services.imports import import_source, task_import
    from annotation.services.jobs import job_create

    job = job_create(organization_id=project.organization_id, project_id=project.pk, kind="import",
                     created_by=user, params={"format": "label-studio", "filename": "export"})
    import_source(job.pk).parent.mkdir(parents=True, exist_ok=True)
    import_source(job.pk).write_bytes(content)
    return task_import(job=job)


def imported_results(project) -> dict:
    from annotation.models import Annotation

    return {key.removeprefix("id:ls-"): result for key, result in Annotation.objects.filter(
        task__project=project).values_list("task__import_key", "result")}


@pytest.mark.parametrize(("schema", "records"), [(TEXT_SCHEMA, TEXT_RECORDS), (COT_SCHEMA, COT_RECORDS[:2])])
def test_label_studio_export_imports_back_with_the_same_results(base, manager, schema, records):
    from tests.factories import ProjectFactory

    content = export("label-studio", schema, records)
    tasks = json.loads(content)
    assert [t["id"] for t in tasks] == [r["id"] for r in records]
    assert {item["type"] for t in tasks for item in t["annotations"][0]["result"]} <= {
        "choices", "labels", "rating", "textarea", "pairwise"}
    project = ProjectFactory(organization=base, schema=schema)
    report = import_labelstudio(project, content, manager)
    assert (report["created"], report["error_count"]) == (len(records), 0), report
    assert imported_results(project) == {str(r["id"]): r["result"] for r in records}


def test_label_studio_export_of_an_image_project_imports_back_zipped_with_its_images(base, manager):
    from tests.factories import ProjectFactory

    content = export("label-studio", IMAGE_SCHEMA, IMAGE_RECORDS)
    box = json.loads(content)[0]["annotations"][0]["result"][0]
    assert box["type"] == "rectanglelabels" and box["value"]["x"] == pytest.approx(10 / 640 * 100)
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as out:
        out.writestr("tasks.json", content)
        for r in IMAGE_RECORDS:
            picture = io.BytesIO()
            Image.new("RGB", (r["media_width"], r["media_height"])).save(picture, "PNG")
            out.writestr(f"images/{r['id']}{Path(r['media']).suffix}", picture.getvalue())
    project = ProjectFactory(organization=base, schema=IMAGE_SCHEMA)
    report = import_labelstudio(project, archive.getvalue(), manager)
    assert (report["created"], report["error_count"]) == (2, 0), report
    results = imported_results(project)
    assert results["11"] == IMAGE_RECORDS[0]["result"]
    assert results["12"] == {}  # an empty list of boxes comes back as no boxes


# -- through the export API -----------------------------------------------------------------------

def test_image_formats_stream_from_a_built_release_through_the_api(base, manager, annotator, client_for,
                                                                   settings, tmp_path):
    from pycocotools.coco import COCO

    from annotation.models import Task
    from tests.factories import ProjectFactory
    from tests.release.builders import accept, build_release

    settings.MEDIA_ROOT = str(tmp_path / "media")
    project = ProjectFactory(organization=base, schema=IMAGE_SCHEMA)
    (tmp_path / "media/p").mkdir(parents=True)
    Image.new("RGB", (200, 100)).save(tmp_path / "media/p/a.png")
    task = Task.objects.create(project=project, data={"image": "a.png"}, media="p/a.png", media_width=200,
                               media_height=100, import_key="k1")
    accept(task, result={"objects": [{"x": 20, "y": 10, "w": 50, "h": 40, "label": "person"}]},
           annotators=[annotator])
    release = build_release(project, manager)
    client = client_for(manager)

    def download(**params):
        response = client.get(f"/api/v1/releases/{release.pk}/export/", params)
        return response, b"".join(response.streaming_content) if response.streaming else response.content

    response, body = download(format="coco")
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    (tmp_path / "coco.json").write_bytes(body)
    coco = COCO(str(tmp_path / "coco.json"))
    assert coco.loadAnns(coco.getAnnIds(imgIds=[task.pk]))[0]["bbox"] == [20, 10, 50, 40]

    response, body = download(format="yolo", images="1")
    archive = zipfile.ZipFile(io.BytesIO(body))
    assert archive.read(f"labels/{task.pk}.txt").decode().split() == ["1", "0.225000", "0.300000", "0.250000",
                                                                      "0.400000"]
    assert Image.open(io.BytesIO(archive.read(f"images/{task.pk}.png"))).size == (200, 100)

    response, body = download(format="conll")
    assert response.status_code == 400 and "format" in response.json()


# -- properties -----------------------------------------------------------------------------------


@given(st.text(alphabet="ab 北京\n", max_size=30),
       st.lists(st.tuples(st.integers(0, 30), st.integers(1, 8), st.sampled_from(["PER", "LOC"])), max_size=5))
def test_conll_tags_are_always_valid_bio(text, raw_spans):
    spans = [{"start": s, "end": min(s + n, len(text)), "label": label} for s, n, label in raw_spans
             if s < len(text)]
    tokens = tokenize(text)
    tags = bio_tags(tokens, spans)
    assert len(tags) == len(tokens)
    assert_bio(tags)
    assert all(" " not in token and "\n" not in token for token, _, _ in tokens)


@hyp_settings(max_examples=50)
@given(st.integers(2, 4000), st.integers(2, 4000), st.data())
def test_whole_pixel_boxes_and_polygons_survive_the_label_studio_percent_round_trip(width, height, data):
    schema = parse_schema(IMAGE_SCHEMA)
    x, y = data.draw(st.integers(0, width - 1)), data.draw(st.integers(0, height - 1))
    w, h = data.draw(st.integers(1, width - x)), data.draw(st.integers(1, height - y))
    points = data.draw(st.lists(st.tuples(st.integers(0, width), st.integers(0, height)), min_size=3, max_size=6))
    result = {"objects": [{"x": x, "y": y, "w": w, "h": h, "label": "car"}],
              "shape": [{"points": [list(p) for p in points], "label": "lesion"}]}
    items = ls_result(schema, result, width=width, height=height, prefix="t")
    assert convert_result(schema, items, data={}, width=width, height=height, path="result") == result


def test_writers_send_bytes_before_they_have_read_every_record():
    read = []

    def records():
        for i in range(1, 20_001):
            read.append(i)
            yield record(i, {"text": f"Zhang San {i} visited Hefei and met Li Si."},
                         {"entities": [{"start": 0, "end": 9, "label": "PER"}]})

    for name in ("conll", "label-studio"):
        read.clear()
        ctx = ExportContext(release=None, schema=parse_schema(NER_SCHEMA), manifest={}, media_root=Path("/"))
        stream = FORMATS[name].write(ctx, records)
        next(stream)
        assert 0 < len(read) < 20_000, name
