"""Experiment files: a base scenario, the factors a sweep varies, its design, replications and metrics.

An experiment is checked whole before any run: its fields against the schema below, every factor's
path against the scenario (an unknown path lists what exists there), and the values the design will
give each factor (each listed value, or a range's ends) against the scenario's own bounds. Problems
are one-line errors naming the file, the field and what is allowed, as for scenarios.
"""

from __future__ import annotations

import copy
import math
from functools import partial
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    field_validator,
    model_validator,
)

from sdo_sim.inputs import InputError, decode, load_yaml, read_bytes, shorten
from sdo_sim.scenario import Scenario, ScenarioError, load_scenario, set_path, sources, validate

#: Most runs (design points × replications) one experiment may ask for.
MAX_RUNS = 10_000_000
MAX_FACTORS = 50
#: Most listed values one factor may have (each is checked against the scenario before any run).
MAX_VALUES = 1000
MAX_REPLICATIONS = 10_000
#: The summary's columns that measure a run (sdo_sim.results.summarise), before the per-bloc ones;
#: the others (scenario, seed, weeks, overrides) name the run, which a sweep records its own way.
METRICS = ("proposals", "decided", "approved", "approval_rate", "median_weeks_to_decision", "decisions",
           "defections", "blocked_by_minority")  # fmt: skip
#: Summary columns written once per bloc of the scenario, and once for actors in no bloc (`.none`)
#: when the scenario has any (sdo_sim.results.summary_blocs).
PER_BLOC = ("approval_rate", "posts_share")


class ExperimentError(ScenarioError):
    """An experiment file that cannot be used: names the file, the field path and what is allowed."""


class Spec(BaseModel):
    """A part of an experiment file: unknown keys are errors."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class Range(Spec):
    """Every number from `low` to `high` (sampled uniformly by lhs, sobol and morris)."""

    low: float
    high: float

    @model_validator(mode="after")
    def _ordered(self) -> Range:
        if not self.low < self.high:
            raise ValueError(f"high: got {self.high:g} with low {self.low:g}; high must be above low")
        return self


class Distribution(Spec):
    """A distribution a factor's values are drawn from, bounded so that every value can be checked."""

    kind: Literal["uniform", "normal", "triangular"]
    low: float = Field(description="Lowest value (normal: truncated here).")
    high: float = Field(description="Highest value (normal: truncated here).")
    mean: float | None = Field(None, description="normal: the mean.")
    sd: float | None = Field(None, gt=0, description="normal: the standard deviation.")
    peak: float | None = Field(None, description="triangular: the most likely value.")

    @model_validator(mode="after")
    def _fields_of_kind(self) -> Distribution:
        takes = {"uniform": (), "normal": ("mean", "sd"), "triangular": ("peak",)}[self.kind]
        for name in ("mean", "sd", "peak"):
            given = getattr(self, name) is not None
            if given and name not in takes:
                allowed = ", ".join(("low", "high", *takes))
                raise ValueError(f"{name}: a {self.kind} distribution takes only {allowed}")
            if not given and name in takes:
                raise ValueError(f"{name}: missing (required for a {self.kind} distribution)")
        if not self.low < self.high:
            raise ValueError(f"high: got {self.high:g} with low {self.low:g}; high must be above low")
        if self.peak is not None and not self.low <= self.peak < self.high:
            raise ValueError(f"peak: got {self.peak:g}; must be from low up to, not including, high")
        return self


