"""The audit chain's head lives on the organization row and moves with every append.

On PostgreSQL the append is one statement that hashes in SQL; these tests hold its digests to the
Python definition (which audit_verify and verify_release recompute), under concurrency too.
"""
from __future__ import annotations

import datetime
import decimal
import hashlib
import importlib
import json
import threading

import pytest
from django.apps import apps
from django.contrib.admin.sites import site
from django.db import connection, connections, transaction
from hypothesis import given
from hypothesis import strategies as st

from annotation.models import AuditEvent, Organization
from annotation.services.audit import GENESIS, _digest, audit_record, audit_verify
from tests.factories import OrganizationFactory, UserFactory

on_postgres = pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (DATABASE_URL)")
backfill = importlib.import_module("annotation.migrations.0007_organization_audit_head").set_heads_from_last_events

DATA = [
    {},
    {"b": 1, "a": "中文"},
    {"nested": {"z": [1, 2.5, None, True, False], "y": {"深": "层"}}, "quote": 'say "hi" \\ / \n\t'},
    {"emoji": "🙂 outside the BMP", "empty": "", "list": [{"k": "v"}, []]},
    {"when": datetime.datetime(2026, 1, 2, 3, 4, 5), "price": decimal.Decimal("1.50")},  # stored as str
]


def spec_digest(event: AuditEvent) -> str:
    """The chain's definition written out in full, independent of the service's helpers."""
    body = json.dumps([event.prev_digest, event.seq, event.actor_name, event.action, event.object_type,
                       event.object_id, event.data, event.created_at.isoformat()],
                      sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(body.encode()).hexdigest()


def append(organization_id: int, actor=None, n: int = 1, **kwargs) -> list[AuditEvent]:
    with transaction.atomic():
        return [audit_record(organization_id=organization_id, actor=actor, action="test.append", **kwargs)
                for _ in range(n)]


def head(organization_id: int) -> tuple:
    return Organization.objects.filter(pk=organization_id).values_list("audit_seq", "audit_digest",
                                                                         "audit_prev").get()


def chain(organization_id: int) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(organization_id=organization_id).order_by("seq"))


def test_stored_digests_equal_the_python_hash_and_the_chain_verifies(base):
    people = [UserFactory(username="标注员"), UserFactory(username="annotator"), None]
    returned = []
    for i in range(30):
        returned += append(base.pk, people[i % 3], data=DATA[i % len(DATA)], object_type="Task", object_id=i)

    events = chain(base.pk)
    assert [e.seq for e in events] == list(range(1, 31))
    assert events[0].prev_digest == GENESIS
    assert [e.actor_name for e in events[:3]] == ["标注员", "annotator", ""]
    assert events[1].data == {"b": 1, "a": "中文"} and events[4].data["price"] == "1.50"
    for event in events:
        assert event.digest == spec_digest(event) == _digest(
            event.prev_digest, seq=event.seq, actor=event.actor_name, action=event.action,
            object_type=event.object_type, object_id=event.object_id, data=event.data,
            created_at=event.created_at.isoformat())
    # What audit_record hands back is the stored row.
    assert [(e.pk, e.seq, e.prev_digest, e.digest) for e in returned] == [
        (e.pk, e.seq, e.prev_digest, e.digest) for e in events]
    assert audit_verify(organization_id=base.pk) == []


@given(content=st.fixed_dictionaries({
    "actor": st.text(), "action": st.text(), "object_type": st.text(), "object_id": st.text(),
    "data": st.recursive(st.none() | st.booleans() | st.integers() | st.text(),
                         lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3)),
    "created_at": st.text(),
}), prev=st.text(), seq=st.integers(min_value=0))
def test_the_split_body_hashes_like_the_whole_json_list(content, prev, seq):
    # PostgreSQL's append builds the body as '["' || prev || '",' || seq || ',' || tail; the
    # Python side builds it the same way and must still equal the one-piece definition.
    fields = ("actor", "action", "object_type", "object_id", "data", "created_at")
    whole = json.dumps([prev, seq, *(content[f] for f in fields)], sort_keys=True, ensure_ascii=False,
                       separators=(",", ":"), default=str)
    assert _digest(prev, seq=seq, **content) == hashlib.sha256(whole.encode()).hexdigest()


