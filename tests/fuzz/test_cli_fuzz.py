"""Fuzz harness for the `sdo-sim` command (issue 7, item 5).

Every node of the shipped scenarios (scenarios/**/*.yaml) and ballots (examples/**/*.json) is mutated
into odd values: NaN, infinities, huge, tiny and negative numbers, YAML's odd scalars and tags, wrong
types, lists nested 5,000 deep, terminal escapes, rich markup, lone surrogates; keys are deleted,
duplicated and misspelt; whole files are emptied, truncated, made 50 MB, alias bombs or non-UTF-8.
The same odd values also go through `run --set PATH=VALUE` and run's --seed, --weeks, --format, --out.
Each mutated scenario is validated (itself and a scenario extending it) and, when valid and small, run;
each mutated ballot file is tallied as JSON and as a table. Every command must end within
mutations.TIME_LIMIT (20 s) with exit 0 or 2; on 2, stderr holds one `sdo-sim: error:` line per problem
(one for a scenario or a single ballot); never a traceback or a raw control character.

Commands run in this process through `sdo_sim.cli.main()` (see mutations.invoke). The examples come
from a fixed seed; SDO_SIM_FUZZ_EXAMPLES sets how many per test: 300 by default (the CI slice, about
20 s), 10,000 in `make fuzz` (about 20 min). The session's counts are printed and saved to
tests/fuzz/.work/counts.json; `python -m tests.fuzz.survey` runs the same mutations without stopping
at the first failure and lists the distinct failure classes.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any, TypeVar

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from tests.fuzz import mutations as m

T = TypeVar("T")
EXAMPLES = int(os.environ.get("SDO_SIM_FUZZ_EXAMPLES", "300"))
FUZZ = settings(
    derandomize=True,
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
    # no explain phase: its line tracing makes pure-Python YAML parsing many times slower (false hangs)
    phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink],
)


class _Draw:
    """Hypothesis's `draw`, as the picker `mutations.draw_mutation` expects."""

    def __init__(self, draw: Any) -> None:
        self.draw = draw

    def choice(self, items: Sequence[T]) -> T:
        """One of the items, drawn (and shrunk) by hypothesis."""
        return self.draw(st.sampled_from(items))


@st.composite
def mutations_of(draw: Any, sources: Sequence[m.Source]) -> m.Mutation:
    """A mutation of one of `sources`."""
    return m.draw_mutation(_Draw(draw), sources)


def check(mutation: m.Mutation) -> None:
    """Run the mutation's commands; fail with the mutation and the broken promises shown."""
    folder = m.WORK / f"test-{os.getpid()}"
    report = m.execute(mutation, folder)
    if report.failures:
        pytest.fail(report.explain(folder), pytrace=False)


@FUZZ
@given(mutations_of(m.SCENARIOS))
def test_mutated_scenarios_get_exit_0_or_one_error_line(mutation: m.Mutation) -> None:
    """`validate` (and `run`, when valid) on a mutated scenario: exit 0 or 2, one line, in time."""
    check(mutation)


@FUZZ
@given(mutations_of(m.BALLOTS))
def test_mutated_ballots_get_exit_0_or_error_lines(mutation: m.Mutation) -> None:
    """`tally` and `tally --format table` on a mutated ballot file: exit 0 or 2, error lines, in time."""
    check(mutation)