class Factor(Spec):
    """A scenario field a sweep varies: a dotted path and exactly one of values, range or distribution."""

    path: str = Field(min_length=1, max_length=300, description="Dotted scenario path, as `--set` takes.")
    values: list[Any] | None = Field(None, min_length=1, max_length=MAX_VALUES, description="Levels (grid).")
    range: Range | None = Field(None, description="Every number from low to high (lhs, sobol, morris).")
    distribution: Distribution | None = Field(None, description="Values drawn from a distribution.")
    _integer: bool = PrivateAttr(False)

    @field_validator("values")
    @classmethod
    def _scalars(cls, values: list[Any] | None) -> list[Any] | None:
        seen: set[tuple[type, Any]] = set()
        for i, value in enumerate(values or []):
            if not isinstance(value, str | int | float | bool | type(None)):
                raise ValueError(
                    f"[{i}]: got a {type(value).__name__}; each value is a number, text, true/false or null"
                )
            if isinstance(value, float) and not math.isfinite(value):
                raise ValueError(f"[{i}]: got {value}; numbers must be finite")
            if (type(value), value) in seen:
                raise ValueError(f"[{i}]: {shorten(repr(value))} appears twice")
            seen.add((type(value), value))
        return values

    @model_validator(mode="after")
    def _one_kind(self) -> Factor:
        given = [name for name in ("values", "range", "distribution") if getattr(self, name) is not None]
        if len(given) != 1:
            got = f"got {' and '.join(given)}" if given else "got none"
            raise ValueError(f"give exactly one of values, range or distribution ({got})")
        if self.path.replace("[", ".").split(".")[0] == "seed":
            raise ValueError("path: seed is set for each run from the experiment's seed and replications")
        return self

    @property
    def integer(self) -> bool:
        """Whether the scenario field takes whole numbers only (a continuous design's values are rounded)."""
        return self._integer

    @property
    def bounds(self) -> tuple[float, float] | None:
        """The lowest and highest value a range or distribution gives (None for listed values)."""
        spec = self.range or self.distribution
        return None if spec is None else (spec.low, spec.high)


class Design(Spec):
    """How design points are chosen: every combination (grid) or SALib's samplers."""

    kind: Literal["grid", "lhs", "sobol", "morris"]
    samples: int | None = Field(None, ge=1, le=MAX_RUNS, description="lhs: points; sobol/morris: base N.")
    levels: int | None = Field(None, ge=2, le=100, description="morris: grid levels (default 4, even).")
    second_order: bool | None = Field(None, description="sobol: also second-order indices (default false).")

    @model_validator(mode="after")
    def _options_of_kind(self) -> Design:
        if self.kind == "grid" and self.samples is not None:
            raise ValueError("samples: a grid takes no samples; its points are every combination of values")
        if self.kind != "grid" and self.samples is None:
            raise ValueError(f"samples: missing (required for a {self.kind} design)")
        if self.levels is not None and self.kind != "morris":
            raise ValueError("levels: only a morris design takes levels")
        if self.second_order is not None and self.kind != "sobol":
            raise ValueError("second_order: only a sobol design takes second_order")
        if self.kind == "morris":
            self.levels = 4 if self.levels is None else self.levels
            if self.levels % 2:
                raise ValueError(f"levels: got {self.levels}; must be even (SALib's rule for Morris)")
        if self.kind == "sobol":
            self.second_order = bool(self.second_order)
        return self


class Experiment(Spec):
    """A whole experiment file: what is varied, how, how often, and what is kept."""

    name: str = Field(min_length=1, max_length=200)
    description: str = Field("", max_length=5000)
    scenario: str = Field(min_length=1, max_length=1000, description="Scenario file, relative to this one.")
    factors: list[Factor] = Field(min_length=1, max_length=MAX_FACTORS)
    design: Design
    replications: int = Field(1, ge=1, le=MAX_REPLICATIONS, description="Runs per design point.")
    seed: int = Field(0, ge=0, lt=2**63, description="Root seed of the replications' seeds and the sampler.")
    metrics: list[str] | None = Field(None, min_length=1, description="Summary columns kept (default: all).")
    _source: Path = PrivateAttr(Path("."))

    @model_validator(mode="after")
    def _consistent(self) -> Experiment:
        paths: dict[str, int] = {}
        for i, factor in enumerate(self.factors):
            key = factor.path.replace("[", ".").replace("]", "")
            if key in paths:
                raise ValueError(f"factors[{i}].path: {shorten(factor.path)} is also factors[{paths[key]}]")
            paths[key] = i
            grid, kind = self.design.kind == "grid", self.design.kind
            if grid and factor.values is None:
                raise ValueError(f"factors[{i}]: a grid design needs values (the levels to run) for every "
                                 "factor; range and distribution need lhs, sobol or morris")  # fmt: skip
            if not grid and factor.values is not None:
                raise ValueError(f"factors[{i}]: the {kind} design samples a range or distribution for every "
                                 "factor; values (listed levels) need design kind grid")  # fmt: skip
        if self.design.second_order and len(self.factors) < 2:
            raise ValueError("design.second_order: needs at least 2 factors")
        if self.total_runs > MAX_RUNS:
            runs = f"{self.total_runs:,} runs ({self.points:,} points × {self.replications:,} replications)"
            raise ValueError(f"design: {runs}; at most {MAX_RUNS:,} (fewer samples, values or replications)")
        return self

    @property
    def points(self) -> int:
        """How many design points the design gives (Sobol's base samples rounded up to a power of two)."""
        d, n = len(self.factors), self.design.samples or 0
        if self.design.kind == "grid":
            return math.prod(len(f.values or ()) for f in self.factors)
        if self.design.kind == "sobol":
            return power_of_two(n) * (2 * d + 2 if self.design.second_order else d + 2)
        return n * (d + 1) if self.design.kind == "morris" else n

    @property
    def total_runs(self) -> int:
        """Design points × replications."""
        return self.points * self.replications

    @property
    def source(self) -> Path:
        """The experiment file this was read from."""
        return self._source

    @property
    def scenario_path(self) -> Path:
        """The base scenario file (`scenario`, relative to the experiment file's folder)."""
        return self._source.parent / self.scenario


