"""The workshop dashboard's page (Solara): pick a scenario, move its levers, see the scenario as is and
with the change side by side (paired ensembles), read the rules in force, step through one ballot, and
take figures, tables and a report home.

Plain Solara components rather than mesa's SolaraViz: SolaraViz steps one model in the browser, a
workshop compares ensembles of finished runs; its charts (altair) would also load from a CDN.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import solara
import solara.lab

from sdo_sim.dashboard import ensemble, export, words
from sdo_sim.dashboard.figures import FIGURES, png
from sdo_sim.dashboard.levers import Control, controls, describe, overrides
from sdo_sim.dashboard.server import RUNTIME

# Large type and generous controls: the page is read from the back of a room on a projector.
CSS = """
.v-application { font-size: 20px !important; }
.v-application .v-label, .v-application .v-select__selection, .v-application input,
.v-application .v-btn { font-size: 19px !important; }
.sdo-words li { font-size: 25px; margin: 8px 0; line-height: 1.3; }
.sdo-ensembles { font-size: 21px; color: #333; }
.sdo-help { font-size: 16px; color: #555; margin: -12px 0 14px 0; }
.sdo-rules li { font-size: 19px; margin: 6px 0; }
.sdo-ballot td, .sdo-ballot th { font-size: 22px; padding: 4px 18px; text-align: right; }
.sdo-ballot td:first-child, .sdo-ballot th:first-child { text-align: left; }
.v-tab { font-size: 19px !important; }
"""
RUNS = [10, 30, 50, 100]
TABS = ["Compare", "Rules in force", "One ballot", "Tables"]

scenario_path = solara.reactive(RUNTIME.initial)
settings: solara.Reactive[dict[str, Any]] = solara.reactive({})
seed = solara.reactive(RUNTIME.scenarios[RUNTIME.initial].seed if RUNTIME.initial else 1)
runs = solara.reactive(30)
figure = solara.reactive(next(iter(FIGURES)))
tab = solara.reactive(0)
gate = solara.reactive(0)
progress = solara.reactive("")


class Abandoned(Exception):
    """A comparison the room no longer waits for: a lever moved again before it finished."""


def _stem(path: str) -> str:
    return Path(path).stem


@solara.component
def LeverControl(control: Control) -> None:
    """One lever: a slider, switch or choice, with its sentence of help beneath."""
    lever = control.lever
    path = lever.path
    value = settings.value.get(path, control.start())

    def set_value(new: Any) -> None:
        settings.value = {**settings.value, path: new}

    if lever.kind == "slider" and control.whole:
        solara.SliderInt(
            lever.label,
            value=int(value),
            min=int(lever.min or 0),
            max=int(lever.max or 0),
            step=int(control.step),
            on_value=set_value,
            thumb_label="always",
        )
    elif lever.kind == "slider":
        solara.SliderFloat(
            lever.label,
            value=float(value),
            min=float(lever.min or 0),
            max=float(lever.max or 0),
            step=control.step,
            on_value=set_value,
            thumb_label="always",
        )
    elif lever.kind == "switch":
        solara.Switch(label=lever.label, value=bool(value), on_value=set_value)
    else:
        options = (
            list(control.labels)
            if control.start() in control.labels
            else ["as in the scenario", *control.labels]
        )
        solara.Select(label=lever.label, values=options, value=value, on_value=set_value)
    if lever.help:
        solara.HTML(tag="div", unsafe_innerHTML=html.escape(lever.help), classes=["sdo-help"])


@solara.component
def Sidebar(shown: list[Control]) -> None:
    """The scenario, its seed and run count, and its levers."""
    names = {path: f"{scenario.name} ({_stem(path)})" for path, scenario in RUNTIME.scenarios.items()}

    def pick(label: str) -> None:
        path = next(p for p, name in names.items() if name == label)
        scenario_path.value, settings.value, gate.value = path, {}, 0
        seed.value = RUNTIME.scenarios[path].seed

    solara.Select(
        label="Scenario or case", values=list(names.values()), value=names[scenario_path.value], on_value=pick
    )
    solara.Markdown(RUNTIME.scenarios[scenario_path.value].description or "")
    with solara.Row():
        solara.InputInt("Seed (both sides)", value=seed, continuous_update=False)
        solara.Select(label="Runs on each side", values=RUNS, value=runs)  # type: ignore[arg-type]
    solara.Markdown("### Levers")
    for control in shown:
        LeverControl(control)
    solara.Button("Put every lever back", on_click=lambda: settings.set({}), outlined=True)


def _compare(path: str, changes: dict[str, Any], root: int, count: int, token: list[object]) -> Any:
    """Both ensembles and the differences (in a thread; the runs are on the worker processes)."""
    mine = object()
    token[0] = mine

    def report(done: int, total: int) -> None:
        if token[0] is not mine:
            raise Abandoned
        progress.value = f"{done} of {total} runs done"

    assert RUNTIME.workers is not None
    try:
        comparison = ensemble.compare(
            RUNTIME.workers, path, changes, root_seed=root, runs=count, progress=report
        )
    except Abandoned:
        return None
    return comparison, ensemble.headline(comparison)


@solara.component
def Compare(task: Any, change: str) -> None:
    """The two ensembles side by side: the difference in words, one figure at a time, downloads."""
    solara.Markdown(f"## As is → changed: {change}")
    if task.error:
        solara.Error(f"{task.exception}")
        return
    if task.pending or task.value is None:
        solara.ProgressLinear(True)
        solara.Text(f"Running both ensembles… {progress.value}")
        if task.value is None:
            return
    comparison, differences = task.value
    n = len(comparison.seeds)
    solara.HTML(
        tag="div",
        classes=["sdo-ensembles"],
        unsafe_innerHTML=html.escape(
            f"Two ensembles — as is: {n} runs; changed: {n} runs — paired by seed (common random "
            f"numbers, root seed {comparison.root_seed}); ± is the 95 % interval of the paired difference. "
            f"{comparison.seconds:.1f} s."
        ),
    )
    items = "".join(f"<li>{html.escape(d.words())}</li>" for d in differences)
    solara.HTML(tag="ul", unsafe_innerHTML=items, classes=["sdo-words"])
    Figures(comparison, differences, change)


@solara.component
def Figures(comparison: Any, differences: list[Any], change: str) -> None:
    """One figure at a time, large, with its PNG download and the report's."""
    captions = {caption: name for name, (caption, _) in FIGURES.items()}
    solara.ToggleButtonsSingle(
        value=FIGURES[figure.value][0],
        values=list(captions),
        on_value=lambda caption: figure.set(captions[caption]),
    )
    data = solara.use_memo(
        lambda: png(FIGURES[figure.value][1](comparison)), dependencies=[id(comparison), figure.value]
    )
    solara.Image(data, width="100%")
    stem = f"{_stem(comparison.scenario)}-seed{comparison.root_seed}"
    with solara.Row():
        solara.FileDownload(
            data,
            filename=f"{stem}-{figure.value}.png",
            label="Download this figure (PNG)",
            mime_type="image/png",
        )
        title = f"{RUNTIME.scenarios[comparison.scenario].name}: {change}"
        solara.FileDownload(
            lambda: export.report(title, change, comparison, differences),
            filename=f"{stem}-report.html",
            label="Download the workshop report (HTML)",
            mime_type="text/html",
        )


@solara.component
def Tables(task: Any) -> None:
    """Every table behind the comparison, each as a CSV download."""
    if task.value is None:
        solara.Text("The tables appear once the comparison has run.")
        return
    comparison, differences = task.value
    stem = f"{_stem(comparison.scenario)}-seed{comparison.root_seed}"
    for name, table in export.tables(comparison, differences).items():
        with solara.Row():
            solara.FileDownload(
                lambda table=table: export.csv(table),
                filename=f"{stem}-{name}.csv",
                label=f"{name}.csv ({len(table):,} rows)",
                mime_type="text/csv",
            )
    solara.DataFrame(export.differences_table(differences).drop(columns="in words"), items_per_page=20)


@solara.component
def Rules(changes: dict[str, Any]) -> None:
    """The rules in force for each venue, with the room's change applied, in words, with their clauses."""
    from sdo_sim.report.rules import rules_in_words

    scenario = ensemble.scenario(scenario_path.value, tuple(sorted(changes.items())))
    venues: dict[str, list[str]] = {}
    for rule in rules_in_words(scenario):
        venues.setdefault(rule.venue, []).append(f"**{rule.stage}**: {rule.text} ({rule.clause})")
    for venue, lines in venues.items():
        solara.Markdown(f"### {venue}")
        items = "".join(f"<li>{solara_markdown(line)}</li>" for line in lines)
        solara.HTML(tag="ul", classes=["sdo-rules"], unsafe_innerHTML=items)


def solara_markdown(line: str) -> str:
    """A line with **bold** parts as HTML, everything else escaped."""
    parts = html.escape(line).split("**")
    return "".join(f"<b>{part}</b>" if i % 2 else part for i, part in enumerate(parts))


def _one_run(path: str, changes: dict[str, Any], root: int) -> Any:
    """The changed side's first run, with every actor's position kept (for the ballot view)."""
    from sdo_sim.runner import run

    return run(
        ensemble.scenario(path, tuple(sorted(changes.items()))), ensemble.seeds(root, 1)[0], positions=True
    )


@solara.component
def Ballot(task: Any) -> None:
    """Step through one run's gates: who voted or commented how, by bloc, and the clause that decided."""
    if task.error:
        solara.Error(f"{task.exception}")
        return
    if task.value is None:
        solara.ProgressLinear(True)
        solara.Text("Running one run of the changed scenario, keeping every position…")
        return
    result = task.value
    table = words.gates(result)
    if table.empty:
        solara.Text("No gate was decided in this run.")
        return
    index = min(gate.value, len(table) - 1)
    row = table.iloc[index]
    with solara.Row():
        solara.Button("◀ previous", on_click=lambda: gate.set(max(index - 1, 0)), disabled=index == 0)
        solara.SliderInt(
            "Gate", value=index, min=0, max=len(table) - 1, on_value=gate.set, thumb_label="always"
        )
        solara.Button(
            "next ▶",
            on_click=lambda: gate.set(min(index + 1, len(table) - 1)),
            disabled=index == len(table) - 1,
        )
    solara.Markdown(
        f"## Gate {index + 1} of {len(table)}: `{row['proposal']}` at {row['stage']}, week "
        f"{row['week']} — {row['outcome']}"
    )
    solara.Markdown(
        f"**Decided by:** {words.clause(str(row['reason']), str(row['procedure']))} "
        f"(`{row['procedure']}`)\n\n{row['reason']}"
    )
    by_bloc = words.ballot_by_bloc(result, int(row["decision"]))
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in by_bloc.columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in r) + "</tr>"
        for r in by_bloc.itertuples(index=False)
    )
    solara.HTML(tag="table", unsafe_innerHTML=f"<tr>{head}</tr>{body}", classes=["sdo-ballot"])
    solara.FileDownload(
        lambda: export.csv(by_bloc),
        filename=f"ballot-{int(row['decision'])}.csv",
        label="Download this ballot (CSV)",
        mime_type="text/csv",
    )
    if row["proposal"]:  # the whole story of this gate's proposal, as `sdo-sim explain` tells it
        with solara.Details(summary=f"The story of {row['proposal']}, gate by gate (sdo-sim explain)"):
            solara.Preformatted(words.story_text(result, str(row["proposal"])))


