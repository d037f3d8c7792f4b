"""The next-task → submit hot path: raw-SQL rows, token authentication and plain-dict payloads give
exactly what the ORM and the serializers gave before (annotation/sql.py)."""
from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from annotation.access import project_for_user, task_for_user
from annotation.api.serializers import (AnnotationOut, PredictionOut, TaskOut, annotation_payload, prediction_payload,
                                        task_payload)
from annotation.models import Annotation, Prediction, Role, Task
from annotation.sql import fetch, insert, rows
from tests.factories import MembershipFactory, TaskFactory, UserFactory

RESULT = {"sentiment": "pos"}


def token_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


@pytest.fixture
def stored(project, annotator):
    task = TaskFactory(project=project, data={"text": "合肥地铁 opens", "n": [1, 2.5, None]}, media="p/1.png",
                       media_width=640, media_height=480, gold={"sentiment": "neg"}, pii=[{"kind": "mobile"}])
    prediction = Prediction.objects.create(task=task, model_version="m-1", result=RESULT, score=0.75)
    annotation = Annotation.objects.create(task=task, annotator=annotator, result={"sentiment": "neu", "note": "é"},
                                           lead_time=3.5, prediction=prediction, submitted_at=timezone.now())
    return task, prediction, annotation


@pytest.mark.django_db
def test_rows_load_what_the_orm_loads(stored):
    for instance in stored:
        model = type(instance)
        row = fetch(f"SELECT {rows(model).columns('x')} FROM {model._meta.db_table} x WHERE x.id = %s", [instance.pk])
        loaded, expected = rows(model).load(row), model.objects.get(pk=instance.pk)
        for field in model._meta.concrete_fields:
            assert getattr(loaded, field.attname) == getattr(expected, field.attname), field.name
        assert loaded._state.adding is False


@pytest.mark.django_db
def test_insert_stores_what_save_would(project, annotator):
    task = TaskFactory(project=project)
    annotation = insert(Annotation(task=task, annotator=annotator, result={"a": ["ü", 1]}, status="submitted"))
    stored = Annotation.objects.get(pk=annotation.pk)
    assert stored.result == {"a": ["ü", 1]} and stored.version == 1 and stored.lead_time == 0.0
    assert stored.created_at is not None and stored.updated_at is not None


@pytest.mark.django_db
def test_payloads_equal_the_serializers(stored, project):
    task, prediction, annotation = stored
    plain = TaskFactory(project=project)
    for obj in (Task.objects.get(pk=task.pk), Task.objects.get(pk=plain.pk)):
        assert task_payload(obj) == TaskOut(obj).data
    assert prediction_payload(prediction) == PredictionOut(Prediction.objects.get(pk=prediction.pk)).data
    fresh = Annotation.objects.get(pk=annotation.pk)
    assert annotation_payload(fresh) == AnnotationOut(fresh).data
    fresh.submitted_at = None
    assert annotation_payload(fresh) == AnnotationOut(fresh).data


@pytest.mark.django_db
def test_access_helpers_scope_by_role_and_refuse_odd_ids(stored, annotator, outsider):
    from rest_framework.exceptions import NotFound

    task = stored[0]
    assert task_for_user(annotator, task.pk).project.pk == task.project_id
    assert project_for_user(annotator, task.project_id).organization.pk == task.project.organization_id
    for bad in ("x", None, -1, 0, 2**63, 10**30):
        with pytest.raises(NotFound):
            task_for_user(annotator, bad)
        with pytest.raises(NotFound):
            project_for_user(annotator, bad)
    with pytest.raises(NotFound):
        task_for_user(outsider, task.pk)


@pytest.mark.django_db
def test_token_authentication_answers_like_drf(project, tasks, annotator):
    url = f"/api/v1/projects/{project.pk}/next-task/"
    assert token_client(annotator).post(url).status_code == 200

    wrong = APIClient()
    wrong.credentials(HTTP_AUTHORIZATION="Token " + "0" * 40)
    response = wrong.post(url)
    # 403, not 401: session authentication comes first, and DRF takes the challenge from it.
    assert response.status_code == 403 and response.json()["detail"] == "Invalid token."

    inactive = UserFactory(username="gone")
    MembershipFactory(user=inactive, organization=project.organization, role=Role.ANNOTATOR)
    client = token_client(inactive)
    inactive.is_active = False
    inactive.save()
    response = client.post(url)
    assert response.status_code == 403 and response.json()["detail"] == "User inactive or deleted."


