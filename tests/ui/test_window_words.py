"""The window speaks a beginner's words: parameters by their titles, dates in the
locale's words, time zones by city, never keys, JSON or Python reprs."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import QLocale, Qt

from app.storage import views
from app.ui.dialogs.run_dialog import RunDialog
from app.ui.dialogs.schedule_sections import REPEAT_EVERY
from app.ui.models.runs import UpcomingRunsModel
from app.ui.shell.context import AppContext
from app.ui.shell.main_window import MainWindow
from app.ui.widgets import formatting
from app.workflow_file import import_text

PARTY = """
cueflow: 1
data_types:
  User:
    fields: {email: text, name: text}
things:
  User:
    - {id: ada, email: ada@example.com, name: Ada}
    - {id: bob, email: bob@example.com, name: Bob}
workflows:
  plan_party:
    label: Plan a party
    parameters:
      host: {type: User}
      guests: {type: list of User}
      start_date: {type: date}
      head_count: {type: number}
      with_cake: {type: yes/no}
      note: {type: text, optional: true}
    steps:
      - action: log
        with: {message: "{{ host.name }}"}
"""
START = datetime(2030, 12, 15, 12, 0, tzinfo=ZoneInfo("UTC"))


@pytest.fixture
def party(context: AppContext) -> AppContext:
    import_text(context.db, PARTY)
    return context


@pytest.fixture
def german() -> Iterator[None]:
    before = QLocale()
    QLocale.setDefault(QLocale(QLocale.Language.German, QLocale.Country.Germany))
    yield
    QLocale.setDefault(before)


def _schedule_party(party: AppContext) -> None:
    party.service.schedule(
        "plan_party",
        {
            "host": "ada",
            "guests": ["ada", "bob"],
            "start_date": START.isoformat(),
            "head_count": 12,
            "with_cake": True,
        },
        at=START,
    )


def test_upcoming_names_parameters_by_their_titles_and_values_in_words(
    party: AppContext,
) -> None:
    _schedule_party(party)
    model = UpcomingRunsModel(party.db)
    cell = model.index(0, UpcomingRunsModel.COL_PARAMS)
    text = cell.data()
    when = formatting.when_words(START)
    assert text.startswith(f"Host: Ada, Guests: Ada, Bob, Start date: {when}, Head count: 12")
    assert "host:" not in text and "start_date" not in text and "_" not in text
    tip = cell.data(Qt.ItemDataRole.ToolTipRole)
    lines = tip.splitlines()
    assert lines[0] == "Host: Ada (ID ada)"  # the thing's label, its ID for who needs it
    assert lines[1] == "Guests: Ada, Bob (IDs ada, bob)"
    assert f"Start date: {when}" in lines
    assert "With cake: yes" in lines
    assert "{" not in tip and '"' not in tip  # no JSON


def test_upcoming_dates_read_in_the_windows_language(party: AppContext, german: None) -> None:
    _schedule_party(party)
    model = UpcomingRunsModel(party.db)
    text = model.index(0, UpcomingRunsModel.COL_PARAMS).data()
    assert "Dez." in text  # December as a German reads it, in the words of the locale
    scheduled = model.index(0, UpcomingRunsModel.COL_SCHEDULED).data()
    assert "Dez." in scheduled and "Dec" not in scheduled


def open_dialog(window: MainWindow, workflow: str) -> RunDialog:
    window.workflows_area.refresh_list()
    window.workflows_area.select(workflow)
    dialog = window.workflows_area.open_run_dialog(False)
    assert isinstance(dialog, RunDialog)
    return dialog


def test_the_parameter_forms_problems_name_the_title_not_the_key(
    qtbot: Any, party: AppContext, window: MainWindow
) -> None:
    dialog = open_dialog(window, "plan_party")
    host = dialog.editors["host"]
    qtbot.waitUntil(lambda: host.value() == "ada")  # the first thing, once loaded
    assert "Start date is needed" in dialog.problem.text()
    dialog.editors["start_date"].set_value(START)
    host.combo.setEditText("nobody-here")
    qtbot.waitUntil(lambda: not dialog.ok_button.isEnabled())
    problem = dialog.problem.text()
    assert problem.startswith("Host: ") or "Host" in problem.split(":")[0], problem
    assert "parameter 'host'" not in problem and "'host'" not in problem
    assert dialog.field_errors["host"].text() == dialog.params_form.field_errors["host"].text()
    assert "'host'" not in dialog.field_errors["host"].text()
    with party.db.read() as session:
        assert views.upcoming_page(session, views.RunFilter()) == []
    dialog.close()


def test_a_required_text_is_asked_for_by_its_title(
    qtbot: Any, context: AppContext, window: MainWindow
) -> None:
    import_text(
        context.db,
        "cueflow: 1\nworkflows:\n  note:\n    parameters:\n      due_title: {type: text}\n"
        "    steps:\n      - action: log\n        with: {message: x}\n",
    )
    dialog = open_dialog(window, "note")
    assert "Due title needs a value" in dialog.problem.text()
    assert dialog.field_errors["due_title"].text() == "Due title needs a value"
    dialog.close()


def test_repeat_offers_utc_and_cities_with_offsets_not_zone_keys(
    qtbot: Any, party: AppContext, window: MainWindow
) -> None:
    dialog = open_dialog(window, "plan_party")
    repeat = dialog.repeat
    zone = repeat.zone
    shown = [zone.itemText(i) for i in range(zone.count())]
    assert shown[0] == "UTC" and shown.count("UTC") == 1
    assert not [words for words in shown if "/" in words or words.startswith("Etc")]
    berlin = zone.findData("Europe/Berlin")
    assert zone.itemText(berlin).startswith("Berlin, UTC+0")
    assert zone.itemData(berlin, Qt.ItemDataRole.ToolTipRole) == "Europe/Berlin"
    assert len(set(shown)) == len(shown)  # another name of the same zone is left out
    buenos_aires = zone.findText("Buenos Aires, UTC-03:00")
    assert zone.itemData(buenos_aires) == "America/Argentina/Buenos_Aires"

    repeat.kind.setCurrentIndex(REPEAT_EVERY)
    zone.setCurrentIndex(berlin)
    assert repeat.timezone_name() == "Europe/Berlin"
    assert repeat.summary.text().endswith("(Berlin).")
    zone.setEditText("tokyo")  # a city typed alone
    assert repeat.timezone_name() == "Asia/Tokyo" and not repeat.problem()
    zone.setEditText("America/New_York")  # a key, as before
    assert repeat.timezone_name() == "America/New_York" and not repeat.problem()
    zone.setEditText("Nowhere/At_all")
    assert "unknown time zone" in repeat.problem() and not dialog.ok_button.isEnabled()
    repeat.set_zone("Etc/UTC")  # a schedule stored with a key shows its words
    assert zone.currentText() == "UTC" and repeat.timezone_name() == "UTC"
    assert repeat.summary.text().endswith("(UTC).")
    dialog.close()
