"""The fast path (cheap guard, python-calamine, processes) gives exactly what the full path gives."""

import io
import zipfile
from pathlib import Path

import pytest

from okrsheet import safety
from okrsheet.reader import read_workbook, scorecard
from okrsheet.safety import DEFAULT_LIMITS, Limits, UnreadableFile, _plain_xlsx, check_workbook_file
from okrsheet.summary import summarise

ROOT = Path(__file__).resolve().parent.parent
FILES = sorted([*ROOT.glob("samples/**/*.xlsx"), *ROOT.glob("samples/**/*.ods"),
                *ROOT.glob("tests/fixtures/*.xlsx"), *ROOT.glob("tests/fixtures/*.ods")])


@pytest.mark.parametrize("path", FILES, ids=lambda path: f"{path.parent.name}/{path.name}")
def test_the_deep_guard_accepts_every_file_the_fast_guard_accepts(path):
    assert check_workbook_file(path, deep=False) == check_workbook_file(path, deep=True)


def test_the_summary_read_in_processes_equals_reading_each_file_alone():
    summary = summarise(FILES, workers=2)
    by_file = {row["file"]: row for row in summary.teams.to_dict("records")}
    compared = 0
    for path in FILES:
        try:
            reading = read_workbook(path)
        except UnreadableFile:
            continue
        if str(path) not in by_file:
            continue  # left out (no table) or a duplicate team and quarter
        card = scorecard(reading)
        assert by_file[str(path)]["score"] == card["score"], path
        assert by_file[str(path)]["key_results"] == sum(
            len(objective["key_results"]) for objective in card["objectives"]), path
        compared += 1
    assert compared >= 16


# The zip directory read straight from the bytes: accepts only what the full path accepts

DIRECTORY_FILES = sorted([*FILES, *ROOT.glob("templates/*.xlsx"), *ROOT.glob("tests/hostile/*")])


def _zipfile_verdict(data: bytes, limits: Limits) -> str:
    """What the full path's directory checks, reading with zipfile, make of ``data``."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            kind = safety._workbook_kind("file", archive, infos)
        safety._check_zip("file", infos, limits)
    except (UnreadableFile, zipfile.BadZipFile, ValueError, EOFError):
        return "refused"
    if any(info.file_size >= 6 * limits.max_rows for info in infos):
        return "needs unpacking"
    return kind


@pytest.mark.parametrize("path", DIRECTORY_FILES, ids=lambda path: f"{path.parent.name}/{path.name}")
def test_a_file_the_plain_directory_accepts_is_an_xlsx_to_zipfile_too(path):
    data = path.read_bytes()
    if _plain_xlsx(data, DEFAULT_LIMITS):
        assert _zipfile_verdict(data, DEFAULT_LIMITS) == "xlsx"


def test_workbooks_written_by_okrsheet_and_libreoffice_take_the_plain_directory():
    plain = {path.name for path in DIRECTORY_FILES
             if _plain_xlsx(path.read_bytes(), DEFAULT_LIMITS)}
    assert {"blank.xlsx", "sales-team.xlsx", "customer-success.xlsx"} <= plain
    assert {"clean-lo.xlsx", "typed-over-lo.xlsx"} <= plain  # saved by LibreOffice


def _zip(compression=zipfile.ZIP_DEFLATED, extra=b"", names=("xl/workbook.xml",),
         size=100) -> bytes:
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w", compression) as archive:
        for name in names:
            info = zipfile.ZipInfo(name)
            info.extra, info.compress_type = extra, compression
            archive.writestr(info, "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"<row/>" * size)
    return stream.getvalue()


def _encrypted() -> bytes:
    """The first part flagged as zip-encrypted in the central directory."""
    data = bytearray(_zip())
    entry = data.index(b"PK\x01\x02")
    data[entry + 8] |= 0x1
    return bytes(data)


def test_the_plain_directory_takes_an_ordinary_xlsx():
    assert _plain_xlsx(_zip(), DEFAULT_LIMITS)
    assert _plain_xlsx(_zip(compression=zipfile.ZIP_STORED), DEFAULT_LIMITS)


@pytest.mark.parametrize("data, limits", [
    (_zip()[:-2] + b"\x05\x00hello", DEFAULT_LIMITS),  # a zip comment
    (b"junk" + _zip(), DEFAULT_LIMITS),  # bytes before the first part
    (_zip()[:-1], DEFAULT_LIMITS),
    (_zip()[:-30], DEFAULT_LIMITS),
    (_zip()[: len(_zip()) // 2], DEFAULT_LIMITS),
    (b"", DEFAULT_LIMITS),
    (_zip(extra=b"\xca\xfe\x00\x00"), DEFAULT_LIMITS),
    (_encrypted(), DEFAULT_LIMITS),
    (_zip(compression=zipfile.ZIP_BZIP2), DEFAULT_LIMITS),
    (_zip(names=("mimetype", "xl/workbook.xml")), DEFAULT_LIMITS),  # OpenDocument
    (_zip(names=("word/document.xml",)), DEFAULT_LIMITS),  # no workbook part
    (_zip(names=("xl/workbook.xml_.txt",)).replace(b"l_.", b"l\x00."), DEFAULT_LIMITS),
    (_zip(names=("xl/wörkbook.xml", "xl/workbook.xml")), DEFAULT_LIMITS),
    (_zip(), Limits(max_entries=1)),
    (_zip(), Limits(max_uncompressed_bytes=100)),
    (_zip(size=1000), Limits(max_rows=1000)),  # a part large enough to hold too many rows
], ids=["comment", "prefix", "cut-1", "cut-30", "cut-half", "empty", "extra-field",
        "encrypted", "bzip2", "mimetype", "not-a-workbook", "nul-in-name", "non-ascii-name",
        "too-many-parts", "too-big", "large-part"])
def test_anything_else_is_left_to_the_full_path(data, limits):
    assert not _plain_xlsx(data, limits)


def test_zip64_sizes_are_left_to_the_full_path():
    plain = _zip()
    directory = plain.rindex(b"PK\x01\x02")  # the last part's directory entry
    zip64 = plain[:directory + 20] + b"\xff" * 8 + plain[directory + 28:]  # sizes "in zip64"
    assert not _plain_xlsx(zip64, DEFAULT_LIMITS)
