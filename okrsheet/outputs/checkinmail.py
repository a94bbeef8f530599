"""Check-in emails as drafts (``split --eml``, ``remind``): ``.eml`` files built with the
standard library's :mod:`email` package (``policy=default``).

To the owner (from the Owners sheet), a Subject naming team, quarter, week and due date, a
plain-text and an HTML body saying what to fill in and by when, the owner's Check-in
workbook attached, and ``X-Unsent: 1`` so Outlook opens it as a draft to send (Thunderbird
and Apple Mail open it too). Workbook text is one line in each (a line break in a name
can't add a header), control characters shown as visible escapes and, in the HTML body,
markup escaped (:mod:`okrsheet.outputs.escape`). Replies are read by
:mod:`okrsheet.workflows.mail`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from email.message import EmailMessage
from typing import TYPE_CHECKING

from okrsheet.domain.model import TeamQuarter
from okrsheet.outputs.escape import html_text, terminal_text
from okrsheet.workflows.mail import XLSX_TYPE, due_date

if TYPE_CHECKING:
    from okrsheet.workflows.split import OwnerCheckIn

__all__ = ["check_in_message", "draft_bytes"]

# Public API


def check_in_message(team_quarter: TeamQuarter, owner: "OwnerCheckIn", week: int,
                     workbook: bytes, to: str, *, reply_to: str | None = None,
                     due: dt.date | None = None, reminder: bool = False) -> EmailMessage:
    """The draft asking ``owner`` to check in (``reminder``: asking again), their Check-in
    workbook attached."""
    from email.headerregistry import Address

    from okrsheet.workflows.split import last_value

    name = owner.owner or ""
    what = _what(team_quarter, week)
    day = due_date(team_quarter, week, due)
    by = f", due {day.isoformat()}" if day else ""
    message = EmailMessage()
    message["To"] = Address(display_name=_one_line(name), addr_spec=to)
    if reply_to:
        message["Reply-To"] = reply_to
    message["Subject"] = _one_line(("Reminder: " if reminder else "")
                                   + f"OKR check-in {what}{by}")
    message["X-Unsent"] = "1"
    message["X-Okrsheet"] = "check-in" if not reminder else "reminder"
    rows = [(identifier, kr.title or "", _number(last_value(kr, week)), _number(kr.target_value),
             kr.unit or "") for identifier, kr in owner.key_results]
    when = f" by {_long_date(day)}" if day else ""
    first = (f"We have no check-in from you yet for {what}. Could you send it{when}?"
             if reminder else
             f"Please check in your key results for {what}{',' if when else ''}{when}.")
    steps = ("Open the attached workbook, " + owner.path.name + ", and on its Check-in sheet "
             "type each key result's Value for this week, pick a Confidence (high, medium or "
             "low) and update the Comment. Save it and reply to this email with the file "
             "attached (keep the file; leave the other cells as they are).")
    lines = [f"Hello {_one_line(name)}," if name else "Hello,", "", first, ""]
    lines += [f"- {identifier} {_one_line(title)}: last value {last or 'none'}, target "
              f"{target}{(' ' + _one_line(unit)) if unit else ''}"
              for identifier, title, last, target, unit in rows]
    lines += ["", steps, "", "Thank you!", ""]
    message.set_content("\n".join(lines))
    message.add_alternative(_html(name, first, steps, rows), subtype="html")
    message.add_attachment(workbook, maintype=XLSX_TYPE[0], subtype=XLSX_TYPE[1],
                           filename=owner.path.name)
    return message


def draft_bytes(message: EmailMessage) -> bytes:
    """The message as an .eml file (CRLF line ends, as mail programs save them)."""
    from email.policy import default

    return message.as_bytes(policy=default.clone(linesep="\r\n"))


# Private API


def _what(team_quarter: TeamQuarter, week: int) -> str:
    parts = [_one_line(str(team_quarter.team or "")), str(team_quarter.quarter or "")]
    return " ".join(part for part in parts if part) + f", week {week}"


def _one_line(text: str) -> str:
    """``text`` on one line (runs of white space as one space), control characters visible."""
    return terminal_text(" ".join(str(text).split()))


def _number(value: object) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, float) and value.is_integer():
        return f"{int(value):,}"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f"{value:,}"
    return _one_line(str(value))


def _long_date(day: dt.date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


_CELL = "padding:4px 8px;border-bottom:1px solid #D9D9D9;text-align:left;vertical-align:top"


def _html(name: str, first: str, steps: str, rows: Sequence[Sequence[str]]) -> str:
    """The HTML body: inline styles only, no images, links or scripts."""
    from okrsheet.workflows.split import ID, KEY_RESULT, LAST_VALUE, TARGET, UNIT

    e = html_text
    head = "".join(f'<th style="{_CELL};background:#1F4E78;color:#FFFFFF">{e(text)}</th>'
                   for text in (ID, KEY_RESULT, LAST_VALUE, TARGET, UNIT))
    body = "".join("<tr>" + "".join(f'<td style="{_CELL}">{e(_one_line(cell))}</td>'
                                    for cell in row) + "</tr>" for row in rows)
    greeting = f"Hello {e(_one_line(name))}," if name else "Hello,"
    return ('<!DOCTYPE html><html><head><meta charset="utf-8"></head>'
            '<body style="font-family:Calibri,Arial,sans-serif;font-size:14px;color:#222222">'
            f"<p>{greeting}</p><p>{e(first)}</p>"
            f'<table style="border-collapse:collapse;margin:8px 0">'
            f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
            f"<p>{e(steps)}</p><p>Thank you!</p></body></html>\n")
