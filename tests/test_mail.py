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
from okrsheet.read.reader import read_workbook
from okrsheet.sheet.owners import OWNERS_SHEET
from okrsheet.write.templates import starter
from okrsheet.write.writer import write_workbook
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


def test_next_and_merge_keep_the_owners_addresses(team, tmp_path):
    assert _run("next", team, "-o", tmp_path / "next.xlsx").exit_code == 0
    assert read_workbook(tmp_path / "next.xlsx").team_quarter.owners == ADDRESSES
    copy = _team(tmp_path / "copy.xlsx", owners={**ADDRESSES, "Sam": "sam@new.example.com"})
    result = _run("merge", team, copy, "-o", tmp_path / "merged.xlsx")
    assert result.exit_code == 0, result.output
    assert read_workbook(tmp_path / "merged.xlsx").team_quarter.owners == \
        {**ADDRESSES, "Sam": "sam@new.example.com"}


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
    from okrsheet.outputs.checkinmail import check_in_message, draft_bytes
    from okrsheet.workflows.split import owner_check_ins

    owner = owner_check_ins(team_quarter, tmp_path, 5)[0]
    owner.owner = "Sam\r\nBcc: everyone@example.com"
    data = draft_bytes(check_in_message(team_quarter, owner, 5, b"PK", "sam@example.com"))
    message = message_from_bytes(data, policy=default)
    assert message["Bcc"] is None
    assert message["To"].addresses[0].addr_spec == "sam@example.com"


# 3. Replies in


@pytest.fixture
def replies(team, tmp_path):
    """Week 5's drafts and the owners' filled-in workbooks: Sam, Priya and Jonas reply."""
    folder = tmp_path / "out"
    assert _run("split", team, "-o", folder, "--week", "5", "--eml").exit_code == 0
    filled = tmp_path / "filled"
    filled.mkdir()
    books = {
        "Sam": _fill(folder / "Sales-2027-Q1-week-5-Sam.xlsx", filled / "Sam.xlsx",
                     {"O1.1": (150000, "high", "Two big deals")}),
        "Priya": _fill(folder / "Sales-2027-Q1-week-5-Priya.xlsx", filled / "Priya.xlsx",
                       {"O1.2": (3, "medium", None)}),
        "Jonas": _fill(folder / "Sales-2027-Q1-week-5-Jonas.xlsx", filled / "Jonas.xlsx",
                       {"O2.1": (40, "low", "Slow start")}),
    }
    return books


def _save(message, path):
    path.write_bytes(message.as_bytes(policy=default))
    return path


def test_replies_saved_as_eml_and_mbox_collect_to_the_same_workbook_as_their_attachments(
        team, replies, tmp_path):
    direct = _run("collect", team, *replies.values(), "-o", tmp_path / "direct.xlsx")
    assert direct.exit_code == 0, direct.output
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    _save(_reply_email(replies["Sam"], "Sam <sam@example.com>", _when(2)), inbox / "sam.eml")
    _save(_reply_email(replies["Priya"], "priya@EXAMPLE.com", _when(2)), inbox / "priya.eml")
    box = mailbox.mbox(str(tmp_path / "jonas.mbox"))
    box.add(_reply_email(replies["Jonas"], "Jonas <jonas@example.com>", _when(3)))
    box.add(_reply_email(replies["Jonas"], "Jonas <jonas@example.com>", _when(1),
                         name="old.txt"))  # an email without a workbook
    box.close()
    mailed = _run("collect", team, inbox, tmp_path / "jonas.mbox", "-o", tmp_path / "mail.xlsx")
    assert mailed.exit_code == 0, mailed.output
    assert (tmp_path / "mail.xlsx").read_bytes() == (tmp_path / "direct.xlsx").read_bytes()
    assert "sam.eml: attachment Sam.xlsx: 3 change(s)" in mailed.output
    assert "jonas.mbox#2: no workbook attached" in mailed.output
    assert "No reply from: Alex" in mailed.output


def test_the_latest_reply_of_an_owner_by_date_is_collected_and_the_older_set_aside(
        team, replies, tmp_path):
    later = _fill(replies["Sam"], tmp_path / "later.xlsx", {"O1.1": (175000, "high", None)})
    _save(_reply_email(later, "sam@example.com", _when(3), name="Sam.xlsx"),
          tmp_path / "second.eml")
    _save(_reply_email(replies["Sam"], "sam@example.com", _when(2), name="Sam.xlsx"),
          tmp_path / "first.eml")
    result = _run("collect", team, tmp_path / "second.eml", tmp_path / "first.eml",
                  "-o", tmp_path / "out.xlsx")
    assert result.exit_code == 0, result.output
    assert ("/first.eml: attachment Sam.xlsx (Sam, 2027-02-02 09:00 UTC): a later "
            "reply, " in result.output)
    [kr] = [kr for kr in read_workbook(tmp_path / "out.xlsx").team_quarter.key_results
            if kr.id == "O1.1"]
    assert kr.check_ins[5] == 175000


