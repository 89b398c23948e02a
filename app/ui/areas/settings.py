"""The Settings area: SMTP server, password in the keychain, time zone, concurrency."""

from __future__ import annotations

import threading

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app import autostart
from app.engine import settings
from app.errors import CueflowError
from app.ui.shell.context import AppContext
from app.ui.widgets import formatting

ERROR_STYLE = "color: #b91c1c;"
OK_STYLE = "color: #15803d;"


class SettingsArea(QWidget):
    """Each field is saved when editing finishes; errors show beside the field."""

    status_message = Signal(str)
    test_email_finished = Signal(bool, str)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.fields: dict[str, QWidget] = {}
        self.errors: dict[str, QLabel] = {}
        layout = QVBoxLayout(self)

        smtp = QGroupBox(self.tr("Email (SMTP)"), self)
        form = QFormLayout(smtp)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self._add(form, "smtp.host", self.tr("Server"), QLineEdit(smtp))
        port = QSpinBox(smtp)
        port.setRange(1, 65535)
        self._add(form, "smtp.port", self.tr("Port"), port)
        security = QComboBox(smtp)
        security.addItems(["none", "starttls", "tls"])
        self._add(form, "smtp.security", self.tr("Security"), security)
        self._add(form, "smtp.username", self.tr("User name"), QLineEdit(smtp))
        self._add(form, "smtp.from", self.tr("Sender address"), QLineEdit(smtp))
        timeout = QSpinBox(smtp)
        timeout.setRange(1, 600)
        timeout.setSuffix(self.tr(" s"))
        self._add(form, "smtp.timeout", self.tr("Timeout"), timeout)

        password_row = QHBoxLayout()
        self.password_edit = QLineEdit(smtp)
        self.password_edit.setObjectName("smtpPassword")
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        password_row.addWidget(self.password_edit, 1)
        self.store_password_button = QPushButton(self.tr("Store in keychain"), smtp)
        self.store_password_button.setObjectName("storePasswordButton")
        self.store_password_button.clicked.connect(self.on_store_password_clicked)
        password_row.addWidget(self.store_password_button)
        form.addRow(self.tr("Password"), password_row)
        self.keyring_label = QLabel(smtp)
        self.keyring_label.setObjectName("keyringLabel")
        self.keyring_label.setWordWrap(True)
        form.addRow(self.tr("Keychain"), self.keyring_label)
        test_row = QHBoxLayout()
        self.test_to = QLineEdit(smtp)
        self.test_to.setObjectName("testEmailTo")
        self.test_to.setPlaceholderText(self.tr("you@example.com"))
        test_row.addWidget(self.test_to, 1)
        self.test_button = QPushButton(self.tr("Send test email"), smtp)
        self.test_button.setObjectName("sendTestEmailButton")
        self.test_button.clicked.connect(self.on_test_clicked)
        test_row.addWidget(self.test_button)
        form.addRow(self.tr("Test"), test_row)
        self.test_result = QLabel(smtp)
        self.test_result.setObjectName("testEmailResult")
        self.test_result.setWordWrap(True)
        form.addRow("", self.test_result)
        layout.addWidget(smtp)

        runner = QGroupBox(self.tr("Runs"), self)
        runner_form = QFormLayout(runner)
        concurrency = QSpinBox(runner)
        concurrency.setRange(1, 64)
        self._add(
            runner_form, "runner.max_concurrent_runs", self.tr("Runs at the same time"), concurrency
        )
        note = QLabel(self.tr("Takes effect the next time Cueflow starts."), runner)
        note.setStyleSheet("color: palette(mid);")
        runner_form.addRow("", note)
        self.zone_label = QLabel(formatting.zone_name(), runner)
        self.zone_label.setObjectName("timeZoneLabel")
        runner_form.addRow(self.tr("Time zone"), self.zone_label)
        self.folder_label = QLabel(str(context.data_dir), runner)
        self.folder_label.setWordWrap(True)
        runner_form.addRow(self.tr("Data folder"), self.folder_label)
        self.autostart = autostart.for_platform()
        self.autostart_check = QCheckBox(self.tr("Start Cueflow in the tray when I log in"), runner)
        self.autostart_check.setObjectName("autostartCheck")
        self.autostart_check.setToolTip(
            self.tr("Writes the login entry (runs `cueflow --tray`): {where}").format(
                where=self.autostart.where()
            )
        )
        self.autostart_check.toggled.connect(self.on_autostart_toggled)
        runner_form.addRow(self.tr("Start at login"), self.autostart_check)
        layout.addWidget(runner)
        layout.addStretch(1)

        self.test_email_finished.connect(self.on_test_email_finished)
        self.reload()

    def _add(self, form: QFormLayout, key: str, label: str, widget: QWidget) -> None:
        widget.setObjectName(f"setting_{key}")
        widget.setToolTip(settings.help_text(key))
        error = QLabel(self)
        error.setStyleSheet(ERROR_STYLE)
        error.setVisible(False)
        column = QVBoxLayout()
        column.setSpacing(2)
        column.addWidget(widget)
        column.addWidget(error)
        form.addRow(label, column)
        self.fields[key] = widget
        self.errors[key] = error
        if isinstance(widget, QLineEdit | QSpinBox):
            widget.editingFinished.connect(self.on_field_committed)
        elif isinstance(widget, QComboBox):
            widget.currentIndexChanged.connect(self.on_field_committed)

    def reload(self) -> None:
        values = self.context.settings.all()
        for key, widget in self.fields.items():
            widget.blockSignals(True)
            if isinstance(widget, QLineEdit):
                widget.setText(str(values[key]))
            elif isinstance(widget, QSpinBox):
                widget.setValue(int(values[key]))
            elif isinstance(widget, QComboBox):
                widget.setCurrentText(str(values[key]))
            widget.blockSignals(False)
        usable = settings.keychain_usable()
        backend = settings.keychain_name()
        if usable:
            self.keyring_label.setText(
                self.tr("Passwords are kept in {backend}.").format(backend=backend)
            )
            self.keyring_label.setStyleSheet(OK_STYLE)
        else:
            self.keyring_label.setText(
                self.tr(
                    "No usable OS keychain ({backend}). Cueflow will not store the password in "
                    "plain text; install or unlock a keychain to store it."
                ).format(backend=backend)
            )
            self.keyring_label.setStyleSheet(ERROR_STYLE)
        self.password_edit.setEnabled(usable)
        self.store_password_button.setEnabled(usable)
        self.autostart_check.blockSignals(True)
        self.autostart_check.setChecked(self.autostart.is_enabled())
        self.autostart_check.blockSignals(False)

    def _text(self, widget: QWidget) -> str:
        if isinstance(widget, QLineEdit):
            return widget.text()
        if isinstance(widget, QSpinBox):
            return str(widget.value())
        if isinstance(widget, QComboBox):
            return widget.currentText()
        return ""

    def save(self, key: str) -> bool:
        error = self.errors[key]
        try:
            self.context.settings.set(key, self._text(self.fields[key]))
        except CueflowError as exc:
            error.setText(exc.reason)
            error.setVisible(True)
            return False
        error.setVisible(False)
        return True

    @Slot()
    def on_field_committed(self) -> None:
        for key, widget in self.fields.items():
            if widget is self.sender():
                self.save(key)

    @Slot()
    def on_store_password_clicked(self) -> None:
        if not settings.keychain_usable():
            self.status_message.emit(self.tr("No usable keychain: the password was not stored."))
            return
        try:
            settings.store_secret(settings.PASSWORD_SECRET, self.password_edit.text())
        except CueflowError as exc:
            self.status_message.emit(str(exc))
            return
        self.password_edit.clear()
        self.status_message.emit(self.tr("Password stored in the keychain."))

    @Slot()
    def on_test_clicked(self) -> None:
        """Send on a plain thread: the window never waits on an SMTP server."""
        for key in self.fields:
            self.save(key)
        values = self.context.settings.all()
        to = self.test_to.text().strip()
        self.test_button.setEnabled(False)
        self.test_result.setStyleSheet("")
        self.test_result.setText(self.tr("Sending…"))
        signal = self.test_email_finished

        def send() -> None:
            try:
                message = settings.send_test_email(values, to)
            except CueflowError as exc:
                signal.emit(False, str(exc))
                return
            signal.emit(True, message)

        threading.Thread(target=send, name="cueflow-test-email", daemon=True).start()

    @Slot(bool, str)
    def on_test_email_finished(self, ok: bool, message: str) -> None:
        self.test_button.setEnabled(True)
        self.test_result.setStyleSheet(OK_STYLE if ok else ERROR_STYLE)
        self.test_result.setText(message)

    @Slot(bool)
    def on_autostart_toggled(self, checked: bool) -> None:
        """Write or remove the platform's login entry for `cueflow --tray`."""
        try:
            if checked:
                self.autostart.enable(autostart.launch_command(self.context.data_dir))
            else:
                self.autostart.disable()
        except OSError as exc:
            self.autostart_check.blockSignals(True)
            self.autostart_check.setChecked(not checked)
            self.autostart_check.blockSignals(False)
            self.status_message.emit(
                self.tr("Could not change the login entry: {reason}").format(reason=exc)
            )
            return
        self.status_message.emit(
            self.tr("Cueflow will start in the tray when you log in.")
            if checked
            else self.tr("Cueflow will no longer start when you log in.")
        )
