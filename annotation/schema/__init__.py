"""Typed label schemas and the validation of results against them.

Parsed once into typed objects shared by the API, import, pre-labeling, checks and export.
"""
from annotation.schema.errors import SchemaError
from annotation.schema.results import validate_result
from annotation.schema.spec import LABEL_TYPES, LabelSpec, Schema, parse_schema, validate_task_data

__all__ = [
    "LABEL_TYPES",
    "LabelSpec",
    "Schema",
    "SchemaError",
    "parse_schema",
    "validate_result",
    "validate_task_data",
]
