"""Mutations of the shipped scenarios and ballots, and running `sdo-sim` on them in-process with checks.

Shared by the hypothesis tests (test_cli_fuzz.py) and the survey script (survey.py): a `Mutation` names a
shipped file, a node in it (by path), what is done there (replace, delete, duplicate or rename the key,
insert a list item) and the odd value; or a whole-file change (empty, alias bomb, 50 MB, bad bytes...).
`execute` writes the mutated file into a scratch copy of the repository's scenarios tree, runs the
commands on it through `sdo_sim.cli.main()` with a time bound, and lists every broken promise: exit
codes other than 0 and 2, hangs, error output that is not one `sdo-sim: error:` line per problem,
tracebacks, and raw control characters in what a terminal would show.
"""

from __future__ import annotations

import contextlib
import copy
import faulthandler
import io
import json
import os
import re
import shutil
import signal
import sys
import time
import traceback
import warnings
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, TypeVar

import yaml

ROOT = Path(__file__).resolve().parents[2]
WORK = Path(__file__).resolve().parent / ".work"
#: Seconds one command may take before it counts as a hang (the slowest shipped run takes about 1 s).
TIME_LIMIT = 20.0
#: A validated scenario is also run when it is no bigger than this (actors, weeks).
RUN_LIMITS = (5000, 1040)
#: Error lines `tally` may print for a file holding a list of ballots (20, then "... and N more").
MAX_TALLY_LINES = 21
COUNTS: Counter[str] = Counter()

T = TypeVar("T")
RAW = "FUZZRAW0"
KEY = "FUZZKEY0"


class Picker(Protocol):
    """What a mutation is drawn with: hypothesis's `draw` or a seeded `random.Random`."""

    def choice(self, items: Sequence[T]) -> T:
        """One of the items."""
        ...


# ---------------------------------------------------------------------------------------------- odd values


@dataclass(frozen=True)
class Odd:
    """An odd value, as the raw text that stands for it in a YAML file and in a JSON file."""

    label: str
    yaml: str
    json: str


def _yaml_text(value: Any) -> str:
    """One-line YAML (flow style) for a value; double-quoted escapes keep control characters intact."""
    text = yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, width=10**9)
    return text.removesuffix("\n").removesuffix("\n...").strip()


def value(label: str, data: Any) -> Odd:
    """An odd value that both dumpers can write."""
    return Odd(label, _yaml_text(data), json.dumps(data))


def raw(label: str, yaml_text: str, json_text: str | None = None) -> Odd:
    """An odd value given as text (the same text in both formats unless `json_text` is given)."""
    return Odd(label, yaml_text, yaml_text if json_text is None else json_text)


def _nested_list(depth: int) -> str:
    return "[" * depth + "]" * depth


def _nested_dict(depth: int) -> str:
    return '{"a": ' * depth + "1" + "}" * depth


