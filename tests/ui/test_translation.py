"""A translator is actually loaded: the window speaks the user's language where a
translation exists (issue 14 item 3), and the shipped .qm matches its .ts."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import UTC
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, QLocale, Qt, QTranslator
from PySide6.QtWidgets import QApplication, QMenu

from app.paths import resource_root
from app.ui.shell.translation import install_translators


@pytest.fixture
def installing(qapp: QApplication) -> Iterator[Any]:
    """install_translators for a locale; what it installed is removed afterwards."""
    before = set(qapp.findChildren(QTranslator))
    yield lambda name: install_translators(qapp, QLocale(name))
    for translator in set(qapp.findChildren(QTranslator)) - before:
        QCoreApplication.removeTranslator(translator)
        translator.deleteLater()


@pytest.fixture
def german(installing: Any) -> list[str]:
    loaded: list[str] = installing("de_DE")
    return loaded


def test_german_loads_qt_and_cueflow_translations(german: list[str], context: Any) -> None:
    from app.ui.shell.main_window import MainWindow

    assert "cueflow_de" in german and "qtbase_de" in german
    window = MainWindow(context)
    try:
        menu = window.menuBar().findChild(QMenu, "menuFile")
        assert menu.title() == "&Datei"
        assert window.file_actions.import_action.text() == "&Workflow-Datei importieren…"
    finally:
        window.close()
        window.deleteLater()


def test_a_language_without_translations_stays_in_english(installing: Any) -> None:
    assert "cueflow_en" not in installing("en_US")
    assert QCoreApplication.translate("MainWindow", "&File") == "&File"


def test_the_shipped_qm_holds_every_translation_of_its_ts() -> None:
    folder = resource_root() / "translations"
    translator = QTranslator()
    assert translator.load(str(folder / "cueflow_de.qm"))
    root = ET.parse(str(folder / "cueflow_de.ts")).getroot()
    checked = 0
    for context in root.iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            wanted = message.findtext("translation") or ""
            if wanted:
                source = message.findtext("source") or ""
                assert translator.translate(name, source) == wanted, source
                checked += 1
    assert checked >= 50


def test_german_reaches_the_editor_the_scheduler_and_the_data_area(
    german: list[str], qtbot: Any, greeting: Any
) -> None:
    """Labels of the workflow editor, the Scheduler and the Data area come out German,
    and so do the words the window adds around the engine's (the "only when" badge)."""
    from app.ui.shell.main_window import AREA_DATA, MainWindow
    from app.workflow_file import import_text

    import_text(
        greeting.db,
        "cueflow: 1\nworkflows:\n  quiet:\n    parameters: {loud: {type: yes/no}}\n"
        "    steps:\n      - {action: log, only_when: 'loud ~ 1 == 2', with: {message: m}}\n",
    )
    window = MainWindow(greeting)
    qtbot.addWidget(window)
    try:
        area = window.workflows_area
        area.refresh_list()
        area.select("quiet")
        editor = area.editor
        qtbot.waitUntil(lambda: editor.workflow is not None and editor.workflow.name == "quiet")
        assert editor.add_step_button.text() == "Schritt hinzufügen"
        sidebar = window.sidebar
        assert [sidebar.item(i).text() for i in range(sidebar.count())] == [
            "Workflows",
            "Planer",
            "Daten",
            "Einstellungen",
        ]
        assert sidebar.sizeHintForColumn(0) <= sidebar.width()  # no scroll bar for them
        assert editor.flow.card(1).condition == "nur wenn eine Bedingung erfüllt ist"
        tabs = window.scheduler_area.tabs
        assert [tabs.tabText(i) for i in range(tabs.count())] == [
            "Anstehend",
            "Verlauf",
            "Zeitpläne",
            "Zeitleiste",
        ]
        window.show_area(AREA_DATA)
        assert window.data_area.add_thing_button.text() == "Ding hinzufügen"
    finally:
        window.close()


def test_every_word_an_action_declares_is_marked_for_translation() -> None:
    """The engine is Qt-free: its actions' words reach lupdate through action_words.WORDS."""
    from app.actions import registry
    from app.ui.action_words import WORDS

    declared = set()
    for spec in registry.actions().values():
        declared |= {spec.label, spec.result}
        declared |= {text for item in spec.inputs for text in (item.title, item.help)}
    assert declared - {""} <= set(WORDS)


