"""okrsheet.outputs.report: csv escaping, csv/json/markdown/terminal outputs, the summary workbook."""

import csv
import io
import json
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st
from rich.console import Console

from okrsheet.domain.problems import OutputExists
from okrsheet.outputs import report, report_terminal, report_text, summary_workbook
from okrsheet.outputs.escape import csv_text, csv_value
from okrsheet.quarterend.summary import TEAM_COLUMNS, summarise_team_quarters
from tests.test_summary import hand_made, kr, team_quarter


@pytest.fixture(scope="module")
def summary():
    made = hand_made()
    made.append(team_quarter("=HYPERLINK(\"http://x\")", "2026-Q3",
                             ("+SUM(A1) | pipes", [kr("a", 7)])))
    return summarise_team_quarters(made)


@pytest.mark.parametrize("text, escaped", [
    ("=1+1", "'=1+1"), ("+49 123", "'+49 123"), ("-5", "'-5"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\tx", "'\tx"), ("\rx", "'\rx"), ("'quoted", "''quoted"), ("Alpha", "Alpha"), ("", ""),
    ("a=b", "a=b"),
])
def test_csv_text_escapes_formula_starts(text, escaped):
    assert csv_text(text) == escaped
    assert csv_value(escaped) == text


@given(st.text())
def test_csv_value_undoes_csv_text(text):
    escaped = csv_text(text)
    assert csv_value(escaped) == text
    assert not escaped.startswith(("=", "+", "-", "@", "\t", "\r"))


def test_csv_has_one_row_per_team_and_quarter_and_reads_back(summary):
    lines = list(csv.reader(io.StringIO(report.csv_rows_text(summary))))
    assert lines[0] == list(TEAM_COLUMNS)
    assert len(lines) == 1 + len(summary.teams)
    for line, expected in zip(lines[1:], report.records(summary.teams)):
        for column, text in zip(TEAM_COLUMNS, line):
            value = expected[column]
            if value is None:
                assert text == ""
            elif isinstance(value, str):
                assert csv_value(text) == value
            else:
                assert float(text) == value  # repr: no digits lost
    hostile = [line for line in lines if line[0].startswith("'=")]
    assert hostile and hostile[0][0] == "'=HYPERLINK(\"http://x\")"


def test_csv_objectives_has_one_row_per_objective(summary):
    lines = list(csv.reader(io.StringIO(report.csv_rows_text(summary, objectives=True))))
    assert len(lines) == 1 + len(summary.objectives)
    assert "'+SUM(A1) | pipes" in [line[4] for line in lines]


def test_json_has_the_summary_numbers(summary):
    document = json.loads(report.json_text(summary))
    assert set(document) == {"teams", "company", "calibration", "left_out", "duplicates",
                             "conflicts", "skipped", "files"}
    alpha = [row for row in document["teams"] if row["team"] == "Alpha"]
    assert [row["score"] for row in alpha] == pytest.approx([0.475, 0.7375])
    assert alpha[0]["change"] is None and alpha[1]["change"] == pytest.approx(0.2625)
    assert isinstance(alpha[0]["key_results"], int)
    assert [row["score"] for row in document["company"]] == pytest.approx(
        list(summary.company["score"]))
    objectives = json.loads(report.json_text(summary, objectives=True))["objectives"]
    assert len(objectives) == len(summary.objectives)


def test_markdown_for_an_email(summary):
    text = report_text.markdown(summary)
    assert text.startswith("# OKR summary, 2026-Q3")
    assert "| Alpha | 48% orange | 74% green |  |  |  |" in text
    assert "| Gamma |  | 10% red | 30% red | ↑ +20 pts | too ambitious |" in text
    assert "Company score" in text and "down 11 pts on 2026-Q2" in text
    assert "## Red objectives in 2026-Q3" in text
    assert "- Gamma: Reach (30%)" in text
    detailed = report_text.markdown(summary, objectives=True)
    assert "| +SUM(A1) \\| pipes | 70% | green |" in detailed  # a pipe does not break the table
    assert "Beta: too safe in 2026-Q2" in text


def test_terminal_table_names_teams_with_arrows(summary):
    console = Console(record=True, width=140, color_system="truecolor")
    report_terminal.print_table(summary, console=console, objectives=True)
    text = console.export_text()
    for team in ("Alpha", "Beta", "Gamma", "Company (mean)"):
        assert team in text
    assert "▲ +20" in text and "▼ -11" in text
    assert "Red objectives in 2026-Q3" in text
    html = console.export_html()
    assert "#800000" in html or "#ff0000" in html or "color: #" in html  # coloured


def test_the_status_mix_counts_one_rows_key_results_by_status():
    from okrsheet.quarterend.summary import SHARE_COLUMNS

    row = {"key_results": 4, **dict.fromkeys(SHARE_COLUMNS, 0.0)}
    row[SHARE_COLUMNS[0]], row[SHARE_COLUMNS[2]] = 0.75, 0.25
    assert report.mix(row) == "3/0/1" + "/0" * (len(SHARE_COLUMNS) - 3)
    assert report.mix(None) == ""


def test_change_text():
    assert report.change_text(0.126) == "▲ +13 pts"
    assert report.change_text(-0.05) == "▼ -5 pts"
    assert report.change_text(0.001) == "► 0 pts"
    assert report.change_text(None) == ""


def _parts(data: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name).decode("utf-8", "replace") for name in archive.namelist()}


