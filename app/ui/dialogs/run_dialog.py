"""The Run now / Schedule form: one typed input per parameter, who and when,
and for scheduling a Repeat rule or a list to run on (one run per item)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

from PySide6.QtCore import QSize, QThreadPool, Signal, Slot
from PySide6.QtGui import QCloseEvent, QGuiApplication, QIcon
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressDialog,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.core.definitions import WorkflowDef
from app.core.types import utcnow
from app.errors import CueflowError
from app.ui.dialogs import sizing
from app.ui.dialogs.list_scheduler import CHUNK_SIZE, ListSchedulerTask
from app.ui.dialogs.parameter_form import ParameterForm
from app.ui.dialogs.run_as import RunAsFollower
from app.ui.dialogs.schedule_sections import ForEachSection, RepeatSection
from app.ui.shell.context import AppContext
from app.ui.widgets import formatting
from app.ui.widgets.inputs import DateEditor, ThingPicker
from app.ui.widgets.palette_colours import error_style

WHEN_NOW, WHEN_AT, WHEN_DELAY = range(3)
DEFAULT_HOUR = 9  # a day picked for a run, its time untouched: 09:00
DELAY_UNITS = (("minutes", 60), ("hours", 3600), ("days", 86400), ("seconds", 1))
LARGE_LIST = 2000  # longer lists are inserted off the GUI thread, with a progress dialog


def next_full_hour(now: datetime | None = None) -> datetime:
    """The first whole hour after now: a time people pick, not now's odd minute."""
    moment = now or utcnow()
    return moment.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)


