"""The quality report and value statement of a release, computed together as one Job.

When: on first request. ``GET /releases/{id}/quality/`` or ``/value/`` on a ready release whose
report is not stored yet starts the ``release_report`` job (at most one unfinished job per
release) and answers 202 with it; the job reads the release's records once, in chunks, storing
progress on the job row, and writes both ``Release.quality_report`` and
``Release.value_statement`` in one transaction with an audit event. Every later request reads the
stored JSON. Computing on request rather than at the end of the snapshot means every ready
release gets a report, including those built before this code, and the snapshot job stays free
of the encoder.

The maths lives in ``release.quality`` (the four criteria), ``release.services.value`` (tokens
and money) and ``release.services.ledger`` (contributions); this module gathers the facts the
records do not carry (gold answers, personal-data findings, consistency reports, the review
decision history) a chunk at a time, so memory stays flat whatever the release's size.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from itertools import islice

import numpy as np
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from annotation.models import Annotation, Job, Membership, Task
from annotation.services.audit import audit_record
from annotation.services.jobs import job_create, job_enqueue, job_progress
from release.models import Release
from release.quality.accuracy import AgreementTally, GoldTally, ReviewTally, accuracy_summary
from release.quality.adaptability import adaptability_section
from release.quality.diversity import LabelTally, diversity_section, record_text
from release.quality.sample import DEFAULT_SAMPLE, Reservoir
from release.quality.structure import PiiTally, StructureTally
from release.selectors import release_records
from release.services.ledger import LedgerTally
from release.services.manifest import schema_of
from release.services.value import record_media, record_texts, record_units, token_counter
from review.models import ConsistencyReport, ReviewDecision

JOB_KIND = "release_report"
CHUNK = 1000
GUIDANCE = ("China's national guidance for high-quality datasets: structural integrity, content diversity, "
            "annotation accuracy, model adaptability")


class ReportUnavailable(Exception):
    """The release cannot be measured (not ready); the message says why."""


def release_report_job(release: Release) -> Job | None:
    """The release's unfinished report job, if one is queued or running."""
    return (Job.objects.filter(kind=JOB_KIND, project_id=release.project_id, params__release=release.pk)
            .exclude(state__in=Job.FINISHED).order_by("-pk").first())


def release_report_start(*, release: Release, actor, send: Callable[[Job], object]) -> Job:
    """The running report job of the release, or a new one queued on commit (BrokerUnavailable → 503)."""
    if release.state != Release.State.READY:
        raise ReportUnavailable(_("The release is not ready; its report is computed once it is."))
    with transaction.atomic():
        # Two first requests at once: the row lock lets one create the job, the other finds it.
        Release.objects.select_for_update().filter(pk=release.pk).values_list("pk").get()
        job = release_report_job(release)
        if job is not None:
            return job
        job = job_create(organization_id=release.project.organization_id, project_id=release.project_id,
                         kind=JOB_KIND, created_by=actor, params={"release": release.pk},
                         total=release.record_count)
        job_enqueue(job, lambda: send(job))
    job.refresh_from_db()
    return job


def _chunks(records: Iterator[dict], size: int) -> Iterator[list[dict]]:
    while chunk := list(islice(records, size)):
        yield chunk


class _TaskFacts:
    """What the records do not carry, for one chunk of task ids (four queries)."""

    def __init__(self, task_ids: list[int], until) -> None:
        tasks = Task.objects.filter(pk__in=task_ids).values_list("pk", "gold", "pii")
        self.gold = {pk: gold for pk, gold, _ in tasks}
        self.pii = {pk: pii for pk, _, pii in tasks}
        self.reports = {r["task_id"]: r for r in ConsistencyReport.objects.filter(task_id__in=task_ids).values(
            "task_id", "overall_agreement", "agreement", "decision", "annotator_agreement")}
        self.decisions: dict[int, list[str]] = {}
        rows = ReviewDecision.objects.filter(task_id__in=task_ids)
        if until is not None:
            rows = rows.filter(created_at__lte=until)
        for task_id, decision in rows.order_by("pk").values_list("task_id", "decision"):
            self.decisions.setdefault(task_id, []).append(decision)