ODD_VALUES: tuple[Odd, ...] = (
    # numbers that are not numbers, too big, too small or too precise
    raw("NaN", ".nan", "NaN"),
    raw("+inf", ".inf", "Infinity"),
    raw("-inf", "-.inf", "-Infinity"),
    value("0", 0),
    value("-1", -1),
    value("1", 1),
    value("-0.0", -0.0),
    value("1.5", 1.5),
    value("2**31", 2**31),
    value("2**63", 2**63),
    value("10**30", 10**30),
    value("-10**30", -(10**30)),
    raw("10**5000", "1" + "0" * 5000),
    raw("-10**5000", "-1" + "0" * 5000),
    value("1e300", 1e300),
    value("-1e300", -1e300),
    value("1e-300", 1e-300),
    value("5e-324", 5e-324),
    raw("1e999999999", "1.0e+999999999", "1e999999999"),
    raw("0.5e-999999999", "0.5e-999999999"),
    raw("-1e999999999", "-1.0e+999999999", "-1e999999999"),
    raw("50 significant digits", "0." + "3" * 50),
    raw("1e400 (overflows a float)", "1.0e+400", "1e400"),
    # YAML's own odd scalars (JSON gets the text as a string)
    raw("hex int", "0x1F", '"0x1F"'),
    raw("octal int", "0o17", '"0o17"'),
    raw("sexagesimal", "1:30", '"1:30"'),
    raw("underscored int", "1_000_000", '"1_000_000"'),
    raw("date", "2001-12-14", '"2001-12-14"'),
    raw("timestamp", "2001-12-14t21:59:43.10-05:00", '"2001-12-14t21:59:43.10-05:00"'),
    raw("!!binary", "!!binary aGVsbG8=", '"aGVsbG8="'),
    raw("!!python tag", "!!python/object/apply:os.system ['true']", '"!!python/object/apply:os.system"'),
    raw("!!set", "!!set {a, b}", '["a", "b"]'),
    raw("!!float tag on text", "!!float abc", '"abc"'),
    raw("!!int tag on 60 digits", "!!int " + "9" * 60, "9" * 60),
    raw("undefined alias", "*nowhere", '"*nowhere"'),
    raw("anchor", "&here 1", "1"),
    raw("yes (YAML 1.1 boolean)", "yes", '"yes"'),
    raw("tilde null", "~", "null"),
    # booleans and null
    value("true", True),
    value("false", False),
    value("null", None),
    # strings
    value("empty string", ""),
    value("space", " "),
    value("100k-character string", "x" * 100_000),
    value("ANSI colour", "\x1b[31mred\x1b[0m"),
    value("OSC title", "\x1b]0;pwned\x07"),
    value("C1 CSI", "\x9b31mred"),
    value("NUL", "a\x00b"),
    value("carriage return", "a\rb"),
    value("newline", "line one\nline two"),
    value("tab", "a\tb"),
    value("line separator", "a\u2028b"),
    value("right-to-left override", "abc\u202edef"),
    value("zero-width space", "\u200b"),
    value("rich closing tag", "[/oops]"),
    value("rich markup", "[bold red]x[/bold red]"),
    value("rich link", "[link=file:///etc/passwd]x[/link]"),
    raw("lone surrogate", '"\\uD800"', '"\\ud800"'),
    value("unicode", "ñ 😀 中文 Ω"),
    value("format specifiers", "%s %d {0} {x!r}"),
    value("number as text", "0.5"),
    value("NaN as text", "NaN"),
    value("huge number as text", "1e999999999"),
    value("path up", "../" * 20 + "etc/passwd.yaml"),
    value("absolute path", "/etc/passwd"),
    value("/dev/zero.yaml", "/dev/zero"),
    value("data: nothing", "data:"),
    value("data: a key", "data:itu_t.member_states"),
    value("data: unknown key", "data:no.such.key"),
    value("data: odd key", "data:\x1b[31m"),
    # containers where scalars stand, and deep nesting
    value("empty list", []),
    value("empty mapping", {}),
    value("list of numbers", [1, 2, 3]),
    value("mapping", {"a": 1}),
    value("mapping with a number key", {1: "a"}),
    value("list of 10,000 strings", ["x"] * 10_000),
    value("list of mappings", [{"id": "a"}, {"id": "a"}]),
    raw("list nested 100 deep", _nested_list(100)),
    raw("list nested 5,000 deep", _nested_list(5000)),
    raw("mapping nested 100 deep", _nested_dict(100)),
    raw("mapping nested 5,000 deep", _nested_dict(5000)),
)

#: Key typos: how a `rename` mutation changes a field's name.
TYPOS: tuple[tuple[str, Callable[[str], str]], ...] = (
    ("swap", lambda k: k[1] + k[0] + k[2:] if len(k) > 1 else k + k),
    ("drop last", lambda k: k[:-1]),
    ("plural", lambda k: k + "s"),
    ("upper case", str.upper),
    ("dash", lambda k: k.replace("_", "-") if "_" in k else k + "-"),
    ("leading space", lambda k: " " + k),
    ("zero-width", lambda k: k + "\u200b"),
    ("escape", lambda k: k + "\x1b[0m"),
    ("markup", lambda k: k + "[/]"),
)

WHOLE_FILE = (
    "empty file",
    "alias bomb",
    "50 MB of NUL bytes",
    "just under the size cap",
    "/dev/zero",
    "non-UTF-8 byte",
    "latin-1 text",
    "UTF-16",
    "UTF-8 BOM",
    "truncated",
    "NUL byte",
    "CRLF",
    "tab indentation",
    "two documents",
    "a folder",
    "missing file",
    "symlink loop",
    "unclosed nesting 100,000 deep",
    "file name with an escape",
    "file name with a newline",
    "file name with markup",
    "file name with a bad byte",
    "file name starting with a dash",
)

