"""The calibration (:mod:`okrsheet.quarterend.calibration`) as people read it: markdown, a
sheet of the summary workbook, the dashboard's section; workbook text through the one
escaping helper of each format."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from okrsheet.outputs.escape import html_text, markdown_text
from okrsheet.quarterend.calibration import CONFIDENCE, KIND_COLUMNS, KINDS, Calibration

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["calibration_markdown", "write_calibration_sheet", "calibration_html"]


def calibration_markdown(calibration: Calibration) -> str:
    """The calibration as markdown: teams' Brier scores, reliability, balance of kinds."""
    lines = ["## Did confidence predict results?", ""]
    for note in calibration.notes():
        lines += [f"_{markdown_text(note)}_", ""]
    if not len(calibration.teams):
        lines += ["No key result has a confidence (high, medium, low) and a result yet.", ""]
    else:
        lines += ["Confidence read as the chance of ending green: high 80%, medium 50%, low 20%. "
                  "Brier score: 0 is perfect, 0.25 a coin flip.", "",
                  "| Team | Quarters | Forecasts | Reached green | Brier |",
                  "|---|---:|---:|---:|---:|"]
        for row in calibration.teams.to_dict("records"):
            team = markdown_text(row["team"])
            lines.append(f"| {team} | {row['quarters']} | {row['forecasts']} | {row['reached']} "
                         f"| {row['brier']:.2f} |")
        lines += ["", "| Confidence | Stands for | Forecasts | Reached green |",
                  "|---|---:|---:|---:|"]
        for row in calibration.reliability.to_dict("records"):
            lines.append(f"| {row['confidence']} | {row['probability']:.0%} | "
                         f"{row['key_results']} | {row['reached_share']:.0%} |")
        lines.append("")
    if len(calibration.kinds):
        lines += ["## Input, output and outcome key results", "",
                  "| Quarter | Key results | " + " | ".join(kind.capitalize() for kind in KINDS)
                  + " |", "|---|---:|" + "---:|" * len(KINDS)]
        for row in calibration.kinds.to_dict("records"):
            shares = " | ".join(f"{row[column]:.0%}" for column in KIND_COLUMNS[2:])
            lines.append(f"| {row['quarter']} | {row['key_results']} | {shares} |")
        lines.append("")
    return "\n".join(lines)


def write_calibration_sheet(book: Any, calibration: Calibration, name: str = "Calibration") -> None:
    """A sheet of the summary workbook (an XlsxWriter ``book``) with the three tables."""
    sheet = book.add_worksheet(name)
    bold = book.add_format({"bold": True, "bg_color": "#F2F2F2", "border": 1})
    share = book.add_format({"num_format": "0%"})
    brier = book.add_format({"num_format": "0.00"})
    row = 0

    def table(title: str, headers: list[str], rows: list[list[tuple[object, Any]]]) -> None:
        nonlocal row
        sheet.write_string(row, 0, title, book.add_format({"bold": True, "font_size": 12}))
        row += 1
        for column, header in enumerate(headers):
            sheet.write_string(row, column, header, bold)
        row += 1
        for cells in rows:
            for column, (value, fmt) in enumerate(cells):
                if isinstance(value, str):
                    sheet.write_string(row, column, value)  # text stays text, never a formula
                elif value is not None:
                    sheet.write_number(row, column, float(value), fmt)  # type: ignore[arg-type]
            row += 1
        row += 1

    for note in calibration.notes():  # what is left out, above the tables
        sheet.write_string(row, 0, note)
        row += 1
    if calibration.notes():
        row += 1
    table("Did confidence predict results? (Brier: 0 is perfect, 0.25 a coin flip)",
          ["Team", "Quarters", "Forecasts", "Reached green", "Brier"],
          [[(r["team"], None), (r["quarters"], None), (r["forecasts"], None),
            (r["reached"], None), (r["brier"], brier)]
           for r in calibration.teams.to_dict("records")])
    table("Reliability: confidence given and key results that reached green",
          [CONFIDENCE, "Stands for", "Forecasts", "Reached green"],
          [[(r["confidence"], None), (r["probability"], share), (r["key_results"], None),
            (r["reached_share"], share)] for r in calibration.reliability.to_dict("records")])
    table("Input, output and outcome key results",
          ["Quarter", "Key results", *(kind.capitalize() for kind in KINDS)],
          [[(r["quarter"], None), (r["key_results"], None),
            *((r[column], share) for column in KIND_COLUMNS[2:])]
           for r in calibration.kinds.to_dict("records")])
    sheet.set_column(0, 0, 24)
    sheet.set_column(1, 6, 13)


def calibration_html(calibration: Calibration,
                     number: Callable[[str, object, str], str]) -> str:
    """The dashboard's calibration section; ``number`` marks each number with its source."""
    def count(value: object) -> str:
        return str(value)

    def share(value: object) -> str:
        return f"{value:.0%}"

    def two_places(value: object) -> str:
        return f"{value:.2f}"

    def table(name: str, key: str, frame: "pd.DataFrame",
              columns: list[tuple[str, str, Callable[[object], str]]]) -> str:
        """``columns``: (column, header, how its numbers show); the first holds the name."""
        head = "".join(f"<th>{html_text(header)}</th>" for _, header, _ in columns)
        lines = [f'<table id="{name}"><thead><tr>{head}</tr></thead><tbody>']
        for row in frame.to_dict("records"):
            ref = f"{name.replace('-', '_')}/{row[key]}"
            cells = [f"<td>{html_text(str(row[key]))}</td>"]
            cells += [f"<td>{number(f'{ref}/{column}', row[column], shown(row[column]))}</td>"
                      for column, _, shown in columns[1:]]
            lines.append(f"<tr>{''.join(cells)}</tr>")
        return "".join(lines) + "</tbody></table>"

    parts = ["<h2>Calibration: did confidence predict results?</h2>",
             '<p class="legend">Confidence read as the chance of ending green: high 80%, '
             "medium 50%, low 20%. Brier score: 0 is perfect, 0.25 is a coin flip.</p>"]
    parts += [f'<p class="legend calibration-note">{html_text(note)}</p>'
              for note in calibration.notes()]
    if not len(calibration.teams):
        parts.append('<p class="legend" id="no-forecasts">No confidence was given at a check-in '
                     "before the review (weeks 3 to 11) to a key result that has a result yet, "
                     "so there is nothing to calibrate.</p>")
    if len(calibration.teams):
        parts.append(table("calibration-teams", "team", calibration.teams, [
            ("team", "Team", count), ("quarters", "Quarters", count),
            ("forecasts", "Forecasts", count), ("reached", "Reached green", count),
            ("brier", "Brier", two_places)]))
    if len(calibration.reliability):
        parts.append(table("reliability", "confidence", calibration.reliability, [
            ("confidence", CONFIDENCE, count), ("probability", "Stands for", share),
            ("key_results", "Forecasts", count), ("reached_share", "Reached green", share)]))
    if len(calibration.kinds):
        parts.append("<h2>Balance of input, output and outcome key results</h2>")
        parts.append(table("kinds", "quarter", calibration.kinds, [
            ("quarter", "Quarter", count), ("key_results", "Key results", count),
            *((column, kind.capitalize(), share) for column, kind in zip(KIND_COLUMNS[2:], KINDS))]))
    return "".join(parts)