def test_summary_workbook_is_portable_with_charts(summary):
    parts = _parts(summary_workbook.summary_workbook_bytes(summary))
    charts = [name for name in parts if name.startswith("xl/charts/chart")]
    assert len(charts) == 2
    assert "<c:lineChart>" in "".join(parts[name] for name in charts)
    assert "<c:barChart>" in "".join(parts[name] for name in charts)
    everything = "".join(parts.values())
    for forbidden in ("_xlfn.", "dataBar", "iconSet", "x14:", "tableParts", "[#"):
        assert forbidden not in everything, forbidden
    assert not any(name.startswith("xl/tables/") for name in parts)
    # Conditional formats only reference their own sheet.
    for name, xml in parts.items():
        for rule in re.findall(r"<conditionalFormatting.*?</conditionalFormatting>", xml, re.S):
            assert "!" not in rule, name


def test_summary_workbook_cells_hold_the_summary(summary, tmp_path):
    path = tmp_path / "summary.xlsx"
    summary_workbook.write_summary_workbook(summary, path)
    book = openpyxl.load_workbook(path, data_only=True)
    assert book.sheetnames == ["Summary", "2026-Q1", "2026-Q2", "2026-Q3", "Team quarters", "Files",
                              "Chart data"]
    sheet = book["Summary"]
    header = [cell.value for cell in sheet[5]]
    assert header[:5] == ["Team", "2026-Q1", "2026-Q2", "2026-Q3", "Change 2026-Q3"]
    table = {sheet.cell(row, 1).value: [sheet.cell(row, column).value for column in range(2, 6)]
             for row in range(6, 11)}
    assert table["Alpha"][:2] == pytest.approx([0.475, 0.7375])
    assert table["Alpha"][2] is None and table["Alpha"][3] in (None, "")  # no Q3: no change
    assert table["Gamma"][1:] == pytest.approx([0.1, 0.3, 20])  # the change in points
    company = table["Company (mean of teams)"]
    assert company == pytest.approx(list(summary.company["score"]) +
                                     [summary.company["change"].iloc[-1] * 100])
    quarter = book["2026-Q2"]
    names = [quarter.cell(row, 2).value for row in range(4, quarter.max_row + 1)]
    assert names.count("Team score") == 3 and "Keep" in names
    long = book["Team quarters"]
    assert [cell.value for cell in long[1]][:5] == ["Team", "Quarter", "File", "Score", "Status"]
    assert "Share not updated" in [cell.value for cell in long[1]]
    assert len(long[1]) == len(TEAM_COLUMNS)
    assert long.max_row == 1 + len(summary.teams)
    texts = [cell.value for row in book["Files"].iter_rows() for cell in row]
    assert "Files left out" in texts and "Older copies (another file holds a later copy of the same team quarter)" in texts
    with pytest.raises(OutputExists):
        summary_workbook.write_summary_workbook(summary, path)
    summary_workbook.write_summary_workbook(summary, path, force=True)


