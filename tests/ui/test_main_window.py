"""The main window: areas, menus, preferences, status bar, start-up, data, settings."""

from __future__ import annotations

import dataclasses
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence

from app.scheduling.lock import FolderLock
from app.storage import catalog, secrets, settings
from app.ui.shell.context import AppContext
from app.ui.shell.main_window import AREA_DATA, AREA_SCHEDULER, AREA_SETTINGS, MainWindow


def test_menus_have_stable_names_and_standard_shortcuts(window: MainWindow) -> None:
    def action(name: str) -> QAction:
        found = window.findChild(QAction, name)
        assert found is not None, name
        return found

    assert action("actionNewWorkflow").shortcut() == QKeySequence(QKeySequence.StandardKey.New)
    assert action("actionUndo").shortcut() == QKeySequence(QKeySequence.StandardKey.Undo)
    assert action("actionRedo").shortcuts() == QKeySequence.keyBindings(
        QKeySequence.StandardKey.Redo
    )
    assert action("actionFind").shortcut() == QKeySequence(QKeySequence.StandardKey.Find)
    assert action("actionQuit").shortcut() == QKeySequence(QKeySequence.StandardKey.Quit)
    assert not action("actionUndo").isEnabled()


def test_area_and_geometry_are_kept(qtbot: Any, context: AppContext) -> None:
    first = MainWindow(context)
    qtbot.addWidget(first)
    first.show_area(AREA_DATA)
    first.resize(1000, 700)
    first.close()
    second = MainWindow(context)
    qtbot.addWidget(second)
    assert second.current_area() == AREA_DATA
    assert second.size().height() == 700  # not the default 800: the geometry came back
    assert (context.data_dir / "window.ini").exists()


def test_status_bar_shows_the_scheduler(qtbot: Any, greeting: AppContext) -> None:
    from datetime import timedelta

    from app.core.types import utcnow

    greeting.service.schedule(
        "greet", {"user": "ada"}, at=utcnow() + timedelta(minutes=4, seconds=30)
    )
    greeting.start_clock()
    window = MainWindow(greeting)
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: "next run in 4 min" in window.scheduler_label.text(), timeout=3000)
    assert window.scheduler_label.text().startswith("Running · ")
    greeting.stop_clock()
    qtbot.waitUntil(lambda: window.scheduler_label.text() == "Scheduler stopped", timeout=3000)
    window.close()


def test_a_finished_run_is_said_in_the_status_bar_by_its_workflow_title(
    qtbot: Any, greeting: AppContext
) -> None:
    from app.core.types import utcnow

    window = MainWindow(greeting)
    qtbot.addWidget(window)
    title = window.workflows_area.editor.workflow_titles["greet"]
    greeting.service.schedule("greet", {"user": "ada"}, at=utcnow())
    greeting.start_clock()
    try:
        # (it fails: no mail server here; what matters is how it is said)
        qtbot.waitUntil(lambda: window.statusBar().currentMessage() == f"{title}: failed")
        assert title == "Greet a user"
    finally:
        greeting.stop_clock()
    window.close()


def test_load_examples_fills_an_empty_folder(
    qtbot: Any, window: MainWindow, context: AppContext
) -> None:
    lines = window.load_examples()
    assert any("birthday.yaml" in line for line in lines)
    assert "send_birthday_email" in window.workflows_area.workflow_names()
    window.show_area(AREA_DATA)
    assert window.data_area.type_list.count() >= 1


def test_load_examples_again_offers_replace_keep_both_or_skip(
    qtbot: Any, window: MainWindow, context: AppContext
) -> None:
    from app.ui.dialogs.example_import import KEEP_BOTH, REPLACE, SKIP

    window.load_examples()
    with context.db.write() as session:  # an edit that Replace overwrites
        wf = catalog.get_workflow(session, "send_birthday_email")
        catalog.save_workflow(session, dataclasses.replace(wf, label="Mine"))
    asked: list[tuple[str, list[str]]] = []
    reported: list[list[str]] = []
    window.report_examples = reported.append  # type: ignore[method-assign]
    answers = {"birthday.yaml": KEEP_BOTH, "daily_digest.yaml": REPLACE}

    def ask(file_name: str, taken: list[str]) -> str:
        asked.append((file_name, taken))
        return answers.get(file_name, SKIP)

    window.ask_example_conflict = ask  # type: ignore[method-assign]
    lines = window.load_examples()
    assert [name for name, _ in asked] == [
        "birthday.yaml",
        "daily_digest.yaml",
        "trial_reminder.yaml",
    ]
    assert "workflows.send_birthday_email" in asked[0][1]
    assert reported == [lines]  # said in a message that stays, one line per file
    assert "kept both (send_birthday_email → send_birthday_email_2" in lines[0]
    assert "replaced" in lines[1] and "skipped" in lines[2]
    with context.db.read() as session:
        names = set(catalog.workflow_names(session))
        kept = catalog.get_workflow(session, "send_birthday_email")
        copy = catalog.get_workflow(session, "send_birthday_email_2")
    assert kept.label == "Mine"
    # the copy's call to itself follows its new name
    assert [s.inputs.get("workflow") for s in copy.steps if "workflow" in s.inputs] == [
        "send_birthday_email_2"
    ]
    assert "send_birthday_email_2" in window.workflows_area.workflow_names()
    assert len([n for n in names if n.startswith("send_birthday_email")]) == 2


