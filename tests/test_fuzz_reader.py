"""Fuzzing the reader: mutated workbooks are read, or refused with okrsheet's own error.

Mutations: bytes changed, inserted or deleted inside the zip's XML parts; the file cut
short; two parts' contents swapped; a part dropped; raw bytes of the zip flipped.
"""

from __future__ import annotations

import io
import random
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from okrsheet.domain.problems import OkrsheetError
from okrsheet.read.reader import read_workbook
from okrsheet.read.reading import Reading

ROOT = Path(__file__).resolve().parent.parent
HOSTILE = ROOT / "tests" / "hostile"
SEEDS = [HOSTILE / name for name in ("valid.xlsx", "formula-titles.xlsx", "merged-everywhere.xlsx")]
XML_SNIPPETS = [b"<", b">", b"</", b"&", b"&amp;", b'"', b"\x00", b"\xff\xfe", b"\xc3",
                b"<!DOCTYPE x>",
                b'<c r="A1" t="s"><v>99999</v></c>', b'<c r="ZZZZ0"><v>1</v></c>', b't="e"',
                b'r="0"', b"<v>nan</v>", b"<v>1e999</v>", b'<mergeCell ref="A1:XFD1048576"/>',
                b'<dimension ref="A1:B-3"/>', b"]]>", b"<![CDATA[", b"\xed\xa0\x80"]


def parts_of(data: bytes) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return [(info.filename, archive.read(info)) for info in archive.infolist()]


def zipped(parts: list[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts:
            archive.writestr(name, content)
    return buffer.getvalue()


SEED_BYTES = [path.read_bytes() for path in SEEDS]
SEED_PARTS = [parts_of(data) for data in SEED_BYTES]


@st.composite
def mutated_workbooks(draw) -> bytes:
    seed = draw(st.integers(0, len(SEEDS) - 1))
    parts = list(SEED_PARTS[seed])
    kind = draw(st.sampled_from(["edit", "edit", "edit", "truncate", "swap", "drop", "flip"]))
    if kind == "truncate":
        data = SEED_BYTES[seed]
        return data[: draw(st.integers(0, len(data) - 1))]
    if kind == "flip":
        data = bytearray(SEED_BYTES[seed])
        for _ in range(draw(st.integers(1, 8))):
            data[draw(st.integers(0, len(data) - 1))] = draw(st.integers(0, 255))
        return bytes(data)
    if kind == "swap":
        first, second = draw(st.lists(st.integers(0, len(parts) - 1), min_size=2, max_size=2,
                                      unique=True))
        (name_a, data_a), (name_b, data_b) = parts[first], parts[second]
        parts[first], parts[second] = (name_a, data_b), (name_b, data_a)
        return zipped(parts)
    if kind == "drop":
        del parts[draw(st.integers(0, len(parts) - 1))]
        return zipped(parts)
    xml = [index for index, (name, _) in enumerate(parts) if name.endswith((".xml", ".rels"))]
    for _ in range(draw(st.integers(1, 4))):
        index = draw(st.sampled_from(xml))
        name, content = parts[index]
        start = draw(st.integers(0, len(content)))
        end = min(len(content), start + draw(st.integers(0, 40)))
        new = draw(st.one_of(st.sampled_from(XML_SNIPPETS), st.binary(max_size=12)))
        parts[index] = (name, content[:start] + new + content[end:])
    return zipped(parts)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=mutated_workbooks())
def test_reader_reads_or_raises_its_own_error(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("fuzz") / "mutated.xlsx"
    path.write_bytes(data)
    try:
        reading = read_workbook(path)
    except OkrsheetError as error:
        message = str(error)
        assert message and "\n" not in message
        return
    assert isinstance(reading, Reading)
    assert reading.problems is not None


def mutated_files(folder: Path, count: int) -> list[Path]:
    """``count`` mutated copies of the valid workbook, the same every run."""
    rng = random.Random(8)
    files = []
    parts = SEED_PARTS[0]
    for number in range(count):
        changed = list(parts)
        for _ in range(3):
            index = rng.randrange(len(changed))
            name, content = changed[index]
            at = rng.randrange(len(content) + 1)
            changed[index] = (name, content[:at] + rng.choice(XML_SNIPPETS) + content[at + 5:])
        path = folder / f"mutated-{number}.xlsx"
        path.write_bytes(zipped(changed))
        files.append(path)
    return files


@pytest.mark.parametrize("command", ["score", "check"])
def test_cli_prints_no_traceback_for_mutated_files(tmp_path, command):
    for path in mutated_files(tmp_path, 6):
        result = subprocess.run([sys.executable, "-m", "okrsheet", command, str(path)],
                                capture_output=True, text=True, timeout=60)
        assert "Traceback" not in result.stdout + result.stderr, (path.name, result.stderr)
        assert result.returncode in (0, 1), (path.name, result.stderr)
