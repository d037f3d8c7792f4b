"""Image backends: classification → choice / multi_choice, object detection → boxes in pixels."""
from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

import numpy as np
import torch
from transformers import AutoModelForImageClassification, AutoModelForObjectDetection

from annotation.schema import LabelSpec
from prelabel.engine.backends.base import model_labels, rows_to_dicts, to_numpy
from prelabel.engine.decide import DEFAULT_THRESHOLD, check_classify_type, classify
from prelabel.engine.inputs import image_of
from prelabel.engine.labels import LabelMap
from prelabel.engine.loading import load_cached, load_image_processor
from prelabel.engine.runtime import autocast, sigmoid, softmax
from prelabel.engine.types import Backend, EngineError, Prediction


def load_vision_model(
    kind: str, path: str | os.PathLike[str], device: str | torch.device | None, version: str = ""
) -> tuple[Any, Any]:
    """(model, image processor) for kind "image_classification" or "object_detection"."""
    model_class = {
        "image_classification": AutoModelForImageClassification,
        "object_detection": AutoModelForObjectDetection,
    }[kind]
    return load_cached(kind, path, device, version, model_class, load_image_processor)


class _VisionBackend(Backend):
    def __init__(self, model: Any, processor: Any, *, field: str, batch_size: int) -> None:
        self.model, self.processor = model, processor
        self.device = next(model.parameters()).device
        self.dtype = next(model.parameters()).dtype
        self.field, self.batch_size = field, batch_size
        self.names = model_labels(model)

    def _inputs(self, images: list[Any]) -> dict[str, torch.Tensor]:
        # Images are resized to the model's size by the processor, so batches need no length
        # sorting; pixel values follow the model's dtype (autocast covers the rest on CUDA).
        batch = self.processor(images=images, return_tensors="pt")
        return {
            k: v.to(self.device, dtype=self.dtype if v.is_floating_point() else v.dtype)
            for k, v in batch.items()
        }


class ImageClassificationBackend(_VisionBackend):
    def __init__(
        self,
        model: Any,
        processor: Any,
        label: LabelSpec,
        *,
        field: str,
        label_map: Mapping[str, str | None] | None = None,
        threshold: float = DEFAULT_THRESHOLD,
        batch_size: int = 32,
    ) -> None:
        check_classify_type(label.type)
        super().__init__(model, processor, field=field, batch_size=batch_size)
        self.label, self.label_type, self.threshold = label.name, label.type, threshold
        self.labels = LabelMap.build(self.names, label.options, label_map)
        self.independent = (label.type == "multi_choice"
                            and model.config.problem_type == "multi_label_classification")

    @torch.inference_mode()
    def predict(self, items: list[dict[str, Any]]) -> list[Prediction]:
        out: list[Prediction] = []
        for start in range(0, len(items), self.batch_size):
            images = [image_of(item, self.field) for item in items[start:start + self.batch_size]]
            with autocast(self.device):
                logits = to_numpy(self.model(**self._inputs(images)).logits)
            if self.independent:
                for row in rows_to_dicts(self.names, sigmoid(logits)):
                    dist = self.labels.collapse_independent(row)
                    out.append(classify(self.label, self.label_type, dist,
                                        threshold=self.threshold))
                continue
            for row in rows_to_dicts(self.names, softmax(logits)):
                dist, mass = self.labels.collapse(row)
                out.append(classify(self.label, self.label_type, dist, threshold=self.threshold,
                                    mapped_mass=mass))
        return out


class ObjectDetectionBackend(_VisionBackend):
    """Boxes ``{"x", "y", "w", "h", "label", "score"}`` in pixels of the original image."""

    def __init__(
        self,
        model: Any,
        processor: Any,
        label: LabelSpec,
        *,
        field: str,
        label_map: Mapping[str, str | None] | None = None,
        threshold: float = 0.5,
        max_boxes: int = 100,
        batch_size: int = 8,
    ) -> None:
        if label.type != "boxes":
            raise EngineError(f"object detection fills boxes labels, not {label.type}")
        super().__init__(model, processor, field=field, batch_size=batch_size)
        self.label, self.threshold, self.max_boxes = label.name, threshold, max_boxes
        self.labels = LabelMap.build(self.names, label.options, label_map)

    def _boxes(self, detections: dict[str, torch.Tensor], width: int, height: int) -> list[dict]:
        boxes = []
        scores = to_numpy(detections["scores"])
        order = np.argsort(-scores)
        for i in order:
            option = self.labels.option(self.names[int(detections["labels"][i])])
            if option is None:
                continue
            x0, y0, x1, y1 = to_numpy(detections["boxes"][i]).tolist()
            # Clip to the image: the schema rejects boxes that stick out of it.
            x0, x1 = max(0.0, min(x0, width)), max(0.0, min(x1, width))
            y0, y1 = max(0.0, min(y0, height)), max(0.0, min(y1, height))
            if x1 - x0 < 1 or y1 - y0 < 1:
                continue
            boxes.append({"x": round(x0, 1), "y": round(y0, 1), "w": round(x1 - x0, 1),
                          "h": round(y1 - y0, 1), "label": option,
                          "score": round(float(scores[i]), 4)})
            if len(boxes) == self.max_boxes:
                break
        # round() may push x + w a hair past the edge; pull w/h back inside.
        for box in boxes:
            box["w"] = min(box["w"], round(width - box["x"], 1))
            box["h"] = min(box["h"], round(height - box["y"], 1))
        return [b for b in boxes if b["w"] > 0 and b["h"] > 0]

    @torch.inference_mode()
    def predict(self, items: list[dict[str, Any]]) -> list[Prediction]:
        out: list[Prediction] = []
        for start in range(0, len(items), self.batch_size):
            images = [image_of(item, self.field) for item in items[start:start + self.batch_size]]
            with autocast(self.device):
                outputs = self.model(**self._inputs(images))
            sizes = torch.tensor([(im.height, im.width) for im in images])
            # Post-processing in fp32 on CPU: box arithmetic in bf16 is off by pixels.
            outputs.logits = outputs.logits.float().cpu()
            outputs.pred_boxes = outputs.pred_boxes.float().cpu()
            found = self.processor.post_process_object_detection(
                outputs, threshold=self.threshold, target_sizes=sizes
            )
            for image, detections in zip(images, found):
                boxes = self._boxes(detections, image.width, image.height)
                score = float(np.mean([b["score"] for b in boxes])) if boxes else 0.0
                out.append(Prediction(result={self.label: boxes}, score=score))
        return out
