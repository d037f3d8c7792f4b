"""An annotator labels one task of every label type with keyboard and mouse; the stored
annotations are checked in the database."""
from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from annotation.models import Annotation, Prediction
from tests.e2e.conftest import login, shot
from tests.e2e.helpers import click_image, drag_image, png_bytes, select_characters
from tests.factories import COT_SCHEMA, IMAGE_SCHEMA, TEXT_SCHEMA, ProjectFactory, TaskFactory

pytestmark = pytest.mark.e2e

# 😀 is one character but two UTF-16 units: offsets after it prove the code-point conversion.
CJK_TEXT = "😀张三在北京工作。"


def submitted(task, user) -> Annotation:
    a = Annotation.objects.get(task=task, annotator=user)
    assert a.status == Annotation.Status.SUBMITTED
    assert a.lead_time > 0
    return a


def wait_submitted(page, task) -> None:
    page.get_by_text(f"Submitted task #{task.id}.").wait_for()


def test_annotator_labels_choice_multi_choice_spans_rating_and_text(page, live_server, base, annotator):
    project = ProjectFactory(organization=base, name="Text project", schema=TEXT_SCHEMA)
    task = TaskFactory(project=project, data={"text": CJK_TEXT})
    login(page, live_server, "annotator")
    page.get_by_role("link", name="Annotate: Text project").click()
    page.get_by_text(CJK_TEXT).first.wait_for()

    page.keyboard.press("1")  # sentiment (the active field) = pos
    page.keyboard.press("]")  # topics
    page.keyboard.press("1")
    page.keyboard.press("3")
    page.get_by_role("button", name="sports").click()  # and one with the mouse

    select_characters(page, "entities", 1, 3)  # 张三, with the mouse
    page.keyboard.press("1")  # PER
    page.keyboard.press("ArrowRight")  # caret 3 -> 4, then select 北京 with the keyboard
    page.keyboard.press("Shift+ArrowRight")
    page.keyboard.press("Shift+ArrowRight")
    page.keyboard.press("3")  # LOC
    page.get_by_role("button", name="Remove span LOC “北京”").wait_for()

    page.keyboard.press("]")  # quality
    page.keyboard.press("4")
    page.get_by_role("textbox", name="note").click()
    page.keyboard.type("很好 good")
    page.keyboard.press("Control+z")  # typing is one undo step
    assert page.get_by_role("textbox", name="note").input_value() == ""
    page.keyboard.press("Control+Shift+z")
    assert page.get_by_role("textbox", name="note").input_value() == "很好 good"

    page.locator("body").click(position={"x": 5, "y": 300})  # leave the text field
    page.keyboard.press("?")
    overlay = page.get_by_role("dialog", name="Keyboard shortcuts")
    overlay.get_by_text("Submit the annotation").wait_for()
    shot(page, "workspace-shortcuts")
    page.keyboard.press("Escape")
    shot(page, "workspace-text-labels")
    page.keyboard.press("Control+Enter")
    wait_submitted(page, task)

    a = submitted(task, annotator)
    assert a.result == {
        "sentiment": "pos",
        "topics": ["finance", "sports", "health"],
        "entities": [{"start": 1, "end": 3, "label": "PER"}, {"start": 4, "end": 6, "label": "LOC"}],
        "quality": 4,
        "note": "很好 good",
    }


def test_annotator_draws_boxes_and_polygons(page, live_server, base, annotator, media_root):
    project = ProjectFactory(organization=base, name="Image project", schema=IMAGE_SCHEMA)
    (media_root / "scene.png").write_bytes(png_bytes(400, 300))
    task = TaskFactory(project=project, data={"image": "scene.png"}, media="scene.png", media_width=400, media_height=300)
    login(page, live_server, "annotator")
    page.goto(f"{live_server.url}/projects/{project.id}/annotate")
    page.get_by_role("img", name="Image of objects").wait_for()

    drag_image(page, "objects", (50, 50), (150, 120))  # draw a car box
    page.keyboard.press("2")  # relabel the selected box: person
    drag_image(page, "objects", (100, 80), (120, 90))  # move it by (+20, +10)
    drag_image(page, "objects", (250, 150), (300, 200))  # a second box…
    page.keyboard.press("Delete")  # …deleted again
    page.get_by_role("button", name="Select shape 1").wait_for()
    assert page.get_by_role("button", name="Select shape 2").count() == 0
    page.keyboard.press("Control+z")  # undo brings the deleted box back
    page.get_by_role("button", name="Select shape 2").wait_for()
    page.keyboard.press("Control+Shift+z")  # redo deletes it again
    page.get_by_role("button", name="Select shape 2").wait_for(state="detached")

    page.get_by_role("img", name="Image of shape").scroll_into_view_if_needed()
    for x, y in [(220, 140), (320, 150), (300, 240)]:
        click_image(page, "shape", x, y)
    page.keyboard.press("Enter")  # close the polygon
    page.get_by_role("button", name="Select shape 1").nth(1).wait_for()
    page.keyboard.press("=")  # zoom in with the keyboard
    shot(page, "workspace-image-labels")
    page.get_by_role("button", name="Submit").click()
    wait_submitted(page, task)

    result = submitted(task, annotator).result
    (box,) = result["objects"]
    assert box["label"] == "person"
    assert [round(box[k]) for k in ("x", "y", "w", "h")] == pytest.approx([70, 60, 100, 70], abs=2)
    (poly,) = result["shape"]
    assert poly["label"] == "lesion"
    assert [c for p in poly["points"] for c in p] == pytest.approx([220, 140, 320, 150, 300, 240], abs=2)


