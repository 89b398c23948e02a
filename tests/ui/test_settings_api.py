"""Settings ▸ Workflow API: on/off and address applied to a live server, tokens
created (shown once, copied), listed and revoked — through ApiAccess only."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QCheckBox, QLineEdit, QSpinBox

from app.engine.api_access import ApiAccess
from app.ui.shell.context import AppContext


@pytest.fixture
def area(qtbot: Any, context: AppContext) -> Iterator[Any]:
    from app.ui.areas.settings import SettingsArea

    widget = SettingsArea(context)
    qtbot.addWidget(widget)
    widget.show()
    yield widget
    if context.api is not None:
        context.api.stop()


def test_creating_a_token_shows_it_once_and_lists_only_its_label(
    qtbot: Any, area: Any, context: AppContext
) -> None:
    assert area.token_table.rowCount() == 0
    assert not area.new_token_edit.isVisible()
    area.token_label_edit.setText("website")
    area.create_token_button.click()
    token = area.new_token_edit.text()
    assert len(token) >= 43 and area.new_token_edit.isVisible()
    assert ApiAccess(context.db).authenticate(token) is not None
    assert area.token_table.rowCount() == 1
    assert area.token_table.item(0, 0).text() == "website"
    area.copy_token_button.click()
    assert QGuiApplication.clipboard().text() == token
    area.reload()
    assert area.token_table.rowCount() == 1

    area.token_label_edit.setText("website")  # taken: an inline message, nothing made
    area.create_token_button.click()
    assert area.token_error.isVisible() and "exists" in area.token_error.text()
    area.token_label_edit.setText("bad label")
    area.create_token_button.click()
    assert "letters" in area.token_error.text()

    area.token_table.selectRow(0)
    area.revoke_token_button.click()
    assert area.token_table.rowCount() == 0
    assert ApiAccess(context.db).authenticate(token) is None
    assert not area.new_token_edit.isVisible()


def test_turning_the_api_on_serves_and_a_bad_address_shows_inline(
    qtbot: Any, area: Any, context: AppContext
) -> None:
    listen = area.fields["api.listen"]
    enabled = area.fields["api.enabled"]
    assert isinstance(listen, QLineEdit) and isinstance(enabled, QCheckBox)
    assert isinstance(area.fields["api.wait"], QSpinBox)
    assert area.api_status.text() == "Off"
    listen.setText("nonsense")
    listen.editingFinished.emit()
    assert area.errors["api.listen"].isVisible()
    assert context.settings.get("api.listen") == "127.0.0.1:8931"
    listen.setText("127.0.0.1:0")
    listen.editingFinished.emit()
    assert not area.errors["api.listen"].isVisible()
    enabled.setChecked(True)
    qtbot.waitUntil(lambda: "Serving at" in area.api_status.text(), timeout=10_000)
    assert context.settings.get("api.enabled") is True
    url = context.api.url
    listen.editingFinished.emit()  # the same address again: the server stays where it is
    qtbot.waitUntil(lambda: "Serving at" in area.api_status.text(), timeout=10_000)
    assert context.api.url == url
    with httpx.Client(base_url=url, timeout=10) as client:
        assert client.get("/api/1.1/openapi.json").status_code == 200
    enabled.setChecked(False)
    qtbot.waitUntil(lambda: area.api_status.text() == "Off", timeout=10_000)
    with pytest.raises(httpx.TransportError), httpx.Client(base_url=url, timeout=2) as client:
        client.get("/api/1.1/openapi.json")
