import io

import pytest
from PIL import Image

from annotation.schema import validate_result
from prelabel.engine import BackendSpec, EngineError, load_backend


def _images(tmp_path):
    path = tmp_path / "photo.png"
    Image.new("RGB", (50, 30), (0, 128, 255)).save(path)
    buffer = io.BytesIO()
    Image.new("L", (64, 64), 90).save(buffer, format="PNG")
    return [{"image": Image.new("RGB", (80, 60), (200, 10, 10))}, {"image": str(path)},
            {"image": buffer.getvalue()}]


def test_image_classification_reads_pillow_images_paths_and_bytes(models, schema, tmp_path):
    backend = load_backend(BackendSpec(kind="image_classification", path=str(models["image"]),
                                       batch_size=2), schema, "kind", device="cpu")
    predictions = backend.predict(_images(tmp_path))
    assert len(predictions) == 3
    for p in predictions:
        assert p.result["kind"] in ("cat", "dog", "bird")
        assert sum(p.distribution.values()) == pytest.approx(1.0)
        assert p.score == pytest.approx(max(p.distribution.values()))
        validate_result(schema, p.result, data={}, require_complete=False)


def test_object_detection_gives_boxes_in_image_pixels(models, schema, tmp_path):
    spec = BackendSpec(kind="object_detection", path=str(models["detector"]),
                       params={"threshold": 0.0, "max_boxes": 3})
    backend = load_backend(spec, schema, "objects", device="cpu")
    items = _images(tmp_path)
    sizes = [(80, 60), (50, 30), (64, 64)]
    predictions = backend.predict(items)
    for (width, height), item, p in zip(sizes, items, predictions):
        boxes = p.result["objects"]
        assert 1 <= len(boxes) <= 3
        for box in boxes:
            assert box["label"] in ("car", "person")
            assert 0 <= box["x"] and box["x"] + box["w"] <= width
            assert 0 <= box["y"] and box["y"] + box["h"] <= height
        # The schema's own validator agrees the boxes lie inside the image.
        validate_result(schema, p.result, data={}, width=width, height=height,
                        require_complete=False)
        assert p.score == pytest.approx(sum(b["score"] for b in boxes) / len(boxes), abs=1e-3)


def test_a_high_threshold_leaves_no_boxes_and_no_confidence(models, schema, tmp_path):
    spec = BackendSpec(kind="object_detection", path=str(models["detector"]),
                       params={"threshold": 0.999})
    [p] = load_backend(spec, schema, "objects", device="cpu").predict(_images(tmp_path)[:1])
    assert p.result == {"objects": []} and p.score == 0.0


def test_a_non_image_is_an_engine_error(models, schema):
    backend = load_backend(BackendSpec(kind="image_classification", path=str(models["image"])),
                           schema, "kind", device="cpu")
    with pytest.raises(EngineError, match="must be an image"):
        backend.predict([{"image": 42}])
