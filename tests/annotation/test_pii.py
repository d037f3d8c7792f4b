"""Personal data at import: detection with checksums, masking that keeps offsets, and the three
project policies through the real import path; annotators never receive the originals."""
from __future__ import annotations

import json

import pytest
from hypothesis import given, strategies as st

from annotation.imports import pii
from annotation.imports.pii import cn_id_valid, find_pii, luhn_valid, mask_data
from annotation.models import Task
from annotation.services.imports import import_source, task_import
from annotation.services.jobs import job_create
from tests.factories import ProjectFactory

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def with_check(first17: str) -> str:
    return first17 + "10X98765432"[sum(int(d) * w for d, w in zip(first17, WEIGHTS)) % 11]


def with_luhn(body: str) -> str:
    return next(body + d for d in "0123456789" if luhn_valid(body + d))


ID = with_check("11010519491231002")  # 11010519491231002X
CARD = with_luhn("621700000000000000")  # a 19-digit UnionPay number


def kinds(text: str) -> list[tuple[str, str]]:
    return [(f["kind"], text[f["start"]:f["end"]]) for f in find_pii(text)]


# -- detection ------------------------------------------------------------------------------------

def test_resident_id_numbers_need_the_checksum_and_a_real_birth_date():
    assert ID.endswith("X") and cn_id_valid(ID) and cn_id_valid(ID.lower())
    wrong_check = ID[:17] + "1"
    assert not cn_id_valid(wrong_check)
    bad_date = with_check("11010519490231002")  # 31 February
    future = with_check("11010530990101002")
    assert not cn_id_valid(bad_date) and not cn_id_valid(future)
    assert kinds(f"身份证号{ID}。") == [("cn_id", ID)]
    assert kinds(f"编号{wrong_check}、{bad_date}") == []


def test_mobiles_emails_and_cards_are_found_in_chinese_text():
    text = f"联系人张三，手机+86 138-1234-5678，邮箱zhang.san@example.com.cn，卡号{CARD}。"
    assert kinds(text) == [("mobile", "+86 138-1234-5678"), ("email", "zhang.san@example.com.cn"),
                           ("bank_card", CARD)]
    grouped = f"{CARD[:4]} {CARD[4:8]} {CARD[8:12]} {CARD[12:16]} {CARD[16:]}"
    assert kinds(f"卡 {grouped} 完") == [("bank_card", grouped)]


def test_no_match_inside_longer_digit_or_letter_runs():
    assert kinds("订单号 1381234567812345678901 已发货") == []
    assert kinds(f"hash a{ID}b and 9{CARD} and x13812345678") == []
    assert kinds(f"{ID}5") == []


def test_a_card_number_that_fails_luhn_or_an_unknown_scheme_is_not_flagged():
    bad = CARD[:-1] + str((int(CARD[-1]) + 1) % 10)
    assert kinds(bad) == []
    assert kinds(with_luhn("111111111111111")) == []  # no card scheme starts with 1


def test_an_identity_number_that_also_passes_luhn_is_one_finding():
    number = next(n for n in (with_check(f"42010619900101{i:03d}") for i in range(1000))
                  if n[-1] != "X" and luhn_valid(n))
    assert kinds(number) == [("cn_id", number)]


@given(st.text(alphabet="0123456789 -", max_size=60))
def test_every_finding_in_a_digit_soup_is_checked(text):
    for finding in find_pii(text):
        value = text[finding["start"]:finding["end"]]
        digits = "".join(c for c in value if c.isdigit())
        if finding["kind"] == "bank_card":
            assert luhn_valid(digits) and 16 <= len(digits) <= 19
        if finding["kind"] == "cn_id":
            assert cn_id_valid(value)


@given(st.lists(st.sampled_from(["1", "3", "8", "6", "X", " ", "-", "+86", "@", "a.b", ".cn", "张", ID, CARD,
                                  "13812345678"]), max_size=12).map("".join))
def test_the_quick_precheck_never_hides_a_finding(text):
    found = find_pii(text)
    original, pii.may_hold_pii = pii.may_hold_pii, lambda _: True  # no precheck: the four patterns on all
    try:
        assert find_pii(text) == found
    finally:
        pii.may_hold_pii = original


@given(st.lists(st.sampled_from(["1", "9", "０", "٣", " ", "-", "  ", "@", "a", "张", "\t"]), max_size=30).map("".join))
def test_the_byte_scan_of_ascii_text_answers_as_the_pattern_does(text):
    assert pii.may_hold_pii(text) == ("@" in text or pii._CANDIDATE.search(text) is not None)


@given(st.dictionaries(st.text(max_size=4), st.lists(st.sampled_from(
    ["1", "3", "8", " ", "-", "@", "\"", "\\", "\n", "张", "a.b", ".cn", ID, CARD, "13812345678"]), max_size=8).map("".join),
    max_size=3))
def test_a_json_document_that_fails_the_precheck_has_no_finding_in_any_string(data):
    text = json.dumps(data, ensure_ascii=False)
    if "\\u" not in text and not pii.may_hold_pii(text):
        assert pii.find_in_data(data) == []


