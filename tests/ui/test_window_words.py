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
    assert repeat.problem().startswith("no time zone is called 'Nowhere/At_all': type a city")
    assert not dialog.ok_button.isEnabled()
    zone.setEditText("\udcff" * 5000)  # hostile: not UTF-8, huge; one short line
    assert "no time zone" in repeat.problem() and len(repeat.problem()) < 200
    repeat.set_zone("Etc/UTC")  # a schedule stored with a key shows its words
    assert zone.currentText() == "UTC" and repeat.timezone_name() == "UTC"
    assert repeat.summary.text().endswith("(UTC).")
    dialog.close()


def test_settings_say_the_mail_security_and_time_zone_in_words(
    window: MainWindow, context: AppContext
) -> None:
    from app.storage import settings
    from app.ui.shell.main_window import AREA_SETTINGS

    window.show_area(AREA_SETTINGS)
    area = window.settings_area
    security = area.fields["smtp.security"]
    shown = [security.itemText(i) for i in range(security.count())]
    assert shown[0].startswith("None (plain") and shown[1].startswith("STARTTLS (")
    security.setCurrentIndex(security.findData("tls"))  # saved when chosen
    with context.db.read() as session:
        assert settings.get(session, "smtp.security") == "tls"
    area.reload()
    assert security.currentText().startswith("TLS (usually port 465)")
    zone = area.zone_label.text()
    assert not zone.startswith("Etc/") and (zone == "UTC" or ", UTC" in zone)


TRIGGERED = """
cueflow: 1
triggers:
  welcome_new_user:
    data_type: User
    on: [created, modified]
    only_when: "thing_now.email is not none"
    workflow: plan_party
    params: {host: "{{ thing_now }}", start_date: "{{ now }}"}
"""


def test_the_trigger_editor_names_workflows_and_parameters_as_the_run_form(
    party: AppContext, window: MainWindow
) -> None:
    from app.ui.areas.data.area import TAB_TRIGGERS
    from app.ui.shell.main_window import AREA_DATA

    import_text(party.db, TRIGGERED)
    window.show_area(AREA_DATA)
    area = window.data_area
    area.tabs.setCurrentIndex(TAB_TRIGGERS)
    editor = area.triggers_editor
    editor.reload()
    listed = editor.trigger_list.item(0).text()
    assert "→ Plan a party" in listed and "plan_party" not in listed
    assert "created or modified" in listed
    labels = [
        editor.params_form.itemAt(row, editor.params_form.ItemRole.LabelRole).widget().text()
        for row in range(editor.params_form.rowCount())
    ]
    assert labels[:3] == ["Host (User)", "Guests (list of User)", "Start date (date)"]
    assert "Note (text, optional)" in labels
    assert "thing_before" not in editor.params_box.title()
    words = editor.condition_words
    assert words.isVisibleTo(editor) and words.text() == "Reads: thing now's email is not empty"
    editor.condition_edit.setText("thing_now.emial is not none and")  # no words for an error
    assert not words.isVisibleTo(editor) and editor.condition_error.isVisibleTo(editor)
    editor.param_edits["head_count"].setText("{{ thing_after }}")
    assert editor.problem.text().startswith("Only when:")
    assert any(p.startswith("Head count: ") for p in editor.check())


def test_a_privacy_rules_condition_reads_in_words_under_it(
    greeting: AppContext, window: MainWindow
) -> None:
    from app.ui.areas.data.area import TAB_PRIVACY
    from app.ui.shell.main_window import AREA_DATA

    window.show_area(AREA_DATA)
    area = window.data_area
    area.type_tabs.setCurrentIndex(TAB_PRIVACY)
    editor = area.privacy_editor
    editor.add_rule_button.click()
    editor.condition_edit.setText("thing.email == current_user.email")
    words = editor.condition_words
    assert words.isVisibleTo(editor)
    assert words.text() == "Reads: thing's email is current user's email"
    editor.condition_edit.setText("thing.email == current_usr.email")  # an error, no words
    assert not words.isVisibleTo(editor) and editor.condition_error.isVisibleTo(editor)


def test_the_tray_and_the_history_chart_name_days_in_the_windows_language(
    qtbot: Any, greeting: AppContext, german: None
) -> None:
    from datetime import date, timedelta

    from app.core.types import local_zone, utcnow
    from app.engine.schedule_queries import DaySummary
    from app.ui.areas.scheduler.history_chart import HistoryChart
    from app.ui.shell.bridge import EventBridge
    from app.ui.shell.tray import CueflowTray

    at = utcnow() + timedelta(days=2)
    greeting.service.schedule("greet", {"user": "ada"}, at=at)
    bridge = EventBridge(greeting.events)
    tray = CueflowTray(greeting, bridge)
    try:
        tray.menu.aboutToShow.emit()
        day = formatting.day_name(at.astimezone(local_zone()))
        assert day.endswith(".")  # German short names: "Mo.", "Fr."
        assert f"({day} " in tray.upcoming_actions[0].text()
    finally:
        tray.dispose()
        bridge.close()
    chart = HistoryChart()
    qtbot.addWidget(chart)
    friday = date(2030, 12, 13)
    chart.set_days([DaySummary(friday, {"succeeded": 2}, [1.0, 2.0])])
    assert chart.summary().startswith("Fr. 13 Dez.:")


def test_the_editor_shows_a_scheduling_steps_parameters_by_their_titles(
    qtbot: Any, context: AppContext, window: MainWindow
) -> None:
    from importlib import resources

    from app.engine.runner import Runner

    text = resources.files("resources").joinpath("examples/birthday.yaml").read_text()
    import_text(context.db, text)
    with context.db.read() as session:
        rows = views.thing_choice_rows(session, "User", 10)
    ada = next(thing_id for thing_id, _, data in rows if data["name"] == "Ada")
    Runner(context.db).run_now(
        "send_birthday_email",
        {"user": ada, "birthday": "2026-12-10T09:00:00+00:00"},
        run_as=ada,
        captured=True,  # the email previewed: both steps run
    )
    area = window.workflows_area
    area.refresh_list()
    area.select("send_birthday_email")
    editor = area.editor
    qtbot.waitUntil(lambda: editor.flow.card(2).status != "", timeout=5000)
    assert not editor.flow.card(2).status_text.startswith(editor.flow.card(2).status)
    editor.select_step(1)
    panel = editor.step_panel
    qtbot.waitUntil(lambda: panel.last_table.rowCount() > 0, timeout=5000)
    rows = {
        panel.last_table.item(r, 0).text(): panel.last_table.item(r, 1).text()
        for r in range(panel.last_table.rowCount())
    }
    assert "User: Ada" in rows["Parameters"] and "user:" not in rows["Parameters"]
    assert ada not in rows["Parameters"]  # the thing by its label, not its ID
    assert (
        f"Birthday: {formatting.when_words(datetime(2027, 12, 10, 9, tzinfo=ZoneInfo('UTC')))}"
        in (rows["Parameters"])
    )
    assert panel.last_status.text().split(" in ")[0] in ("Succeeded", "Failed")
