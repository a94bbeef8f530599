"""The OKRs sheet and the Guide as LibreOffice prints them (PDF, then PNG): labels whole,
numbers with thousands separators, Guide lines within the page, few pages."""

import datetime as dt
import shutil
import subprocess

import pytest

from okrsheet.write.templates import starter
from okrsheet.write.writer import write_workbook
from scripts.libreoffice import convert


@pytest.fixture(scope="module")
def printed(libreoffice, tmp_path_factory):
    if shutil.which("pdftotext") is None or shutil.which("pdftoppm") is None:
        from tests.conftest import IN_CI

        if IN_CI:
            pytest.fail("pdftotext/pdftoppm are missing in CI; .ci/run must install poppler-utils")
        pytest.skip("poppler-utils (pdftotext, pdftoppm) is not installed")
    folder = tmp_path_factory.mktemp("printed")
    team_quarter = starter("sales-team", team="Sales East", quarter="2027-Q1")
    team_quarter.as_of = dt.date(2027, 2, 10)
    for kr in team_quarter.key_results:
        if kr.type != "milestone":
            kr.check_ins = {3: (kr.target or 1) * 0.3, 5: (kr.target or 1) * 0.5}
    path = folder / "okrs.xlsx"
    write_workbook(team_quarter, path)
    pdf = convert([path], "pdf", folder)[0]
    pages = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                           text=True, check=True).stdout.split("\f")
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(pdf), str(folder / "page")], check=True)
    return [page for page in pages if page.strip()], sorted(folder.glob("page-*.png"))


def test_the_okrs_sheet_prints_on_two_pages_the_actions_and_owners_on_one_and_the_guide_on_three_at_most(
        printed):
    pages, pictures = printed
    okrs = [page for page in pages if "Key results" in page and "How to use" not in page]
    actions = [page for page in pages if page.lstrip().startswith("Action")]
    owners = [page for page in pages if "One row per owner" in page]
    guide = [page for page in pages if page not in okrs + actions + owners]
    assert len(okrs) == 2
    assert len(actions) == 1
    assert len(owners) == 1
    assert 1 <= len(guide) <= 3
    assert len(pictures) == len(pages) and all(picture.stat().st_size > 1000 for picture in pictures)


def test_labels_are_whole_and_numbers_have_thousands_separators(printed):
    first = printed[0][0]
    for label in ("Quarter start", "Quarter elapsed", "Team status", "Orange from", "Sheet check"):
        assert label in first
    assert "1,500,000" in first and "450,000" in first


def test_every_guide_line_ends_on_the_page(printed):
    pages = printed[0]
    start = next(index for index, page in enumerate(pages) if "How to use" in page)
    guide = "\n".join(pages[start:])  # the Guide is the last sheet
    words = " ".join(guide.split())
    for ending in ("and start next quarter's file.", "they link the key results to it.",
                   "scored at the next review.", "Fewer, better key results beat more of them."):
        assert ending in words
