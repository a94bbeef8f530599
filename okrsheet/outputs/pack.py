"""A quarter-end pack: every output of the summary at once, with a MANIFEST.json to check it.

:func:`make_pack` writes the summary workbook, the dashboard, the markdown, the JSON and the
CSV of some workbooks into a folder, and ``MANIFEST.json``: each input's path (as given),
SHA-256, size, team and quarter; okrsheet's version; the command; the As of date used; each
output's SHA-256 and size. Nothing in a pack reads the clock: a workbook's blank As of is
the pack's As of (``as_of``, default today, recorded), the summary workbook's properties
date is the latest saved time the inputs record (else the As of), and the charts' ids are
fixed, so the same inputs and command give the same bytes on any day and machine.
:func:`verify_pack` re-makes a pack from the inputs its manifest names and says, file by
file, whether it still matches.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shlex
import stat
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from okrsheet.domain.problems import OkrsheetError
from okrsheet.quarterend.summary import Summary

MANIFEST = "MANIFEST.json"
OUTPUTS = ("summary.xlsx", "dashboard.html", "summary.md", "summary.json", "summary.csv")
"""The files of every pack, in the order they are written (MANIFEST.json last)."""
FORMAT = 1
"""The manifest's own format, raised when its keys change."""


@dataclass
class Pack:
    """A pack made in memory: its files' bytes by name (MANIFEST.json too) and the summary."""

    files: dict[str, bytes]
    manifest: dict[str, Any]
    summary: Summary


@dataclass
class Check:
    """One line of :func:`verify_pack`: a file (``input`` or ``output``), and what was found."""

    kind: str
    name: str
    ok: bool
    reason: str

    def line(self) -> str:
        return f"{'ok' if self.ok else 'FAILED'}  {self.kind} {self.name}: {self.reason}"


@dataclass
class Verification:
    """What :func:`verify_pack` found: a :class:`Check` per input and output."""

    checks: list[Check] = field(default_factory=list)
    made_with: str = ""

    @property
    def ok(self) -> bool:
        return all(check.ok for check in self.checks)


# Public API