def test_a_reply_sent_from_another_address_is_named_and_nothing_is_written(
        team, replies, tmp_path):
    spoof = _reply_email(replies["Sam"], "=?utf-8?q?Sam?= <priya@example.com>", _when(2))
    result = _run("collect", team, _save(spoof, tmp_path / "spoof.eml"),
                  "-o", tmp_path / "out.xlsx")
    assert result.exit_code == 1
    assert ("spoof.eml: attachment Sam.xlsx: sent by priya@example.com, "
            "but it is Sam's check-in (sam@example.com in the Owners sheet)") in result.output
    assert not (tmp_path / "out.xlsx").exists()


def test_an_attachment_named_with_a_path_is_read_under_a_name_of_okrsheets_own(
        team, replies, tmp_path):
    message = _reply_email(replies["Sam"], "sam@example.com", _when(2),
                           name="../../x.xlsx", extra=[("notes.docx", b"PK\x03\x04")])
    work = tmp_path / "work"
    work.mkdir()
    result = _run("collect", team, _save(message, work / "evil.eml"), "-o", work / "out.xlsx")
    assert result.exit_code == 0, result.output
    assert "evil.eml: attachment x.xlsx: 3 change(s)" in result.output
    assert sorted(path.name for path in tmp_path.rglob("x.xlsx")) == []
    assert sorted(path.name for path in work.iterdir()) == ["evil.eml", "out.xlsx"]


def test_a_zip_bomb_attached_is_refused_in_one_line_naming_the_email(team, tmp_path):
    from pathlib import Path

    bomb = Path(__file__).parent / "hostile" / "zip-bomb.xlsx"
    message = _reply_email(bomb, "sam@example.com", _when(2), name="Sam.xlsx")
    result = _run("collect", team, _save(message, tmp_path / "bomb.eml"),
                  "-o", tmp_path / "out.xlsx")
    assert result.exit_code == 1
    [line] = [line for line in result.output.splitlines() if line.startswith("Problem:")]
    assert "bomb.eml: attachment Sam.xlsx: the workbook" in line and "zip bomb" in line
    assert not (tmp_path / "out.xlsx").exists()


def test_multiparts_nested_too_deep_are_refused_in_one_line(team, tmp_path):
    inner = EmailMessage()
    inner.set_content("deep")
    for _ in range(30):
        outer = EmailMessage()
        outer.make_mixed()
        outer.attach(inner)
        inner = outer
    inner["From"] = "sam@example.com"
    result = _run("collect", team, _save(inner, tmp_path / "deep.eml"),
                  "-o", tmp_path / "out.xlsx")
    assert result.exit_code == 1
    assert "deep.eml: parts nested more than 20 deep" in result.output


def test_an_email_larger_than_the_limit_is_refused_without_being_read(
        team, tmp_path, monkeypatch):
    import okrsheet.workflows.mail as mail

    monkeypatch.setattr(mail, "MAX_EMAIL_BYTES", 1000)
    (tmp_path / "huge.eml").write_bytes(b"From: sam@example.com\r\n\r\n" + b"x" * 5000)
    result = _run("collect", team, tmp_path / "huge.eml", "-o", tmp_path / "out.xlsx")
    assert result.exit_code == 1
    assert "huge.eml: 0 MB, more than an email of check-ins needs" in result.output


def test_the_drafts_split_wrote_are_left_out_of_a_folder_of_replies(team, replies, tmp_path):
    folder = tmp_path / "out"
    _save(_reply_email(replies["Sam"], "sam@example.com", _when(2)), folder / "reply.eml")
    result = _run("collect", team, folder / "reply.eml", folder / "Sales-2027-Q1-week-5-Sam.eml",
                  "-o", tmp_path / "out.xlsx")
    assert result.exit_code == 0, result.output
    assert "Sales-2027-Q1-week-5-Sam.eml: an unsent draft, not a reply." in \
        result.output
    assert "No reply from: Priya, Jonas, Alex" in result.output


# 4. Who hasn't replied