def test_the_summary_sheet_shows_the_latest_quarters_check_in_rhythm(tmp_path):
    from okrsheet.quarterend.calibration import calibrate
    from okrsheet.quarterend.summary import summarise

    samples = summarise([Path(__file__).resolve().parent.parent / "samples"])
    path = tmp_path / "summary.xlsx"
    summary_workbook.write_summary_workbook(samples, path, confidence=calibrate(samples))
    book = openpyxl.load_workbook(path)
    sheet = book["Summary"]
    column = [sheet.cell(row, 1).value for row in range(1, sheet.max_row + 1)]
    top = column.index("Check-in rhythm, 2027-Q1") + 2  # 1-based row of its header
    assert [sheet.cell(top, c).value for c in range(1, 5)] == [
        "Team", "Confidence fell", "Stale KRs", "Overdue actions"]
    shown = {sheet.cell(row, 1).value: [sheet.cell(row, c).value for c in range(2, 5)]
             for row in range(top + 1, top + 5)}
    expected = {row["team"]: ["-" if row["confidence_fell"] is None else row["confidence_fell"],
                              row["stale_key_results"], row["overdue_actions"]]
                for row in samples.table_rows("teams") if row["quarter"] == "2027-Q1"}
    assert shown == expected
    calibration = book["Calibration"]  # printed one page wide, like the other sheets
    assert calibration.sheet_properties.pageSetUpPr.fitToPage
    setup = calibration.page_setup  # fitToWidth left out means its default, 1
    assert (setup.fitToWidth in (None, 1), setup.fitToHeight, setup.orientation) == (
        True, 0, "landscape")


def test_summary_workbook_writes_text_as_text(summary):
    parts = _parts(summary_workbook.summary_workbook_bytes(summary))
    assert "=HYPERLINK" in parts["xl/sharedStrings.xml"]
    sheets = "".join(xml for name, xml in parts.items() if name.startswith("xl/worksheets/"))
    assert "HYPERLINK" not in sheets  # never a formula


def test_summary_workbook_bytes_are_reproducible(summary):
    assert summary_workbook.summary_workbook_bytes(summary) == summary_workbook.summary_workbook_bytes(summary)


def test_typed_text_with_square_brackets_prints_literally_in_the_terminal():
    from rich.console import Console

    from okrsheet.outputs.scorecard import print_score

    console = Console(record=True, width=200, color_system=None)
    card = {"team": "[red]Sales[/red]", "file": "x.xlsx", "quarter": "2027-Q1", "score": 0.5,
            "status": "orange", "objectives": [{
                "id": "O1", "title": "[bold]Grow[/bold]", "score": 0.5, "status": "orange",
                "key_results": [{"title": "[link=http://x]ARR[/link]", "owner": "[i]Sam",
                                 "progress": 0.5, "status": "orange", "pace": None}]}]}
    print_score(card, [], console=console)
    text = console.export_text()
    for typed in ("[red]Sales[/red]", "[bold]Grow[/bold]", "[link=http://x]ARR[/link]", "[i]Sam"):
        assert typed in text


def test_markdown_names_a_team_that_has_not_started_and_counts_only_the_others():
    from tests.test_summary import not_started_quarters

    text = report_text.markdown(summarise_team_quarters(not_started_quarters()))
    assert "Company score 80% (green), the mean of 1 team (1 not started, left out), " \
           "up 40 pts on 2027-Q1." in text
    assert "| Beta | 30% red | - (not started) |" in text
    assert "Beta has not started 2027-Q2" in text