#: `run` options an `option` mutation gives an odd value (as its JSON text).
OPTIONS = ("--seed", "--weeks", "--format", "--out")
#: Whole-file changes made at a byte offset.
CUTS = ("non-UTF-8 byte", "latin-1 text", "truncated", "NUL byte")

# ---------------------------------------------------------------------------------------------- sources


@dataclass(frozen=True, repr=False)
class Source:
    """One shipped file: its kind, its path under ROOT, its data and the paths of its nodes."""

    kind: str  # "scenario" or "ballot"
    rel: str
    data: Any
    patterns: tuple[tuple[tuple[Any, ...], ...], ...]  # node paths grouped by shape (list indices as *)

    def __repr__(self) -> str:
        return self.rel

    @property
    def single(self) -> bool:
        """A file holding one ballot (not a list of them) or one scenario."""
        return not isinstance(self.data, list)


def node_paths(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every node's path (leaves and containers, the root included), depth first."""
    paths = [path]
    if isinstance(node, dict):
        for key, child in node.items():
            paths += node_paths(child, (*path, key))
    elif isinstance(node, list):
        for index, child in enumerate(node):
            paths += node_paths(child, (*path, index))
    return paths


def _source(kind: str, path: Path) -> Source:
    text = path.read_text(encoding="utf-8")
    data = yaml.safe_load(text) if kind == "scenario" else json.loads(text)
    groups: dict[tuple[Any, ...], list[tuple[Any, ...]]] = {}
    for node in node_paths(data):
        groups.setdefault(tuple("*" if isinstance(p, int) else p for p in node), []).append(node)
    return Source(kind, str(path.relative_to(ROOT)), data, tuple(tuple(g) for g in groups.values()))


def load_sources() -> tuple[tuple[Source, ...], tuple[Source, ...]]:
    """The shipped scenarios and ballots."""
    scenarios = tuple(_source("scenario", p) for p in sorted((ROOT / "scenarios").rglob("*.yaml")))
    ballots = [
        ROOT / "examples" / "all-procedures.json",
        *sorted((ROOT / "examples" / "ballots").glob("*.json")),
    ]
    return scenarios, tuple(_source("ballot", p) for p in ballots)


SCENARIOS, BALLOTS = load_sources()
SCENARIO_FILES = {s.rel: s for s in SCENARIOS}


def extends_chain(rel: str) -> list[str]:
    """The shipped files a scenario is composed of, itself first."""
    chain = [rel]
    while True:
        parent = SCENARIO_FILES[chain[-1]].data.get("extends")
        if not isinstance(parent, str):
            return chain
        base = os.path.normpath(str(Path(chain[-1]).parent / parent))
        if base not in SCENARIO_FILES or base in chain:
            return chain
        chain.append(base)


def dependents(rel: str) -> list[str]:
    """The shipped scenarios that extend `rel`, directly or through another base."""
    return [s.rel for s in SCENARIOS if s.rel != rel and rel in extends_chain(s.rel)]


# ---------------------------------------------------------------------------------------------- mutations


@dataclass(frozen=True, repr=False)
class Mutation:
    """One change to one shipped file."""

    source: Source
    action: str  # replace, delete, duplicate, rename, insert, whole; set, option (the file unchanged)
    path: tuple[Any, ...] = ()
    odd: Odd | None = None
    detail: str = ""  # the typo for rename, the whole-file change for whole
    position: int = 0  # an offset for whole-file changes that cut or insert bytes
    entry: str = ""  # the scenario that is validated and run besides the mutated file (a dependent)

    def __repr__(self) -> str:
        return f"<{self.describe()}: {self.value_text()}>"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        """What hypothesis shows of a falsifying example (rather than every field of the source)."""
        printer.text(repr(self))

    def describe(self) -> str:
        """The mutation in one line: file, action, path and value."""
        where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in self.path) or "(root)"
        what = {
            "replace": f"{where} := {self.odd.label if self.odd else ''}",
            "delete": f"delete {where}",
            "duplicate": f"duplicate key {where} with value {self.odd.label if self.odd else ''}",
            "rename": f"rename key {where} ({self.detail})",
            "insert": f"insert {self.odd.label if self.odd else ''} before {where}",
            "whole": f"whole file: {self.detail}" + (f" at byte {self.position}" if self.cuts else ""),
            "set": f"run --set {self.dotted}=<{self.odd.label if self.odd else ''}>",
            "option": f"run {self.detail} <{self.odd.label if self.odd else ''}>",
        }[self.action]
        via = f" (validated via {self.entry})" if self.entry else ""
        return f"{self.source.rel}: {what}{via}"

    @property
    def dotted(self) -> str:
        """The node's path as `--set` takes it: `venues.0.posts.count`."""
        return ".".join(str(part) for part in self.path)

    @property
    def cuts(self) -> bool:
        """A whole-file change at a byte offset (`position`, modulo the file's size)."""
        return self.detail in CUTS

    def value_text(self) -> str:
        """The raw text written for the odd value, shortened."""
        if self.odd is None:
            return ""
        text = self.odd.yaml if self.source.kind == "scenario" else self.odd.json
        return repr(text if len(text) <= 60 else text[:57] + "...")