def test_remind_writes_drafts_to_exactly_the_owners_with_no_reply(team, replies, tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    _save(_reply_email(replies["Sam"], "sam@example.com", _when(2)), inbox / "sam.eml")
    result = _run("remind", team, inbox, replies["Priya"], "--week", "5",
                  "-o", tmp_path / "drafts", "--due", "2027-02-05")
    assert result.exit_code == 0, result.output
    drafts = sorted((tmp_path / "drafts").iterdir())
    assert [path.name for path in drafts] == ["Sales-2027-Q1-week-5-Alex-reminder.eml",
                                              "Sales-2027-Q1-week-5-Jonas-reminder.eml"]
    message = _parse(drafts[1])
    assert message["To"].addresses[0].addr_spec == "jonas@example.com"
    assert str(message["Subject"]) == \
        "Reminder: OKR check-in Sales 2027-Q1, week 5, due 2027-02-05"
    assert "We have no check-in from you yet" in message.get_body(("plain",)).get_content()
    [attachment] = list(message.iter_attachments())
    assert attachment.get_filename() == "Sales-2027-Q1-week-5-Jonas.xlsx"
    assert attachment.get_content() == (tmp_path / "out" /
                                        "Sales-2027-Q1-week-5-Jonas.xlsx").read_bytes()
    assert "no reply yet from Jonas, Alex" in result.output


def test_remind_writes_nothing_when_every_owner_replied(team, replies, tmp_path):
    everyone = dict(replies)
    everyone["Alex"] = _fill(tmp_path / "out" / "Sales-2027-Q1-week-5-Alex.xlsx",
                             tmp_path / "filled" / "Alex.xlsx", {})
    result = _run("remind", team, *everyone.values(), "--week", "5", "-o", tmp_path / "drafts")
    assert result.exit_code == 0, result.output
    assert "Every owner replied for week 5" in result.output
    assert not (tmp_path / "drafts").exists()


def test_a_reply_for_another_week_does_not_count_as_this_weeks(team, replies, tmp_path):
    result = _run("remind", team, *replies.values(), "--week", "7", "-o", tmp_path / "drafts")
    assert result.exit_code == 0, result.output
    assert len(list((tmp_path / "drafts").iterdir())) == 4


def _outlook(monkeypatch, sender, date, files):
    """extract-msg's reading of an Outlook .msg, as its Message object gives it."""
    import sys
    import types

    class Attached:
        def __init__(self, name, data):
            self.longFilename, self.shortFilename, self.data = name, name[:8], data

    class Message:
        def __init__(self):
            self.sender, self.date = sender, date
            self.attachments = [Attached(name, data) for name, data in files]

        def close(self):
            pass

    module = types.SimpleNamespace(openMsg=lambda path, strict=False: Message())
    monkeypatch.setitem(sys.modules, "extract_msg", module)


def test_a_reply_saved_from_outlook_as_msg_collects_like_its_attachment(
        team, replies, tmp_path, monkeypatch):
    direct = _run("collect", team, replies["Sam"], "-o", tmp_path / "direct.xlsx")
    assert direct.exit_code == 0, direct.output
    _outlook(monkeypatch, "Sam <sam@example.com>", _when(2),
             [("image001.png", b"\x89PNG"), ("Sam.xlsx", replies["Sam"].read_bytes())])
    (tmp_path / "sam.msg").write_bytes(b"\xd0\xcf\x11\xe0")  # read by the stand-in above
    result = _run("collect", team, tmp_path / "sam.msg", "-o", tmp_path / "msg.xlsx")
    assert result.exit_code == 0, result.output
    assert "sam.msg: attachment Sam.xlsx: 3 change(s)" in result.output
    assert (tmp_path / "msg.xlsx").read_bytes() == (tmp_path / "direct.xlsx").read_bytes()


def test_an_outlook_msg_without_extract_msg_installed_is_one_line_saying_what_to_install(
        team, tmp_path, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "extract_msg", None)
    (tmp_path / "sam.msg").write_bytes(b"\xd0\xcf\x11\xe0")
    result = _run("collect", team, tmp_path / "sam.msg", "-o", tmp_path / "out.xlsx")
    assert result.exit_code == 1
    assert "sam.msg: an Outlook .msg file; install okrsheet[msg]" in result.output


# 5. The weekly update, mailed


def test_status_eml_writes_the_weekly_update_as_a_draft_to_the_team(team, tmp_path):
    from okrsheet.domain.status import status_page
    from okrsheet.outputs.statuspage import render

    out = tmp_path / "status.eml"
    result = _run("status", team, "--as-of", "2027-02-01", "--eml", "-o", out)
    assert result.exit_code == 0, result.output
    message = _parse(out)
    assert [address.addr_spec for address in message["To"].addresses] == \
        list(ADDRESSES.values())
    assert str(message["Subject"]) == "OKR status Sales 2027-Q1, week 5"
    assert str(message["X-Unsent"]) == "1"
    page = status_page(read_workbook(team).team_quarter, dt.date(2027, 2, 1))
    text = message.get_body(("plain",)).get_content().replace("\r\n", "\n")
    assert text == render(page, "text") + "\n"
    body = message.get_body(("html",)).get_content()
    assert "Close new annual recurring revenue" in body
    for external in ("<style", "class=", "<link", "<img", "<script", "http:", "https:", "url("):
        assert external not in body, external


def test_inline_styles_apply_each_rule_by_its_selector_class_over_tag():
    from okrsheet.outputs.statusmail import inline_styles

    page = ("<html><head><style>td{color:red}.num{text-align:right}td:nth-child(2)"
            "{width:40%}div p{color:blue}</style></head><body><table><tr><td class=\"num\" "
            "style=\"font-weight:bold\">1</td><td>a &amp; b</td></tr></table></body></html>")
    assert inline_styles(page) == (
        "<html><head></head><body><table><tr><td style=\"color:red;text-align:right;"
        "font-weight:bold\">1</td><td style=\"color:red;width:40%\">a &amp; b</td></tr>"
        "</table></body></html>")


def test_a_title_with_markup_reaches_the_status_email_as_text(tmp_path):
    team_quarter = starter("sales-team", team="Sales", quarter="2027-Q1")
    team_quarter.objectives[0].key_results[0].title = '<img src="http://evil.example/x.png">'
    path = tmp_path / "team.xlsx"
    write_workbook(team_quarter, path, today=TODAY)
    result = _run("status", path, "--eml", "-o", tmp_path / "status.eml")
    assert result.exit_code == 0, result.output
    body = _parse(tmp_path / "status.eml").get_body(("html",)).get_content()
    assert "<img" not in body and "&lt;img src=&quot;http://evil.example/x.png&quot;&gt;" in body


def test_status_eml_needs_an_eml_output(team):
    result = _run("status", team, "--eml")
    assert result.exit_code == 2
    assert "give -o NAME.eml" in result.output


def test_an_encoded_attachment_name_is_shown_on_one_line_and_the_temporary_folder_removed(
        team, replies, tmp_path, monkeypatch):
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "temp"))
    (tmp_path / "temp").mkdir()
    message = _reply_email(replies["Sam"], "sam@example.com", _when(2), name="x.xlsx")
    data = message.as_bytes(policy=default).replace(
        b'filename="x.xlsx"', b'filename="=?utf-8?q?..=5C..=5Cevil=0D=0ASam.xlsx?="')
    (tmp_path / "tricky.eml").write_bytes(data)
    result = _run("collect", team, tmp_path / "tricky.eml", "-o", tmp_path / "out.xlsx")
    assert result.exit_code == 0, result.output
    assert "tricky.eml: attachment evil Sam.xlsx: 3 change(s)" in result.output
    assert list((tmp_path / "temp").iterdir()) == []


