"""The levers a scenario declares (`levers:`), as the dashboard's controls: where each starts, the values
it offers, and the overrides the room's settings make (only those that differ from the file).

A scenario without `levers:` offers each bloc's cohesion, the one lever every scenario has.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any

from sdo_sim.scenario.levers import Lever, LeverChoice, lever_value
from sdo_sim.scenario.schema import Scenario

AS_IN_FILE = "as in the scenario"


@dataclass(frozen=True)
class Control:
    """One lever as a control: its lever, the value in the scenario, and (choices) labels and values."""

    lever: Lever
    current: Any
    labels: tuple[str, ...] = ()
    values: tuple[Any, ...] = ()

    @property
    def whole(self) -> bool:
        """A slider over a whole-number field, with whole steps: it sets integers."""
        integer = isinstance(self.current, int) and not isinstance(self.current, bool)
        return integer and float(self.step).is_integer()

    @property
    def step(self) -> float:
        """A slider's step (a twentieth of its range unless the lever gives one)."""
        lever = self.lever
        assert lever.min is not None and lever.max is not None
        return lever.step if lever.step is not None else (lever.max - lever.min) / 20

    def start(self) -> Any:
        """The control's value before anyone moves it: the scenario's own."""
        if self.lever.kind == "slider":
            return self.current
        if self.lever.kind == "switch":
            return _same(self.current, self.on)
        return next((label for label, value in zip(self.labels, self.values, strict=True)
                     if _same(value, self.current)), AS_IN_FILE)  # fmt: skip

    @property
    def on(self) -> Any:
        """The value a switch sets when on."""
        return True if self.lever.on is None else self.lever.on

    @property
    def off(self) -> Any:
        """The value a switch sets when off."""
        return False if self.lever.off is None else self.lever.off

    def value(self, setting: Any) -> Any:
        """The field's value for a control setting (a slider's number, a switch's bool, a choice's label)."""
        kind = self.lever.kind
        if kind == "slider":
            number = float(setting)
            return round(number) if self.whole else round(number, 10)
        if kind == "switch":
            return self.on if setting else self.off
        if setting == AS_IN_FILE:
            return self.current
        if setting not in self.labels:
            raise ValueError(f"{self.lever.label}: no choice {setting!r}; choices: {', '.join(self.labels)}")
        return self.values[self.labels.index(setting)]

    def shown(self, value: Any) -> str:
        """A value as the room reads it: a choice's label, on/off, or the number."""
        if self.lever.kind == "choice":
            return next((label for label, v in zip(self.labels, self.values, strict=True) if _same(v, value)),
                        "as in the scenario" if value is None else _text(value))  # fmt: skip
        if self.lever.kind == "switch":
            return "on" if _same(value, self.on) else "off"
        return _text(value)


def controls(scenario: Scenario) -> list[Control]:
    """The scenario's levers as controls (each bloc's cohesion when it declares none)."""
    levers = list(scenario.levers) or [_cohesion(bloc) for bloc in scenario.blocs]
    out = []
    for lever in levers:
        current = lever_value(scenario, lever.path)
        if lever.kind == "choice":
            options = [c if isinstance(c, LeverChoice) else LeverChoice(label=_text(c), value=c)
                       for c in lever.choices]  # fmt: skip
            labels, values = tuple(o.label for o in options), tuple(o.value for o in options)
            out.append(Control(lever, current, labels, values))
        else:
            out.append(Control(lever, current))
    return out


def _cohesion(bloc: str) -> Lever:
    """The lever every scenario has: a bloc's cohesion."""
    return Lever(
        label=f"{bloc.capitalize()} bloc cohesion",
        path=f"blocs.{bloc}.cohesion",
        min=0,
        max=1,
        step=0.05,
        help=f"Chance that a member of the {bloc} bloc takes its line rather than its own.",
    )


def overrides(controls: list[Control], settings: dict[str, Any]) -> dict[str, Any]:
    """The `--set` overrides of the settings (path → control setting) that differ from the scenario."""
    by_path = {control.lever.path: control for control in controls}
    out: dict[str, Any] = {}
    for path, setting in settings.items():
        control = by_path.get(path)
        if control is None:
            raise ValueError(f"{path}: not a lever of this scenario; levers: {', '.join(by_path)}")
        value = control.value(setting)
        if not _same(value, control.current):
            out[path] = value
    return out


def describe(controls: list[Control], changes: dict[str, Any]) -> str:
    """The change in words: 'East bloc cohesion 0.6 → 0.9; Affiliates' votes each → one vote per group'."""
    by_path = {control.lever.path: control for control in controls}
    parts = []
    for path, value in changes.items():
        control = by_path.get(path)
        if control is None:
            parts.append(f"{path} = {_text(value)}")
        else:
            parts.append(f"{control.lever.label} {control.shown(control.current)} → {control.shown(value)}")
    return "; ".join(parts) or "no change"


def _same(a: Any, b: Any) -> bool:
    """Equal as the field holds them: 0.6 and 0.6000000001 from a slider, [2, 2] and (2.0, 2.0)."""
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if isinstance(a, int | float) and isinstance(b, int | float):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def _text(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, bool) or value is None:
        return json.dumps(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_text(v) for v in value) + "]"
    return str(value)