def build_pack(paths: Iterable[str], *, as_of: dt.date | None = None, quarter: str | None = None,
               objectives: bool = False, prefer: Iterable[str] = (),
               fiscal_year_start: int = 1, named_by_start: bool = False,
               directory: str = "PACK") -> Pack:
    """The pack of the workbooks in ``paths`` (files or folders), in memory; ``as_of``
    (default: today) stands for a blank As of. ``directory`` is only written in the command."""
    from okrsheet import __version__
    from okrsheet.domain.quarter import Quarter
    from okrsheet.files.folders import find
    from okrsheet.outputs import report, report_text
    from okrsheet.outputs.dashboard import dashboard_html
    from okrsheet.outputs.summary_workbook import summary_workbook_bytes
    from okrsheet.quarterend.calibration import calibrate
    from okrsheet.quarterend.summary import summarise

    paths, prefer = [str(path) for path in paths], [str(path) for path in prefer]
    day = as_of or dt.date.today()
    wanted = Quarter.parse(quarter) if quarter else None
    search = find(paths)
    summary = summarise(paths, wanted, today=day, prefer=prefer,
                        fiscal_year_start=fiscal_year_start, named_by_start=named_by_start)
    calibration = calibrate(summary, today=day)
    json_parts: list[str] = []
    report.write_json(summary, json_parts.append, objectives, calibration)
    csv_parts: list[str] = []
    report.write_csv(summary, csv_parts.append, objectives)
    files = {
        "summary.xlsx": summary_workbook_bytes(summary, calibration, _created(summary, day)),
        "dashboard.html": dashboard_html(summary, calibration).encode("utf-8"),
        "summary.md": (report_text.markdown(summary, objectives, calibration) + "\n").encode(),
        "summary.json": "".join(json_parts).encode("utf-8"),
        "summary.csv": "".join(csv_parts).encode("utf-8"),
    }
    options = {"paths": paths, "as_of": day.isoformat(), "quarter": str(wanted) if wanted else None,
               "objectives": objectives, "prefer": prefer,
               "fiscal_year_start": fiscal_year_start,
               "named_by": "start" if named_by_start else "end"}
    manifest = {
        "format": FORMAT,
        "okrsheet": __version__,
        "command": command_line(options, directory),
        "options": options,
        "as_of": day.isoformat(),
        "inputs": _inputs(summary, [*search.workbooks, *(Path(file) for file, _ in search.left_out)]),
        "outputs": [{"file": name, "sha256": _sha256(data), "size": len(data)}
                    for name, data in files.items()],
    }
    files[MANIFEST] = (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    return Pack(files, manifest, summary)


def make_pack(paths: Iterable[str], directory: str | os.PathLike[str], *, force: bool = False,
              **options: Any) -> Pack:
    """Write the pack of ``paths`` into ``directory`` (made if missing); refuses a folder that
    already holds files unless ``force``, and one inside an input folder. ``options``: those
    of :func:`build_pack`."""
    from okrsheet.files.writing import write_atomic

    paths = [str(path) for path in paths]
    target = Path(directory)
    for path in paths:
        if os.path.isdir(path) and _inside(target, Path(path)):
            raise OkrsheetError(f"{directory} is inside {path}, so the pack would be read as an "
                                "input next time; choose a folder outside the inputs.")
    if target.exists() and not target.is_dir():
        raise OkrsheetError(f"{directory} is a file; --pack takes a folder.")
    if target.is_dir() and any(target.iterdir()) and not force:
        raise OkrsheetError(f"{directory} already holds files; give --force to replace its "
                            "pack, or choose an empty or new folder.")
    pack = build_pack(paths, directory=str(directory), **options)
    target.mkdir(parents=True, exist_ok=True)
    for name, data in pack.files.items():  # MANIFEST.json last: a pack cut short has none
        write_atomic(target / name, data, force=force)
    return pack


def verify_pack(directory: str | os.PathLike[str]) -> Verification:
    """Re-make the pack in ``directory`` from the inputs its MANIFEST.json names (paths as
    given, from the current folder) and compare, file by file."""
    manifest = read_manifest(directory)
    try:
        return _verify(directory, manifest)
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise OkrsheetError(f"{Path(directory) / MANIFEST} is not as okrsheet writes it "
                            f"({type(error).__name__}: {error}); make the pack again with "
                            "okrsheet summary --pack.") from None


def read_manifest(directory: str | os.PathLike[str]) -> dict[str, Any]:
    """The MANIFEST.json of a pack; one line naming the file for a missing or broken one."""
    path = Path(directory) / MANIFEST
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(manifest, dict):
            raise ValueError("not a JSON object")
        for key in ("options", "inputs", "outputs"):
            if key not in manifest:
                raise ValueError(f'no "{key}"')
        return manifest
    except FileNotFoundError:
        raise OkrsheetError(f"{path}: no such file; is {directory} a pack made by okrsheet "
                            "summary --pack?") from None
    except (OSError, ValueError) as error:
        raise OkrsheetError(f"{path} can't be read ({' '.join(str(error).split())}); "
                            "make the pack again with okrsheet summary --pack.") from None


def command_line(options: dict[str, Any], directory: str) -> str:
    """The summary command that makes a pack with ``options``, every option spelt out."""
    words = ["okrsheet", "summary", *options["paths"], "--as-of", options["as_of"]]
    if options["quarter"]:
        words += ["--quarter", options["quarter"]]
    if options["objectives"]:
        words.append("--objectives")
    for path in options["prefer"]:
        words += ["--prefer", path]
    words += ["--fiscal-year-start", str(options["fiscal_year_start"]),
              "--fiscal-year-named-by", options["named_by"], "--pack", directory]
    return shlex.join(words)


# Private API


def _verify(directory: str | os.PathLike[str], manifest: dict[str, Any]) -> Verification:
    found = Verification(made_with=str(manifest.get("okrsheet", "")))
    options = dict(manifest["options"])
    paths = options.pop("paths")
    recorded = {entry["path"]: entry for entry in manifest["inputs"]}
    for path, entry in recorded.items():
        found.checks.append(_check_input(path, entry))
    try:
        remade: Pack | None = build_pack(
            paths, as_of=dt.date.fromisoformat(options.pop("as_of")),
            quarter=options["quarter"], objectives=options["objectives"],
            prefer=options["prefer"], fiscal_year_start=options["fiscal_year_start"],
            named_by_start=options["named_by"] == "start")
    except OkrsheetError as error:
        remade, why = None, f"can't be re-made: {' '.join(str(error).split())}"
    if remade is not None:
        for entry in remade.manifest["inputs"]:
            if entry["path"] not in recorded:
                found.checks.append(Check("input", entry["path"], False,
                                          "new: not in the manifest, but read now"))
    for entry in manifest["outputs"]:
        name, same = entry["file"], False
        if remade is not None:
            again = remade.files.get(name)
            same = again is not None and _sha256(again) == entry["sha256"]
            why = f"re-made from the inputs, it is {'the same' if same else 'not the same'}"
        held = Path(directory) / name
        if not held.is_file():
            found.checks.append(Check("output", name, False, "missing from the pack"))
        elif _file_sha256(held) != entry["sha256"]:
            found.checks.append(Check("output", name, False, "changed since the pack was made "
                                                             "(its SHA-256 is not the manifest's)"))
        else:
            found.checks.append(Check("output", name, same, why))
    return found


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _inputs(summary: Summary, files: list[Path]) -> list[dict[str, Any]]:
    """Each file read: its path as given, SHA-256, size, and the team and quarter it holds
    (None for a file left out: its reason instead)."""
    held = {tq.file: tq for tq in summary.team_quarters}
    left_out = dict(zip(summary.left_out["file"], summary.left_out["reason"])) \
        if len(summary.left_out) else {}
    entries = []
    for path in sorted(files, key=str):
        tq = held.get(str(path))
        regular = stat.S_ISREG(os.stat(path).st_mode)  # a pipe or device is never opened
        entry: dict[str, Any] = {"path": str(path),
                                 "sha256": _file_sha256(path) if regular else None,
                                 "size": os.stat(path).st_size if regular else None,
                                 "team": tq.team if tq else None,
                                 "quarter": str(tq.quarter) if tq else None}
        if tq is None:
            entry["left_out"] = left_out.get(str(path))
        entries.append(entry)
    return entries


def _check_input(path: str, entry: dict[str, Any]) -> Check:
    try:
        if entry["sha256"] is None:  # not a regular file when the pack was made: left out
            regular = stat.S_ISREG(os.stat(path).st_mode)
            return Check("input", path, not regular, "a regular file now, not when the pack "
                         "was made" if regular else "not a file, as when the pack was made")
        digest = _file_sha256(Path(path))
    except FileNotFoundError:
        return Check("input", path, False, "missing")
    except OSError as error:
        return Check("input", path, False, f"can't be read ({error.strerror or error})")
    if digest != entry["sha256"]:
        return Check("input", path, False, "changed since the pack was made (its SHA-256 is "
                                           "not the manifest's)")
    return Check("input", path, True, "unchanged")


def _created(summary: Summary, day: dt.date) -> dt.datetime:
    """The summary workbook's properties date: the latest saved time its inputs record
    (never a file's time, which a copy or a download changes), else the As of."""
    from okrsheet.files.saved import workbook_saved_time

    times = [seconds for tq in summary.team_quarters if tq.file
             if (seconds := workbook_saved_time(tq.file)) is not None]
    if not times:
        return dt.datetime.combine(day, dt.time())
    return dt.datetime.fromtimestamp(max(times), dt.timezone.utc).replace(tzinfo=None)


def _inside(target: Path, folder: Path) -> bool:
    try:
        return target.resolve().is_relative_to(folder.resolve())
    except OSError:
        return False
