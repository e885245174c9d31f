"""Ballot-level behaviour: golden instances (instances/*.yaml) and precise errors on bad ballots."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from sdo_sim.errors import BallotError, UnknownProcedureError
from sdo_sim.rules import PROCEDURES, tally

INSTANCES = Path(__file__).parent / "instances"


class Yaml12Loader(yaml.SafeLoader):
    """YAML where `yes` and `no` are strings, as in YAML 1.2 (only true/false are booleans)."""


Yaml12Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
Yaml12Loader.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:true|false)$"), list("tf"))
POSITION_WORDS = {"yes", "no", "abstain", "no-objection", "discuss", "recuse"}


def expand(node: Any) -> Any:
    """Replace `make: {field: [blocks]}` with real vote entries (v0, v1, ...)."""
    if isinstance(node, list):
        return [expand(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: expand(value) for key, value in node.items() if key != "make"}
    for field, blocks in node.get("make", {}).items():
        voter_key = "ad" if field == "positions" else "voter"
        entries: list[dict[str, Any]] = []
        for block in blocks:
            extra = {k: v for k, v in block.items() if k not in POSITION_WORDS and k != "n"}
            if "candidate" in block:
                runs = [(None, block["n"])]
            else:
                runs = [(word, block[word]) for word in block if word in POSITION_WORDS]
            for position, count in runs:
                for _ in range(count):
                    entry = {voter_key: f"v{len(entries)}", **extra}
                    if position is not None:
                        entry["position"] = position
                    entries.append(entry)
        out[field] = entries
    return out


def load_cases() -> list[Any]:
    cases = []
    for path in sorted(INSTANCES.glob("*.yaml")):
        for case in yaml.load(path.read_text(), Loader=Yaml12Loader):
            cases.append(pytest.param(case, id=f"{path.stem}: {case['name']}"))
    return cases


@pytest.mark.parametrize("case", load_cases())
def test_golden_instance(case: dict[str, Any]) -> None:
    decision = tally(expand(case["ballot"]))
    assert decision.approved is case["approved"], decision.reason
    assert decision.outcome == case["outcome"], decision.reason
    for name, value in case.get("counts", {}).items():
        assert decision.counts[name] == value, name
    if "winner" in case:
        assert decision.winner == case["winner"]


def test_every_procedure_has_golden_instances() -> None:
    covered = {case.values[0]["ballot"]["procedure"] for case in load_cases()}
    assert covered == set(PROCEDURES)


def test_every_reason_names_a_clause() -> None:
    for case in load_cases():
        reason = tally(expand(case.values[0]["ballot"])).reason
        assert any(mark in reason for mark in ("§", "Art.", "RFC", "IESG", "IEEE", "ETSI")), reason


# --- bad ballots: one precise message naming the field and what is allowed --------------------

DIS = {"procedure": "iso.dis", "votes": [{"voter": "A", "position": "yes", "class": "P"}]}


@pytest.mark.parametrize(
    ("ballot", "field", "message"),
    [
        ({"procedure": "iso.dys"}, "procedure", "allowed: 3gpp.election"),
        ({"votes": []}, "procedure", "missing"),
        ({"procedure": "iso.dis"}, "votes", "missing"),
        ({**DIS, "vote": []}, "vote", "unknown field"),
        ({**DIS, "votes": {"A": "yes"}}, "votes", "must be a list"),
        ({**DIS, "votes": ["A"]}, "votes[0]", "must be an object"),
        ({**DIS, "votes": [{"voter": "A", "class": "P"}]}, "votes[0].position", "missing"),
        ({**DIS, "votes": [{"voter": "A", "position": "maybe", "class": "P"}]}, "votes[0].position",
         "allowed: yes, no, abstain"),
        ({**DIS, "votes": [{"voter": 7, "position": "yes", "class": "P"}]}, "votes[0].voter", "string"),
        ({**DIS, "votes": [{"voter": "A", "position": "no", "class": "P", "reasons": 1}]},
         "votes[0].reasons", "true or false"),
        ({**DIS, "votes": [{"voter": "A", "position": "no", "class": "P", "reason": False}]},
         "votes[0].reason", "unknown field"),
        ({**DIS, "votes": DIS["votes"] * 2}, "votes[1].voter", "listed twice"),
        ({**DIS, "params": {"p_majority": "two thirds"}}, "params.p_majority", "ratio like '2/3'"),
        ({**DIS, "params": {"p_majority": "3/2"}}, "params.p_majority", "from 0 % to 100 %"),
        ({**DIS, "params": {"p_majority": "+-71/100"}}, "params.p_majority", "ratio like '2/3'"),
        ({**DIS, "params": {"p_majority": "\u00b2/3"}}, "params.p_majority", "ratio like '2/3'"),
        ({**DIS, "params": {"p_majority": "2/-3"}}, "params.p_majority", "ratio like '2/3'"),
        ({**DIS, "params": {"p_majority": "0_7"}}, "params.p_majority", "ratio like '2/3'"),
        ({**DIS, "params": {"p_majority": "\u0660.7"}}, "params.p_majority", "ratio like '2/3'"),
        ({**DIS, "params": {"quorum": 3}}, "params.quorum", "unknown parameter"),
        ({"procedure": "iso.np", "committee": {"p_members": 1},
          "votes": [{"voter": "A", "position": "yes"}, {"voter": "B", "position": "yes"}]},
         "votes", "committee.p_members is 1"),
        ({"procedure": "iso.np", "votes": []}, "committee", "missing"),
        ({"procedure": "iso.np", "committee": {"p_members": "20"}, "votes": []}, "committee.p_members",
         "whole number"),
        ({"procedure": "iso.np", "committee": {"p_members": 20},
          "votes": [{"voter": "A", "position": "yes", "class": "O"}]}, "votes[0].class", "allowed: P"),
        ({"procedure": "itu-t.tap.consultation",
          "replies": [{"voter": "A", "position": "yes", "class": "sector-member"}]},
         "replies[0].class", "allowed: member-state"),
        ({"procedure": "itu-t.aap.meeting", "votes": [
            {"voter": "F", "position": "yes", "class": "sector-member", "policy_implications": True}]},
         "votes[0].policy_implications", "only a Member State"),
        ({"procedure": "ieee.sa", "balloting_group": 1, "votes": [
            {"voter": "A", "position": "yes"}, {"voter": "B", "position": "yes"}]}, "votes", "balloting_group is 1"),
        ({"procedure": "ietf.iesg", "ads": 15, "standards_track": "yes", "positions": []},
         "standards_track", "true or false"),
        ({"procedure": "ietf.iesg", "ads": 1, "standards_track": True, "positions": [
            {"ad": "a", "position": "yes"}, {"ad": "b", "position": "yes"}]}, "positions", "only 1 Area"),
        ({"procedure": "ietf.wg", "objections": [{"from": "p", "technical": "yes"}]},
         "objections[0].technical", "true or false"),
        ({"procedure": "ietf.last-call", "days": 14, "weeks": 2}, "days", "exactly one"),
        ({"procedure": "ietf.last-call", "days": -1}, "days", "at least 0"),
        ({"procedure": "iso.p-member-status", "cib_ballots": 3, "cib_missed": 4}, "cib_missed", "cannot exceed"),
        ({"procedure": "3gpp.election", "candidates": ["A", "B"], "rounds": [
            {"votes": [{"voter": "x", "candidate": "C"}]}]}, "rounds[0].votes[0].candidate", "allowed: A, B"),
        ({"procedure": "3gpp.election", "candidates": ["A", "B"], "rounds": [
            {"votes": [{"voter": "x", "candidate": "A"}]}, {"votes": []}]}, "rounds[1]", "already decided"),
        ({"procedure": "3gpp.election", "candidates": ["A", "B", "C"], "rounds": [
            {"votes": []}, {"candidates": [["A"]], "votes": []}]}, "rounds[1].candidates", "non-empty subset"),
        ({"procedure": "3gpp.election", "candidates": ["A"], "post": 7}, "post", "string"),
        ({"procedure": "iso.p-member-status", "member": [1], "cib_ballots": 1, "cib_missed": 0}, "member", "string"),
        ({"procedure": "iso.dis", "votes": [{"voter": "A", "position": "yes"}]}, "votes[0].class", "missing; allowed: P, O, other"),
        ({"procedure": "3gpp.vote", "votes": [{"voter": "x", "position": "yes", "group": 3}]},
         "votes[0].group", "string"),
    ],
)  # fmt: skip
def test_bad_ballot_names_field_and_what_is_allowed(ballot: Any, field: str, message: str) -> None:
    with pytest.raises(BallotError) as caught:
        tally(ballot)
    assert caught.value.field == field
    assert message in caught.value.message
    assert "\n" not in str(caught.value)


def test_unknown_procedure_is_its_own_error_class() -> None:
    with pytest.raises(UnknownProcedureError):
        tally({"procedure": "w3c.vote"})


def test_not_an_object() -> None:
    with pytest.raises(BallotError, match="must be a JSON object"):
        tally(["iso.dis"])  # type: ignore[arg-type]
