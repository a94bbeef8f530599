"""The weekly status page as text (terminal), Markdown (email, chat) or one HTML file.

Renders a :class:`~okrsheet.domain.status.StatusPage`; user text is escaped for each format
by :mod:`okrsheet.outputs.escape` (control characters everywhere; links, images, ``|`` and HTML
in Markdown; markup in HTML).
"""

from __future__ import annotations

from okrsheet.domain.status import Forecast, KeyResultStatus, StatusPage
from okrsheet.outputs.escape import CONTENT_SECURITY_POLICY, html_text
from okrsheet.outputs.escape import markdown_text as _md  # one line, no link, image or HTML
from okrsheet.outputs.escape import terminal_text as visible
from okrsheet.sheet import layout
from okrsheet.sheet.cells import number_text, percent
from okrsheet.sheet.layout import COLUMN_OF

__all__ = ["render", "text", "markdown", "html_page", "FORMATS"]

FORMATS = ("text", "markdown", "html")
COLUMNS = (*(COLUMN_OF[key].header for key in ("id", "title", "owner", "status", "progress")),
           "Value", "Change", COLUMN_OF["pace"].header, COLUMN_OF["confidence"].header, "Forecast",
           "Actions")
"""The page's table: columns the OKRs sheet has too are named as there."""
LEGEND = ("Change: since the previous check-in. Forecast: progress at the week-13 review if the "
          "check-ins so far go on as they are (a value not updated since stands still).")
TITLE_WIDTH = 30


def render(page: StatusPage, output_format: str = "text") -> str:
    return {"text": text, "markdown": markdown, "html": html_page}[output_format](page)