def _home_bases(user_ids: list[int]) -> dict[int, tuple[int, str]]:
    """Each user's first membership's organization (see release.services.ledger)."""
    bases: dict[int, tuple[int, str]] = {}
    rows = (Membership.objects.filter(user_id__in=user_ids).order_by("created_at", "pk")
            .values_list("user_id", "organization_id", "organization__name"))
    for user_id, org_id, name in rows:
        bases.setdefault(user_id, (org_id, name))
    return bases


class _Pass:
    """Every tally of the report, fed from one pass over the records."""

    def __init__(self, release: Release, sample_size: int, seed: int) -> None:
        self.schema = schema_of(release.manifest)
        self.structure = StructureTally(self.schema)
        self.pii = PiiTally()
        self.labels = LabelTally(self.schema)
        self.gold = GoldTally(self.schema)
        self.agreement = AgreementTally()
        self.review = ReviewTally()
        self.ledger = LedgerTally()
        self.sample: Reservoir[tuple[str, dict]] = Reservoir(sample_size, seed=seed)
        self.counter = token_counter()
        self.tokens = self.images = 0
        self.seconds = 0.0

    def add_chunk(self, chunk: list[dict], facts: _TaskFacts) -> None:
        texts = [record_texts(self.schema, record) for record in chunk]
        flat = self.counter.count([t for ts in texts for t in ts])
        offset = 0
        for record, own in zip(chunk, texts):
            self.add(record, facts, sum(flat[offset:offset + len(own)]))
            offset += len(own)

    def add(self, record: dict, facts: _TaskFacts, tokens: int) -> None:
        task_id, result, provenance = record["id"], record.get("result"), record.get("provenance")
        report = facts.reports.get(task_id)
        self.structure.add(record)
        self.pii.add(facts.pii.get(task_id))
        self.labels.add(result)
        self.gold.add(facts.gold.get(task_id), result)
        self.agreement.add(report)
        self.review.add(provenance, facts.decisions.get(task_id))
        images, seconds = record_media(self.schema, record)
        self.tokens, self.images, self.seconds = self.tokens + tokens, self.images + images, self.seconds + seconds
        self.ledger.add(provenance, (report or {}).get("annotator_agreement"), record_units(tokens, images, seconds))
        text = record_text(self.schema, record.get("data"))
        if text:
            self.sample.add((text, result if isinstance(result, dict) else {}))


def _annotator_gold(release: Release, p: _Pass) -> dict:
    """The release's annotators' own answers on the project's gold tasks (honeypots, which are
    never released, and released gold tasks alike), graded as exams are, up to the build."""
    tally = GoldTally(p.schema)
    rows = Annotation.objects.filter(
        task__project_id=release.project_id, task__gold__isnull=False, status=Annotation.Status.SUBMITTED,
        annotator_id__in=list(p.ledger.accepted), submitted_at__lte=release.finished_at or release.created_at,
    ).order_by("pk").values_list("annotator_id", "annotator__username", "result", "task__gold")
    for annotator_id, username, result, gold in rows.iterator(chunk_size=2000):
        tally.add(gold, result, annotator=(annotator_id, username))
    return tally.summary()


def _embed(texts: list[str]) -> tuple[np.ndarray | None, dict | None]:
    """Embeddings of the sampled texts with the built-in encoder (on CUDA when there is one)."""
    if not texts:
        return None, None
    # the encoder imports torch: only the report job embeds, web processes must not load it
    from prelabel.engine.encoder import BUILTIN_SOURCE, builtin_version, get_encoder

    encoder = get_encoder()
    info = {"source": BUILTIN_SOURCE, "version": builtin_version(), "dim": encoder.dim,
            "max_length": encoder.max_length, "note": "texts longer than max_length tokens are truncated"}
    return encoder.embed(texts), info


