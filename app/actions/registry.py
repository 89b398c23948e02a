"""The action registry: every step type by name, collected from the `SPECS` of
the action modules (one per family).

The same declaration drives validation on import, the engine's coercion of
evaluated inputs, and the window's generated step forms.
"""

from __future__ import annotations

import threading

# Re-exported: the engine, validation and the step form read the declarations
# through the registry.
from app.actions.spec import (
    ANY,
    CHOICE,
    DATA_TYPE,
    DATE,
    LONG_TEXT,
    MAPPING,
    NUMBER,
    TEXT,
    TEXT_OR_LIST,
    THING_OR_LIST,
    WORKFLOW,
    YES_NO,
    ActionSpec,
    InputSpec,
    Perform,
    ReturnData,
    StepContext,
    Terminate,
    plain,
)

__all__ = [
    "ANY",
    "CHOICE",
    "DATA_TYPE",
    "DATE",
    "LONG_TEXT",
    "MAPPING",
    "NUMBER",
    "TEXT",
    "TEXT_OR_LIST",
    "THING_OR_LIST",
    "WORKFLOW",
    "YES_NO",
    "ActionSpec",
    "InputSpec",
    "Perform",
    "ReturnData",
    "StepContext",
    "Terminate",
    "actions",
    "get",
    "plain",
    "workflow_callers",
]

_REGISTRY: dict[str, ActionSpec] = {}
_LOADING = threading.Lock()


def actions() -> dict[str, ActionSpec]:
    _load_all()
    return dict(_REGISTRY)


def get(name: str) -> ActionSpec | None:
    _load_all()
    return _REGISTRY.get(name)


def workflow_callers() -> frozenset[str]:
    """The actions whose `workflow` input names a workflow (ActionSpec.calls_workflow)."""
    _load_all()
    return frozenset(name for name, spec in _REGISTRY.items() if spec.calls_workflow)


def _load_all() -> None:
    """Collect the action modules' specs once (imported on first use: httpx, smtplib …)."""
    if _REGISTRY:
        return
    with _LOADING:
        if _REGISTRY:
            return
        from app.actions import data, email, flow, scheduling, web

        found: dict[str, ActionSpec] = {}
        for module in (data, email, flow, scheduling, web):
            for spec in module.SPECS:
                if spec.name in found:
                    raise ValueError(f"action {spec.name} registered twice")
                found[spec.name] = spec
        _REGISTRY.update(found)