def power_of_two(n: int) -> int:
    """The smallest power of two at or above `n` (SALib's rule for Sobol sample counts)."""
    return 1 << max(n - 1, 0).bit_length()


def summary_metrics(scenario: Scenario) -> list[str]:
    """The summary columns a run of `scenario` writes that measure it, in the summary's order."""
    from sdo_sim.results import summary_blocs

    blocs = [bloc or "none" for bloc in summary_blocs(scenario)]
    return [*METRICS, *(f"{name}.{bloc}" for name in PER_BLOC for bloc in blocs)]


def load_experiment(path: str | Path) -> Experiment:
    """Read and check an experiment file whole: schema, scenario, factor paths and values, metrics."""
    path = Path(path)
    source = str(path)
    try:
        raw = load_yaml(decode(read_bytes(path, "scenario")))
    except InputError as error:
        raise ExperimentError(source, "", str(error)) from None
    if not isinstance(raw, dict):
        raise ExperimentError(source, "", "must be a YAML mapping of experiment fields")
    try:
        experiment = Experiment.model_validate(raw)
    except ValidationError as error:
        raise _first_problem(error, source) from None
    except RecursionError:
        raise ExperimentError(source, "", "nested too deeply to be an experiment") from None
    experiment._source = path
    scenario_file = _scenario_file(experiment, source)
    scenario = load_scenario(scenario_file)  # a problem of the scenario itself names that file
    base = _Base(scenario_file, source, experiment.scenario)
    for i, factor in enumerate(experiment.factors):
        base.check_factor(i, factor)
    allowed = summary_metrics(scenario)
    if experiment.metrics is None:
        experiment.metrics = allowed
    for i, metric in enumerate(experiment.metrics):
        if metric not in allowed:
            known = f"unknown metric {shorten(repr(metric))}; allowed: {', '.join(allowed)}"
            raise ExperimentError(source, f"metrics[{i}]", known)
        if metric in experiment.metrics[:i]:
            raise ExperimentError(source, f"metrics[{i}]", f"{shorten(repr(metric))} appears twice")
    return experiment


def _scenario_file(experiment: Experiment, source: str) -> Path:
    """The base scenario's path, checked as `extends:` checks its bases."""
    given = experiment.scenario
    file = experiment.scenario_path
    if file.suffix.lower() not in sources.SCENARIO_SUFFIXES:
        raise ExperimentError(source, "scenario", f"{shorten(given)}: must be a .yaml or .yml scenario file")
    try:
        regular = file.resolve().is_file()
    except (RuntimeError, OSError):
        regular = False
    if not regular:
        where = f"looked for {file}; the path is relative to the experiment file"
        raise ExperimentError(source, "scenario", f"{shorten(given)} is not a scenario file ({where})")
    return file


