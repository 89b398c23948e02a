"""The importer of the workflow file: what the reader checked, written in one transaction.

It reads from the database what the reader must know (`Known`), has the
reader check the whole document, and writes it all or nothing: a file with
any problem writes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from app.core.types import ValueType, coerce, local_zone, utcnow
from app.core.words import counted
from app.errors import BadInput, InvalidWorkflowFile, one_line
from app.storage import catalog, ledger
from app.storage import models as m
from app.storage.db import Database
from app.workflow_file.loading import load_fast
from app.workflow_file.reader import Known, read_document, read_file, run_problems


@dataclass(frozen=True)
class ImportSummary:
    data_types: int
    things: int
    workflows: int
    triggers: int

    def __str__(self) -> str:
        return (
            f"imported {counted(self.workflows, 'workflow')}, "
            f"{counted(self.data_types, 'data type')}, {counted(self.things, 'thing')}, "
            f"{counted(self.triggers, 'trigger')}"
        )


Progress = Callable[[int, int], None]
"""Told (things written, things to write) while an import writes its things."""


def import_text(
    db: Database,
    text: str,
    *,
    name: str = "file",
    replace: bool = False,
    progress: Progress | None = None,
) -> ImportSummary:
    """Check the whole document, then write it in one transaction (or nothing)."""
    doc = load_fast(text, name)
    try:
        return _import_document(db, doc, replace, progress)
    except RecursionError:
        raise InvalidWorkflowFile([f"{name}: nested too deeply"]) from None


def import_file(
    db: Database, path: Path, *, replace: bool = False, progress: Progress | None = None
) -> ImportSummary:
    return import_text(db, read_file(path), name=str(path), replace=replace, progress=progress)


def _known(session: Any) -> Known:
    """What the reader must know of the database, read in the import's transaction."""
    return Known(
        data_types=catalog.data_types(session),
        workflows={wf.name: wf for wf in catalog.list_workflows(session)},
        thing_ids=frozenset(
            session.scalars(m.Thing.__table__.select().with_only_columns(m.Thing.id))
        ),
        triggers=frozenset(t.name for t in catalog.list_triggers(session)),
    )


def _import_document(
    db: Database, doc: Any, replace: bool, progress: Progress | None
) -> ImportSummary:
    with db.write() as session:
        known = _known(session)
        contents = read_document(doc, known, replace=replace)
        for definition in contents.data_types:
            catalog.save_data_type(session, definition)
        # References are set once every thing is there: a thing may name one
        # later in the file, or itself (an export lists things by age).
        references: list[tuple[str, dict[str, Any]]] = []
        thing_ids = set(known.thing_ids)  # and every thing written: a run may run as one
        # New things go in one executemany per data type; existing ones are changed.
        new: dict[str, list[tuple[str | None, dict[str, Any]]]] = {}
        new_refs: list[tuple[str, int, dict[str, Any]]] = []  # (type, index in new[type], refs)
        ref_fields: dict[str, frozenset[str]] = {}
        for type_name, thing_id, values in contents.things:
            if type_name not in ref_fields:
                fields = catalog.get_data_type(session, type_name).fields
                ref_fields[type_name] = frozenset(f.name for f in fields if f.type.is_thing)
            linked = ref_fields[type_name]
            refs = (
                {k: v for k, v in values.items() if k in linked and v is not None} if linked else {}
            )
            plain = {k: v for k, v in values.items() if k not in refs} if refs else values
            if thing_id is not None and thing_id in known.thing_ids:
                catalog.modify_thing(session, thing_id, plain)
                if refs:
                    references.append((thing_id, refs))
                continue
            batch = new.setdefault(type_name, [])
            if refs:
                new_refs.append((type_name, len(batch), refs))
            batch.append((thing_id, plain))
        total = sum(len(batch) for batch in new.values())
        done = 0

        def advance(count: int) -> None:
            nonlocal done
            done += count
            if progress is not None:
                progress(done, total)

        written = {
            type_name: catalog.insert_things(session, type_name, batch, advance)
            for type_name, batch in new.items()
        }
        for ids in written.values():
            thing_ids.update(ids)
        references += [(written[t][index], refs) for t, index, refs in new_refs]
        for thing_id, refs in references:
            catalog.modify_thing(session, thing_id, refs)
        for wf in contents.workflows:
            catalog.save_workflow(session, wf)
        for trigger in contents.triggers:
            catalog.save_trigger(session, trigger)
        problems = _import_runs(session, contents.runs, replace, thing_ids)
        if problems:
            # (rolls back everything written above)
            raise InvalidWorkflowFile([one_line(p) for p in problems])
    return ImportSummary(
        len(contents.data_types),
        len(contents.things),
        len(contents.workflows),
        len(contents.triggers),
    )


def _import_runs(session: Any, raw: Any, replace: bool, thing_ids: set[str]) -> list[str]:
    """Upcoming runs of an export: checked against the workflows now in the database."""
    from app.engine.service import prepare_params

    if raw is None:
        return []
    if not isinstance(raw, list):
        return ["runs: expected a list of upcoming runs"]
    problems: list[str] = []
    seen: dict[str, str] = {}  # run ID → its place
    loader = catalog.SessionThingLoader(session)
    for index, item in enumerate(raw, start=1):
        place = f"runs[{index}]"
        found = run_problems(item, place, seen, thing_ids)
        if found:
            problems += found
            continue
        try:
            wf = catalog.get_workflow(session, str(item.get("workflow")))
            when = item.get("scheduled_for")
            at = coerce(ValueType("date"), when if isinstance(when, datetime) else str(when))
            params = prepare_params(wf, dict(item.get("params") or {}), loader.resolve)
            run_id = item.get("id")
            if run_id and session.get(m.Run, run_id) is not None:
                if not replace:
                    problems.append(f"{place}: run '{run_id}' already exists (use --replace)")
                continue
            new = ledger.NewRun(
                workflow=wf.name,
                workflow_version=wf.version,
                params=params,
                scheduled_for=at if at.tzinfo else at.replace(tzinfo=local_zone()),
                run_as=item.get("run_as"),
                ignore_privacy=bool(item.get("ignore_privacy")),
            )
            if run_id:
                session.add(m.Run(**ledger.run_values(new, run_id, utcnow())))
            else:
                ledger.insert_run(session, new)
        except BadInput as exc:
            problems.append(f"{place}: {exc.reason}")
    return problems