@pytest.mark.django_db
def test_a_token_round_trip_reads_roles_with_the_token(project, tasks, annotator, other_base, monkeypatch):
    MembershipFactory(user=annotator, organization=other_base, role=Role.MANAGER)  # two bases, two roles
    client = token_client(annotator)

    def no_second_query(*args):
        raise AssertionError("roles were read again after authentication")

    monkeypatch.setattr("annotation.access.fetch_all", no_second_query)
    claim = client.post(f"/api/v1/projects/{project.pk}/next-task/")
    assert claim.status_code == 200
    assert client.get(f"/api/v1/organizations/{other_base.pk}/").status_code == 200  # the manager role, read too
    monkeypatch.undo()
    task_id = claim.json()["task"]["id"]
    response = client.post(f"/api/v1/tasks/{task_id}/annotations/", {"result": RESULT}, format="json")
    assert response.status_code == 201
    assert response.json() == AnnotationOut(Annotation.objects.get(pk=response.json()["id"])).data


@pytest.mark.django_db
def test_prediction_ids_beyond_a_bigint_are_a_400(project, tasks, annotator, client_for):
    client = client_for(annotator)
    task_id = client.post(f"/api/v1/projects/{project.pk}/next-task/").json()["task"]["id"]
    for bad in (2**63, -5):
        response = client.post(f"/api/v1/tasks/{task_id}/annotations/", {"result": RESULT, "prediction": bad},
                               format="json")
        assert response.status_code == 400 and "prediction" in response.json()
    assert not Annotation.objects.exists()


postgres_only = pytest.mark.skipif("connection.vendor != 'postgresql'", reason="PostgreSQL planner and sessions")


@postgres_only
@pytest.mark.django_db
def test_the_sequential_pick_walks_the_task_index_not_the_primary_key(project, annotator):
    from annotation.services.distribution import _pick_sql
    from annotation.sql import for_update
    from annotation.sql import db_time

    Task.objects.bulk_create([Task(project=project, data={"text": str(i)}, import_key=str(i)) for i in range(2000)])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE annotation_task")  # statistics say: every task is open ...
    Task.objects.filter(project=project, pk__lte=Task.objects.order_by("pk")[1500].pk).update(status="completed")
    sql = _pick_sql(project.task_order, for_update("t", skip_locked=True), False)  # ... and now most are done
    params = [annotator.pk, project.pk, "open", "open", annotator.pk, db_time(timezone.now()), annotator.pk, 1, 0]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "task_seq_idx" in plan and "annotation_task_pkey" not in plan, plan


@postgres_only
@pytest.mark.django_db
def test_hot_path_statements_are_prepared_on_postgresql(project, annotator, client_for):
    TaskFactory.create_batch(8, project=project)
    client = client_for(annotator)
    for _ in range(8):  # psycopg prepares a statement from its sixth run on a connection
        task_id = client.post(f"/api/v1/projects/{project.pk}/next-task/").json()["task"]["id"]
        assert client.post(f"/api/v1/tasks/{task_id}/annotations/", {"result": RESULT}, format="json").status_code == 201
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    assert any("annotation_assignment" in s for s in prepared), prepared


@pytest.mark.django_db
def test_a_submit_stores_its_revision_its_count_and_its_lease_in_fewer_statements(project, tasks, annotator,
                                                                                 client_for):
    from annotation.models import AnnotationRevision, Assignment

    client = client_for(annotator)
    task_id = client.post(f"/api/v1/projects/{project.pk}/next-task/").json()["task"]["id"]
    response = client.post(f"/api/v1/tasks/{task_id}/annotations/", {"result": RESULT, "lead_time": 2.5},
                           format="json")
    assert response.status_code == 201
    annotation = Annotation.objects.get(pk=response.json()["id"])
    revision = AnnotationRevision.objects.get(annotation=annotation)
    assert (revision.version, revision.result, revision.status, revision.author_id) == (1, RESULT, "submitted",
                                                                                     annotator.pk)
    task = Task.objects.get(pk=task_id)
    assert (task.submitted_count, task.status) == (1, "completed")
    lease = Assignment.objects.get(task_id=task_id, user=annotator)
    assert lease.state == Assignment.State.DONE and lease.expires_at == annotation.submitted_at


