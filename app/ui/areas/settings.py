"""The Settings area: SMTP server, password in the keychain, time zone, concurrency,
the database in use, the workflow API (on/off, address, wait, tokens)."""

from __future__ import annotations

import logging
import threading

from PySide6.QtCore import Signal, Slot
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app import autostart
from app.engine import settings
from app.engine.api_access import ApiAccess
from app.engine.data_folder import database_line
from app.errors import CueflowError
from app.ui.shell.context import AppContext
from app.ui.shell.workflow_api import WindowApi
from app.ui.widgets import formatting

_log = logging.getLogger(__name__)

ERROR_STYLE = "color: #b91c1c;"
OK_STYLE = "color: #15803d;"


class SettingsArea(QWidget):
    """Each field is saved when editing finishes; errors show beside the field."""

    status_message = Signal(str)
    test_email_finished = Signal(bool, str)
    api_applied = Signal(str, str)  # the URL served ("" when off), an error ("" when none)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.fields: dict[str, QWidget] = {}
        self.errors: dict[str, QLabel] = {}
        # The groups scroll: a tall Settings page must not set the window's
        # minimum height (a stacked area is as tall as its tallest page).
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        page = QWidget(scroll)
        scroll.setWidget(page)
        outer.addWidget(scroll)
        layout = QVBoxLayout(page)

        smtp = QGroupBox(self.tr("Email (SMTP)"), self)
        form = QFormLayout(smtp)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self._add(form, "smtp.host", self.tr("Server"), QLineEdit(smtp))
        port = QSpinBox(smtp)
        port.setRange(1, 65535)
        self._add(form, "smtp.port", self.tr("Port"), port)
        security = QComboBox(smtp)
        for words, value in (
            (self.tr("None (plain, for a local test server)"), "none"),
            (self.tr("STARTTLS (usually port 587)"), "starttls"),
            (self.tr("TLS (usually port 465)"), "tls"),
        ):
            security.addItem(words, value)  # the words shown, the setting's value kept
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
        layout.addWidget(self._database_group())
        layout.addWidget(self._api_group())
        layout.addStretch(1)

        self.test_email_finished.connect(self.on_test_email_finished)
        self.api_applied.connect(self.on_api_applied)
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
        elif isinstance(widget, QCheckBox):
            widget.toggled.connect(self.on_field_committed)

    def reload(self) -> None:
        values = self.context.settings.all()
        for key, widget in self.fields.items():
            widget.blockSignals(True)
            if isinstance(widget, QLineEdit):
                widget.setText(str(values[key]))
            elif isinstance(widget, QSpinBox):
                widget.setValue(int(values[key]))
            elif isinstance(widget, QComboBox):
                index = widget.findData(str(values[key]))
                if index >= 0:
                    widget.setCurrentIndex(index)
                else:
                    widget.setCurrentText(str(values[key]))
            elif isinstance(widget, QCheckBox):
                widget.setChecked(bool(values[key]))
            widget.blockSignals(False)
        usable = settings.keychain_usable()
        # The keyring backend's class name is for the log, not for the person.
        _log.info("keychain backend %s (usable: %s)", settings.keychain_name(), usable)
        if usable:
            self.keyring_label.setText(
                self.tr("The SMTP password is kept in this computer's password store (keychain).")
            )
            self.keyring_label.setStyleSheet(OK_STYLE)
        else:
            self.keyring_label.setText(
                self.tr(
                    "This computer has no password store (keychain) Cueflow can use; "
                    "the SMTP password cannot be saved."
                )
            )
            self.keyring_label.setStyleSheet(ERROR_STYLE)
        self.password_edit.setEnabled(usable)
        self.store_password_button.setEnabled(usable)
        self.autostart_check.blockSignals(True)
        self.autostart_check.setChecked(self.autostart.is_enabled())
        self.autostart_check.blockSignals(False)
        self.reload_tokens()

    def _text(self, widget: QWidget) -> str:
        if isinstance(widget, QLineEdit):
            return widget.text()
        if isinstance(widget, QSpinBox):
            return str(widget.value())
        if isinstance(widget, QComboBox):
            value = widget.currentData()
            return str(value) if value is not None else widget.currentText()
        if isinstance(widget, QCheckBox):
            return "yes" if widget.isChecked() else "no"
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
            if widget is self.sender() and self.save(key) and key in API_LIVE:
                self.apply_api()

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

    # --- the workflow API (PRODUCT §6) ------------------------------------------------

    def _database_group(self) -> QGroupBox:
        """Which database this window works on (PRODUCT §7: Settings ▸ Database)."""
        group = QGroupBox(self.tr("Database"), self)
        group.setObjectName("databaseGroup")
        form = QFormLayout(group)
        kind, where = database_line(self.context.db)
        self.database_kind_label = QLabel(self.tr(kind), group)
        self.database_kind_label.setObjectName("databaseKindLabel")
        form.addRow(self.tr("Kind"), self.database_kind_label)
        self.database_where_label = QLabel(where, group)
        self.database_where_label.setObjectName("databaseWhereLabel")
        self.database_where_label.setWordWrap(True)
        form.addRow(self.tr("Where"), self.database_where_label)
        note = QLabel(
            self.tr(
                "Set with --database-url or CUEFLOW_DATABASE_URL when Cueflow starts; "
                "copy a folder's data into PostgreSQL with `cueflow db copy --to URL`."
            ),
            group,
        )
        note.setWordWrap(True)
        note.setStyleSheet("color: palette(mid);")
        form.addRow("", note)
        return group

    def _api_group(self) -> QGroupBox:
        self.api_access = ApiAccess(self.context.db, self.context.events)
        group = QGroupBox(self.tr("Workflow API"), self)
        form = QFormLayout(group)
        self._add(
            form, "api.enabled", self.tr("Serve"), QCheckBox(self.tr("Serve exposed workflows"))
        )
        self._add(form, "api.listen", self.tr("Listen on"), QLineEdit(group))
        wait = QSpinBox(group)
        wait.setRange(0, 3600)
        wait.setSuffix(self.tr(" s"))
        self._add(form, "api.wait", self.tr("Wait for a run"), wait)
        self.api_status = QLabel(group)
        self.api_status.setObjectName("apiStatus")
        self.api_status.setWordWrap(True)
        form.addRow(self.tr("Status"), self.api_status)

        self.token_table = QTableWidget(0, 3, group)
        self.token_table.setObjectName("apiTokens")
        self.token_table.setHorizontalHeaderLabels(
            [self.tr("Label"), self.tr("Runs as"), self.tr("Made")]
        )
        self.token_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.token_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.token_table.horizontalHeader().setStretchLastSection(True)
        self.token_table.verticalHeader().setVisible(False)
        self.token_table.setMaximumHeight(140)
        form.addRow(self.tr("Tokens"), self.token_table)
        make_row = QHBoxLayout()
        self.token_label_edit = QLineEdit(group)
        self.token_label_edit.setObjectName("apiTokenLabel")
        self.token_label_edit.setPlaceholderText(self.tr("label, e.g. website"))
        self.token_as_edit = QLineEdit(group)
        self.token_as_edit.setObjectName("apiTokenAs")
        self.token_as_edit.setPlaceholderText(self.tr("run as thing ID (optional)"))
        self.create_token_button = QPushButton(self.tr("Create token"), group)
        self.create_token_button.setObjectName("createTokenButton")
        self.create_token_button.clicked.connect(self.on_create_token_clicked)
        self.revoke_token_button = QPushButton(self.tr("Revoke selected"), group)
        self.revoke_token_button.setObjectName("revokeTokenButton")
        self.revoke_token_button.clicked.connect(self.on_revoke_token_clicked)
        for widget in (self.token_label_edit, self.token_as_edit):
            make_row.addWidget(widget, 1)
        make_row.addWidget(self.create_token_button)
        make_row.addWidget(self.revoke_token_button)
        form.addRow("", make_row)
        self.token_error = QLabel(group)
        self.token_error.setObjectName("apiTokenError")
        self.token_error.setStyleSheet(ERROR_STYLE)
        self.token_error.setVisible(False)
        form.addRow("", self.token_error)
        shown_row = QHBoxLayout()
        self.new_token_edit = QLineEdit(group)
        self.new_token_edit.setObjectName("newApiToken")
        self.new_token_edit.setReadOnly(True)
        self.copy_token_button = QPushButton(self.tr("Copy"), group)
        self.copy_token_button.setObjectName("copyTokenButton")
        self.copy_token_button.clicked.connect(self.on_copy_token_clicked)
        shown_row.addWidget(self.new_token_edit, 1)
        shown_row.addWidget(self.copy_token_button)
        self.new_token_note = QLabel(
            self.tr("Shown only now: Cueflow keeps only a hash of the token."), group
        )
        self.new_token_note.setWordWrap(True)
        form.addRow(self.tr("New token"), shown_row)
        form.addRow("", self.new_token_note)
        self._show_new_token("")
        return group

    def reload_tokens(self) -> None:
        rows = self.api_access.list_tokens()
        self.token_table.setRowCount(len(rows))
        for index, row in enumerate(rows):
            self.token_table.setItem(index, 0, QTableWidgetItem(row.label))
            self.token_table.setItem(index, 1, QTableWidgetItem(row.run_as or ""))
            made = formatting.local_time(row.created_at)
            self.token_table.setItem(index, 2, QTableWidgetItem(made))
        self.token_table.resizeColumnsToContents()
        self._show_api_state()

    def _show_new_token(self, token: str) -> None:
        self.new_token_edit.setText(token)
        for widget in (self.new_token_edit, self.copy_token_button, self.new_token_note):
            widget.setVisible(bool(token))

    def _show_api_state(self) -> None:
        api = self.context.api
        if api is not None and api.error:
            self.api_status.setStyleSheet(ERROR_STYLE)
            self.api_status.setText(api.error)
        elif api is not None and api.url:
            self.api_status.setStyleSheet(OK_STYLE)
            self.api_status.setText(self.tr("Serving at {url}/api/1.1/wf/NAME").format(url=api.url))
        else:
            self.api_status.setStyleSheet("")
            self.api_status.setText(self.tr("Off"))

    def apply_api(self) -> None:
        """Start, move or stop the server off the GUI thread; the status follows."""
        if self.context.api is None:
            self.context.api = WindowApi(self.context)
        self.api_status.setStyleSheet("")
        self.api_status.setText(self.tr("Applying…"))
        signal = self.api_applied
        self.context.api.apply(lambda url, error: signal.emit(url or "", error or ""))

    @Slot(str, str)
    def on_api_applied(self, url: str, error: str) -> None:
        self._show_api_state()

    @Slot()
    def on_create_token_clicked(self) -> None:
        label = self.token_label_edit.text().strip()
        run_as = self.token_as_edit.text().strip() or None
        try:
            token = self.api_access.create_token(label, run_as)
        except CueflowError as exc:
            self.token_error.setText(exc.reason)
            self.token_error.setVisible(True)
            return
        self.token_error.setVisible(False)
        self.token_label_edit.clear()
        self.token_as_edit.clear()
        self._show_new_token(token)
        self.reload_tokens()
        self.status_message.emit(self.tr("Token '{label}' created.").format(label=label))

    @Slot()
    def on_copy_token_clicked(self) -> None:
        QGuiApplication.clipboard().setText(self.new_token_edit.text())
        self.status_message.emit(self.tr("Token copied."))

    @Slot()
    def on_revoke_token_clicked(self) -> None:
        row = self.token_table.currentRow()
        item = self.token_table.item(row, 0) if row >= 0 else None
        if item is None:
            self.token_error.setText(self.tr("Select a token to revoke."))
            self.token_error.setVisible(True)
            return
        label = item.text()
        try:
            self.api_access.revoke_token(label)
        except CueflowError as exc:
            self.token_error.setText(exc.reason)
            self.token_error.setVisible(True)
            return
        self.token_error.setVisible(False)
        self._show_new_token("")
        self.reload_tokens()
        self.status_message.emit(self.tr("Token '{label}' revoked.").format(label=label))


API_LIVE = ("api.enabled", "api.listen")  # applied to the running server at once