@solara.component
def Page() -> None:
    """The whole page: the sidebar of choices, and the tabs."""
    solara.Style(CSS)
    solara.Title("sdo-sim workshop")
    path = scenario_path.value
    scenario = ensemble.scenario(path)
    shown = solara.use_memo(lambda: controls(scenario), dependencies=[path])
    try:
        changes = overrides(shown, settings.value)
        problem = ""
    except ValueError as error:
        changes, problem = {}, str(error)
    change = describe(shown, changes)
    token = solara.use_ref([None]).current
    key = repr(sorted(changes.items()))
    compared = solara.lab.use_task(
        lambda: _compare(path, changes, seed.value, runs.value, token),
        dependencies=[path, key, seed.value, runs.value],
    )
    on_ballot = tab.value == TABS.index("One ballot")
    one_run = solara.lab.use_task(
        lambda: _one_run(path, changes, seed.value) if on_ballot else None,
        dependencies=[path, key, seed.value, on_ballot],
    )
    with solara.AppBar():
        solara.AppBarTitle(f"sdo-sim workshop — {scenario.name}")
    with solara.Sidebar():
        Sidebar(shown)
    if problem:
        solara.Error(problem)
    with solara.lab.Tabs(value=tab):
        with solara.lab.Tab(TABS[0]):
            Compare(compared, change)
        with solara.lab.Tab(TABS[1]):
            Rules(changes)
        with solara.lab.Tab(TABS[2]):
            if on_ballot:
                Ballot(one_run)
        with solara.lab.Tab(TABS[3]):
            Tables(compared)
