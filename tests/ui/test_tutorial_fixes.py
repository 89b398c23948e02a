"""What a first-time user stumbled over in the tutorial (issue 14, second pass):
each test drives the widgets as the person did and fails on the old behaviour."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest
from PySide6.QtCore import QLocale, Qt

from app.core.definitions import FieldDef
from app.core.types import ValueType
from app.ui.shell.context import AppContext
from app.ui.shell.main_window import AREA_DATA, MainWindow
from app.ui.widgets.inputs import OptionalDateEditor


@pytest.fixture
def locale_named() -> Iterator[Any]:
    """Set the window's locale for the widgets made next; put back afterwards."""
    before = QLocale()

    def use(name: str) -> None:
        QLocale.setDefault(QLocale(name))

    yield use
    QLocale.setDefault(before)


def _add_thing_dialog(qtbot: Any, greeting: AppContext, window: MainWindow) -> Any:
    area = window.data_area
    assert area.data_service.add_field("User", FieldDef("birthday", ValueType("date")))
    window.show_area(AREA_DATA)
    area.reload("User")
    qtbot.mouseClick(area.add_thing_button, Qt.MouseButton.LeftButton)
    dialog = area.add_thing_dialog
    assert dialog is not None
    qtbot.waitExposed(dialog)
    return dialog


@pytest.mark.parametrize(
    ("locale", "typed"),
    [("en_GB", "14/05/1990"), ("de_DE", "14.05.1990"), ("en_US", "5/14/1990"), ("C", "14/05/1990")],
)
def test_a_birthday_typed_the_local_way_is_saved(
    qtbot: Any, locale_named: Any, greeting: AppContext, window: MainWindow, locale: str, typed: str
) -> None:
    locale_named(locale)
    window.resize(900, 600)
    dialog = _add_thing_dialog(qtbot, greeting, window)
    birthday = dialog.editors["birthday"]
    assert isinstance(birthday, OptionalDateEditor)
    qtbot.keyClicks(dialog.editors["name"].line, "Grace")
    qtbot.keyClicks(birthday.line, typed)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.data_area.things_model.rowCount() == 2)
    (grace,) = greeting.data.things_page("User", "Grace", 0, 10)
    zone = birthday.zone_info
    stored = datetime.fromisoformat(grace.data["birthday"])
    assert stored == datetime(1990, 5, 14, 9, 0, tzinfo=zone)


def test_a_date_it_cannot_read_is_said_in_the_forms_words_and_nothing_moves(
    qtbot: Any, locale_named: Any, greeting: AppContext, window: MainWindow
) -> None:
    locale_named("en_US")
    window.resize(900, 600)
    dialog = _add_thing_dialog(qtbot, greeting, window)
    birthday = dialog.editors["birthday"]
    qtbot.keyClicks(dialog.editors["name"].line, "Grace")
    qtbot.keyClicks(birthday.line, "14/05/1990")  # day first: not a US date
    where = birthday.mapTo(dialog, birthday.rect().topLeft())
    seen = birthday.visibleRegion().boundingRect()
    size = dialog.size()
    assert seen.height() == birthday.height()  # the whole field in sight
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    assert dialog.problem.text() == "Birthday: type a date like 5/14/1990, or pick a day"
    assert "ISO" not in dialog.problem.text()
    # Nothing jumps: the field is where it was, whole, in a dialog of the same size.
    assert dialog.size() == size
    assert birthday.mapTo(dialog, birthday.rect().topLeft()) == where
    assert birthday.visibleRegion().boundingRect() == seen
    assert len(greeting.data.things_page("User", "", 0, 10)) == 1  # nothing added
    # Hostile text says the same, and nothing is added either.
    birthday.line.setText("14th of Smarch \udcff" + "9" * 500)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.problem.text().startswith("Birthday: type a date like")
    assert len(greeting.data.things_page("User", "", 0, 10)) == 1
    # The form fits a 600-pixel-high window: every field shows without scrolling.
    assert dialog.height() <= 600