class RunDialog(QDialog):
    """Schedules a run (or starts one now) of one workflow.

    "Run now" schedules the run at the current time through the service; the
    clock's workers execute it, so the window never waits on it.
    """

    scheduled = Signal(str)
    list_scheduled = Signal(int)  # how many runs a For each list scheduled
    # A run scheduled (or started): the words to show and its ID. The dialog closes:
    # the window says it ("Scheduled Send birthday email for Fri 4 Dec 09:00 · Show").
    announced = Signal(str, str)

    def __init__(
        self,
        context: AppContext,
        workflow: WorkflowDef,
        *,
        run_now: bool = False,
        problems: list[str] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("runDialog")
        self.context = context
        self.workflow = workflow
        self.run_now = run_now
        self.workflow_problems = problems or []
        self.last_run_id: str | None = None
        self.last_list_ids: list[str] = []
        self.large_list = LARGE_LIST
        self.chunk_size = CHUNK_SIZE
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        self.list_task: ListSchedulerTask | None = None
        self.progress: QProgressDialog | None = None
        title_text = self.tr("Run {name} now") if run_now else self.tr("Schedule {name}")
        self.setWindowTitle(title_text.format(name=workflow.title))
        self.setMinimumWidth(620)
        outer = QVBoxLayout(self)
        self.outer = outer
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self.body_scroll = scroll
        body = QWidget(scroll)
        layout = QVBoxLayout(body)
        layout.setContentsMargins(0, 0, 0, 0)
        scroll.setWidget(body)
        outer.addWidget(scroll, 1)
        # The workflow's title is the dialog's own ("Schedule Birthday email"): not repeated.
        if workflow.description:
            about = QLabel(workflow.description, self)
            about.setWordWrap(True)
            layout.addWidget(about)

        self.params_form = ParameterForm(context.data, workflow, self)
        self.params_form.changed.connect(self.on_input_changed)
        self.editors = self.params_form.editors  # (the names the tests use)
        self.field_errors = self.params_form.field_errors
        layout.addWidget(self.params_form)

        options = QGroupBox(self.tr("Run"), self)
        options_form = QFormLayout(options)
        self.run_as = ThingPicker(
            context.data, None, self.tr("Nobody in particular (no current user)"), options
        )
        self.run_as.setObjectName("runAsPicker")
        # Run as follows a parameter's thing whose type has privacy rules (dialogs/run_as.py);
        # made first, so a person's own pick is seen before on_input_changed follows again.
        self.follower = RunAsFollower(
            context.data, workflow, self.editors, self.run_as, options, skipped=self.list_param
        )
        self.run_as.changed.connect(self.on_input_changed)
        run_as_help = self.tr(
            "The user this run acts for: privacy rules and “Current user” follow them."
        )
        self.run_as.setToolTip(run_as_help)
        run_as_column = QVBoxLayout()
        run_as_column.setSpacing(2)
        run_as_column.addWidget(self.run_as)
        run_as_about = QLabel(run_as_help, options)
        run_as_about.setWordWrap(True)
        run_as_about.setStyleSheet("color: palette(placeholder-text);")
        run_as_column.addWidget(run_as_about)
        run_as_column.addWidget(self.follower.note)
        options_form.addRow(self.tr("Run as"), run_as_column)
        self.ignore_privacy = QCheckBox(self.tr("Ignore privacy rules"), options)
        self.ignore_privacy.setChecked(workflow.ignore_privacy_rules)
        options_form.addRow("", self.ignore_privacy)
        layout.addWidget(options)

        self.when_group = QButtonGroup(self)
        self.when_now = QRadioButton(self.tr("Now"))
        self.when_at = QRadioButton(self.tr("At"))
        self.when_delay = QRadioButton(self.tr("After"))
        self.at_editor = DateEditor()
        self.at_editor.setObjectName("whenAt")
        self.at_editor.set_value(next_full_hour())
        self._at_shown = self.at_editor.value()
        self._at_time_chosen = False  # a day picked before any time was chosen: 09:00
        self.delay_amount = QSpinBox()
        self.delay_amount.setRange(1, 100000)
        self.delay_amount.setValue(5)
        self.delay_unit = QComboBox()
        for unit, _ in DELAY_UNITS:
            self.delay_unit.addItem(self.tr(unit))
        if not run_now:
            when_box = QGroupBox(self.tr("When"), self)
            when_layout = QVBoxLayout(when_box)
            rows: list[tuple[QRadioButton, list[QWidget]]] = [
                (self.when_now, []),
                (self.when_at, [self.at_editor]),
                (self.when_delay, [self.delay_amount, self.delay_unit]),
            ]
            for number, (button, extra) in enumerate(rows):
                self.when_group.addButton(button, number)
                row = QHBoxLayout()
                row.addWidget(button)
                for widget in extra:
                    row.addWidget(widget, 1 if widget is self.at_editor else 0)
                row.addStretch(0 if extra else 1)
                when_layout.addLayout(row)
            self.when_at.setChecked(True)
            layout.addWidget(when_box)
            self.when_group.idToggled.connect(self.on_when_toggled)
            self.at_editor.changed.connect(self.on_at_changed)
            self.delay_amount.valueChanged.connect(self.on_input_changed)
            self.delay_unit.currentIndexChanged.connect(self.on_input_changed)
        else:
            self.when_now.setChecked(True)
        self.repeat = RepeatSection(self)
        self.for_each = ForEachSection(context.db, workflow, self)
        if not run_now:
            layout.addWidget(self.repeat)
            self.repeat.changed.connect(self.on_input_changed)
            self.repeat.kind.currentIndexChanged.connect(self.on_section_resized)
            if workflow.parameters:
                layout.addWidget(self.for_each)
                self.for_each.changed.connect(self.on_input_changed)
                self.for_each.toggled.connect(self.on_section_resized)
        self.repeat.setVisible(not run_now)
        self.for_each.setVisible(not run_now and bool(workflow.parameters))
        layout.addStretch(1)

        self.problem = QLabel(self)
        self.problem.setObjectName("runProblem")
        self.problem.setStyleSheet(error_style(self.palette()))
        self.problem.setWordWrap(True)
        outer.addWidget(self.problem)

        self.result_row = QWidget(self)
        result_layout = QHBoxLayout(self.result_row)
        result_layout.setContentsMargins(0, 0, 0, 0)
        self.result_label = QLabel(self.result_row)
        result_layout.addWidget(self.result_label)
        self.result_id = QLineEdit(self.result_row)
        self.result_id.setObjectName("runIdField")
        self.result_id.setReadOnly(True)
        result_layout.addWidget(self.result_id, 1)
        self.copy_button = QPushButton(self.tr("Copy"), self.result_row)
        self.copy_button.setObjectName("copyRunIdButton")
        self.copy_button.clicked.connect(self.on_copy_clicked)
        result_layout.addWidget(self.copy_button)
        self.result_row.setVisible(False)
        outer.addWidget(self.result_row)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.ok_button = self.buttons.addButton(
            self.tr("Run now") if run_now else self.tr("Schedule"),
            QDialogButtonBox.ButtonRole.ApplyRole,
        )
        self.ok_button.setObjectName("runOkButton")
        self.ok_button.setDefault(True)
        self.ok_button.clicked.connect(self.on_ok_clicked)
        self.buttons.rejected.connect(self.reject)
        for box_button in self.buttons.buttons():
            box_button.setIcon(QIcon())  # words only: no stock tick / cross icons
        outer.addWidget(self.buttons)
        self.on_input_changed()
        self.body = body
        self.fit_to_content()
        # While the things load, "'user' needs a value" shows under the picker: once
        # they are in (the first is chosen, the line goes), fit the form again.
        for picker in (self.run_as, *self.editors.values()):
            if isinstance(picker, ThingPicker):
                picker.choices.loaded.connect(self.on_section_resized)

    @Slot()
    def on_section_resized(self) -> None:
        """Repeat's preview or For each's items appeared or went: fit the form again."""
        if self.isVisible():
            self.fit_to_content()

    def fit_to_content(self, room: QSize | None = None) -> None:
        """The whole form without scrolling when the screen has room (Repeat and For each)."""
        below = (self.problem, self.result_row, self.buttons)
        sizing.fit_to_content(self, self.outer, self.body, below, room)

    # --- values -----------------------------------------------------------------

    def raw_values(self) -> dict[str, Any]:
        return self.params_form.raw_values()

    def when(self) -> datetime | None:
        if self.run_now or self.when_now.isChecked():
            return None
        if self.when_at.isChecked():
            at: datetime | None = self.at_editor.value()
            return at
        seconds = DELAY_UNITS[self.delay_unit.currentIndex()][1] * self.delay_amount.value()
        return utcnow() + timedelta(seconds=seconds)

    def check(self) -> tuple[dict[str, Any] | None, str]:
        """The encoded parameters, or None and the reason they cannot be used."""
        if self.workflow_problems:
            return None, self.tr("The workflow has problems: {first}").format(
                first=self.workflow_problems[0]
            )
        item_key = self.list_param()
        for name, editor in self.editors.items():
            editor.setEnabled(name != item_key)
        encoded, reason = self.params_form.check(skip=item_key)
        if encoded is None:
            return None, reason
        loader = self.context.data.thing_loader()
        run_as = self.run_as.value()
        if run_as and loader.load(run_as) is None:
            return None, self.tr("Run as: no thing with ID '{id}'").format(id=run_as)
        if not self.run_now:
            reason = self.repeat.problem()
            if reason:
                return None, self.tr("Repeat: {reason}").format(reason=reason)
            if item_key is not None and self.repeat.repeats():
                return None, self.tr("A list is scheduled once; turn off Repeat or For each.")
            count = self.for_each.count() if item_key is not None else 1
            if count is None:
                return None, self.tr("For each: counting the things that match…")
            if count == 0:
                return None, self.tr("For each: the list is empty.")
        return encoded, ""

    def list_param(self) -> str | None:
        """The parameter each list item goes into, when For each is on."""
        if self.run_now or not self.for_each.isChecked():
            return None
        param = self.for_each.parameter()
        return param.key if param else None

    # --- slots ------------------------------------------------------------------

    @Slot()
    def on_input_changed(self) -> None:
        self.follower.follow()
        if not self.run_now:
            self.repeat.set_start(self.when())
        encoded, reason = self.check()
        self.ok_button.setEnabled(encoded is not None)
        self.ok_button.setToolTip(reason)
        self.problem.setText(reason)

    @Slot()
    def on_at_changed(self) -> None:
        """Another day with the time untouched: that day at 09:00, the usual hour."""
        shown = self.at_editor.value()
        before, self._at_shown = self._at_shown, shown
        if shown.time() != before.time():
            self._at_time_chosen = True
        elif shown.date() != before.date() and not self._at_time_chosen:
            self._at_time_chosen = True
            self._at_shown = shown.replace(hour=DEFAULT_HOUR, minute=0)
            self.at_editor.set_value(self._at_shown)  # comes back here, times equal
            return
        self.on_input_changed()

    @Slot(int, bool)
    def on_when_toggled(self, button_id: int, checked: bool) -> None:
        if checked:
            self.at_editor.setEnabled(button_id == WHEN_AT)
            self.delay_amount.setEnabled(button_id == WHEN_DELAY)
            self.delay_unit.setEnabled(button_id == WHEN_DELAY)
            self.on_input_changed()

    @Slot()
    def on_ok_clicked(self) -> None:
        encoded, reason = self.check()
        if encoded is None:
            self.problem.setText(reason)
            return
        item_key = self.list_param()
        if item_key is not None:
            self.schedule_list(item_key, encoded)
            return
        every = None if self.run_now else self.repeat.recurrence()
        try:
            run_id = self.context.service.schedule(
                self.workflow.name,
                encoded,
                at=self.when(),
                run_as=self.run_as.value() or None,
                ignore_privacy=self.ignore_privacy.isChecked(),
                every=every,
                timezone=self.repeat.timezone_name() if every is not None else None,
            )
        except CueflowError as exc:
            self.problem.setText(str(exc))
            return
        self.last_run_id = run_id
        at = self.when()
        name = self.workflow.title
        if every is not None:
            self.result_label.setText(self.tr("Repeating schedule"))
            words = self.tr("Scheduled {name} to repeat: {rule}").format(
                name=name, rule=self.repeat.summary.text().rstrip(".")
            )
        elif self.run_now or at is None:
            self.result_label.setText(self.tr("Started run"))
            words = self.tr("Started {name}").format(name=name)
        else:
            self.result_label.setText(self.tr("Scheduled run"))
            words = self.tr("Scheduled {name} for {when}").format(
                name=name, when=formatting.when_words(at)
            )
        self.result_id.setText(run_id)
        self.scheduled.emit(run_id)
        self.announced.emit(words, run_id)
        self.accept()  # done: the window's status bar says what was scheduled

    # --- For each: one run per item ---------------------------------------------------

    def schedule_list(self, item_key: str, encoded: dict[str, Any]) -> None:
        """Short lists go in at once; long ones on a worker thread with progress (a long
        search's IDs are read there too)."""
        count = self.for_each.count() or 0
        reader = self.for_each.search_reader()
        items: Sequence[Any] | Callable[[], Sequence[Any]] = (
            reader if reader is not None and count > self.large_list else self.for_each.items()
        )
        if not count:
            self.problem.setText(self.tr("For each: the list is empty."))
            return
        at = self.when() or utcnow()
        options: dict[str, Any] = {
            "run_as": self.run_as.value() or None,
            "ignore_privacy": self.ignore_privacy.isChecked(),
            "from_text": self.for_each.item_type() is None,
        }
        interval = self.for_each.interval.value()
        if not callable(items) and len(items) <= self.large_list:
            try:
                ids = self.context.service.schedule_on_list(
                    self.workflow.name,
                    items,
                    item_key,
                    encoded,
                    at=at,
                    interval=interval,
                    **options,
                )
            except CueflowError as exc:
                self.problem.setText(str(exc))
                return
            self.on_list_finished(ids)
            return
        task = ListSchedulerTask(
            self.context.service,
            self.workflow.name,
            items,
            item_key,
            encoded,
            at=at,
            interval=interval,
            chunk_size=self.chunk_size,
            **options,
        )
        task.signals.progressed.connect(self.on_list_progressed)
        task.signals.finished.connect(self.on_list_finished)
        task.signals.cancelled.connect(self.on_list_cancelled)
        task.signals.failed.connect(self.on_list_failed)
        self.progress = QProgressDialog(
            self.tr("Scheduling {n} runs of {name}…").format(
                n=f"{count:,}", name=self.workflow.title
            ),
            self.tr("Cancel"),
            0,
            count,
            self,
        )
        self.progress.setObjectName("listProgress")
        self.progress.setWindowTitle(self.tr("Scheduling"))
        self.progress.setMinimumDuration(0)
        self.progress.setAutoClose(False)
        self.progress.setAutoReset(False)
        self.progress.canceled.connect(self.on_progress_canceled)
        self.progress.setValue(0)
        self.progress.open()
        self.ok_button.setEnabled(False)
        self.list_task = task
        self.pool.start(task)

    @Slot(int)
    def on_list_progressed(self, done: int) -> None:
        if self.progress is not None:
            self.progress.setValue(done)

    @Slot()
    def on_progress_canceled(self) -> None:
        if self.list_task is not None:
            self.list_task.cancel()
            if self.progress is not None:
                self.progress.setLabelText(self.tr("Cancelling…"))

    def _end_list_task(self) -> None:
        self.list_task = None
        if self.progress is not None:
            self.progress.canceled.disconnect(self.on_progress_canceled)
            self.progress.close()
            self.progress.deleteLater()
            self.progress = None
        self.ok_button.setEnabled(True)

    @Slot(list)
    def on_list_finished(self, ids: list[str]) -> None:
        self._end_list_task()
        self.last_list_ids = list(ids)
        self.last_run_id = ids[0] if ids else None
        self.result_label.setText(
            (
                self.tr("Scheduled 1 run:")
                if len(ids) == 1
                else self.tr("Scheduled {n} runs; the first is")
            ).format(n=f"{len(ids):,}")
        )
        self.result_id.setText(ids[0] if ids else "")
        self.result_row.setVisible(True)
        self.problem.setText("")
        self.list_scheduled.emit(len(ids))
        if ids:
            self.scheduled.emit(ids[0])

    @Slot(int)
    def on_list_cancelled(self, inserted: int) -> None:
        self._end_list_task()
        self.problem.setText(
            self.tr("Cancelled: nothing was left scheduled ({n} undone).").format(
                n=formatting.counted(inserted, "run")
            )
        )
        self.scheduled.emit("")

    @Slot(str)
    def on_list_failed(self, reason: str) -> None:
        self._end_list_task()
        self.problem.setText(reason)

    def done(self, result: int) -> None:
        """Closing while a list is being inserted cancels it and waits for the worker."""
        if self.list_task is not None:
            self.list_task.cancel()
            self.pool.waitForDone()
        super().done(result)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.list_task is not None:
            self.list_task.cancel()
            self.pool.waitForDone()
        super().closeEvent(event)

    @Slot()
    def on_copy_clicked(self) -> None:
        QGuiApplication.clipboard().setText(self.result_id.text())
