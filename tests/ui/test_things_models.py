"""The things table and the thing pickers' model read on a worker thread.

The GUI thread starts a read and goes on; the rows arrive through a queued
signal (`loaded`). A read overtaken by a newer one is dropped, a failing read
is said (`error`) and the window stays usable.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtCore import QThreadPool

from app.engine.data import PAGE_SIZE
from app.errors import BadInput
from app.storage import catalog
from app.ui.models.roles import ID_ROLE
from app.ui.models.things import ThingChoicesModel, ThingsModel
from app.ui.shell.context import AppContext


def _record_threads(service: Any, name: str) -> list[threading.Thread]:
    """Wrap `service.name` to note the thread of every call."""
    seen: list[threading.Thread] = []
    original: Callable[..., Any] = getattr(service, name)

    def wrapped(*args: Any, **kwargs: Any) -> Any:
        seen.append(threading.current_thread())
        return original(*args, **kwargs)

    setattr(service, name, wrapped)
    return seen


@pytest.fixture
def pool() -> Any:
    pool = QThreadPool()
    yield pool
    pool.waitForDone(10_000)


def _user(context: AppContext) -> Any:
    return context.data.data_type("User")


def test_the_table_reads_on_a_worker_and_the_gui_thread_does_not_wait(
    qtbot: Any, greeting: AppContext, pool: QThreadPool
) -> None:
    data = greeting.data
    threads = _record_threads(data, "things_page")
    model = ThingsModel(data, pool=pool)
    with qtbot.waitSignal(model.loaded, timeout=5000):
        model.set_data_type(_user(greeting))
        # The rows come through the event loop, never before set_data_type returns.
        assert model.rowCount() == 0 and model.loading
        assert model.columnCount() == 3  # the type's columns show at once
    assert model.rowCount() == 1 and not model.loading
    assert model.thing_id(0) == "ada"
    assert threads and all(t is not threading.main_thread() for t in threads)


def test_the_table_pages_in_the_background(
    qtbot: Any, greeting: AppContext, pool: QThreadPool
) -> None:
    with greeting.db.write() as session:
        for i in range(PAGE_SIZE + 5):
            catalog.create_thing(session, "User", {"name": f"U{i}", "email": f"u{i}@x.org"})
    model = ThingsModel(greeting.data, pool=pool)
    model.set_data_type(_user(greeting))
    qtbot.waitUntil(lambda: model.rowCount() == PAGE_SIZE)
    assert model.canFetchMore()
    model.fetchMore()
    assert not model.canFetchMore()  # one page in flight at a time
    model.fetchMore()  # ignored while the first is on its way
    qtbot.waitUntil(lambda: not model.loading)
    assert model.rowCount() == PAGE_SIZE + 6 and not model.canFetchMore()
    assert len({model.thing_id(r) for r in range(model.rowCount())}) == PAGE_SIZE + 6


def test_a_read_overtaken_by_a_newer_one_is_dropped(
    qtbot: Any, greeting: AppContext, pool: QThreadPool
) -> None:
    model = ThingsModel(greeting.data, pool=pool)
    user = _user(greeting)
    applied: list[int] = []
    model.loaded.connect(lambda: applied.append(model.rowCount()))
    model.set_data_type(user, "ada")
    model.set_data_type(user, "nobody matches this")
    qtbot.waitUntil(lambda: not model.loading)
    assert applied == [0]  # only the newest read reached the table
    model.set_data_type(user, "")
    qtbot.waitUntil(lambda: model.rowCount() == 1)


def test_a_failing_read_is_said_and_the_model_stays_usable(
    qtbot: Any, greeting: AppContext, pool: QThreadPool
) -> None:
    data = greeting.data
    model = ThingsModel(data, pool=pool)
    original = data.things_page

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise BadInput("the database is locked by another program")

    data.things_page = broken  # type: ignore[method-assign]
    with qtbot.waitSignal(model.loaded, timeout=5000):
        model.set_data_type(_user(greeting))
    assert model.rowCount() == 0 and "locked by another program" in model.error
    assert not model.canFetchMore()
    data.things_page = original  # type: ignore[method-assign]
    with qtbot.waitSignal(model.loaded, timeout=5000):
        model.reload()
    assert model.rowCount() == 1 and model.error == ""


def test_a_bug_in_a_read_does_not_reach_the_gui_thread(
    qtbot: Any, greeting: AppContext, pool: QThreadPool
) -> None:
    data = greeting.data
    model = ThingsModel(data, pool=pool)
    data.things_page = lambda *a, **k: 1 / 0  # type: ignore[method-assign]
    with qtbot.waitSignal(model.loaded, timeout=5000):
        model.set_data_type(_user(greeting))
    assert model.rowCount() == 0 and "ZeroDivisionError" in model.error


def test_the_picker_model_reads_choices_on_a_worker(
    qtbot: Any, qtmodeltester: Any, greeting: AppContext, pool: QThreadPool
) -> None:
    data = greeting.data
    threads = _record_threads(data, "thing_choices")
    model = ThingChoicesModel(data, none_text="(nobody)", pool=pool)
    with qtbot.waitSignal(model.loaded, timeout=5000):
        model.set_type("User")
        assert model.rowCount() == 1  # only "(nobody)" until the things are in
    assert threads and all(t is not threading.main_thread() for t in threads)
    assert model.rowCount() == 2
    assert model.index(0, 0).data() == "(nobody)" and model.index(0, 0).data(ID_ROLE) == ""
    assert model.index(1, 0).data(ID_ROLE) == "ada"
    assert model.index(1, 0).data().endswith("· ada")
    assert model.row_of("ada") == 1 and model.row_of("nobody") == -1
    qtmodeltester.check(model, force_py=True)
    with qtbot.waitSignal(model.loaded, timeout=5000):
        model.set_type(None)  # every type: each choice says its type
    assert model.index(1, 0).data().startswith("User: ")
    with qtbot.waitSignal(model.loaded, timeout=5000):
        model.set_type("NoSuchType")
    assert model.rowCount() == 1
