"""The email loop: the Owners sheet, check-in drafts out, replies in as saved emails,
reminders to exactly the owners who have not replied, the weekly update as an email."""

import datetime as dt
import mailbox
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from email.utils import format_datetime

import pytest
from click.testing import CliRunner

from okrsheet.cli import main
from okrsheet.sheet.owners import OWNERS_SHEET
from okrsheet.sheet.reader import read_workbook
from okrsheet.sheet.templates import starter
from okrsheet.sheet.writer import write_workbook
from tests.test_checkin import _fill

TODAY = dt.date(2027, 1, 18)  # week 3 of 2027-Q1
ADDRESSES = {"Sam": "sam@example.com", "Priya": "priya@example.com",
             "Jonas": "jonas@example.com", "Alex": "alex@example.com"}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _team(path, owners=ADDRESSES):
    team_quarter = starter("sales-team", team="Sales", quarter="2027-Q1")
    team_quarter.owners = dict(owners)
    write_workbook(team_quarter, path, today=TODAY)
    return path


@pytest.fixture
def team(tmp_path):
    return _team(tmp_path / "team.xlsx")


def _run(*args):
    return CliRunner().invoke(main, [str(arg) for arg in args])


def _parse(path):
    return message_from_bytes(path.read_bytes(), policy=default)


def _reply_email(workbook, sender, date, name=None, extra=()):
    """An owner's reply as a mail program saves it: a body, a signature image, the workbook."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "lead@example.com"
    message["Subject"] = "Re: OKR check-in"
    message["Date"] = format_datetime(date)
    message.set_content("Here is my check-in.\n-- \nSam")
    message.add_attachment(b"\x89PNG\r\n\x1a\nnot really", maintype="image", subtype="png",
                           filename="logo.png")
    for attached_name, data in extra:
        message.add_attachment(data, maintype="application", subtype="octet-stream",
                               filename=attached_name)
    message.add_attachment(workbook.read_bytes(), maintype="application",
                           subtype="vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                           filename=name or workbook.name)
    return message


def _when(day, hour=9):
    return dt.datetime(2027, 2, day, hour, 0, tzinfo=dt.timezone.utc)


# 1. The Owners sheet


def test_a_new_workbook_has_an_owners_sheet_listing_its_key_results_owners(tmp_path):
    path = tmp_path / "new.xlsx"
    write_workbook(starter("sales-team", team="Sales", quarter="2027-Q1"), path, today=TODAY)
    owners = read_workbook(path).team_quarter.owners
    assert owners == {"Sam": "", "Priya": "", "Jonas": "", "Alex": ""}


def test_the_owners_addresses_are_read_back_as_typed(team):
    assert read_workbook(team).team_quarter.owners == ADDRESSES


def test_fix_keeps_the_owners_addresses_and_does_not_copy_the_sheet_twice(team, tmp_path):
    result = _run("fix", team, "-o", tmp_path / "fixed.xlsx")
    assert result.exit_code == 0, result.output
    assert f"{OWNERS_SHEET}: copied" not in result.output
    assert read_workbook(tmp_path / "fixed.xlsx").team_quarter.owners == ADDRESSES


def test_plain_check_says_nothing_about_missing_addresses(tmp_path):
    path = _team(tmp_path / "team.xlsx", owners={})
    result = _run("check", path)
    assert "address" not in result.output


# 2. Drafts out


def test_split_eml_writes_a_draft_per_owner_with_the_workbook_attached_byte_for_byte(
        team, tmp_path):
    folder = tmp_path / "out"
    result = _run("split", team, "-o", folder, "--week", "5", "--eml",
                  "--reply-to", "lead@example.com", "--due", "2027-02-03")
    assert result.exit_code == 0, result.output
    drafts = sorted(folder.glob("*.eml"))
    assert [path.name for path in drafts] == [f"Sales-2027-Q1-week-5-{name}.eml"
                                              for name in ("Alex", "Jonas", "Priya", "Sam")]
    message = _parse(folder / "Sales-2027-Q1-week-5-Sam.eml")
    assert message["To"].addresses[0].addr_spec == "sam@example.com"
    assert message["To"].addresses[0].display_name == "Sam"
    assert str(message["Reply-To"]) == "lead@example.com"
    assert str(message["Subject"]) == "OKR check-in Sales 2027-Q1, week 5, due 2027-02-03"
    assert str(message["X-Unsent"]) == "1"
    text = message.get_body(("plain",)).get_content()
    assert "Wednesday 3 February 2027" in text and "O1.1 Close new annual" in text
    assert "type each key result's Value" in text
    page = message.get_body(("html",)).get_content()
    assert "<table" in page and "Close new annual" in page
    [attachment] = list(message.iter_attachments())
    assert attachment.get_filename() == "Sales-2027-Q1-week-5-Sam.xlsx"
    assert attachment.get_content_type() == XLSX
    assert attachment.get_content() == (folder / "Sales-2027-Q1-week-5-Sam.xlsx").read_bytes()


def test_split_eml_names_each_owner_without_an_address_and_writes_nothing(tmp_path):
    path = _team(tmp_path / "team.xlsx", owners={"Sam": "sam@example.com", "Priya": "priya"})
    result = _run("split", path, "-o", tmp_path / "out", "--week", "5", "--eml")
    assert result.exit_code == 1
    assert '"priya" (owner "Priya") is not an email address' in result.output
    assert 'no email address for owner "Jonas"' in result.output
    assert 'no email address for owner "Alex"' in result.output
    assert not (tmp_path / "out").exists()


def test_a_draft_keeps_an_owner_name_with_a_line_break_on_one_line(tmp_path):
    path = _team(tmp_path / "team.xlsx")
    team_quarter = read_workbook(path).team_quarter
    team_quarter.owners["Sam"] = "sam@example.com"
    from okrsheet.sheet.checkin import owner_check_ins
    from okrsheet.sheet.mail import check_in_message, draft_bytes

    owner = owner_check_ins(team_quarter, tmp_path, 5)[0]
    owner.owner = "Sam\r\nBcc: everyone@example.com"
    data = draft_bytes(check_in_message(team_quarter, owner, 5, b"PK", "sam@example.com"))
    message = message_from_bytes(data, policy=default)
    assert message["Bcc"] is None
    assert message["To"].addresses[0].addr_spec == "sam@example.com"
