"""The reader's part for workflows: parameters, steps (number inputs in range), retries."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from app.actions import registry
from app.core.definitions import (
    API_AUTH,
    API_KEYS,
    API_METHODS,
    API_RESPOND,
    DEFAULT_GRACE,
    DEFAULT_TIMEOUT,
    MAX_NAME,
    ApiExposure,
    ParameterDef,
    RetryPolicy,
    StepDef,
    WorkflowDef,
)
from app.workflow_file.read_base import (
    MAX_ATTEMPTS,
    MAX_BACKOFF,
    MAX_DESCRIPTION,
    MAX_GRACE,
    MAX_LABEL,
    MAX_STEP_SECONDS,
    MAX_TIMEOUT,
    ReaderBase,
    plain,
    text_or_none,
)

WORKFLOW_KEYS = (
    "label",
    "colour",
    "color",
    "description",
    "parameters",
    "steps",
    "only_when",
    "ignore_privacy_rules",
    "timeout",
    "retries",
    "on_missed",
    "grace",
    "api",
)
STEP_KEYS = ("action", "with", "only_when")
PARAMETER_KEYS = ("type", "list", "optional")
RETRY_KEYS = ("attempts", "backoff")
DEFAULT_COLOUR = "#3b82f6"
DEFAULT_BACKOFF = 10.0


class WorkflowsReader(ReaderBase):
    """Workflows: their parameters, steps and run settings."""

    def workflow(self, name: str, body: Any) -> WorkflowDef | None:
        place = f"workflows.{name}"
        body = self.mapping(body, place)
        self.unknown_keys(body, WORKFLOW_KEYS, place)
        params = []
        for key, spec in self.mapping(body.get("parameters"), f"{place}.parameters").items():
            where = f"{place}.parameters.{key}"
            if len(str(key)) > MAX_NAME:
                self.add(where[:120] + "…", f"a parameter key has at most {MAX_NAME} characters")
                continue
            if isinstance(spec, str):
                spec = {"type": spec}
            spec = self.mapping(spec, where)
            self.unknown_keys(spec, PARAMETER_KEYS, where)
            vtype = self.value_type(
                spec.get("type", "text"),
                f"{where}.type",
                is_list=self.flag(spec.get("list"), f"{where}.list"),
            )
            if vtype is not None:
                params.append(
                    ParameterDef(
                        str(key), vtype, self.flag(spec.get("optional"), f"{where}.optional")
                    )
                )
        steps = []
        for _, where, raw in self.list_items(body.get("steps"), f"{place}.steps", "steps"):
            self.unknown_keys(raw, STEP_KEYS, where)
            if not isinstance(raw.get("action"), str):
                self.add(f"{where}.action", "each step needs an action")
                continue
            inputs = dict(self.mapping(raw.get("with"), f"{where}.with"))
            self.step_numbers(raw["action"], inputs, f"{where}.with")
            steps.append(StepDef(raw["action"], plain(inputs), text_or_none(raw.get("only_when"))))
        retries = self.mapping(body.get("retries"), f"{place}.retries")
        self.unknown_keys(retries, RETRY_KEYS, f"{place}.retries")
        attempts = self.number(
            retries.get("attempts"),
            f"{place}.retries.attempts",
            0,
            MAX_ATTEMPTS,
            what="a whole number of tries",
        )
        if attempts != int(attempts):
            self.add(f"{place}.retries.attempts", "expected a whole number")
        colour_key = "colour" if "colour" in body else "color"
        return WorkflowDef(
            name=name,
            label=self.text(body.get("label"), f"{place}.label", limit=MAX_LABEL),
            colour=self.text(
                body.get(colour_key),
                f"{place}.{colour_key}",
                limit=MAX_LABEL,
                default=DEFAULT_COLOUR,
            )
            or DEFAULT_COLOUR,
            description=self.text(
                body.get("description"),
                f"{place}.description",
                limit=MAX_DESCRIPTION,
                lines=True,
            ),
            parameters=tuple(params),
            steps=tuple(steps),
            only_when=text_or_none(body.get("only_when")),
            ignore_privacy_rules=self.flag(
                body.get("ignore_privacy_rules"), f"{place}.ignore_privacy_rules"
            ),
            timeout=self.number(
                body.get("timeout"),
                f"{place}.timeout",
                DEFAULT_TIMEOUT,
                MAX_TIMEOUT,
                above_low=True,
            ),
            retries=RetryPolicy(
                int(attempts),
                self.number(
                    retries.get("backoff"), f"{place}.retries.backoff", DEFAULT_BACKOFF, MAX_BACKOFF
                ),
            ),
            on_missed=self.text(
                body.get("on_missed"), f"{place}.on_missed", limit=MAX_NAME, default="run_late"
            )
            or "run_late",
            grace=self.number(body.get("grace"), f"{place}.grace", DEFAULT_GRACE, MAX_GRACE),
            api=self.api_exposure(body.get("api"), f"{place}.api"),
        )

    def api_exposure(self, value: Any, place: str) -> ApiExposure:
        """A workflow's `api:` mapping (PRODUCT §6); absent: not exposed."""
        body = self.mapping(value, place)
        self.unknown_keys(body, API_KEYS, place)
        default = ApiExposure()
        method = body.get("method", default.method)
        return ApiExposure(
            expose=self.flag(body.get("expose"), f"{place}.expose"),
            auth=self.choice(body.get("auth"), f"{place}.auth", API_AUTH),
            method=self.choice(
                method.upper() if isinstance(method, str) else method,
                f"{place}.method",
                API_METHODS,
            ),
            respond=self.choice(body.get("respond"), f"{place}.respond", API_RESPOND),
            return_200_if_condition_unmet=self.flag(
                body.get("return_200_if_condition_unmet"),
                f"{place}.return_200_if_condition_unmet",
            ),
        )

    def step_numbers(self, action: str, inputs: Mapping[str, Any], place: str) -> None:
        """A number input given as a plain number (not an expression) must be in range."""
        spec = registry.get(action)
        if spec is None:
            return
        for item in spec.inputs:
            value = inputs.get(item.name)
            if item.kind != registry.NUMBER or value is None:
                continue
            if isinstance(value, str):
                try:
                    value = float(value)
                except ValueError:
                    continue  # an expression: checked when it runs
            self.number(value, f"{place}.{item.name}", 0, MAX_STEP_SECONDS)