def draw_mutation(pick: Picker, sources: Sequence[Source]) -> Mutation:
    """A mutation drawn with `pick`: a file, then a node shape and one node of it, an action, a value."""
    source = pick.choice(sources)
    kind = pick.choice(("node",) * 9 + ("whole",))
    entry = ""
    if source.kind == "scenario":
        entry = pick.choice(["", *dependents(source.rel)])
    if kind == "whole":
        detail = pick.choice(WHOLE_FILE)
        return Mutation(source, "whole", detail=detail, position=pick.choice(range(1, 4000)), entry=entry)
    path = pick.choice(pick.choice(source.patterns))
    parent_is_dict = bool(path) and not isinstance(path[-1], int)
    actions = ["replace"] * 6
    if path:
        actions += ["delete", "duplicate", "rename"] if parent_is_dict else ["delete", "insert"]
        if source.kind == "scenario":
            actions += ["set", "option"]  # the odd value given on the command line instead
    action = pick.choice(actions)
    odd = pick.choice(ODD_VALUES) if action in ("replace", "duplicate", "insert", "set", "option") else None
    detail = pick.choice([name for name, _ in TYPOS]) if action == "rename" else ""
    if action == "option":
        detail = pick.choice(OPTIONS)
    return Mutation(source, action, path, odd, detail, entry=entry)


def sweep(sources: Sequence[Source]) -> list[Mutation]:
    """Every node shape of every file with every odd value, its key deleted, renamed and duplicated,
    every whole-file change; for scenarios also every run option with every odd value."""
    out: list[Mutation] = []
    for source in sources:
        entry = next(iter(dependents(source.rel)), "") if source.kind == "scenario" else ""
        for group in source.patterns:
            path = group[0]
            out += [Mutation(source, "replace", path, odd, entry=entry) for odd in ODD_VALUES]
            if path and isinstance(path[-1], int):
                out.append(Mutation(source, "delete", path, entry=entry))
            elif path:
                out.append(Mutation(source, "delete", path, entry=entry))
                out += [Mutation(source, "rename", path, detail=t, entry=entry) for t in ("plural", "escape")]
                out.append(Mutation(source, "duplicate", path, ODD_VALUES[3], entry=entry))
        out += [Mutation(source, "whole", detail=d, position=777, entry=entry) for d in WHOLE_FILE]
    if sources and sources[0].kind == "scenario":
        source = SCENARIO_FILES["scenarios/iso-bloc-voting.yaml"]
        out += [Mutation(source, "option", (), odd, option) for option in OPTIONS for odd in ODD_VALUES]
    return out


def _parent(data: Any, path: tuple[Any, ...]) -> Any:
    node = data
    for part in path[:-1]:
        node = node[part]
    return node


def _render(data: Any, kind: str) -> str:
    if kind == "scenario":
        return yaml.safe_dump(
            data, sort_keys=False, allow_unicode=True, width=10**9, default_flow_style=False
        )
    return json.dumps(data, indent=1, ensure_ascii=False)