def test_markdown_of_one_quarter_names_the_quarter_it_compares_with():
    from tests.test_summary import not_started_quarters

    text = report_text.markdown(summarise_team_quarters(not_started_quarters(), quarter="2027-Q2"))
    assert "up 40 pts on 2027-Q1." in text
    assert " on ." not in text


def test_markdown_of_a_quarter_nobody_started_says_so_instead_of_zero():
    from tests.test_summary import kr, not_started_quarters, team_quarter

    quarters = not_started_quarters() + [team_quarter("Alpha", "2027-Q3", ("Win", [kr("a", None)]))]
    text = report_text.markdown(summarise_team_quarters(quarters, quarter="2027-Q3"))
    assert "No team has started 2027-Q3 yet" in text
    assert "0%" not in text


def test_terminal_table_shows_a_dash_for_a_team_that_has_not_started():
    from tests.test_summary import not_started_quarters

    console = Console(record=True, width=160)
    report_terminal.print_table(summarise_team_quarters(not_started_quarters()), console=console)
    beta = next(line for line in console.export_text().splitlines() if "Beta" in line)
    assert "30%" in beta and "-" in beta.split("30%")[1] and "0%" not in beta.split("30%")[1]


def _drawing_anchor_columns(data):
    """0-based first columns of the charts anchored on the Summary sheet."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        drawing = archive.read("xl/drawings/drawing1.xml").decode()
    return [int(column) for column in re.findall(r"<xdr:from><xdr:col>(\d+)</xdr:col>", drawing)]


@pytest.mark.parametrize("quarter", [None, "2026-Q3"])
def test_summary_workbook_charts_cover_no_cell_of_either_table(summary, quarter):
    from okrsheet.quarterend.summary import KR_STATUSES

    chosen = summarise_team_quarters(hand_made(), quarter=quarter) if quarter else summary
    book = openpyxl.load_workbook(io.BytesIO(summary_workbook.summary_workbook_bytes(chosen)))
    sheet = book["Summary"]
    used = max(column for row in sheet.iter_rows() for column, cell in enumerate(row)
               if cell.value not in (None, ""))
    anchors = _drawing_anchor_columns(summary_workbook.summary_workbook_bytes(chosen))
    assert len(anchors) == 2 and min(anchors) > used
    assert used >= len(KR_STATUSES)  # the key-results table's last column is in the sheet


def test_summary_workbook_has_the_terminals_change_column_in_points_and_human_headers():
    from tests.test_summary import not_started_quarters

    data = summary_workbook.summary_workbook_bytes(
        summarise_team_quarters(not_started_quarters(), quarter="2027-Q2"))
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book["Summary"]
    assert [cell.value for cell in sheet[5]][:3] == ["Team", "2027-Q2", "Change 2027-Q2"]
    alpha = [cell for cell in sheet[6]]
    assert alpha[0].value == "Alpha" and alpha[2].value == pytest.approx(30)  # 0.8 - 0.5
    assert alpha[2].number_format == '+0" pts";-0" pts";0" pts"'
    assert [cell.value for cell in sheet[7]][:2] == ["Beta", "-"]  # not started
    long = book["Team quarters"]
    headers = [cell.value for cell in long[1]]
    assert "share_not_updated" not in headers and "Share not updated" in headers
    assert "Change (pts)" in headers
    assert book["Chart data"].sheet_state == "hidden"
    assert book["Chart data"].cell(3, 2).value is None  # Beta: a gap in the chart, not 0


def test_terminal_table_adds_the_check_in_rhythm_where_it_fits_and_below_it_elsewhere(summary):
    from rich.console import Console

    wide = Console(record=True, width=160, color_system=None)
    report_terminal.print_table(summary, console=wide)
    narrow = Console(record=True, width=80, color_system=None)
    report_terminal.print_table(summary, console=narrow)
    wide_text, narrow_text = wide.export_text(), narrow.export_text()
    assert "Stale" in wide_text and "Conf." in wide_text and "…" not in wide_text
    assert "Check-in rhythm in" not in wide_text
    table, _, below = narrow_text.partition(f"Check-in rhythm in {summary.latest_quarter}")
    assert "Stale" not in table and "…" not in narrow_text
    assert "Stale KRs" in below and "Overdue actions" in below
    assert max(len(line) for line in narrow_text.splitlines()) <= 80


def test_terminal_table_columns_are_as_wide_as_their_widest_cell_and_shrink_to_the_console():
    from rich.console import Console

    from tests.test_summary import kr, team_quarter

    long = "Customer Success EMEA North"
    summary = summarise_team_quarters([team_quarter("A", "2027-Q1", ("Win", [kr("a", 5)])),
                                       team_quarter(long, "2027-Q1", ("Win", [kr("b", 7)]))])
    wide = Console(record=True, width=160, color_system=None)
    report_terminal.print_table(summary, console=wide)
    lines = wide.export_text().splitlines()
    row = next(line for line in lines if long in line)
    assert row.startswith(f"│ {long} │")  # the team column is the long name, padded by one
    assert next(line for line in lines if "│ A " in line).startswith("│ A" + " " * len(long) + "│")
    for width in (60, 40):  # narrower than the table: every column gives up some width
        narrow = Console(record=True, width=width, color_system=None)
        report_terminal.print_table(summary, console=narrow)
        assert max(len(line) for line in narrow.export_text().splitlines()) <= width


def test_json_past_the_compact_threshold_is_one_line_with_the_same_document(summary, monkeypatch):
    indented = report.json_text(summary)
    monkeypatch.setattr(report, "COMPACT_JSON_FROM", len(summary.teams) - 1)
    compact = report.json_text(summary)
    assert compact.count("\n") == 1 and indented.count("\n") > len(summary.teams)
    assert json.loads(compact) == json.loads(indented)


def test_a_quarter_not_over_on_its_as_of_says_its_scores_will_still_move():
    import datetime as dt

    last = team_quarter("Alpha", "2026-Q2", ("Win", [kr("a", 5)]))
    last.as_of = dt.date(2026, 5, 20)  # 2026-Q2 starts 1 April: day 50, week 8 of 13
    summary = summarise_team_quarters([team_quarter("Alpha", "2026-Q1", ("Win", [kr("a", 9)])),
                                       last])
    line = ("2026-Q2 is in progress (week 8 of 13 on 20 May 2026): its scores, and their change "
            "from the whole of 2026-Q1, will still move.")
    assert report.notes(summary)[0] == line
    assert f"- {line}" in report_text.markdown(summary)


def test_a_finished_quarter_has_no_in_progress_line(summary):
    assert report.in_progress(summary) is None
    assert not any("in progress" in line for line in report.notes(summary))


# Written as they go: the CSV and JSON a batch of rows at a time, the same bytes as the whole text

SAMPLES = Path(__file__).resolve().parent.parent / "samples"


def whole_json(summary, objectives=False, confidence=None):
    """The JSON as it was made before it was written as it goes: every row in one document,
    then one json.dumps."""
    from okrsheet.outputs.alignment_report import alignment_data
    from okrsheet.outputs.json_document import json_text
    from okrsheet.quarterend.calibration import calibration_records

    key = "objectives" if objectives else "teams"
    document = {key: report.rows(summary, objectives)}
    for name in ("company", "calibration", "left_out", "duplicates", "conflicts", "skipped", "files"):
        document[name] = report.records(getattr(summary, name))
    if summary.alignment:
        document.update(alignment_data(summary.alignment))
    if confidence is not None:
        document["confidence"] = calibration_records(confidence)
    large = len(document[key]) > report.COMPACT_JSON_FROM
    return json_text(document, indent=None if large else 2) + "\n"


@pytest.fixture(scope="module")
def summaries(tmp_path_factory):
    """The samples' summary from the workbooks, from their store, and a generated store's."""
    from benchmarks.bench_history import build_store
    from okrsheet.quarterend.calibration import calibrate
    from okrsheet.quarterend.history_calibration import calibrate_store
    from okrsheet.quarterend.history_summary import summarise_store
    from okrsheet.quarterend.summary import summarise
    from okrsheet.workflows.export import export

    folder = tmp_path_factory.mktemp("stores")
    export([SAMPLES], folder / "samples")
    build_store(folder / "generated", 400)  # 10 teams a quarter over 40 quarters
    workbooks = summarise([SAMPLES])
    made = {"workbooks": (workbooks, calibrate(workbooks))}
    for name in ("samples", "generated"):
        store = summarise_store(folder / name)
        made[f"{name} store"] = (store, calibrate_store(folder / name, store))
    return made


@pytest.mark.parametrize("source", ["workbooks", "samples store", "generated store"])
@pytest.mark.parametrize("objectives", [False, True])
@pytest.mark.parametrize("compact", [False, True])
def test_json_written_seven_rows_at_a_time_is_byte_for_byte_the_whole_document(
        summaries, source, objectives, compact, monkeypatch):
    summary, confidence = summaries[source]
    if compact:  # one line past the threshold, as for a large store
        monkeypatch.setattr(report, "COMPACT_JSON_FROM", 5)
    pieces = []
    report.write_json(summary, pieces.append, objectives, confidence, size=7)
    assert "".join(pieces) == whole_json(summary, objectives, confidence)
    assert report.json_text(summary, objectives, confidence) == "".join(pieces)
    assert ("".join(pieces).count("\n") == 1) == compact


@pytest.mark.parametrize("source", ["workbooks", "samples store", "generated store"])
@pytest.mark.parametrize("objectives", [False, True])
def test_csv_written_seven_rows_at_a_time_is_byte_for_byte_the_whole_table(
        summaries, source, objectives):
    summary, _ = summaries[source]
    columns = report.OBJECTIVE_COLUMNS if objectives else report.TEAM_COLUMNS
    pieces = []
    report.write_csv(summary, pieces.append, objectives, size=7)
    assert "".join(pieces) == report.csv_table_text(report.rows(summary, objectives), columns)
    assert report.csv_rows_text(summary, objectives) == "".join(pieces)
    assert len(pieces) == -(-len(report.rows(summary, objectives)) // 7)  # one write a batch


def test_json_is_written_a_batch_at_a_time_never_as_one_text(summaries):
    summary, confidence = summaries["generated store"]  # 400 team quarters
    pieces = []
    report.write_json(summary, pieces.append, confidence=confidence, size=50)
    whole = "".join(pieces)
    assert whole.count('"team": ') == 3 * 400 + len(confidence.teams) + len(summary.calibration)
    # the team rows, then the calibration's team quarters: 8 batches each, none with more
    assert len(pieces) > 16
    assert max(piece.count('"team": ') for piece in pieces) <= 50


def test_the_summary_markdown_renders_no_link_image_or_html_from_workbook_text():
    from markdown_it import MarkdownIt

    from tests.test_summary import kr, team_quarter

    hostile = ("![pixel](http://track.example/p.png)", "[login](http://phish.example)",
               "<http://phish.example>", '<img src="http://track.example/p.png">')
    made = [team_quarter(team, "2027-Q1", (objective, [kr("a", 1)]))
            for team, objective in zip(hostile, reversed(hostile))]
    text = report_text.markdown(summarise_team_quarters(made), objectives=True)
    rendered = MarkdownIt("commonmark").enable("table").render(text)
    assert "<img" not in rendered and "<a " not in rendered
    assert "![pixel](http://track.example/p.png)" in rendered  # a team, shown as typed
    assert "&lt;http://phish.example&gt;" in rendered  # a red objective, as text
