"""Import every export format so each registers itself in ``release.formats.FORMATS``.

``release.api`` imports this module once; a format module imported nowhere else is still known.
"""
from release.formats import coco, conll, dpo, labelstudio, sft, voc, yolo  # noqa: F401

try:  # the native jsonl/csv writers are release-core's; they may land after this module
    from release.formats import native  # noqa: F401
except ImportError:
    pass