def mutated_text(mutation: Mutation) -> str:
    """The mutated file's text (for a node mutation)."""
    kind = mutation.source.kind
    odd = mutation.odd
    odd_text = "" if odd is None else odd.yaml if kind == "scenario" else odd.json
    placeholder = RAW if kind == "scenario" else json.dumps(RAW)
    if mutation.action == "replace" and not mutation.path:
        return odd_text + "\n"
    data = copy.deepcopy(mutation.source.data)
    parent, last = _parent(data, mutation.path), mutation.path[-1] if mutation.path else None
    key_text = ""
    if mutation.action == "replace":
        parent[last] = RAW
    elif mutation.action == "delete":
        del parent[last]
    elif mutation.action == "insert":
        parent.insert(last, RAW)
    elif mutation.action in ("duplicate", "rename"):
        typo = dict(TYPOS)[mutation.detail] if mutation.action == "rename" else None
        items = list(parent.items())
        parent.clear()
        for key, item in items:
            if key != last:
                parent[key] = item
            elif typo is None:
                parent[key] = item
                parent[KEY] = RAW
                key_text = json.dumps(key, ensure_ascii=False)
            else:
                parent[KEY] = item
                key_text = json.dumps(typo(str(key)), ensure_ascii=False)
    text = _render(data, kind)
    if key_text:
        text = text.replace(KEY if kind == "scenario" else json.dumps(KEY), key_text)
    return text.replace(placeholder, odd_text)


ALIAS_BOMB = "\n".join(
    ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    + [f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]" for i in range(8)]
    + ["name: *i", ""]
)
_ODD_NAMES = {
    "file name with an escape": "bad\x1b[31mname",
    "file name with a newline": "new\nline",
    "file name with markup": "[bold]x[red",
    "file name with a bad byte": "bad\udcffbyte",
    "file name starting with a dash": "-x",
}


def _sparse_file(name: str, size: int) -> Path:
    """A file of `size` NUL bytes that takes no disk space, made once and shared by every process."""
    path = WORK / "shared" / name
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f"{name}.{os.getpid()}.part")
        with partial.open("wb") as handle:
            handle.truncate(size)
        partial.replace(path)
    return path