# -- masking --------------------------------------------------------------------------------------

def test_masking_keeps_the_length_so_span_offsets_stay_valid():
    data = {"text": f"张三的电话是13812345678，身份证{ID}。", "title": "无", "n": 3}
    findings = [{"field": "text", **f} for f in find_pii(data["text"])]
    masked = mask_data(data, findings)
    assert len(masked["text"]) == len(data["text"])
    assert masked["text"] == "张三的电话是" + "*" * 11 + "，身份证" + "*" * 18 + "。"
    assert masked["text"][:2] == data["text"][:2]  # a span on 张三 still reads 张三
    assert masked["title"] == "无" and masked["n"] == 3
    assert data["text"].count("*") == 0  # the input is not changed


@given(st.text(max_size=40), st.lists(st.tuples(st.integers(0, 40), st.integers(0, 40)), max_size=4))
def test_masking_never_changes_the_length(text, ranges):
    findings = [{"field": "t", "kind": "email", "start": min(a, b), "end": max(a, b)} for a, b in ranges]
    assert len(mask_data({"t": text}, findings)["t"]) == len(text)


# -- policies through the import ------------------------------------------------------------------

def run_import(project, rows: list[dict]) -> dict:
    job = job_create(organization_id=project.organization_id, project_id=project.pk, kind="import",
                     created_by=None, params={"format": "jsonl", "filename": "rows.jsonl"})
    path = import_source(job.pk)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows).encode())
    return task_import(job=job)


ROWS = [{"text": f"请联系13812345678或{ID}"}, {"text": "没有个人信息的一行"}, {"text": "mail me: a.b@example.org"}]


@pytest.fixture
def make_project(base):
    return lambda policy: ProjectFactory(organization=base, pii_policy=policy)


def test_flag_keeps_the_data_and_stores_the_findings(make_project):
    project = make_project("flag")
    result = run_import(project, ROWS)
    assert result["created"] == 3
    assert result["pii"] == {"policy": "flag", "rows": 2, "findings": {"mobile": 1, "cn_id": 1, "email": 1},
                             "refused": 0}
    first, clean, mail = Task.objects.filter(project=project).order_by("id")
    assert first.data == ROWS[0] and first.data_original is None
    assert [(f["field"], f["kind"]) for f in first.pii] == [("text", "mobile"), ("text", "cn_id")]
    assert clean.pii == [] and mail.pii[0]["kind"] == "email"


def test_mask_stores_masked_data_and_keeps_the_original_apart(make_project):
    project = make_project("mask")
    result = run_import(project, ROWS)
    assert result["created"] == 3 and result["pii"]["rows"] == 2
    first, clean, _ = Task.objects.filter(project=project).order_by("id")
    assert first.data == {"text": "请联系" + "*" * 11 + "或" + "*" * 18}
    assert first.data_original == ROWS[0]
    assert first.pii == [{"field": "text", "kind": "mobile", "start": 3, "end": 14},
                         {"field": "text", "kind": "cn_id", "start": 15, "end": 33}]
    assert clean.data == ROWS[1] and clean.data_original is None and clean.pii == []


def test_refuse_rejects_only_the_rows_with_personal_data(make_project):
    project = make_project("refuse")
    result = run_import(project, ROWS)
    assert result["created"] == 1 and result["error_count"] == 2
    assert result["errors"][0]["row"] == 1 and result["errors"][0]["path"] == "data.text"
    assert "personal data (cn_id, mobile" in result["errors"][0]["message"]
    assert "13812345678" not in json.dumps(result)  # the report does not repeat the data it refused
    assert result["pii"]["refused"] == 2
    assert list(Task.objects.filter(project=project).values_list("data", flat=True)) == [ROWS[1]]


def test_annotators_never_receive_masked_originals_and_managers_see_only_findings(make_project, annotator,
                                                                                  manager, client_for):
    project = make_project("mask")
    run_import(project, ROWS[:1])
    task = Task.objects.get(project=project)
    response = client_for(annotator).post(f"/api/v1/projects/{project.pk}/next-task/")
    assert response.status_code == 200
    body = json.dumps(response.json(), ensure_ascii=False)
    assert "13812345678" not in body and ID not in body
    assert "data_original" not in response.json()["task"] and "pii" not in response.json()["task"]
    assert client_for(annotator).get(f"/api/v1/tasks/{task.pk}/").json()["data"] == task.data

    listed = client_for(manager).get(f"/api/v1/projects/{project.pk}/tasks/").json()["results"][0]
    assert listed["pii"] == task.pii and "data_original" not in listed
    assert "13812345678" not in json.dumps(listed)


def test_the_import_audit_event_counts_what_was_found(make_project):
    from annotation.models import AuditEvent

    project = make_project("mask")
    run_import(project, ROWS)
    event = AuditEvent.objects.get(action="task.import", organization=project.organization)
    assert event.data["pii"] == {"rows": 2, "findings": {"mobile": 1, "cn_id": 1, "email": 1}, "refused": 0,
                                 "policy": "mask"}
    assert "13812345678" not in json.dumps(event.data)
