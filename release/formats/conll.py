"""CoNLL-2003 style BIO tagging of span labels: ``token -X- _ TAG``, one token per line.

The file starts with ``-DOCSTART- -X- -X- O`` and a blank line; each record is one sentence block
followed by a blank line, in release order. Tokens: every CJK character (Han, kana, Hangul, CJK
punctuation) is a token of its own; any other run of non-space characters is one token. A token
takes ``B-<option>`` when it is the first token a span touches and ``I-<option>`` for the next
tokens of that span; a token that no span touches is ``O``. Where spans overlap (the schema allows
it, BIO does not) the span that starts first wins, the longer one on a tie. With several span
labels in the schema the first is written unless ``?label=<name>`` picks another.
"""
from __future__ import annotations

import re
from collections.abc import Iterator

from django.utils.translation import gettext as _

from annotation.schema import Schema
from release.formats import ExportContext, Format, Records, labels_of_type, register
from release.formats.ziputil import batched_text
from release.services.exports import ExportRefused

HEADER = "-DOCSTART- -X- -X- O\n\n"
_CJK = (r"\u2e80-\u2fdf\u3000-\u303f\u3040-\u30ff\u3100-\u312f\u3130-\u318f\u31a0-\u31ff\u3400-\u4dbf"
        r"\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef\U00020000-\U0003134f")
TOKEN = re.compile(rf"[{_CJK}]|[^\s{_CJK}]+")


def applies(schema: Schema) -> bool:
    return bool(labels_of_type(schema, "spans"))


def tokenize(text: str) -> list[tuple[str, int, int]]:
    """``(token, start, end)`` for each token of ``text``."""
    return [(m.group(0), m.start(), m.end()) for m in TOKEN.finditer(text)]


def bio_tags(tokens: list[tuple[str, int, int]], spans: list[dict]) -> list[str]:
    tags = ["O"] * len(tokens)
    for span in sorted(spans, key=lambda s: (s["start"], -(s["end"] - s["start"]))):
        touched = [i for i, (_, start, end) in enumerate(tokens) if start < span["end"] and span["start"] < end]
        if not touched or any(tags[i] != "O" for i in touched):
            continue
        for n, i in enumerate(touched):
            tags[i] = ("B-" if n == 0 else "I-") + span["label"]
    return tags


def record_block(text: str, spans: list[dict]) -> str:
    tokens = tokenize(text)
    if not tokens:
        return ""
    tags = bio_tags(tokens, spans)
    return "".join(f"{token} -X- _ {tag}\n" for (token, _, _), tag in zip(tokens, tags, strict=True)) + "\n"


def span_label(ctx: ExportContext):
    labels = labels_of_type(ctx.schema, "spans")
    wanted = ctx.options.get("label")
    for spec in labels:
        if wanted in (None, "", spec.name):
            return spec
    raise ExportRefused("label", _("the schema has no spans label named {name}").format(name=repr(wanted)))


def _pieces(ctx: ExportContext, records: Records) -> Iterator[str]:
    spec = span_label(ctx)
    yield HEADER
    for record in records():
        text = (record.get("data") or {}).get(spec.on)
        if isinstance(text, str):
            yield record_block(text, (record.get("result") or {}).get(spec.name) or [])


def write(ctx: ExportContext, records: Records) -> Iterator[bytes]:
    span_label(ctx)  # an unknown ?label= is a 400 before the first byte goes out
    return batched_text(_pieces(ctx, records))


FORMAT = register(Format(name="conll", content_type="text/plain; charset=utf-8", extension="txt",
                         description="CoNLL-2003 BIO tags of span labels (CJK text per character)",
                         applies=applies, write=write))