def _big_file(path: Path, size: int, head: bytes, fill: bytes, tail: bytes) -> Path:
    """Write `head`, then `fill` repeated, then `tail`: about `size` bytes (removed with the folder)."""
    with path.open("wb") as handle:
        handle.write(head)
        handle.write(fill * ((size - len(head) - len(tail)) // len(fill)))
        handle.write(tail)
    return path


def _whole_file(mutation: Mutation, target: Path) -> Path:
    """Apply a whole-file change to `target` (a copy of the shipped file); returns the path to give."""
    detail, original = mutation.detail, target.read_bytes()
    scenario = mutation.source.kind == "scenario"
    cut = mutation.position % (len(original) + 1)
    data: bytes | None = None
    if detail == "empty file":
        data = b""
    elif detail == "alias bomb":
        data = ALIAS_BOMB.encode() if scenario else b'{"procedure": "iso.dis", "votes": [' * 2000
    elif detail == "50 MB of NUL bytes":
        return _sparse_file("nul-50mb" + target.suffix, 50 * 1024 * 1024)
    elif detail == "just under the size cap" and scenario:  # 8 MiB of comments: slow for pure-Python YAML
        fill = b"# " + b"x" * 1021 + b"\n"
        return _big_file(target, 8 * 1024 * 1024 - 4096, original + b"\n", fill, b"")
    elif detail == "just under the size cap":  # a ballot with a 50 MB note (the cap is 256 MiB)
        if original.lstrip().startswith(b"["):
            head = original.rstrip().removesuffix(b"]").rstrip() + b', {"procedure": "ietf.wg", "note": "'
            tail = b'"}]\n'
        else:
            head, tail = original.rstrip().removesuffix(b"}") + b', "note": "', b'"}\n'
        return _big_file(target, 50 * 1024 * 1024, head, b"x" * 1024, tail)
    elif detail == "/dev/zero":
        return Path("/dev/zero")
    elif detail == "non-UTF-8 byte":
        data = original[:cut] + b"\xff" + original[cut:]
    elif detail == "latin-1 text":
        data = original[:cut] + "é".encode("latin-1") + original[cut:]
    elif detail == "UTF-16":
        data = original.decode("utf-8").encode("utf-16")
    elif detail == "UTF-8 BOM":
        data = b"\xef\xbb\xbf" + original
    elif detail == "truncated":
        data = original[:cut]
    elif detail == "NUL byte":
        data = original[:cut] + b"\x00" + original[cut:]
    elif detail == "CRLF":
        data = original.replace(b"\n", b"\r\n")
    elif detail == "tab indentation":
        data = re.sub(rb"(?m)^  ", b"\t", original)
    elif detail == "two documents":
        data = original + b"\n---\n" + original if scenario else original + original
    elif detail == "a folder":
        folder = target.with_name("folder" + target.suffix)
        folder.mkdir()
        return folder
    elif detail == "missing file":
        return target.with_name("missing" + target.suffix)
    elif detail == "symlink loop":
        loop = target.with_name("loop" + target.suffix)
        loop.symlink_to(loop.name)
        return loop
    elif detail == "unclosed nesting 100,000 deep":
        data = b"[" * 100_000
    elif detail in _ODD_NAMES:
        odd_path = target.with_name(_ODD_NAMES[detail] + target.suffix)
        shutil.copyfile(target, odd_path)
        return odd_path
    else:
        raise ValueError(f"unknown whole-file change {detail!r}")
    target.write_bytes(data)
    return target


def materialise(mutation: Mutation, folder: Path) -> tuple[Path, Path | None]:
    """Write the repository's scenarios (or the ballot) into `folder` with the mutation applied.

    Returns the path to give the command, and the dependent scenario to validate besides (if any).
    """
    shutil.copytree(ROOT / "scenarios", folder / "scenarios", ignore=shutil.ignore_patterns("*.md"))
    target = folder / mutation.source.rel
    target.parent.mkdir(parents=True, exist_ok=True)
    if mutation.action in ("set", "option"):
        given = target  # the copy of the shipped file, unchanged
        if mutation.source.kind == "ballot":
            shutil.copyfile(ROOT / mutation.source.rel, target)
    elif mutation.action == "whole":
        shutil.copyfile(ROOT / mutation.source.rel, target)
        given = _whole_file(mutation, target)
    else:
        target.write_text(mutated_text(mutation), encoding="utf-8", errors="surrogatepass")
        given = target
    return given, (folder / mutation.entry if mutation.entry else None)


# ---------------------------------------------------------------------------------------------- running


class Hang(BaseException):
    """A command ran past its time bound (a BaseException, so that `except Exception` cannot eat it)."""


def _alarm(signum: int, frame: Any) -> None:
    raise Hang


@dataclass
class Result:
    """What one command did."""

    args: list[str]
    code: int | None  # None: it hung
    stdout: str
    stderr: str
    seconds: float
    site: str = ""  # for an internal error: the innermost sdo_sim frame (survey only)
    cwd: Path | None = None  # the folder it ran in


def _exit_code(code: object, stderr: io.StringIO) -> int:
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    print(code, file=stderr)  # as the interpreter does for sys.exit("message")
    return 1


def invoke(
    args: Sequence[str], timeout: float = TIME_LIMIT, debug: bool = False, cwd: Path | None = None
) -> Result:
    """Run `sdo-sim ARGS` in this process: argv patched, output captured, a time bound, exit code caught."""
    from sdo_sim import cli

    home = Path.cwd()
    if cwd is not None:
        os.chdir(cwd)
    out, err = io.StringIO(), io.StringIO()
    saved = sys.argv, sys.stdin, os.environ.get("SDO_SIM_DEBUG")
    sys.argv = ["sdo-sim", *args]
    sys.stdin = io.TextIOWrapper(io.BytesIO(b""), encoding="utf-8")
    if debug:
        os.environ["SDO_SIM_DEBUG"] = "1"
    else:
        os.environ.pop("SDO_SIM_DEBUG", None)
    previous = signal.signal(signal.SIGALRM, _alarm)
    faulthandler.dump_traceback_later(timeout * 3 + 30, exit=True)  # a hang in C code ends the process
    code: int | None = None
    site = ""
    start = time.perf_counter()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err), warnings.catch_warnings():
            # what the interpreter shows a user: every warning but the four ignored by default
            warnings.simplefilter("always")
            for category in (DeprecationWarning, PendingDeprecationWarning, ImportWarning, ResourceWarning):
                warnings.simplefilter("ignore", category)
            # repeats every 50 ms: a Hang raised inside a __del__ or weakref callback is swallowed
            signal.setitimer(signal.ITIMER_REAL, timeout, 0.05)
            try:
                cli.main()
                code = 0
            except SystemExit as exit_:
                code = _exit_code(exit_.code, err)
            except Exception as error:  # escaped main(): only expected with SDO_SIM_DEBUG
                code = 1
                site = innermost_site(error)
                traceback.print_exc(file=err)
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
    except Hang:
        code = None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        faulthandler.cancel_dump_traceback_later()
        sys.argv, sys.stdin = saved[0], saved[1]
        os.chdir(home)
        if saved[2] is None:
            os.environ.pop("SDO_SIM_DEBUG", None)
        else:
            os.environ["SDO_SIM_DEBUG"] = saved[2]
    seconds = time.perf_counter() - start
    return Result(list(args), code, out.getvalue(), err.getvalue(), seconds, site, cwd)


def innermost_site(error: BaseException) -> str:
    """`file:line function` of the innermost frame in sdo_sim's source, for grouping internal errors."""
    site = ""
    for frame in traceback.extract_tb(error.__traceback__):
        if "/sdo_sim/" in frame.filename:
            site = f"{frame.filename.split('/sdo_sim/')[-1]}:{frame.lineno} {frame.name}"
    return site


# ---------------------------------------------------------------------------------------------- checks

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
_LINE_BREAKS = re.compile(r"[\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
ERROR_PREFIX = "sdo-sim: error: "


def _strict_json(text: str) -> str:
    def refuse(name: str) -> Any:
        raise ValueError(f"{name} in the output")

    try:
        json.loads(text, parse_constant=refuse)
    except ValueError as error:
        return f"stdout is not strict JSON ({error})"
    return ""


def problems(result: Result, verb: str, max_error_lines: int = 1) -> list[str]:
    """Every promise of the command line that `result` breaks (empty: it kept them all)."""
    found: list[str] = []
    if result.code is None:
        return [f"hang: still running after {result.seconds:.0f} s"]
    if result.code not in (0, 2):
        found.append(f"exit {result.code}")
    for name, text in (("stdout", result.stdout), ("stderr", result.stderr)):
        if "Traceback (most recent call last)" in text:
            found.append(f"traceback on {name}")
        bad = _CONTROL.search(text)
        if bad:
            found.append(f"raw control character {bad.group()!r} on {name}")
    if _LINE_BREAKS.search(result.stderr):
        found.append("a line break other than \\n on stderr")
    lines = result.stderr.splitlines()
    if result.code == 2:
        if not lines:
            found.append("exit 2 with nothing on stderr")
        elif len(lines) > max_error_lines:
            found.append(f"{len(lines)} lines on stderr (at most {max_error_lines})")
        off = [line for line in lines if not line.startswith(ERROR_PREFIX)]
        if off:
            found.append(f"stderr line not starting {ERROR_PREFIX!r}: {off[0][:80]!r}")
    elif result.code == 0:
        if result.stderr:
            found.append(f"exit 0 with stderr: {lines[0][:80]!r}" if lines else "exit 0 with stderr")
        if verb == "validate" and not all(line.startswith("ok: ") for line in result.stdout.splitlines()):
            found.append("validate: stdout lines must start 'ok: '")
        if verb == "tally" and "--format" not in result.args:
            found += [p for p in [_strict_json(result.stdout)] if p]
        if verb in ("run", "tally") and not result.stdout.strip():
            found.append("exit 0 with nothing on stdout")
    return found


@dataclass
class Report:
    """The commands one mutation ran, and what broke."""

    mutation: Mutation
    results: list[Result] = field(default_factory=list)
    failures: list[tuple[Result, list[str]]] = field(default_factory=list)
    skipped_run: bool = False

    def explain(self, folder: Path | None = None) -> str:
        """A readable account of the failures, for an assertion message."""
        lines = [f"mutation: {self.mutation.describe()}", f"value text: {self.mutation.value_text()}"]
        for result, found in self.failures:
            args = [a.replace(str(folder), "<work>") if folder else a for a in result.args]
            where = f" (in {result.cwd})" if result.cwd else ""
            where = where.replace(str(folder), "<work>") if folder else where
            lines.append(f"  sdo-sim {' '.join(repr(a) if ' ' in a else a for a in args)}{where}")
            lines.append(f"    exit {result.code}, {result.seconds:.2f} s: {'; '.join(found)}")
            for line in result.stderr.splitlines()[:3]:
                line = line.replace(str(folder), "<work>") if folder else line
                lines.append(f"    stderr: {line[:300]!r}")
        return "\n".join(lines)


_OK_LINE = re.compile(r"^ok: .*, (\d+) actors, .*, (\d+) weeks$")


def execute(mutation: Mutation, folder: Path, debug_site: bool = False) -> Report:
    """Materialise a mutation in `folder` (emptied first) and run its commands; counts go to COUNTS."""
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    given, entry = materialise(mutation, folder)
    report = Report(mutation)
    # commands run in `folder` (an odd --out lands there) and name files relative to it; a file name
    # starting with a dash is given as typed in its own folder, where it reads as an option
    cwd = given.parent if given.name.startswith("-") else folder

    def name(path: Path) -> str:
        return os.path.relpath(path, cwd) if path.is_relative_to(folder) else str(path)

    commands: list[tuple[str, list[str], int]] = []
    if mutation.action in ("set", "option"):
        assert mutation.odd is not None
        runnable = name(entry if entry is not None else given)
        run = ["run", runnable, "--out", os.path.relpath(folder / "out", cwd), "--format", "csv"]
        if mutation.action == "set":
            run += ["--set", f"{mutation.dotted}={mutation.odd.yaml}"]
        else:
            option = dict(zip(run[2::2], run[3::2], strict=True)) | {mutation.detail: mutation.odd.json}
            run = ["run", runnable, *[part for pair in option.items() for part in pair]]
        _run_one(report, "run", run, 1, debug_site, cwd)
        COUNTS["mutations"] += 1
        return report
    if mutation.source.kind == "scenario":
        commands.append(("validate", ["validate", name(given)], 1))
        if entry is not None:
            commands.append(("validate", ["validate", name(entry)], 1))
    else:
        single = mutation.source.single and not (mutation.action == "replace" and not mutation.path)
        lines = 1 if single else MAX_TALLY_LINES  # a root replaced by a list makes a list of ballots
        commands.append(("tally", ["tally", name(given)], lines))
        commands.append(("tally", ["tally", name(given), "--format", "table"], lines))
    validated: dict[str, str] = {}  # file → its `ok:` line
    for verb, args, max_lines in commands:
        _run_one(report, verb, args, max_lines, debug_site, cwd)
        if verb == "validate" and report.results[-1].code == 0:
            validated[args[1]] = report.results[-1].stdout.strip()
    if mutation.source.kind == "scenario":
        runnable = name(entry if entry is not None else given)
        match = _OK_LINE.match(validated.get(runnable, ""))
        if match and int(match[1]) <= RUN_LIMITS[0] and int(match[2]) <= RUN_LIMITS[1]:
            out = os.path.relpath(folder / "out", cwd)
            _run_one(report, "run", ["run", runnable, "--out", out, "--format", "csv"], 1, debug_site, cwd)
        else:
            report.skipped_run = True
    COUNTS["mutations"] += 1
    COUNTS["runs skipped (too big or not valid)"] += report.skipped_run
    return report


def _run_one(
    report: Report, verb: str, args: list[str], max_lines: int, debug_site: bool, cwd: Path | None
) -> None:
    result = invoke(args, cwd=cwd)
    if result.code == 1 and debug_site:
        result.site = invoke(args, debug=True, cwd=cwd).site
    report.results.append(result)
    COUNTS["commands"] += 1
    COUNTS["timeouts" if result.code is None else f"exit {result.code}"] += 1
    found = problems(result, verb, max_lines)
    if found:
        COUNTS["commands with a problem"] += 1
        report.failures.append((result, found))


# ---------------------------------------------------------------------------------------------- grouping

_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"|['\"].*$")  # a quote cut off runs to the end
_NUMBER = re.compile(r"\d+(\.\d+)?")


def failure_class(result: Result, found: list[str], folder: Path) -> str:
    """A key that groups failures with the same cause: verb, problem kind, normalised message, site."""
    verb = result.args[0]
    kinds = sorted({re.sub(r"[:(].*", "", f).strip() for f in found})
    line = next(iter(result.stderr.splitlines()), "")
    line = line.replace(str(folder), "<work>").replace(
        "(rerun with SDO_SIM_DEBUG=1 for the traceback, and please report it)", ""
    )
    if result.code == 1:
        message = line.removeprefix("sdo-sim: internal error: ")
    elif "exit 0 with stderr" in kinds:
        message = line
    else:
        message = ""  # formatting problems group by kind alone; the message varies with the value shown
    message = _NUMBER.sub("N", _QUOTED.sub("'…'", message))
    if "'…'" in message and re.search(r"'…'.*['\"]", message):  # quotes within quotes: cut at the first
        message = message[: message.index("'…'")] + "'…'"
    message = message[:100].strip()
    return " | ".join(part for part in (verb, ", ".join(kinds), message, result.site) if part)
