"""Event conditions: 'metric op number', e.g. 'posts_share.east > 0.3'."""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Mapping

OPERATORS: dict[str, Callable[[float, float], bool]] = {
    ">=": operator.ge,
    "<=": operator.le,
    ">": operator.gt,
    "<": operator.lt,
    "==": operator.eq,
}
METRICS = ("approval_rate", "posts_share", "contributions_share", "members_share", "week")
_PATTERN = re.compile(r"^\s*([a-z_]+)(?:\.([A-Za-z0-9_-]+))?\s*(>=|<=|==|>|<)\s*(-?[0-9]*\.?[0-9]+)\s*$")


def parse_condition(text: str) -> tuple[str, str | None, Callable[[float, float], bool], float]:
    """Split a condition into (metric, key, comparison, number); ValueError when malformed."""
    match = _PATTERN.match(text)
    if not match:
        raise ValueError(f"got {text!r}; write 'metric[.bloc] op number', e.g. 'posts_share.east > 0.3'")
    metric, key, op, number = match.groups()
    if metric not in METRICS:
        raise ValueError(f"unknown metric {metric!r}; allowed: {', '.join(METRICS)}")
    if metric == "week" and key is not None:
        raise ValueError("week takes no .bloc")
    if metric == "approval_rate" and key is None:
        key = "all"
    if metric not in ("week", "approval_rate") and key is None:
        raise ValueError(f"{metric} needs a bloc, e.g. '{metric}.east > 0.3'")
    return metric, key, OPERATORS[op], float(number)


def holds(condition: tuple[str, str | None, Callable[[float, float], bool], float], metrics: Mapping) -> bool:
    """Whether the condition holds; a metric with no value yet (nothing decided) does not hold."""
    metric, key, compare, number = condition
    value = metrics.get(metric)
    if key is not None:
        value = value.get(key) if isinstance(value, Mapping) else None
    return value is not None and compare(float(value), number)