def test_annotator_writes_reasoning_steps_and_picks_a_preference(page, live_server, base, annotator):
    project = ProjectFactory(organization=base, name="Reasoning project", schema=COT_SCHEMA)
    task = TaskFactory(project=project, data={"question": "12 × 3 = ?", "response_a": "35", "response_b": "36"})
    login(page, live_server, "annotator")
    page.goto(f"{live_server.url}/projects/{project.id}/annotate")
    page.get_by_text("12 × 3 = ?").wait_for()

    page.get_by_role("button", name="Add step").click()
    page.get_by_role("textbox", name="Step 1").fill("3 × 10 = 30")
    page.get_by_role("button", name="Add step").click()
    page.get_by_role("textbox", name="Step 2").fill("3 × 2 = 6")
    page.get_by_role("button", name="Add step").click()
    page.get_by_role("textbox", name="Step 3").fill("wrong step")
    page.get_by_role("button", name="Remove step 3").click()
    page.get_by_role("button", name="Move step 2 up").click()
    page.get_by_role("textbox", name="Final answer").fill("36")
    page.locator("body").click(position={"x": 5, "y": 5})
    page.keyboard.press("]")  # preference field
    page.keyboard.press("2")  # response B
    shot(page, "workspace-reasoning-preference")
    page.keyboard.press("Control+Enter")
    wait_submitted(page, task)

    assert submitted(task, annotator).result == {
        "reasoning": {"steps": ["3 × 2 = 6", "3 × 10 = 30"], "answer": "36"},
        "better": "response_b",
    }


def test_annotator_accepts_a_prelabel_with_one_key(page, live_server, base, annotator):
    project = ProjectFactory(organization=base, name="Prelabelled", schema=TEXT_SCHEMA)
    task = TaskFactory(project=project, data={"text": "Zhang San joined Acme."})
    suggestion = {"sentiment": "neg", "entities": [{"start": 0, "end": 9, "label": "PER"}]}
    prediction = Prediction.objects.create(task=task, model_version="minilm-head-v1", result=suggestion, score=0.91)
    login(page, live_server, "annotator")
    page.goto(f"{live_server.url}/projects/{project.id}/annotate")
    page.get_by_text("Model suggestion pre-filled").wait_for()
    assert page.get_by_role("button", name="neg").get_attribute("aria-pressed") == "true"
    shot(page, "workspace-prelabel")
    page.keyboard.press("a")
    wait_submitted(page, task)

    a = submitted(task, annotator)
    assert a.result == suggestion
    assert a.prediction_id == prediction.id


def test_draft_is_autosaved_and_restored(page, live_server, base, annotator):
    project = ProjectFactory(organization=base, name="Drafts", schema=TEXT_SCHEMA)
    task = TaskFactory(project=project, data={"text": "Autosave me."})
    login(page, live_server, "annotator")
    page.goto(f"{live_server.url}/projects/{project.id}/annotate")
    page.get_by_text("Autosave me.").wait_for()
    page.keyboard.press("2")
    page.get_by_text("Draft saved").wait_for(timeout=12_000)
    draft = Annotation.objects.get(task=task, annotator=get_user_model().objects.get(username="annotator"))
    assert draft.status == Annotation.Status.DRAFT
    assert draft.result == {"sentiment": "neg"}
    page.reload()
    page.get_by_text("Your draft was restored.").wait_for()
    assert page.get_by_role("button", name="neg").get_attribute("aria-pressed") == "true"


def test_stale_save_keeps_the_work_and_says_so(page, live_server, base, annotator):
    project = ProjectFactory(organization=base, name="Conflicts", schema=TEXT_SCHEMA)
    task = TaskFactory(project=project, data={"text": "Two tabs, one annotation."})
    login(page, live_server, "annotator")
    page.goto(f"{live_server.url}/projects/{project.id}/annotate")
    page.get_by_text("Two tabs, one annotation.").wait_for()
    page.keyboard.press("2")
    page.get_by_text("Draft saved").wait_for(timeout=12_000)
    # someone (another tab) saves in between
    Annotation.objects.filter(task=task, annotator=annotator).update(version=5, result={"sentiment": "pos"})
    page.keyboard.press("3")
    page.get_by_text("This annotation was changed elsewhere").wait_for(timeout=12_000)
    assert page.get_by_role("button", name="neu").get_attribute("aria-pressed") == "true"
    shot(page, "workspace-conflict")
    assert Annotation.objects.get(task=task, annotator=annotator).result == {"sentiment": "pos"}
    page.get_by_role("button", name="Save my version anyway").click()
    page.get_by_text("Draft saved").wait_for(timeout=12_000)
    a = Annotation.objects.get(task=task, annotator=annotator)
    assert a.result == {"sentiment": "neu"}
    assert a.version == 6


def test_skip_then_submit_walks_through_the_queue(page, live_server, base, annotator):
    from annotation.models import Assignment

    project = ProjectFactory(organization=base, name="Queue", schema=TEXT_SCHEMA)
    first = TaskFactory(project=project, data={"text": "First in line."})
    second = TaskFactory(project=project, data={"text": "Second in line."})
    login(page, live_server, "annotator")
    page.goto(f"{live_server.url}/projects/{project.id}/annotate")
    page.get_by_text("First in line.").wait_for()
    page.keyboard.press("Control+Shift+s")
    page.get_by_text(f"Skipped task #{first.id}.").wait_for()
    page.get_by_text("Second in line.").wait_for()
    page.keyboard.press("3")
    page.keyboard.press("Control+Enter")
    page.get_by_text("No tasks left for you in this project").wait_for()
    shot(page, "workspace-queue-done")
    assert Assignment.objects.get(task=first, user=annotator).state == Assignment.State.SKIPPED
    assert submitted(second, annotator).result == {"sentiment": "neu"}
    assert not Annotation.objects.filter(task=first).exists()
