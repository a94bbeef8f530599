"""The quarter-end dashboard: one self-contained HTML file with charts and the summary's tables.

Opened from an email attachment, so it loads nothing: the charts are matplotlib SVG written
into the page, the styles are in the page, and there is no script. Every number shown
(ids like ``O2`` aside, in ``class="id"``) carries ``data-ref`` (``teams/<team>|<quarter>/score``, ``company/<quarter>/change`` ...)
and ``data-value``, the value in the summary's JSON it shows, so a test can check each one.
Printable: charts and tables avoid page breaks, colours print.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from okrsheet.domain import scoring
from okrsheet.files.writing import atomic_output
from okrsheet.outputs.escape import CONTENT_SECURITY_POLICY, chart_text, html_text
from okrsheet.outputs.report import change_text, in_progress, percent, records
from okrsheet.quarterend.summary import KR_STATUSES, SHARE_COLUMNS, Summary

if TYPE_CHECKING:
    from okrsheet.quarterend.calibration import Calibration

COLOURS = {"green": "#2e7d32", "orange": "#ef6c00", "red": "#c62828", "not updated": "#9e9e9e",
           "lagging": "#1565c0", "check input": "#8e24aa", "not started": "#bdbdbd"}
"""One colour per status, in the charts and the tables."""

TABLE_QUARTERS = 8
"""The score table shows at most this many (latest) quarters; the trend chart all."""

TREND_TEAMS = 12
"""The trend chart draws a line for each team up to this many teams; past it, the teams that
matter (:data:`TREND_PICKS`) over the middle half of all teams, shaded."""

TREND_PICKS = 3
"""Past :data:`TREND_TEAMS`: the chart's highest, lowest and most moved teams, this many each."""

_STYLE = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;
 color:#212121;margin:0 auto;max-width:1100px;padding:16px 24px}
