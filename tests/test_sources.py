"""Which calibration table a scenario's `data:` references read: only a repository the user owns."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from sdo_sim.scenario.sources import PROJECT_DATA, calibration_for, repository_of
from tests.test_inputs import IETF, sdo_sim

OTHER_UID = os.geteuid() + 4242


def owned_by_another(monkeypatch: pytest.MonkeyPatch, *paths: Path) -> None:
    """Make os.stat report `paths` as another user's, as if that user had planted them."""
    foreign = {os.fspath(path) for path in paths}
    real_stat: Callable[..., os.stat_result] = os.stat

    def fake_stat(path: object, *args: object, **kwargs: object) -> os.stat_result:
        result = real_stat(path, *args, **kwargs)
        if isinstance(path, (str, os.PathLike)) and os.fspath(path) in foreign:
            fields = list(result[:10])
            fields[4] = OTHER_UID  # st_uid
            return os.stat_result(fields)
        return result

    monkeypatch.setattr(os, "stat", fake_stat)


def planted(root: Path) -> Path:
    """`root/.git` and `root/data/calibration.csv` (ITU Member States 999), and a folder below."""
    (root / ".git").mkdir()
    (root / "data").mkdir()
    (root / "data" / "calibration.csv").write_text("key,value\nitu_t.member_states,999\n")
    (root / "mine" / "deep").mkdir(parents=True)
    return root / "mine" / "deep"


def test_a_git_folder_planted_by_another_user_is_not_a_repository(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    folder = planted(tmp_path)
    assert repository_of(folder) == tmp_path  # ours: a repository
    owned_by_another(monkeypatch, tmp_path, tmp_path / ".git")
    assert repository_of(folder) is None
    scenario = folder / "s.yaml"
    scenario.write_text("name: x\n")
    found = calibration_for(scenario, None)
    assert found is not None and found[0] == PROJECT_DATA


def test_a_git_entry_another_user_owns_is_refused_even_in_our_folder(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    folder = planted(tmp_path)
    owned_by_another(monkeypatch, tmp_path / ".git")
    assert repository_of(folder) is None


def test_climbing_stops_at_the_first_folder_we_do_not_own(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    folder = planted(tmp_path)
    owned_by_another(monkeypatch, tmp_path / "mine")  # /tmp/.git above a foreign /tmp/mine: not reached
    assert repository_of(folder) is None
    monkeypatch.undo()
    monkeypatch.setattr(os, "geteuid", lambda: OTHER_UID)  # nothing here is that user's
    assert repository_of(folder) is None


def test_our_repository_below_a_foreign_folder_is_still_found(tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    (tmp_path / "repo" / "scenarios").mkdir()
    owned_by_another(monkeypatch, tmp_path)
    assert repository_of(tmp_path / "repo" / "scenarios") == tmp_path / "repo"
    assert repository_of(tmp_path / "repo") == tmp_path / "repo"


def test_climbing_stops_below_the_parent_of_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = planted(tmp_path)
    home = tmp_path / "mine"  # a .git beside the home folders (say /home/.git) is no one's repository
    monkeypatch.setenv("HOME", str(home))
    assert repository_of(folder) is None
    (home / ".git").mkdir()
    assert repository_of(folder) == home


def test_an_unreadable_folder_ends_the_climb(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = planted(tmp_path)
    real_stat = os.stat

    def failing_stat(path: object, *args: object, **kwargs: object) -> os.stat_result:
        if isinstance(path, (str, os.PathLike)) and os.fspath(path) == os.fspath(tmp_path / "mine"):
            raise PermissionError(13, "Permission denied")
        return real_stat(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "stat", failing_stat)
    assert repository_of(folder) is None


def test_a_planted_table_is_not_read_by_validate(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                 monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    folder = planted(tmp_path)
    path = folder / "s.yaml"
    path.write_text(f"extends: {IETF}\nweeks: data:itu_t.member_states\n")
    code, out, err = sdo_sim(["validate", str(path)], capsys, monkeypatch)
    assert code == 0 and "999 weeks" in out, err  # our own repository: its table
    owned_by_another(monkeypatch, tmp_path, tmp_path / ".git")
    code, out, err = sdo_sim(["validate", str(path)], capsys, monkeypatch)
    assert code == 0 and "193 weeks" in out, err  # sdo_sim's own figure, not the planted 999