def test_the_head_is_the_last_event_after_appends(base, other_base):
    assert head(base.pk) == (0, GENESIS, GENESIS)
    append(base.pk, n=5, data={"a": 1})
    append(other_base.pk, n=2)
    for organization in (base, other_base):
        last = chain(organization.pk)[-1]
        assert head(organization.pk) == (last.seq, last.digest, last.prev_digest)
    assert head(base.pk)[0] == 5 and head(other_base.pk)[0] == 2


def test_an_append_is_one_statement_on_postgresql(base, django_assert_num_queries):
    # SQLite reads the head, inserts the event and moves the head; PostgreSQL does all in one.
    with transaction.atomic(), django_assert_num_queries(1 if connection.vendor == "postgresql" else 3):
        audit_record(organization_id=base.pk, actor=None, action="test.append", data={"a": "中文"})
    assert audit_verify(organization_id=base.pk) == []


def test_an_unknown_organization_is_refused_and_nothing_is_written(base):
    with pytest.raises(Organization.DoesNotExist), transaction.atomic():
        audit_record(organization_id=base.pk + 1000, actor=None, action="test.append")
    assert not AuditEvent.objects.exists()


def test_a_rolled_back_append_moves_neither_event_nor_head(base):
    append(base.pk, n=3)
    before = head(base.pk)
    with pytest.raises(RuntimeError), transaction.atomic():
        audit_record(organization_id=base.pk, actor=None, action="test.append", data={"a": "中文"})
        assert head(base.pk)[0] == 4
        raise RuntimeError("the recorded write failed")
    assert head(base.pk) == before and len(chain(base.pk)) == 3
    appended = append(base.pk)[0]
    assert (appended.seq, appended.prev_digest) == (4, before[1])
    assert audit_verify(organization_id=base.pk) == []


def test_the_migration_sets_each_head_from_the_last_event(base, other_base):
    append(base.pk, n=4, data={"b": 1, "a": "中文"})
    last = chain(base.pk)[-1]
    # As the columns were when 0007 added them: every organization at the genesis head.
    Organization.objects.update(audit_seq=0, audit_digest=GENESIS, audit_prev=GENESIS)
    backfill(apps, None)
    assert head(base.pk) == (4, last.digest, last.prev_digest)
    assert head(other_base.pk) == (0, GENESIS, GENESIS)  # no events: still the genesis head
    append(base.pk)
    assert audit_verify(organization_id=base.pk) == []


def test_saving_an_organization_in_the_admin_keeps_a_head_moved_meanwhile(base, rf):
    stale = Organization.objects.get(pk=base.pk)
    append(base.pk, n=2)  # lands between the admin's read and its save
    admin = site._registry[Organization]
    form = admin.get_form(rf.post("/"), stale, change=True)(data={"name": "Renamed", "city": stale.city},
                                                            instance=stale)
    assert form.is_valid(), form.errors
    admin.save_model(rf.post("/"), form.save(commit=False), form, change=True)
    assert Organization.objects.get(pk=base.pk).name == "Renamed"
    assert head(base.pk)[0] == 2
    append(base.pk)
    assert audit_verify(organization_id=base.pk) == []


def _appender(organization_id: int, start: threading.Barrier, rounds: int, errors: list[str]) -> None:
    try:
        start.wait(timeout=60)
        for i in range(rounds):
            with transaction.atomic():  # each append its own transaction, as a submit's is
                audit_record(organization_id=organization_id, actor=None, action="test.race",
                             data={"thread": threading.get_ident(), "round": i, "文": "字"})
    except Exception as exc:  # noqa: BLE001 - any failure in a thread fails the test below
        errors.append(repr(exc))
    finally:
        connections.close_all()


@on_postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_never_fork_the_chain_on_postgresql():
    organization = OrganizationFactory()
    threads_count, rounds = 8, 20
    errors: list[str] = []
    start = threading.Barrier(threads_count)
    threads = [threading.Thread(target=_appender, args=(organization.pk, start, rounds, errors))
               for _ in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "an appender hung"
    assert errors == []
    events = chain(organization.pk)
    assert [e.seq for e in events] == list(range(1, threads_count * rounds + 1))
    assert audit_verify(organization_id=organization.pk) == []
    assert head(organization.pk) == (events[-1].seq, events[-1].digest, events[-1].prev_digest)
