"""The fast path (cheap guard, python-calamine, processes) gives exactly what the full path gives."""

import io
import zipfile
from pathlib import Path

import pytest

from okrsheet.reader import read_workbook, scorecard
from okrsheet.safety import UnreadableFile, _Part, _plain_directory, check_workbook_file
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


# The zip directory read straight from the bytes equals zipfile's, or steps aside

DIRECTORY_FILES = sorted([*FILES, *ROOT.glob("templates/*.xlsx"), *ROOT.glob("tests/hostile/*")])


def _zipfile_parts(data: bytes) -> list[_Part]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return [_Part(info.filename, info.flag_bits, info.compress_type, info.compress_size,
                      info.file_size) for info in archive.infolist()]


@pytest.mark.parametrize("path", DIRECTORY_FILES, ids=lambda path: f"{path.parent.name}/{path.name}")
def test_the_plain_zip_directory_equals_zipfiles_or_is_not_used(path):
    data = path.read_bytes()
    parts = _plain_directory(data)
    if parts is not None:
        assert parts == _zipfile_parts(data)


def test_workbooks_written_by_okrsheet_and_libreoffice_take_the_plain_directory():
    plain = [path.name for path in DIRECTORY_FILES
             if path.suffix == ".xlsx" and _plain_directory(path.read_bytes()) is not None]
    assert {"blank.xlsx", "sales-team.xlsx", "customer-success.xlsx"} <= set(plain)
    assert {"clean-lo.xlsx", "typed-over-lo.xlsx"} <= set(plain)  # saved by LibreOffice


def _zip(compression=zipfile.ZIP_DEFLATED, extra=b"") -> bytes:
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w", compression) as archive:
        info = zipfile.ZipInfo("xl/workbook.xml")
        info.extra = extra
        archive.writestr(info, "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", "<worksheet/>" * 100)
    return stream.getvalue()


def test_other_zips_are_left_to_zipfile():
    plain = _zip()
    assert _plain_directory(plain) == _zipfile_parts(plain)
    with_comment = bytearray(plain[:-2] + b"\x05\x00") + b"hello"
    assert _plain_directory(bytes(with_comment)) is None
    assert _plain_directory(b"junk" + plain) is None  # bytes before the first part
    stored = _zip(compression=zipfile.ZIP_STORED)
    assert _plain_directory(stored) == _zipfile_parts(stored)
    for cut in (1, 22, 60, len(plain) // 2):
        assert _plain_directory(plain[:-cut]) is None
    assert _plain_directory(b"") is None


def test_extra_fields_and_zip64_sizes_are_left_to_zipfile():
    assert _plain_directory(_zip(extra=b"\xca\xfe\x00\x00")) is None
    plain = _zip()
    directory = plain.rindex(b"PK\x01\x02")  # the last part's directory entry
    zip64 = plain[:directory + 20] + b"\xff" * 8 + plain[directory + 28:]  # sizes "in zip64"
    assert _plain_directory(zip64) is None
