"""The step cards' "only when" badge in words, the condition as written in the
tooltip, and the inspector still editing the condition itself."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from app.ui.shell.context import AppContext
from app.ui.shell.main_window import MainWindow
from app.workflow_file import import_text

CONDITIONS = """
cueflow: 1
workflows:
  conditions:
    only_when: "user.email is not none and user.email != ''"
    parameters:
      user: {type: User}
      notify: {type: yes/no}
    steps:
      - action: http_request
        with: {method: GET, url: "https://example.com"}
      - action: log
        only_when: "step1.json | length == 0"
        with: {message: empty}
      - action: log
        only_when: "not notify"
        with: {message: quiet}
      - action: log
        only_when: "user.name ~ '!' == 'Ada!'"
        with: {message: unusual}
"""


def open_conditions(qtbot: Any, greeting: AppContext, window: MainWindow) -> Any:
    import_text(greeting.db, CONDITIONS)
    area = window.workflows_area
    area.refresh_list()
    area.select("conditions")
    editor = area.editor
    qtbot.waitUntil(lambda: editor.workflow is not None and editor.workflow.name == "conditions")
    return editor


def test_badges_say_the_condition_in_words(
    qtbot: Any, greeting: AppContext, window: MainWindow
) -> None:
    editor = open_conditions(qtbot, greeting, window)
    flow = editor.flow
    assert flow.card(0).condition == "only when user's email is not empty"
    assert flow.card(1).condition == ""  # no condition, no badge
    assert flow.card(2).condition == "only when Result of step 1's json is empty"
    assert flow.card(3).condition == "only when notify is no"
    tip = flow.item(2).data(Qt.ItemDataRole.ToolTipRole)
    assert "Only when: step1.json | length == 0" in tip
    # no words for it: the badge says so plainly, the tooltip holds the condition
    unusual = flow.card(4)
    assert unusual.condition == "only when a condition holds"
    assert "user.name ~ '!' == 'Ada!'" in flow.item(4).data(Qt.ItemDataRole.ToolTipRole)
    for row in range(flow.count()):
        assert "|" not in flow.card(row).condition and "==" not in flow.card(row).condition


def test_the_inspector_edits_the_condition_as_written_and_the_badge_follows(
    qtbot: Any, greeting: AppContext, window: MainWindow
) -> None:
    editor = open_conditions(qtbot, greeting, window)
    editor.select_step(1)
    form = editor.step_form
    assert form is not None
    field = form.widgets["only_when"]
    assert field.text() == "step1.json | length == 0"  # the raw condition, to edit
    field.setFocus()
    field.selectAll()
    qtbot.keyClicks(field, "step1.status >= 400")
    qtbot.keyClick(field, Qt.Key.Key_Return)
    qtbot.waitUntil(
        lambda: (
            editor.flow.card(2).condition == "only when Result of step 1's status is at least 400"
        )
    )
    assert field.text() == "step1.status >= 400"
    reads = form.reads["only_when"]
    assert reads.isVisibleTo(form) and "Result of step 1's status is at least 400" in reads.text()
    # under the field, as on the card: a yes/no parameter reads "is no"
    editor.select_step(2)
    qtbot.waitUntil(lambda: editor.step_form is not None and editor.step_form is not form)
    quiet = editor.step_form
    assert "notify is no" in quiet.reads["only_when"].text()
    editor.select_step(3)  # no words for it: no "Reads" line, the field says it
    qtbot.waitUntil(lambda: editor.step_form is not quiet)
    assert not editor.step_form.reads["only_when"].isVisibleTo(editor.step_form)