def test_actions_speak_german_in_the_editor(german: list[str], context: Any) -> None:
    """A Send email step in a German window: its label and its inputs' titles translated."""
    from app.actions import registry
    from app.core.definitions import StepDef
    from app.ui.action_words import action_words
    from app.ui.areas.workflows.action_menu import ActionMenu
    from app.ui.widgets.step_form import StepForm

    assert action_words("Send email") == "E-Mail senden"
    menu = ActionMenu()
    try:
        texts = {action.data(): action.text() for action in menu.shown_actions()}
        assert texts["send_email"] == "E-Mail senden"
        assert texts["http_request"] == "Web-API aufrufen"
        untranslated = [
            name
            for name, text in texts.items()
            if text == registry.get(name).label  # type: ignore[union-attr]
        ]
        assert untranslated == [], untranslated
    finally:
        menu.deleteLater()
    form = StepForm(StepDef("send_email", {"to": "a@example.com"}), [], [], {})
    try:
        assert form.widgets["to"].accessibleName() == "An"
        assert form.widgets["subject"].accessibleName() == "Betreff"
    finally:
        form.deleteLater()


def test_german_reaches_words_made_outside_a_widgets_own_tr(
    german: list[str], qtbot: Any, greeting: Any
) -> None:
    """Words looked up in another context than the caller's class (the runs tables'
    headers and statuses, who started a run, the tray's Qt-free presenter, History's
    values and the Settings page) come out German too, not only those lupdate saw
    as self.tr() of the class that shows them."""
    from app.ui.areas.scheduler.run_details import value_text
    from app.ui.models.runs import HistoryRunsModel, origin_words, status_words
    from app.ui.shell.bridge import EventBridge
    from app.ui.shell.main_window import AREA_SETTINGS, MainWindow
    from app.ui.shell.tray import CueflowTray

    assert origin_words("cli") == "Kommandozeile"
    assert status_words("failed") == "Fehlgeschlagen"
    from datetime import datetime, timedelta

    from app.ui.widgets import formatting

    now = datetime(2030, 1, 1, tzinfo=UTC)
    assert formatting.relative(now + timedelta(days=3), now) == "in 3 Tagen"
    assert formatting.relative(now - timedelta(minutes=5), now) == "vor 5 min"
    assert status_words("skipped") == "Übersprungen"  # a step card's chip: "Übersprungen · 2 ms"
    model = HistoryRunsModel(greeting.db)
    assert model.headerData(2, Qt.Orientation.Horizontal) == "Geplant für"
    assert model.headerData(5, Qt.Orientation.Horizontal) == "Status"
    assert value_text(True) == "ja"
    bridge = EventBridge(greeting.events)
    tray = CueflowTray(greeting, bridge)
    try:
        assert tray.open_action.text() == "Cueflow öffnen"
        assert tray.pause_action.text() == "Planer pausieren"
        assert tray.tooltip().startswith("Cueflow — untätig")
    finally:
        tray.dispose()
        bridge.close()
    window = MainWindow(greeting)
    qtbot.addWidget(window)
    try:
        window.show_area(AREA_SETTINGS)
        security = window.settings_area.fields["smtp.security"]
        assert security.itemText(1) == "STARTTLS (meist Port 587)"
    finally:
        window.close()


def test_a_german_window_still_shrinks_to_900_by_600(
    german: list[str], qtbot: Any, greeting: Any
) -> None:
    """German words are longer: Upcoming's buttons go under the filter and its empty
    hint ends in "…" rather than holding the window wider than 900 px."""
    from app.ui.shell.main_window import AREA_SCHEDULER, MainWindow

    window = MainWindow(greeting)
    qtbot.addWidget(window)
    window.show()
    try:
        window.show_area(AREA_SCHEDULER)
        window.resize(1400, 900)
        qtbot.waitUntil(lambda: window.width() == 1400)
        window.resize(900, 600)
        qtbot.waitUntil(lambda: window.width() == 900)
        page = window.scheduler_area.upcoming_page
        assert page.cancel_selected_button.text() == "Ausgewählte abbrechen"
        qtbot.waitUntil(lambda: page.button_row.indexOf(page.pause_button) >= 0)
        # each button whole, inside the page, once the moved row is laid out
        qtbot.waitUntil(lambda: all(b.width() >= b.sizeHint().width() for b in page.buttons))
        for button in page.buttons:
            assert page.rect().contains(button.geometry()), button.text()
        page.empty.show_hint(True)
        assert page.empty.shown() and page.empty.toolTip() == page.empty.hint
    finally:
        window.close()


def test_history_details_name_steps_and_inputs_in_german(
    german: list[str], qtbot: Any, greeting: Any
) -> None:
    """History's step tree shows the action's and its inputs' own words translated,
    as the editor does ("1 · E-Mail senden", "Betreff"), not the engine's English."""
    from app.engine.runner import Runner
    from app.ui.areas.scheduler.run_details import RunDetails

    run_id = Runner(greeting.db).run_now("greet", {"user": "ada"})  # no mail server: fails
    details = RunDetails(greeting.db)
    qtbot.addWidget(details)
    details.show_run(run_id)
    text = details.details_text()
    assert "1 · E-Mail senden: Fehlgeschlagen" in text
    assert "Betreff: Hello Ada" in text and "Subject" not in text