def _quality(release: Release, p: _Pass, seed: int) -> dict:
    structure = p.structure.summary()
    structure["pii"] = p.pii.summary(policy=release.project.pii_policy)
    gold, agreement, review = p.gold.summary(), p.agreement.summary(), p.review.summary()
    annotator_gold = _annotator_gold(release, p)
    texts = [text for text, _ in p.sample.items]
    results = [result for _, result in p.sample.items]
    embeddings, encoder = _embed(texts)
    return {
        "release": release.pk,
        "version": release.version,
        "records": p.structure.records,
        "guidance": GUIDANCE,
        "computed_at": timezone.now().isoformat(),
        "sample": {"size": len(texts), "of": p.sample.seen, "sampled": p.sample.sampled, "seed": seed,
                   "note": (f"Embedding statistics and the linear probe use a seeded uniform sample of at most "
                            f"{p.sample.size} records with text; every other figure covers all records.")},
        "encoder": encoder,
        "structure": structure,
        "diversity": diversity_section(p.labels.summary(), embeddings),
        "accuracy": {"summary": accuracy_summary(gold, annotator_gold, agreement, review), "gold": gold,
                     "annotator_gold": annotator_gold, "agreement": agreement, "review": review},
        "adaptability": adaptability_section(p.schema, embeddings, results, seed=seed),
    }


def _statement(release: Release, p: _Pass) -> dict:
    shares = p.ledger.shares()
    project = release.project
    ledger, bases = p.ledger.summary(_home_bases(list(shares)), (project.organization_id, project.organization.name))
    return {
        "release": release.pk,
        "records": p.structure.records,
        "computed_at": timezone.now().isoformat(),
        "tokens": {"text_tokens": p.tokens, "images": p.images, "audio_seconds": round(p.seconds, 3),
                   "tokenizer": p.counter.name,
                   "billable_units": record_units(p.tokens, p.images, p.seconds)},
        "ledger": ledger,
        "bases": bases,
        "rules": {
            "units": "text tokens + images + seconds of audio (rounded up); value = units × price per token",
            "ledger": ("each record's units are shared by its annotators in proportion to their agreement with the "
                       "consensus (1 for a single annotation); a record fixed in review is credited to the reviewer "
                       "who fixed it; a base's share is the sum of its members' shares (their first membership)"),
        },
    }


def release_report_compute(*, release: Release, actor=None, job_id: int | None = None,
                           should_stop: Callable[[], bool] = lambda: False,
                           sample_size: int = DEFAULT_SAMPLE, seed: int = 0) -> Release | None:
    """Measure a ready release and store its report and statement; None when stopped.

    Idempotent: a release whose report and statement are stored is returned as it is, so a
    redelivered message does not compute it twice.
    """
    release = Release.objects.select_related("project__organization").get(pk=release.pk)
    if release.state != Release.State.READY:
        raise ReportUnavailable("The release is not ready; its report is computed once it is.")
    if release.quality_report is not None and release.value_statement is not None:
        return release
    p = _Pass(release, sample_size, seed)
    until = release.finished_at or release.created_at
    if job_id is not None:
        job_progress(job_id=job_id, done=0, total=release.record_count)
    for chunk in _chunks(release_records(release), CHUNK):
        if should_stop():
            return None
        p.add_chunk(chunk, _TaskFacts([r["id"] for r in chunk], until))
        if job_id is not None:
            job_progress(job_id=job_id, add=len(chunk))
    quality, statement = _quality(release, p, seed), _statement(release, p)
    with transaction.atomic():
        Release.objects.filter(pk=release.pk).update(quality_report=quality, value_statement=statement)
        audit_record(organization_id=release.project.organization_id, actor=actor, action="release.report",
                     obj=release, data={"records": quality["records"],
                                        "billable_units": statement["tokens"]["billable_units"],
                                        "schema_valid_rate": quality["structure"]["schema_valid_rate"]})
    release.refresh_from_db()
    return release
