"""The thing pickers read their choices on a worker thread: "Loading…" until they
are in, and what was selected or typed meanwhile stays selected when they arrive."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from PySide6.QtCore import QItemSelectionModel

from app.engine import run_queries
from app.engine.data import DataService
from app.ui.dialogs.run_dialog import RunDialog
from app.ui.shell.context import AppContext
from app.ui.shell.main_window import MainWindow
from app.ui.widgets.inputs import ThingPicker
from app.workflow_file import import_text

MORE_USERS = """
cueflow: 1
things:
  User:
    - {id: bob, email: bob@example.com, name: Bob}
    - {id: bob2, email: bob@example.com, name: Bob}
"""


class Gate:
    """Holds a read on its worker thread until opened; notes the thread of each read."""

    def __init__(self, read: Callable[..., Any]) -> None:
        self.read = read
        self.opened = threading.Event()
        self.threads: list[threading.Thread] = []

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        self.threads.append(threading.current_thread())
        assert self.opened.wait(10), "the test never opened the gate"
        return self.read(*args, **kwargs)


@pytest.fixture
def gate_things(greeting: AppContext, monkeypatch: pytest.MonkeyPatch) -> Iterator[Gate]:
    """Every DataService's thing_choices, held at the gate."""
    import_text(greeting.db, MORE_USERS)
    gate = Gate(DataService.thing_choices)
    monkeypatch.setattr(DataService, "thing_choices", lambda self, *a: gate(self, *a))
    yield gate
    gate.opened.set()


def test_the_picker_says_loading_and_keeps_a_thing_selected_meanwhile(
    qtbot: Any, greeting: AppContext, gate_things: Gate
) -> None:
    picker = ThingPicker(greeting.data, "User")
    qtbot.addWidget(picker)
    qtbot.waitUntil(lambda: bool(gate_things.threads))
    assert picker.loading and picker.combo.count() == 0
    assert picker.combo.lineEdit().placeholderText() == "Loading…"
    assert picker.value() is None
    with qtbot.waitSignal(picker.changed):
        picker.select("bob2")
    assert picker.value() == "bob2"  # the selection counts before the choices are in
    gate_things.opened.set()
    qtbot.waitUntil(lambda: not picker.loading)
    assert all(t is not threading.main_thread() for t in gate_things.threads)
    assert picker.combo.lineEdit().placeholderText() == ""
    shown = [picker.combo.itemText(i) for i in range(picker.combo.count())]
    # by label; only the two Bobs that read the same show their IDs
    assert shown == [
        "Ada <ada@example.com>",
        "Bob <bob@example.com> · bob",
        "Bob <bob@example.com> · bob2",
    ]
    assert picker.combo.currentText() == "Bob <bob@example.com> · bob2"
    assert picker.value() == "bob2"


def test_text_typed_while_loading_stays_and_the_first_thing_is_the_default(
    qtbot: Any, greeting: AppContext, gate_things: Gate
) -> None:
    typed = ThingPicker(greeting.data, "User")
    default = ThingPicker(greeting.data, "User", "(none)")
    for picker in (typed, default):
        qtbot.addWidget(picker)
    qtbot.waitUntil(lambda: len(gate_things.threads) == 2)
    typed.select("ada")
    typed.combo.setEditText("Ada <ada@example.com>")  # typed after the select: it wins
    assert typed.value() == "Ada <ada@example.com>"
    gate_things.opened.set()
    qtbot.waitUntil(lambda: not typed.loading and not default.loading)
    assert typed.value() == "ada"  # the text typed is Ada's label
    assert default.combo.currentText() == "(none)" and default.value() is None


def test_a_read_that_fails_says_so_in_the_picker(qtbot: Any, greeting: AppContext) -> None:
    data = greeting.data
    data.thing_choices = lambda *a: 1 / 0  # type: ignore[method-assign,assignment]
    picker = ThingPicker(data, "User")  # this one DataService fails to read
    qtbot.addWidget(picker)
    qtbot.waitUntil(lambda: not picker.loading)
    assert "could not be read" in picker.combo.lineEdit().placeholderText()
    assert picker.value() is None


def test_the_for_each_list_reads_on_a_worker_and_keeps_its_selection(
    qtbot: Any, greeting: AppContext, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    import_text(greeting.db, MORE_USERS)
    gate = Gate(run_queries.thing_choices)
    monkeypatch.setattr(run_queries, "thing_choices", gate)
    try:
        window.workflows_area.select("greet")
        dialog = window.workflows_area.open_run_dialog(False)
        assert isinstance(dialog, RunDialog)
        section = dialog.for_each
        section.setChecked(True)
        section.source_selection.setChecked(True)
        qtbot.waitUntil(lambda: bool(gate.threads))
        assert section.choices_state.isVisibleTo(dialog)
        assert section.choices_state.text() == "Loading…"
        assert section.choices.rowCount() == 0
        gate.opened.set()
        qtbot.waitUntil(lambda: not section.choices.loading)
        assert all(t is not threading.main_thread() for t in gate.threads)
        assert not section.choices_state.isVisibleTo(dialog)
        assert [section.choices.index(r, 0).data() for r in range(3)] == [
            "Ada <ada@example.com> · ada",
            "Bob <bob@example.com> · bob",
            "Bob <bob@example.com> · bob2",
        ]
        chosen = section.selection.selectionModel()
        chosen.select(section.choices.index(2, 0), QItemSelectionModel.SelectionFlag.Select)
        assert section.items() == ["bob2"]
        assert section.count_label.text() == "1 run will be scheduled"
        # read again (the same type): what was selected stays selected
        section.on_param_changed()
        qtbot.waitUntil(lambda: not section.choices.loading)
        assert section.items() == ["bob2"]
        dialog.close()
    finally:
        gate.opened.set()
