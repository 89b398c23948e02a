"""The editor's "Start it over HTTP" section (PRODUCT §6, issue 15): exposing a
workflow, its options, the full URL and a curl example — saved like every edit,
and undoable."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QPushButton

from app.storage import catalog
from app.ui.areas.workflows.api_section import curl_example
from app.ui.shell.context import AppContext
from app.ui.shell.main_window import MainWindow
from app.workflow_file import import_text
from tests.conftest import EXAMPLES


def stored_api(context: AppContext, name: str) -> Any:
    with context.db.read() as session:
        return catalog.get_workflow(session, name).api


def test_an_exposed_workflow_shows_its_address_and_a_curl_to_copy(
    qtbot: Any, context: AppContext, window: MainWindow
) -> None:
    import_text(context.db, (EXAMPLES / "trial_reminder.yaml").read_text())
    context.settings.set("api.listen", "127.0.0.1:9100")
    area = window.workflows_area
    area.refresh_list()
    area.select("start_trial")
    section = area.editor.workflow_panel.api_section
    assert section.expose_check.isChecked()
    url = "http://127.0.0.1:9100/api/1.1/wf/start_trial"
    assert section.url_edit.text() == url
    curl = section.curl_edit.toPlainText()
    assert url in curl and "Authorization: Bearer YOUR_TOKEN" in curl and '"days": 1' in curl
    copy = section.findChild(QPushButton, "apiUrlCopy")
    qtbot.mouseClick(copy, Qt.MouseButton.LeftButton)
    assert QApplication.clipboard().text() == url


def test_exposing_and_its_options_are_saved_and_undone(
    qtbot: Any, context: AppContext, window: MainWindow
) -> None:
    import_text(context.db, (EXAMPLES / "trial_reminder.yaml").read_text())
    area = window.workflows_area
    area.refresh_list()
    area.select("end_trial")
    section = area.editor.workflow_panel.api_section
    assert not section.expose_check.isChecked() and not section.method_combo.isEnabled()
    section.expose_check.click()
    qtbot.waitUntil(lambda: stored_api(context, "end_trial").expose)
    section = area.editor.workflow_panel.api_section
    section.method_combo.setCurrentIndex(section.method_combo.findData("GET"))
    qtbot.waitUntil(lambda: stored_api(context, "end_trial").method == "GET")
    assert "curl 'http://127.0.0.1:8931/api/1.1/wf/end_trial?customer=THING_ID'" in (
        area.editor.workflow_panel.api_section.curl_edit.toPlainText()
    )
    area.undo_stack.undo()
    qtbot.waitUntil(lambda: stored_api(context, "end_trial").method == "POST")
    area.undo_stack.undo()
    qtbot.waitUntil(lambda: not stored_api(context, "end_trial").expose)


def test_the_curl_example_follows_method_and_auth() -> None:
    from app.core.definitions import ApiExposure, ParameterDef, WorkflowDef
    from app.core.types import ValueType

    wf = WorkflowDef(
        name="signup",
        parameters=(
            ParameterDef("email", ValueType("text")),
            ParameterDef("tags", ValueType.parse("text", is_list=True)),
        ),
        api=ApiExposure(expose=True, auth="none"),
    )
    post = curl_example(wf, "")
    assert post.startswith("curl -X POST http://127.0.0.1:8931/api/1.1/wf/signup")
    assert "Bearer" not in post and '"tags": ["some text"]' in post