class _Base:
    """The scenario's merged fields, to which one factor value at a time is applied and validated."""

    def __init__(self, scenario: Path, source: str, given: str) -> None:
        self.scenario, self.source, self.given = scenario, source, given
        self.raw = sources.merge_layers(sources.read_layers(scenario))
        self.table = partial(sources.calibration_for, scenario, None)

    def problem(self, path: str, value: Any) -> tuple[bool, ScenarioError] | None:
        """What the scenario says against `path` set to `value`, and whether it is about the path itself
        (a path that leads nowhere, or to a field the scenario does not have); None if accepted."""
        raw = copy.deepcopy(self.raw)
        label = f"{self.scenario} with {path}={shorten(repr(value))}"
        try:
            set_path(raw, path, value, label)
        except ScenarioError as error:
            return True, error
        try:
            validate(sources.resolve_data(raw, label, self.table), label)
        except ScenarioError as error:
            return error.message.startswith("unknown field"), error
        return None

    def check_factor(self, i: int, factor: Factor) -> None:
        """Refuse a path the scenario lacks, or a value the design gives that the scenario refuses."""
        field = f"factors[{i}]"
        if factor.values is not None:
            try:  # a `data:KEY` value becomes the number it stands for, as in a scenario
                factor.values = sources.resolve_data(
                    factor.values, self.source, self.table, f"{field}.values"
                )
            except ScenarioError as error:
                raise ExperimentError(error.source, error.field, error.message) from None
            checks = [(f"{field}.values[{j}]", value) for j, value in enumerate(factor.values)]
        else:
            low, high = factor.bounds or (0.0, 0.0)
            kind = "range" if factor.range is not None else "distribution"
            checks = [(f"{field}.{kind}.low", low), (f"{field}.{kind}.high", high)]
            fractional = next(
                x for x in (low + (high - low) * f for f in (0.4142, 0.2718, 0.5772)) if not x.is_integer()
            )
            refused = self.problem(factor.path, fractional)
            whole = self.problem(factor.path, round_half_up(fractional)) if refused and not refused[0] else 0
            if whole is None:
                factor._integer = True  # whole numbers only: the design's values are rounded
                checks = [(where, round_half_up(value)) for where, value in checks]
        for where, value in checks:
            found = self.problem(factor.path, value)
            if found is None:
                continue
            about_path, error = found
            said = error.message if error.field in ("", factor.path) else f"{error.field}: {error.message}"
            if about_path:
                raise ExperimentError(self.source, f"{field}.path", f"{shorten(factor.path, 80)}: {said}")
            shown = f"{shorten(factor.path, 80)}={shorten(repr(value))}"
            raise ExperimentError(
                self.source, where, f"{shown} is refused by the scenario ({shorten(self.given, 80)}): {said}"
            )


def round_half_up(x: float) -> int:
    """The nearest whole number, halves rounded up (how a continuous design's values reach int fields)."""
    return math.floor(x + 0.5)


def _first_problem(error: ValidationError, source: str) -> ExperimentError:
    """The first schema problem as a one-line error: the field path and what is allowed."""
    problem = error.errors(include_url=False)[0]
    loc = list(problem["loc"])
    field = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in loc).lstrip(".")
    kind = problem["type"]
    if kind == "value_error":
        message = str(problem.get("ctx", {}).get("error", problem["msg"]))
        head, _, rest = message.partition(": ")
        if rest and " " not in head:  # the check names the field it is about
            joined = head if head.startswith("[") or not field else f".{head}"
            return ExperimentError(source, (field + joined).lstrip("."), rest)
        return ExperimentError(source, field, message)
    if kind == "extra_forbidden":
        allowed = _allowed_fields(loc[:-1])
        return ExperimentError(source, field, f"unknown field; allowed: {', '.join(allowed)}")
    if kind == "missing":
        return ExperimentError(source, field, "missing (required)")
    got = problem.get("input")
    shown = shorten(repr(got), 60) if isinstance(got, str | int | float | bool | None) else type(got).__name__
    return ExperimentError(source, field, f"got {shown}; {problem['msg'][0].lower()}{problem['msg'][1:]}")


def _allowed_fields(loc: list[Any]) -> list[str]:
    """The fields the part of an experiment file at `loc` accepts."""
    model: Any = Experiment
    for part in loc:
        if not isinstance(part, int):
            model = _model_in(model.model_fields[part].annotation) if part in model.model_fields else None
        if model is None:
            return []
    return sorted(model.model_fields)


def _model_in(annotation: Any) -> type[BaseModel] | None:
    """The schema object inside an annotation such as list[X] or X | None."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return next((m for a in getattr(annotation, "__args__", ()) if (m := _model_in(a)) is not None), None)
