"""Transformers backends, each loaded from a local safetensors directory only."""
from prelabel.engine.backends.generation import TextGenerationBackend, parse_chain_of_thought
from prelabel.engine.backends.text import NliZeroShotBackend, TextClassificationBackend
from prelabel.engine.backends.tokens import TokenClassificationBackend
from prelabel.engine.backends.vision import ImageClassificationBackend, ObjectDetectionBackend

__all__ = [
    "ImageClassificationBackend",
    "NliZeroShotBackend",
    "ObjectDetectionBackend",
    "TextClassificationBackend",
    "TextGenerationBackend",
    "TokenClassificationBackend",
    "parse_chain_of_thought",
]