def text(page: StatusPage) -> str:
    """Plain text for a terminal: one table, objectives as group lines."""
    rows: list[list[str]] = []
    for objective in page.objectives:
        rows.append([objective.id, f"{visible(objective.title)}: {percent(objective.score)} "
                     f"{objective.status or ''}".rstrip()])
        for kr in objective.key_results:
            title = visible(kr.title)
            if len(title) > TITLE_WIDTH:
                title = title[:TITLE_WIDTH - 1] + "…"
            rows.append(["  " + kr.id, title, *_cells(kr, visible)[2:]])
    table = [list(COLUMNS), *(row for row in rows if len(row) > 2)]
    widths = [max(len(row[index]) for row in table) for index in range(len(COLUMNS))]
    lines = [_heading(page, visible), ""]
    lines.append("  ".join(header.ljust(width) for header, width in zip(COLUMNS, widths)).rstrip())
    for row in rows:
        if len(row) == 2:
            lines.append(f"{row[0]} {row[1]}")
        else:
            lines.append("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())
    lines.append("")
    lines.append(LEGEND)
    lines.append(_stale_line(page, visible))
    overdue = _overdue_line(page, visible)
    if overdue:
        lines.append(overdue)
    return "\n".join(lines)


def markdown(page: StatusPage) -> str:
    """GitHub-style Markdown: a heading, one table per objective, the stale key results."""
    lines = [f"## {_heading(page, _md)}", ""]
    for objective in page.objectives:
        lines.append(f"**{_md(objective.id)} {_md(objective.title)}**: "
                     f"{percent(objective.score)} {objective.status or ''}".rstrip())
        lines.append("")
        lines.append("| " + " | ".join(COLUMNS) + " |")
        lines.append("|" + "|".join("---" for _ in COLUMNS) + "|")
        for kr in objective.key_results:
            lines.append("| " + " | ".join(_cells(kr, _md)) + " |")
        lines.append("")
    lines.append(LEGEND)
    lines.append("")
    lines.append(_stale_line(page, _md))
    overdue = _overdue_line(page, _md)
    if overdue:
        lines += ["", overdue]
    return "\n".join(lines) + "\n"


def html_page(page: StatusPage) -> str:
    """One self-contained HTML file: inline styles, no scripts, nothing fetched."""
    esc = html_text
    parts = [
        "<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{esc(_heading(page, str))}</title>",
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        CONTENT_SECURITY_POLICY,
        # every objective's table is as wide as the page (the key result's title takes what
        # is left); on a narrow window a table scrolls in its box rather than off the page
        "<style>body{font-family:Calibri,Arial,sans-serif;margin:1.5em;color:#222}"
        ".wide{overflow-x:auto}"
        "table{border-collapse:collapse;margin-bottom:1.2em;width:100%}"
        "th,td{border:1px solid #d9d9d9;padding:3px 6px;text-align:left;vertical-align:top;"
        "white-space:nowrap}th:nth-child(2),td:nth-child(2){white-space:normal;min-width:12em;"
        "width:40%}"
        "th{background:#1F4E78;color:#fff}h2{font-size:1.2em}.num{text-align:right}"
        ".chip{padding:0 4px;white-space:nowrap}</style>",
        "</head><body>", f"<h2>{esc(_heading(page, str))}</h2>"]
    for objective in page.objectives:
        score = f"{percent(objective.score)} {esc(objective.status or '')}".rstrip()
        parts.append(f"<h3>{esc(objective.id)} {esc(objective.title)}: "
                     f"{_chip(score, objective.status)}</h3>")
        parts.append('<div class="wide"><table><tr>'
                     + "".join(f"<th>{esc(h)}</th>" for h in COLUMNS) + "</tr>")
        for kr in objective.key_results:
            cells = _cells(kr, esc)
            cells[3] = _chip(esc(kr.status), kr.status)
            if kr.forecast is not None:
                cells[8] = _chip(cells[8], kr.forecast.status)
            parts.append("<tr>" + "".join(
                f'<td class="num">{cell}</td>' if index in (4, 5) else f"<td>{cell}</td>"
                for index, cell in enumerate(cells)) + "</tr>")
        parts.append("</table></div>")
    parts.append(f"<p>{esc(LEGEND)}</p>")
    parts.append(f"<p>{_stale_line(page, esc)}</p>")
    overdue = _overdue_line(page, esc)
    if overdue:
        parts.append(f"<p>{overdue}</p>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


# Private API


def _heading(page: StatusPage, escape) -> str:
    when = f"as of {page.as_of:%Y-%m-%d}" + (f", check-in week {page.week}" if page.week >= 3
                                             else ", before the first check-in")
    return (f"{escape(page.team or 'Team')} {escape(page.quarter or '')}, {when}: team score "
            f"{percent(page.score)} {page.status or ''}").rstrip()


def _cells(kr: KeyResultStatus, escape) -> list[str]:
    return [escape(kr.id), escape(kr.title), escape(kr.owner or "-"), kr.status,
            percent(kr.progress), escape(_value(kr)), _change(kr.change), kr.pace or "-",
            _confidence(kr, escape), _forecast(kr.forecast), _actions(kr)]


def _value(kr: KeyResultStatus) -> str:
    """Current beside its target and unit: ``90000 of 450000 EUR``; ``done`` for a milestone."""
    as_percent = (kr.unit or "").strip() == "%" and all(
        isinstance(value, float) and abs(value) <= 1.5 for value in (kr.value, kr.target)
        if value not in (None, ""))  # 0.24 with unit % is 24%

    def shown(value: object) -> str:
        if isinstance(value, float):
            return percent(value) if as_percent else number_text(value)
        return "-" if value is None or value == "" else str(value)

    if as_percent:
        return f"{shown(kr.value)} of {shown(kr.target)}"

    if kr.target is None or kr.target == "":
        return f"{shown(kr.value)} {kr.unit or ''}".strip()
    return f"{shown(kr.value)} of {shown(kr.target)} {kr.unit or ''}".strip()


def _actions(kr: KeyResultStatus) -> str:
    if not kr.open_actions:
        return "-"
    return f"{kr.open_actions} open" + (f", {kr.overdue_actions} overdue"
                                        if kr.overdue_actions else "")


def _overdue_line(page: StatusPage, escape) -> str | None:
    if not page.overdue:
        return None
    items = "; ".join(
        f"{escape(action.key_result or '-')} {escape(action.title)} "
        f"({escape(action.owner or 'no owner')}, due {action.due:%Y-%m-%d})"
        for action in page.overdue)
    return f"Overdue actions: {items}."


def _confidence(kr: KeyResultStatus, escape) -> str:
    if kr.confidence_before:
        return f"{escape(kr.confidence_before)} → {escape(kr.confidence or '-')}"
    return escape(kr.confidence or "-")


def _change(change: float | None) -> str:
    if change is None:
        return "new"
    points = percent(change)[:-1]
    if points in ("0", "-0"):
        return "0 pts"
    return f"{'+' if change > 0 else ''}{points} pts"


def _forecast(forecast: Forecast | None) -> str:
    if forecast is None:
        return "-"
    if forecast.progress is None:
        return str(forecast.value)
    return f"{percent(forecast.progress)} {forecast.status or ''}".rstrip()


def _stale_line(page: StatusPage, escape) -> str:
    weeks = " and ".join(str(week) for week in page.stale_weeks)
    if len(page.stale_weeks) < 2:
        return "Stale: none yet (a key result is stale after two check-ins with no new value)."
    if not page.stale:
        return f"Stale: none (every key result has a value in week {weeks})."
    names = "; ".join(f"{escape(kr.id)} {escape(kr.title)} ({escape(kr.owner or 'no owner')})"
                      for kr in page.stale)
    return f"Stale, no value in weeks {weeks}: {names}."


def _chip(content: str, status: str | None) -> str:
    """``content`` (already escaped) on the status colour of the OKRs sheet."""
    colours = layout.STATUS_COLOURS.get(status or "")
    if not colours:
        return content
    fill, font = colours
    return f'<span class="chip" style="background:{fill};color:{font}">{content}</span>'
