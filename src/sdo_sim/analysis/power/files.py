"""`sdo-sim power --out`: power.json, the CSV tables and the figures, written into one result folder."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any


def weighted_document(weights: list[int], game: Any, result: Any, samples: int, seed: int) -> dict[str, Any]:
    """A weighted game's indices per player, as `--format json` prints them and power.json holds them."""
    from sdo_sim.analysis.power import by_player

    document: dict[str, Any] = {
        "banzhaf": [float(x) for x in by_player(result.banzhaf, game, weights)],
        "shapley_shubik": [float(x) for x in by_player(result.shapley_shubik or (), game, weights)],
    }
    if result.method == "monte-carlo":
        document.update(
            {
                "banzhaf_se": by_player(result.banzhaf_se or (), game, weights),
                "shapley_shubik_se": by_player(result.shapley_shubik_se or (), game, weights),
                "method": "monte-carlo",
                "samples": samples,
                "seed": seed,
            }
        )
    return document


def write_weighted(
    document: dict[str, Any],
    weights: list[int],
    quota: int,
    game: Any,
    result: Any,
    out: Path,
    force: bool,
    fmt: str,
) -> None:
    """power.json and power.csv of a weighted game, in one result folder."""
    _write(
        out,
        force,
        {
            "power.json": json.dumps(document, indent=2) + "\n",
            "power.csv": weighted_csv(weights, game, result),
        },
        {"command": "power", "weights": weights, "quota": quota, "method": result.method},
        fmt,
    )


def weighted_csv(weights: list[int], game: Any, result: Any) -> str:
    """power.csv of a weighted game: one row per player, standard errors empty when exact."""
    from sdo_sim.analysis.power import by_player

    lines = ["player,weight,banzhaf,banzhaf_raw,shapley_shubik,banzhaf_se,shapley_shubik_se,method"]
    cols = [by_player(v, game, weights) for v in (result.banzhaf, result.banzhaf_raw, result.shapley_shubik)]
    ses = [by_player(v, game, weights) if v else None for v in (result.banzhaf_se, result.shapley_shubik_se)]
    for k, w in enumerate(weights):
        se = [repr(float(s[k])) if s else "" for s in ses]
        lines.append(",".join([str(k + 1), str(w), *(repr(float(c[k])) for c in cols), *se, result.method]))
    return "\n".join(lines) + "\n"


def write_report(report: dict[str, Any], out: Path, force: bool, fmt: str = "table") -> None:
    """power.json, power-blocs.csv, power-actors.csv and the figures, in one result folder."""
    import pandas as pd

    from sdo_sim.analysis.power.plots import figures
    from sdo_sim.analysis.power.report import flat_rows, plain
    from sdo_sim.output import write_folder

    def fill(staging: Path) -> dict[str, Any]:
        (staging / "power.json").write_text(
            json.dumps(plain(report), indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        for level in ("blocs", "actors"):
            pd.DataFrame(flat_rows(report, level)).to_csv(staging / f"power-{level}.csv", index=False)
        figures(report, staging)
        return {"command": "power", "scenario": report["scenario"], "runs": report["runs"]}

    _written(out, write_folder(out, force, fill), fmt)


def _write(out: Path, force: bool, files: dict[str, str], manifest: dict[str, Any], fmt: str) -> None:
    """Text files and their manifest, in one result folder."""
    from sdo_sim.output import write_folder

    def fill(staging: Path) -> dict[str, Any]:
        for name, text in files.items():
            (staging / name).write_text(text, encoding="utf-8")
        return manifest

    _written(out, write_folder(out, force, fill), fmt)


def _written(out: Path, names: list[str], fmt: str) -> None:
    """The one line saying what was written where."""
    from sdo_sim.inputs import printable

    # after JSON on standard output, the note goes to standard error, so that stdout stays one document
    print(
        printable(f"written to {out}: {', '.join(names)}"), file=sys.stderr if fmt == "json" else sys.stdout
    )