def test_cli_without_a_command_opens_the_window(monkeypatch: Any, tmp_path: Any) -> None:
    import app.ui.shell.app
    from app.cli import main

    seen: list[Any] = []
    monkeypatch.setattr(
        app.ui.shell.app,
        "run_window",
        lambda folder, tray_only=False, database_url=None: (
            seen.append((folder, tray_only, database_url)) or 0
        ),
    )
    assert main(["--data-dir", str(tmp_path / "d")]) == 0
    assert main(["--tray", "--data-dir", str(tmp_path / "d")]) == 0
    url = "postgresql://cueflow@db.example.com/cueflow"
    assert main(["--data-dir", str(tmp_path / "d"), "--database-url", url]) == 0
    folder = (tmp_path / "d").resolve()
    assert seen == [(folder, False, None), (folder, True, None), (folder, False, url)]


def test_second_window_for_the_same_folder_exits_2(tmp_path: Any, capsys: Any) -> None:
    from app.ui.shell.app import run_window

    folder = tmp_path / "d"
    with FolderLock(folder):
        assert run_window(folder) == 2
    assert "already runs" in capsys.readouterr().err


def test_data_area_types_fields_and_things(
    qtbot: Any, greeting: AppContext, window: MainWindow
) -> None:
    window.show_area(AREA_DATA)
    area = window.data_area
    assert area.current is not None and area.current.name == "User"
    qtbot.mouseClick(area.add_field_button, Qt.MouseButton.LeftButton)
    with greeting.db.read() as session:
        assert [f.name for f in catalog.get_data_type(session, "User").fields] == [
            "email",
            "name",
            "field1",
        ]
    qtbot.mouseClick(area.add_thing_button, Qt.MouseButton.LeftButton)
    assert area.add_thing_dialog is not None
    area.add_thing_dialog.editors["name"].line.setText("Bea")
    qtbot.mouseClick(area.add_thing_dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: area.things_model.rowCount() == 2)  # read on a worker
    area.search_edit.setText("ada@")
    qtbot.waitUntil(lambda: area.things_model.rowCount() == 1)
    area.create_type("Customer")
    assert area.current is not None and area.current.name == "Customer"


def test_the_data_area_refuses_names_the_importer_refuses(
    qtbot: Any, greeting: AppContext, window: MainWindow
) -> None:
    window.show_area(AREA_DATA)
    area = window.data_area
    messages: list[str] = []
    area.status_message.connect(messages.append)
    area.create_type("_private")  # a Python word, but not a data type name in a workflow file
    assert messages == [
        "'_private' cannot be a new data type name: a data type name starts "
        "with a letter and uses A-Z, a-z, 0-9, _"
    ]
    assert "_private" not in area.types
    area.fields_table.item(0, 0).setText("id")  # `id` is every thing's own ID
    assert messages[-1] == "data_types.User.fields.id: 'id' cannot be a field name"
    with greeting.db.read() as session:
        assert [f.name for f in catalog.get_data_type(session, "User").fields] == ["email", "name"]


def test_renaming_a_field_moves_the_stored_values(
    qtbot: Any, greeting: AppContext, window: MainWindow
) -> None:
    from app.core.definitions import Privacy, PrivacyRule

    with greeting.db.write() as session:  # a rule showing the field, to follow the rename
        rule = PrivacyRule("own", "thing.id == current_user.id", ("email",), find=True)
        definition = catalog.get_data_type(session, "User")
        catalog.save_data_type(session, dataclasses.replace(definition, privacy=Privacy((rule,))))
    window.show_area(AREA_DATA)
    area = window.data_area
    messages: list[str] = []
    area.status_message.connect(messages.append)
    item = area.fields_table.item(0, 0)
    assert item.text() == "email"
    item.setText("mail")  # what typing over the name in the fields table does
    with greeting.db.read() as session:
        user = catalog.get_data_type(session, "User")
        ada = catalog.get_thing(session, "ada")
    assert [f.name for f in user.fields] == ["mail", "name"]
    assert user.privacy.rules[0].view == ("mail",)
    assert ada.raw == {"mail": "ada@example.com", "name": "Ada"}
    assert messages == ["Renamed the field email to mail (1 User kept its value)"]


def test_settings_are_saved_and_the_password_refused_without_a_keychain(
    qtbot: Any, window: MainWindow, context: AppContext, monkeypatch: Any
) -> None:
    window.show_area(AREA_SETTINGS)
    area = window.settings_area
    host = area.fields["smtp.host"]
    host.setText("mail.example.com")
    host.editingFinished.emit()
    with context.db.read() as session:
        assert settings.get(session, "smtp.host") == "mail.example.com"
    assert area.zone_label.text()
    assert area.store_password_button.isEnabled()  # the test keyring is usable

    monkeypatch.setattr(secrets, "is_usable", lambda: False)
    area.reload()
    assert not area.store_password_button.isEnabled()
    assert area.keyring_label.text() == (
        "This computer has no password store (keychain) Cueflow can use; "
        "the SMTP password cannot be saved."
    )
    assert "keyring" not in area.keyring_label.text()  # no backend class name shown


def test_send_test_email_does_not_block(
    qtbot: Any, window: MainWindow, context: AppContext, smtp_server: Any
) -> None:
    smtp_server.configure(context.db)
    window.show_area(AREA_SETTINGS)
    area = window.settings_area
    area.reload()
    area.test_to.setText("me@example.com")
    with qtbot.waitSignal(area.test_email_finished, timeout=10_000) as blocker:
        qtbot.mouseClick(area.test_button, Qt.MouseButton.LeftButton)
    assert blocker.args[0] is True, blocker.args
    assert smtp_server.messages[0]["to"] == ["me@example.com"]


def test_find_focuses_the_filter_of_the_area(qtbot: Any, window: MainWindow) -> None:
    window.show_area(AREA_SCHEDULER)
    window.activateWindow()
    window.find_action.trigger()
    qtbot.waitUntil(lambda: window.scheduler_area.upcoming_filter.hasFocus(), timeout=2000)
