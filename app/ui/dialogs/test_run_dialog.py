"""The workflow editor's Test run: sample values for the parameters and whether
emails and web calls are only previewed, then the run starts now.

It is an ordinary run in the ledger, scheduled through the service; with
"Preview only" it is a captured run (runs.captured): an email step records the
message as it would be sent, a web call the request, and neither goes out, not
even after a crash and resume. Data steps change data for real (as in n8n), and
scheduling steps schedule nothing but record what they would have scheduled.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QLabel,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from app.core.definitions import WorkflowDef
from app.errors import CueflowError
from app.ui.dialogs.parameter_form import ParameterForm
from app.ui.dialogs.run_as import RunAsFollower
from app.ui.shell.context import AppContext
from app.ui.widgets.inputs import ThingPicker
from app.ui.widgets.palette_colours import error_style


class TestRunDialog(QDialog):
    """Sample values and Preview only / Send for real; Start schedules the run now."""

    __test__ = False  # (not a pytest test class, whatever its name says)

    started = Signal(str, bool)  # the run ID, captured (preview only)?

    def __init__(
        self,
        context: AppContext,
        workflow: WorkflowDef,
        *,
        captured: bool = True,
        problems: list[str] | None = None,
        paused: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("testRunDialog")
        self.context = context
        self.workflow = workflow
        self.problems = problems or []
        self.run_id: str | None = None
        self.setWindowTitle(self.tr("Test run: {name}").format(name=workflow.title))
        self.setMinimumWidth(460)
        layout = QVBoxLayout(self)
        about = QLabel(
            self.tr(
                "Runs the workflow now with these sample values. Each step's card then "
                "shows what it was given and what it did."
            ),
            self,
        )
        about.setWordWrap(True)
        layout.addWidget(about)
        self.params_form = ParameterForm(context.data, workflow, self)
        self.params_form.changed.connect(self.on_params_changed)
        self.editors = self.params_form.editors
        layout.addWidget(self.params_form)
        who = QGroupBox(self.tr("Run as"), self)
        who_layout = QVBoxLayout(who)
        self.run_as = ThingPicker(
            context.data, None, self.tr("Nobody in particular (no current user)"), who
        )
        self.run_as.setObjectName("testRunAsPicker")
        self.run_as.setToolTip(
            self.tr("The user this run acts for: privacy rules and “Current user” follow them.")
        )
        self.run_as.changed.connect(self.on_input_changed)
        who_layout.addWidget(self.run_as)
        # Run as follows a parameter's thing whose type has privacy rules (the
        # birthday example's first test then reaches Ada, not "no recipient").
        self.follower = RunAsFollower(context.data, workflow, self.editors, self.run_as, who)
        self.follow_note = self.follower.note
        who_layout.addWidget(self.follow_note)
        self.ignore_privacy = QCheckBox(self.tr("Ignore privacy rules"), who)
        self.ignore_privacy.setObjectName("testIgnorePrivacy")
        self.ignore_privacy.setChecked(workflow.ignore_privacy_rules)
        who_layout.addWidget(self.ignore_privacy)
        layout.addWidget(who)

        effects = QGroupBox(self.tr("Emails and web calls"), self)
        effects_layout = QVBoxLayout(effects)
        self.preview_radio = QRadioButton(self.tr("Preview only (nothing is sent)"), effects)
        self.preview_radio.setObjectName("previewOnlyRadio")
        self.real_radio = QRadioButton(self.tr("Send for real"), effects)
        self.real_radio.setObjectName("sendForRealRadio")
        self.effects_group = QButtonGroup(self)
        self.effects_group.addButton(self.preview_radio)
        self.effects_group.addButton(self.real_radio)
        (self.preview_radio if captured else self.real_radio).setChecked(True)
        effects_layout.addWidget(self.preview_radio)
        effects_layout.addWidget(self.real_radio)
        rule = QLabel(
            self.tr(
                "In a preview, each email is shown as it would be sent and each web call "
                "as it would go out; scheduling steps schedule nothing and show what they "
                "would schedule. Steps that create, change or delete things change your "
                "data for real in both cases."
            ),
            effects,
        )
        rule.setObjectName("testRunRule")
        rule.setWordWrap(True)
        rule.setStyleSheet("color: palette(placeholder-text);")
        effects_layout.addWidget(rule)
        layout.addWidget(effects)
        if paused:
            waiting = QLabel(
                self.tr("The scheduler is paused: the test starts when you resume it."), self
            )
            waiting.setObjectName("testRunPaused")
            waiting.setWordWrap(True)
            layout.addWidget(waiting)

        self.problem = QLabel(self)
        self.problem.setObjectName("testRunProblem")
        self.problem.setStyleSheet(error_style(self.palette()))
        self.problem.setWordWrap(True)
        layout.addWidget(self.problem)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.start_button = self.buttons.addButton(
            self.tr("Start"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.start_button.setObjectName("startTestButton")
        self.start_button.setDefault(True)
        self.buttons.accepted.connect(self.on_start_clicked)
        self.buttons.rejected.connect(self.reject)
        for button in self.buttons.buttons():
            button.setIcon(QIcon())  # words only: no stock tick / cross icons
        layout.addWidget(self.buttons)
        self.follower.follow()
        self.on_input_changed()
        first = next(iter(self.editors.values()), None)
        (first or self.start_button).setFocus(Qt.FocusReason.OtherFocusReason)

    def captured(self) -> bool:
        return self.preview_radio.isChecked()

    @Slot()
    def on_params_changed(self) -> None:
        self.follower.follow()
        self.on_input_changed()

    @Slot()
    def on_input_changed(self) -> None:
        if self.problems:
            reason = self.tr("The workflow has problems: {first}").format(first=self.problems[0])
            ok = False
        else:
            encoded, reason = self.params_form.check()
            ok = encoded is not None
            run_as = self.run_as.value()
            if ok and run_as and self.context.data.thing_loader().load(run_as) is None:
                reason, ok = self.tr("Run as: no thing with ID '{id}'").format(id=run_as), False
        self.start_button.setEnabled(ok)
        self.start_button.setToolTip(reason)
        self.problem.setText(reason)

    @Slot()
    def on_start_clicked(self) -> None:
        encoded, reason = self.params_form.check()
        if encoded is None or self.problems:
            self.problem.setText(reason or self.problem.text())
            return
        try:
            run_id = self.context.service.schedule(
                self.workflow.name,
                encoded,
                run_as=self.run_as.value() or None,
                ignore_privacy=self.ignore_privacy.isChecked(),
                captured=self.captured(),
            )
        except CueflowError as exc:
            self.problem.setText(str(exc))
            return
        self.run_id = run_id
        self.started.emit(run_id, self.captured())
        self.accept()