h1{font-size:22px;margin:8px 0 2px}h2{font-size:17px;margin:24px 0 8px}
.lead{color:#555;margin:0 0 12px}
.charts{display:flex;flex-wrap:wrap;gap:16px}
figure{margin:0;flex:1 1 480px;max-width:calc(50% - 8px);break-inside:avoid}
@media (max-width:900px){figure{max-width:100%}table{font-size:13px}th,td{padding:3px 4px}}
.legend{color:#555}figure svg{width:100%;height:auto}
figcaption{font-size:12px;color:#555}
table{border-collapse:collapse;margin:4px 0 12px;break-inside:avoid}
.wide{overflow-x:auto;max-width:100%}
th,td{padding:3px 10px;border-bottom:1px solid #e0e0e0;text-align:right;white-space:nowrap}
th{white-space:normal;vertical-align:bottom}
th:first-child,td:first-child{text-align:left}td.flag,th.flag{text-align:left;white-space:normal}
th{font-weight:600;background:#f5f5f5}tr.company td{font-weight:600;border-top:2px solid #9e9e9e}
.s-green{color:#2e7d32;font-weight:600}.s-orange{color:#ef6c00;font-weight:600}
.s-red{color:#c62828;font-weight:600}.s-not-updated,.s-not-started{color:#757575}
.s-lagging{color:#1565c0}.s-check-input{color:#8e24aa}
.up{color:#2e7d32}.down{color:#c62828}
ul.notes{padding-left:18px}ul.tree,ul.tree ul{padding-left:20px;margin:2px 0}
@media print{body{max-width:none;padding:0}*{-webkit-print-color-adjust:exact;
 print-color-adjust:exact}figure{flex-basis:48%;max-width:48%}table{font-size:11px}}
"""


# Public API


def write_dashboard(summary: Summary, path: str | os.PathLike[str], *, force: bool = False,
                    calibration: "Calibration | None" = None) -> None:
    """Write the dashboard of ``summary`` to ``path`` (atomically; replaces only with force),
    a piece at a time: a big company's page is never all in memory."""
    with atomic_output(path, force) as write:
        for piece in _pieces(summary, calibration):
            write(piece.encode("utf-8"))


def dashboard_html(summary: Summary, calibration: "Calibration | None" = None) -> str:
    """The dashboard as one HTML document (no external resource of any kind)."""
    return "".join(_pieces(summary, calibration))


def _pieces(summary: Summary, calibration: "Calibration | None") -> Iterator[str]:
    """The dashboard's text, piece by piece (the big tables a row at a time)."""
    quarters = summary.quarters
    if not quarters:  # company or person workbooks alone: their tree
        from okrsheet.outputs.alignment_report import without_teams

        yield "\n".join([
            "<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
            CONTENT_SECURITY_POLICY,
            f"<title>OKR summary</title><style>{_STYLE}</style></head><body>",
            "<h1>OKR summary</h1>", f'<p class="lead">{html_text(without_teams(summary))}</p>',
            _notes(summary), _alignment(summary), "</body></html>"]) + "\n"
        return
    teams: list[dict[str, Any]] = summary.table_rows("teams")
    company: dict[str, dict[str, Any]] = {str(row["quarter"]): row
                                          for row in records(summary.company)}
    latest = summary.latest_quarter
    span = quarters[0] if len(quarters) == 1 else f"{quarters[0]} to {quarters[-1]}"
    team_count = len({row["team"] for row in teams})
    parts: list[str | Iterable[str]] = [
        "<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        CONTENT_SECURITY_POLICY,
        f"<title>OKR summary {html_text(span)}</title><style>{_STYLE}</style></head><body>",
        f"<h1>OKR summary, {html_text(span)}</h1>",
        f'<p class="lead">{_number("summary/teams", team_count, str(team_count))} teams, '
        f'{_number("summary/workbooks", len(teams), str(len(teams)))} team quarters.'
    ]
    if latest is not None:
        last = company[latest]
        line = f" Company score in {html_text(latest)}: {_score('company', latest, last)}"
        if last["change"] is not None:
            line += " " + _change("company", latest, last)
        if last.get("not_started"):  # a mean of fewer teams than the table lists: say so
            counted, waiting = last["teams"], last["not_started"]
            line += (f" (of {_number(f'company/{latest}/teams', counted, str(counted))} teams, "
                     f"{_number(f'company/{latest}/not_started', waiting, str(waiting))} not "
                     "started and left out)")
        parts.append(line + ".")
        progress = in_progress(summary, dated=False)  # every number shown is in the JSON
        if progress:
            parts.append(f" {html_text(progress)}")
    parts.append("</p>")
    parts.append('<div class="charts">')
    trend, caption = _trend_chart(summary, teams)
    parts.append(_figure("trend", caption, trend))
    parts.append(_figure("status-mix", "Key results by status, all teams, each quarter.",
                         _status_chart(summary)))
    if calibration is not None and len(calibration.reliability):
        parts.append(_figure("reliability", "Confidence given against key results that "
                                            "reached green (the diagonal: perfectly calibrated).",
                             _reliability_chart(calibration)))
    parts.append("</div>")
    parts.append(_score_table(summary, teams, company, quarters))
    parts.append(_mix_table(teams, company, latest))
    if calibration is not None:
        from okrsheet.outputs.calibration_report import calibration_html

        parts.append(calibration_html(calibration, _number))
    parts.append(_flags_table(summary))
    parts.append(_notes(summary))
    parts.append(_alignment(summary))
    parts.append("</body></html>")
    for part in parts:  # each part on its own line, as "\n".join(parts) would
        if isinstance(part, str):
            yield part
        else:
            yield from part
        yield "\n"


# Private API: numbers that carry their source


def _number(ref: str, value: object, shown: str, css: str = "") -> str:
    """A number on the page, with the JSON value it shows (for checking)."""
    data = "" if value is None else repr(value) if isinstance(value, float) else str(value)
    klass = f"num {css}".strip()
    return (f'<span class="{klass}" data-ref="{html_text(ref)}" data-value="{html_text(data)}">'
            f"{html_text(shown)}</span>")


def _css(status: object) -> str:
    return f"s-{str(status).replace(' ', '-')}" if status else ""


def _score(table: str, key: str, row: dict[str, Any]) -> str:
    if row["score"] is None:
        return _number(f"{table}/{key}/score", None, "-", _css(row["status"]))
    return _number(f"{table}/{key}/score", row["score"], percent(row["score"]),
                   _css(row["status"]))


def _change(table: str, key: str, row: dict[str, Any]) -> str:
    change = row["change"]
    if change is None:
        return ""
    direction = "up" if change > 0.005 else "down" if change < -0.005 else ""
    return _number(f"{table}/{key}/change", change, change_text(change), direction)


# Private API: tables


def _score_table(summary: Summary, teams: list[dict[str, Any]], company: dict[str, Any],
                 quarters: list[str]) -> Iterator[str]:
    grid: dict[str, dict[str, dict[str, Any]]] = {}
    for row in teams:
        grid.setdefault(row["team"], {})[row["quarter"]] = row
    latest = quarters[-1] if quarters else None
    title = "Scores by team and quarter"
    if len(quarters) > TABLE_QUARTERS:
        quarters = quarters[-TABLE_QUARTERS:]
        title += (f' <span class="legend">(the latest {TABLE_QUARTERS}; the chart shows '
                  "all)</span>")
    head = "".join(f"<th>{html_text(quarter)}</th>" for quarter in quarters)
    yield from [f"<h2>{title}</h2>", '<div class="wide"><table id="scores"><thead><tr><th>Team</th>',
                head, "<th>Change</th></tr></thead><tbody>"]
    for team in sorted(grid, key=str.casefold):
        cells = []
        for quarter in quarters:
            found = grid[team].get(quarter)
            cells.append(f"<td>{_score('teams', f'{team}|{quarter}', found) if found else ''}</td>")
        last = grid[team].get(latest) if latest else None
        change = _change("teams", f"{team}|{latest}", last) if last else ""
        yield f"<tr><td>{html_text(team)}</td>{''.join(cells)}<td>{change}</td></tr>"
    cells = [f"<td>{_score('company', quarter, company[quarter])}</td>" for quarter in quarters]
    last_company = company.get(latest) if latest else None
    change = _change("company", str(latest), last_company) if last_company else ""
    yield f'<tr class="company"><td>Company (mean)</td>{"".join(cells)}<td>{change}</td></tr>'
    yield "</tbody></table></div>"


def _mix_table(teams: list[dict[str, Any]], company: dict[str, Any],
               latest: str | None) -> Iterator[str]:
    if latest is None:
        return
    head = "".join(f"<th>{html_text(status.capitalize())}</th>" for status in KR_STATUSES)
    yield from [f"<h2>Key results by status in {html_text(latest)}</h2>",
                '<p class="legend">Confidence fell: the share of key results whose latest '
                "check-in confidence is below their first. Stale: no value in the last two "
                "check-ins. Overdue actions: not done, past their due date.</p>",
                '<div class="wide"><table id="mix"><thead><tr><th>Team</th><th>Key results</th>'
                f"{head}<th>Confidence fell</th><th>Stale</th><th>Overdue actions</th></tr>"
                "</thead><tbody>"]
    latest_rows = sorted((row for row in teams if row["quarter"] == latest),
                         key=lambda row: row["team"].casefold())
    for table, key, row in ([("teams", f"{row['team']}|{latest}", row) for row in latest_rows]
                            + [("company", latest, company[latest])]):
        name = "Company" if table == "company" else row["team"]
        cells = [f"<td>{_number(f'{table}/{key}/key_results', row['key_results'], str(row['key_results']))}</td>"]
        for column, status in zip(SHARE_COLUMNS, KR_STATUSES):
            share = row[column]
            cells.append("<td>" + (_number(f"{table}/{key}/{column}", share, percent(share),
                                           _css(status)) if share else "") + "</td>")
        cells += _rhythm_cells(key, row) if table == "teams" else ["<td></td>"] * 3
        klass = ' class="company"' if table == "company" else ""
        yield f"<tr{klass}><td>{html_text(name)}</td>{''.join(cells)}</tr>"
    yield "</tbody></table></div>"


def _rhythm_cells(key: str, row: dict[str, Any]) -> list[str]:
    """A team's confidence fell, stale key results and overdue actions, as table cells."""
    fell = row["confidence_fell"]
    return [f"<td>{_number(f'teams/{key}/confidence_fell', fell, '-' if fell is None else percent(fell))}</td>",
            *(f"<td>{_number(f'teams/{key}/{column}', row[column], str(row[column]))}</td>"
              for column in ("stale_key_results", "overdue_actions"))]


def _flags_table(summary: Summary) -> str:
    flags: list[dict[str, Any]] = records(summary.calibration)
    if not flags:
        return ("<h2>Sandbagging and over-ambition</h2><p class=\"legend\">No team scored 90% "
                "or more, or 30% or less, two quarters running.</p>")
    lines = ["<h2>Sandbagging and over-ambition</h2>",
             '<div class="wide"><table id="flags"><thead><tr><th>Team</th><th>Quarter</th>'
             '<th>Before</th><th>Score</th><th class="flag">Flag</th></tr></thead><tbody>']
    for row in flags:
        key = f"{row['team']}|{row['quarter']}"
        lines.append(
            f"<tr><td>{html_text(row['team'])}</td><td>{html_text(row['quarter'])}</td>"
            f"<td>{_number(f'teams/{key}/previous_score', row['previous_score'], percent(row['previous_score']))}</td>"
            f"<td>{_number(f'teams/{key}/score', row['score'], percent(row['score']))}</td>"
            f"<td class=\"flag\">{html_text(row['calibration'])}: "
            f"<span class=\"legend\">{html_text(row['note'])}</span></td></tr>")
    lines.append("</tbody></table></div>")
    return "".join(lines)


def _notes(summary: Summary) -> str:
    items = [f"Two files for {row['team']} {row['quarter']}: used {row['used']}, not "
             f"{row['not_used']}." for row in records(summary.duplicates)]
    items += [f"Left out {row['file']}: {row['reason']}" for row in records(summary.left_out)]
    conflicts = getattr(summary, "conflicts", None)
    if conflicts is not None:
        items += [str(row["reason"]) for row in records(conflicts)]
    if not items:
        return ""
    body = "".join(f"<li>{html_text(item)}</li>" for item in items)
    return f'<h2>Files</h2><ul class="notes legend" id="files">{body}</ul>'


def _alignment(summary: Summary) -> str:
    """The alignment tree of the latest quarter that has one (company objectives and what
    names them), saying why when that is not the latest quarter."""
    from okrsheet.domain.alignment import LOOP, Link, Node
    from okrsheet.domain.quarter import Quarter, QuarterError

    latest = summary.latest_quarter
    trees = {}
    for label, found in summary.alignment.items():
        try:
            trees[Quarter.parse(label).label] = found
        except QuarterError:
            continue
    quarters = summary.quarters or list(trees)  # a company workbook alone: its quarters
    drawn = [quarter for quarter in quarters if quarter in trees
             and (trees[quarter].aligned or trees[quarter].unsupported)]
    latest = latest or (quarters[-1] if quarters else None)
    why = f"no company workbook in {latest} and nothing there names a parent"
    if not drawn:
        return f'<p class="legend">Alignment: {html_text(why)}, so there is no tree to draw.</p>'
    shown_quarter = drawn[-1]
    tree = trees[shown_quarter]
    lead = ("" if shown_quarter == latest else
            f'<p class="legend">{html_text(why[0].upper() + why[1:])}; this is '
            f"{html_text(shown_quarter)}, the latest quarter with a tree.</p>")

    def item(node: Node, share: float = 1.0) -> str:
        ref = f"alignment/{node.team}/{node.id}"
        kind = "KR " if node.kind == "key result" else ""
        shown = (f'{html_text(node.team)} '
                 f'<span class="id">{kind}{html_text(node.id or "")}</span>: '
                 f"{html_text(node.title)} "
                 + (_number(f"{ref}/score", node.score, percent(node.score))
                    if node.score is not None else ""))
        if node.aligned_score is not None:
            shown += (" (aligned: "
                      + _number(f"{ref}/aligned_score", node.aligned_score,
                                percent(node.aligned_score)) + ")")
        if share != 1.0:  # one of its several parents: the share it gives this one
            shown += f' <span class="share">share {html_text(percent(share))}</span>'
        children = "".join([*(item(kr) for kr in node.key_results),
                            *(item(child, node.share_of(child)) for child in node.children)])
        return f"<li>{shown}" + (f"<ul>{children}</ul>" if children else "") + "</li>"

    def note(link: Link, words: str) -> str:
        below = ([] if link.node is None else [*link.node.key_results, *link.node.children])
        inner = "".join(item(child) for child in below)
        named = f"{link.team} {link.id or ''} {words}"
        return (f"<li>{html_text(named)}"
                + (f'<ul class="tree">{inner}</ul>' if inner else "") + "</li>")

    body = "".join(item(root) for root in tree.roots)
    notes = [note(link, f"names {link.parent}, which "
                  + ("leads back to it (a loop)" if link.problem == LOOP else "does not exist"))
             for link in tree.dangling]
    notes += [note(link, "names no parent") for link in tree.orphans]
    extra = f'<ul class="notes legend">{"".join(notes)}</ul>' if notes else ""
    return (f"<h2>Alignment in {html_text(shown_quarter)}</h2>{lead}"
            f'<ul class="tree" id="alignment">{body}</ul>{extra}')


def _figure(name: str, caption: str, svg: str) -> str:
    return (f'<figure id="chart-{name}" data-chart="{name}">{svg}'
            f"<figcaption>{html_text(caption)}</figcaption></figure>")


# Private API: charts (matplotlib, SVG)


def _svg(figure: Any) -> str:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    text = buffer.getvalue()
    text = text[text.index("<svg"):]  # no XML prolog or DOCTYPE inside the page
    start, end = text.find("<metadata>"), text.find("</metadata>")
    if start >= 0 and end > start:  # the RDF block names matplotlib's version: not needed
        text = text[:start] + text[end + len("</metadata>"):]
    return text


def _new_figure() -> tuple[Any, Any]:
    import matplotlib

    matplotlib.rcParams["svg.fonttype"] = "none"  # text stays text, in the page's font
    matplotlib.rcParams["svg.hashsalt"] = "okrsheet"  # the same summary, the same file
    matplotlib.rcParams["text.parse_math"] = False  # a team named "Pricing $$" is text, not TeX
    matplotlib.rcParams["text.usetex"] = False
    from matplotlib.figure import Figure

    figure = Figure(figsize=(6.4, 3.6))
    axes = figure.add_subplot()
    axes.spines[["top", "right"]].set_visible(False)
    return figure, axes


def _trend_chart(summary: Summary, teams: list[dict[str, Any]]) -> tuple[str, str]:
    """The trend chart and its caption: a line per team, or past :data:`TREND_TEAMS` the
    teams that matter over the middle half of all teams; the company mean dashed."""
    from matplotlib.ticker import PercentFormatter

    figure, axes = _new_figure()
    quarters = summary.quarters
    position = {quarter: index for index, quarter in enumerate(quarters)}
    scores: dict[str, list[tuple[int, float]]] = {}
    for row in teams:
        if row["score"] is not None:
            scores.setdefault(row["team"], []).append((position[row["quarter"]], row["score"]))
    names = {row["team"] for row in teams}
    picked, caption = _trend_teams(teams, summary.latest_quarter, len(names))
    handles, labels = [], []
    if picked is None:  # every team
        picked = [(team, chart_text(team)) for team in sorted(names, key=str.casefold)]
    else:
        by_quarter: dict[int, list[float]] = {}
        for points in scores.values():
            for index, score in points:
                by_quarter.setdefault(index, []).append(score)
        shown = sorted(by_quarter)
        low, high = zip(*(_middle_half(by_quarter[index]) for index in shown)) if shown else ((), ())
        handles.append(axes.fill_between(shown, low, high, color="#9e9e9e", alpha=0.25,
                                         linewidth=0))
        labels.append(f"middle half of {len(names)} teams")
    for team, label in picked:
        points = sorted(scores.get(team, []))
        line, = axes.plot([index for index, _ in points], [score for _, score in points],
                          marker="o", linewidth=1.5)
        handles.append(line)
        labels.append(label)
    company = summary.company[summary.company["score"].notna()]
    line, = axes.plot([position[quarter] for quarter in company["quarter"]], list(company["score"]),
                      color="black", linestyle="--", linewidth=2)
    handles.append(line)
    labels.append("Company")
    axes.axhspan(scoring.GREEN_FROM, 1.0, color=COLOURS["green"], alpha=0.06)
    _quarter_ticks(axes, quarters)
    axes.set_ylim(0, 1.05)
    axes.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    # labels given, not collected: matplotlib would leave out a team named "_..."
    axes.legend(handles, labels, fontsize=9, frameon=False, loc="center left",
                bbox_to_anchor=(1, 0.5))
    return _svg(figure), caption


def _trend_teams(teams: list[dict[str, Any]], latest: str | None,
                 count: int) -> tuple[list[tuple[str, str]] | None, str]:
    """The teams the trend chart draws a line for, with their legend labels (None: every
    team), and the chart's caption."""
    caption = "Team scores by quarter; the company mean dashed."
    if count <= TREND_TEAMS:
        return None, caption
    last = sorted((row for row in teams if row["quarter"] == latest and row["score"] is not None),
                  key=lambda row: (row["score"], row["team"]))
    lowest = last[:TREND_PICKS]
    highest = last[max(len(lowest), len(last) - TREND_PICKS):][::-1]
    named = {row["team"] for row in lowest + highest}
    moved = sorted((row for row in last if row["change"] is not None and row["team"] not in named),
                   key=lambda row: (-abs(row["change"]), row["team"]))[:TREND_PICKS]
    picked = ([(row["team"], f"{chart_text(row['team'])} (highest)") for row in highest]
              + [(row["team"], f"{chart_text(row['team'])} (moved most)") for row in moved]
              + [(row["team"], f"{chart_text(row['team'])} (lowest)") for row in lowest])
    caption = (f"Team scores by quarter: the company mean dashed, the middle half of all "
               f"{count} teams shaded, and the {TREND_PICKS} highest, {TREND_PICKS} lowest and "
               f"{TREND_PICKS} most moved teams in {latest}. Every team is in the tables below.")
    return picked, caption


def _middle_half(scores: list[float]) -> tuple[float, float]:
    """The first and third quartiles of ``scores`` (both the score when there is one)."""
    import statistics

    if len(scores) < 2:
        return scores[0], scores[0]
    first, _, third = statistics.quantiles(scores, n=4, method="inclusive")
    return first, third


def _status_chart(summary: Summary) -> str:
    from matplotlib.ticker import PercentFormatter

    figure, axes = _new_figure()
    quarters = summary.quarters
    bottom = [0.0] * len(quarters)
    for column, status in zip(SHARE_COLUMNS, KR_STATUSES):
        shares = [float(value) if value == value and value is not None else 0.0
                  for value in summary.company[column]]
        axes.bar(range(len(quarters)), shares, bottom=bottom, color=COLOURS[status],
                 label=status, width=0.6)
        bottom = [low + share for low, share in zip(bottom, shares)]
    _quarter_ticks(axes, quarters)
    axes.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    axes.legend(fontsize=9, frameon=False, loc="center left", bbox_to_anchor=(1, 0.5))
    return _svg(figure)


def _quarter_ticks(axes: Any, quarters: list[str]) -> None:
    """One tick per quarter; slanted past six, every other one labelled past twelve."""
    axes.set_xticks(range(len(quarters)),
                    [quarter if len(quarters) <= 12 or index % 2 == (len(quarters) - 1) % 2
                     else "" for index, quarter in enumerate(quarters)])
    if len(quarters) > 6:
        axes.tick_params(axis="x", labelrotation=45, labelsize=8)


def _reliability_chart(calibration: "Calibration") -> str:
    from matplotlib.ticker import PercentFormatter

    figure, axes = _new_figure()
    table = calibration.reliability
    axes.plot([0, 1], [0, 1], color="#9e9e9e", linestyle=":", linewidth=1)
    axes.plot(list(table["probability"]), list(table["reached_share"]), marker="o",
              color=COLOURS["lagging"], linewidth=2)
    for _, row in table.iterrows():  # above a point near the bottom, clear of the axis labels
        below = row["reached_share"] >= 0.1
        axes.annotate(f"{row['confidence']} ({row['key_results']} forecasts)",
                      (row["probability"], row["reached_share"]), textcoords="offset points",
                      xytext=(6, -12 if below else 6), fontsize=8)
    axes.set_xlim(0, 1)
    axes.set_ylim(0, 1.05)
    axes.set_xlabel("confidence given (as a probability)")
    axes.set_ylabel("reached green")
    axes.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    axes.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    return _svg(figure)


__all__ = ["write_dashboard", "dashboard_html", "COLOURS"]
