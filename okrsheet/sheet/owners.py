"""The Owners sheet: each owner's email address, for the mail commands.

Two columns, Owner and Email, one owner a row. ``okrsheet new`` writes it with the owners
the key results name (addresses blank, to fill in) and empty rows ready; the reader gives
``TeamQuarter.owners`` (owner -> address, as typed). Plain ``check`` says nothing about it:
the mail commands (``split --eml``, ``remind``, ``collect`` of emails) name an owner without
an address when they need one (:func:`missing_addresses`).
"""

from __future__ import annotations

import re
from typing import Any

from okrsheet.domain.model import TeamQuarter
from okrsheet.sheet import layout

__all__ = ["OWNERS_SHEET", "HEADERS", "READY_ROWS", "owner_rows", "owners_range", "write_owners",
           "read_owners", "key_result_owners", "address_of", "missing_addresses", "valid_address"]

OWNERS_SHEET = "Owners"
HEADERS = (layout.COLUMN_OF["owner"].header, "Email")
READY_ROWS = 20
"""Empty rows written after the owners, ready for more."""
_ADDRESS = re.compile(r"^[^@\s<>\"(),;:\[\]\\]+@[^@\s<>\"(),;:\[\]\\]+\.[^@\s<>\"(),;:\[\]\\.]+$")


# Public API


def key_result_owners(team_quarter: TeamQuarter) -> list[str]:
    """The owners the key results name, once each (ignoring case), in sheet order."""
    seen: dict[str, str] = {}
    for kr in team_quarter.key_results + team_quarter.unassigned:
        if isinstance(kr.owner, str) and kr.owner.strip():
            seen.setdefault(kr.owner.strip().casefold(), kr.owner.strip())
    return list(seen.values())


def owner_rows(team_quarter: TeamQuarter) -> dict[str, str]:
    """The Owners sheet's rows: the addresses known, then the key results' other owners."""
    rows = dict(team_quarter.owners)
    for name in key_result_owners(team_quarter):
        if not any(name.casefold() == known.casefold() for known in rows):
            rows[name] = ""
    return rows


def owners_range(team_quarter: TeamQuarter) -> str:
    """The Owners sheet's names with its ready rows: the Owner drop-down's list."""
    last = len(owner_rows(team_quarter)) + READY_ROWS + 1
    return f"='{OWNERS_SHEET}'!$A$2:$A${last}"


def write_owners(book: Any, team_quarter: TeamQuarter) -> None:
    """The Owners sheet: the workbook's owners (with their addresses, when known), then
    empty rows ready to fill."""
    from okrsheet.sheet.styles import workbook_formats
    from okrsheet.sheet.writecells import write_text

    sheet = book.add_worksheet(OWNERS_SHEET)
    formats = workbook_formats(book)
    for column, header in enumerate(HEADERS):
        sheet.write_string(0, column, header, formats["header"])
    rows = owner_rows(team_quarter)
    items: list[tuple[str | None, str | None]] = list(rows.items())
    for row in range(1, len(rows) + READY_ROWS + 1):
        item = items[row - 1] if row <= len(rows) else (None, None)
        write_text(sheet, f"A{row + 1}", item[0], formats["input"])
        write_text(sheet, f"B{row + 1}", item[1], formats["input"])
    sheet.set_column(0, 0, 24)
    sheet.set_column(1, 1, 36)
    sheet.freeze_panes(1, 0)
    sheet.set_column(3, 3, 48)
    sheet.write_string(0, 3, "One row per owner, named as in the Owner column of the OKRs "
                       "sheet; okrsheet split --eml and remind write to these addresses.",
                       book.add_format({"text_wrap": True, "valign": "top"}))
    sheet.set_row(0, 45)
    sheet.fit_to_pages(1, 0)  # printed one page wide: the note does not run onto pages of its own
    sheet.print_area(0, 0, len(rows) + 1, 3)


def read_owners(book: Any) -> dict[str, str]:
    """The Owners sheet's ``owner -> address`` (outer spaces removed; an owner without an
    address maps to ""), or {} when the sheet is missing or unreadable."""
    name = next((title for title in book.sheet_names
                 if title.strip().casefold() == OWNERS_SHEET.casefold()), None)
    if name is None:
        return {}
    try:
        rows = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
    except BaseException as error:  # a damaged or odd sheet, a native panic too
        if isinstance(error, (KeyboardInterrupt, SystemExit)):
            raise
        return {}
    if not rows:
        return {}
    at = {str(text).strip().casefold(): index for index, text in enumerate(rows[0])
          if isinstance(text, str)}
    owner, email = at.get(HEADERS[0].casefold()), at.get(HEADERS[1].casefold())
    if owner is None or email is None:
        return {}
    found: dict[str, str] = {}
    for row in rows[1:]:
        who = row[owner] if owner < len(row) else None
        address = row[email] if email < len(row) else None
        if isinstance(who, str) and who.strip():
            found[who.strip()] = address.strip() if isinstance(address, str) else ""
    return found


def address_of(team_quarter: TeamQuarter, owner: str | None) -> str | None:
    """The owner's address from the Owners sheet (names compared ignoring case and outer
    spaces), or None when there is none."""
    if not owner:
        return None
    wanted = owner.strip().casefold()
    for name, address in team_quarter.owners.items():
        if name.strip().casefold() == wanted and address:
            return address
    return None


def valid_address(address: str) -> bool:
    """A plain address like sam@example.com (no display name, no spaces, one @)."""
    return bool(_ADDRESS.match(address)) and len(address) <= 254


def missing_addresses(team_quarter: TeamQuarter, owners: list[str], file: str) -> list[str]:
    """One line per owner of ``owners`` the Owners sheet gives no usable address for."""
    problems = []
    for owner in owners:
        address = address_of(team_quarter, owner)
        if address is None:
            problems.append(f"{file} {OWNERS_SHEET}: no email address for owner \"{owner}\"; "
                            f"type it in the {OWNERS_SHEET} sheet (Owner, Email) and try again.")
        elif not valid_address(address):
            problems.append(f"{file} {OWNERS_SHEET}: \"{address}\" (owner \"{owner}\") is not "
                            "an email address like sam@example.com; correct it and try again.")
    return problems
