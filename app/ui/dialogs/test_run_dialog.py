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
        self.run_as.changed.connect(self.on_run_as_changed)
        who_layout.addWidget(self.run_as)
        # A beginner testing "send Ada her birthday email" expects the email to reach
        # Ada. When the thing a parameter picks has privacy rules, Run as follows that
        # parameter (until the person picks someone else): the run acts for Ada, her
        # own-record rule lets it read her email, and the first test succeeds instead
        # of failing with "no recipient" as nobody.
        self.follow_key = self._private_thing_parameter()
        self.followed: str | None = None  # the thing Run as was set to by following
        self._following_select = False
        self.follow_note = QLabel(who)
        self.follow_note.setObjectName("testRunAsFollows")
        self.follow_note.setWordWrap(True)
        self.follow_note.setStyleSheet("color: palette(placeholder-text);")
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
        self._follow_parameter()
        self.on_input_changed()
        first = next(iter(self.editors.values()), None)
        (first or self.start_button).setFocus(Qt.FocusReason.OtherFocusReason)

    def captured(self) -> bool:
        return self.preview_radio.isChecked()

    def _private_thing_parameter(self) -> str | None:
        """The first parameter holding one thing of a data type with privacy rules
        (None when the workflow ignores privacy rules)."""
        if self.workflow.ignore_privacy_rules:
            return None
        types = self.context.data.data_types()
        for param in self.workflow.parameters:
            definition = types.get(param.type.base)
            private = definition is not None and not definition.privacy.is_open
            if private and not param.type.is_list:
                return param.key
        return None

    def _follow_parameter(self) -> None:
        """Run as becomes the thing the parameter holds, while the person has not
        chosen someone else; the note under it says so."""
        if self.follow_key is None:
            self.follow_note.setVisible(False)
            return
        current = self.run_as.value()
        if current not in (None, self.followed):
            self.follow_note.setVisible(False)  # the person chose: their choice stays
            return
        chosen = self.editors[self.follow_key].value()
        if chosen and chosen != current:
            self.followed = chosen
            self._following_select = True
            try:
                self.run_as.select(str(chosen))
            finally:
                self._following_select = False
        self.follow_note.setText(
            self.tr(
                "Runs as the {param} chosen above: the run sees what that {type} may see "
                "under {type}'s privacy rules. Pick someone else here to test what they see."
            ).format(param=self.follow_key, type=self._follow_type())
        )
        self.follow_note.setVisible(True)

    def _follow_type(self) -> str:
        param = next(p for p in self.workflow.parameters if p.key == self.follow_key)
        return param.type.base

    @Slot()
    def on_run_as_changed(self) -> None:
        if not self._following_select and self.run_as.value() != self.followed:
            self.follow_key = None  # chosen by the person (nobody included): no more following
            self.follow_note.setVisible(False)
        self.on_input_changed()

    @Slot()
    def on_params_changed(self) -> None:
        self._follow_parameter()
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