def test_a_thunderbird_mailbox_file_without_a_suffix_is_read_as_a_mailbox(
        team, replies, tmp_path):
    box = mailbox.mbox(str(tmp_path / "Inbox"))
    box.add(_reply_email(replies["Sam"], "sam@example.com", _when(2)))
    message = _reply_email(replies["Priya"], "priya@example.com", _when(2))
    attachment = list(message.iter_attachments())[-1]
    del attachment["Content-Disposition"]  # a workbook known by its type alone
    attachment["Content-Disposition"] = "attachment"
    box.add(message)
    box.close()
    result = _run("collect", team, tmp_path / "Inbox", "-o", tmp_path / "out.xlsx")
    assert result.exit_code == 0, result.output
    assert "Inbox#1: attachment Sam.xlsx: 3 change(s)" in result.output
    assert "Inbox#2: attachment workbook.xlsx: 2 change(s)" in result.output


def test_the_owner_column_offers_the_owners_sheet_as_a_drop_down(tmp_path):
    import openpyxl

    from okrsheet.sheet import layout
    from okrsheet.write.templates import starter
    from okrsheet.write.writer import write_workbook

    path = tmp_path / "team.xlsx"
    write_workbook(starter("sales-team", team="West", quarter="2027-Q1"), path)
    sheet = openpyxl.load_workbook(path)[layout.OKRS_SHEET]
    owner = layout.address("owner", layout.FIRST_ROW)
    [rule] = [rule for rule in sheet.data_validations.dataValidation if owner in rule.sqref]
    assert rule.type == "list" and rule.formula1.startswith("'Owners'!$A$2:$A$")
    assert rule.errorStyle == "warning"  # a new name can still be typed