@postgres_only
@pytest.mark.django_db
def test_the_pick_reads_one_tasks_predictions_not_the_whole_table(project, annotator):
    from annotation.services.distribution import _pick_sql
    from annotation.sql import for_update
    from annotation.sql import db_time

    Task.objects.bulk_create([Task(project=project, data={"text": str(i)}, import_key=str(i)) for i in range(3000)])
    Prediction.objects.bulk_create([Prediction(task=t, model_version="m", result=RESULT, score=0.5)
                                    for t in Task.objects.filter(project=project)])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    sql = _pick_sql(project.task_order, for_update("t", skip_locked=True), False)
    params = [annotator.pk, project.pk, "open", "open", annotator.pk, db_time(timezone.now()), annotator.pk, 1, 0]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Seq Scan on annotation_prediction" not in plan and "Hash" not in plan.split("SubPlan 1")[1].split("SubPlan")[0], plan


@pytest.mark.django_db
def test_a_double_submit_that_slips_past_the_lock_is_the_same_409(project, tasks, annotator, client_for,
                                                                   monkeypatch):
    """The lock and the counts are one statement, read in a snapshot from before the lock: a
    double submit that committed while this one waited is caught by the unique constraint."""
    from annotation.services import annotations as service

    client = client_for(annotator)
    task_id = client.post(f"/api/v1/projects/{project.pk}/next-task/").json()["task"]["id"]
    first = client.post(f"/api/v1/tasks/{task_id}/annotations/", {"result": RESULT}, format="json")
    assert first.status_code == 201
    real = service._lock_for_submit

    def snapshot_before_the_first(*args):
        locked = real(*args)
        locked.existing = None  # as if read before the first submit committed
        return locked

    monkeypatch.setattr(service, "_lock_for_submit", snapshot_before_the_first)
    task = Task.objects.get(pk=task_id)
    task.status, task.submitted_count = "open", 0  # and before it counted
    task.save()
    second = client.post(f"/api/v1/tasks/{task_id}/annotations/", {"result": RESULT}, format="json")
    assert second.status_code == 409 and second.json()["annotation_id"] == first.json()["id"]
    assert Annotation.objects.filter(task_id=task_id).count() == 1
    assert Task.objects.get(pk=task_id).submitted_count == 0  # the refused submit changed nothing


@pytest.mark.django_db
def test_plain_json_accept_takes_the_short_negotiation_and_others_still_negotiate(project, annotator, client_for):
    client = client_for(annotator)
    url = f"/api/v1/projects/{project.pk}/"
    plain = client.get(url, HTTP_ACCEPT="application/json")
    assert plain.status_code == 200 and plain["Content-Type"] == "application/json"
    assert plain.json()["id"] == project.pk
    assert client.get(url, HTTP_ACCEPT="text/html")["Content-Type"].startswith("text/html")  # browsable API
    assert client.get(url + "?format=json", HTTP_ACCEPT="text/html")["Content-Type"] == "application/json"
    assert client.get(url, HTTP_ACCEPT="image/png").status_code == 406


@pytest.mark.django_db
def test_an_outsider_posting_a_bad_body_still_learns_nothing(project, tasks, outsider, client_for):
    response = client_for(outsider).post(f"/api/v1/tasks/{tasks[0].pk}/annotations/", {"result": "x", "odd": 1},
                                         format="json")
    assert response.status_code == 404
    assert not Annotation.objects.filter(task=tasks[0]).exists()


@postgres_only
@pytest.mark.django_db
def test_a_round_trip_is_six_statements_once_the_token_is_remembered(project, tasks, annotator):
    """next-task: project, own lease or pick, lease; submit: task locked with its counts, the
    writes, the audit append. BEGIN and COMMIT come on top. A statement more is a regression to look at (docs/performance.md)."""
    from django.test.utils import CaptureQueriesContext

    client = token_client(annotator)
    client.get("/api/v1/me/")  # the token is read here, then remembered
    with CaptureQueriesContext(connection) as queries:
        task_id = client.post(f"/api/v1/projects/{project.pk}/next-task/").json()["task"]["id"]
        claimed = len(queries)
        assert client.post(f"/api/v1/tasks/{task_id}/annotations/", {"result": RESULT}, format="json").status_code == 201
    # Savepoints: the test's own transaction turns each atomic block into one.
    statements = [q["sql"] for q in queries.captured_queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))]
    claimed -= sum(1 for q in queries.captured_queries[:claimed] if q["sql"].startswith(("SAVEPOINT", "RELEASE")))
    assert (claimed, len(statements)) == (3, 6), [sql[:80] for sql in statements]
