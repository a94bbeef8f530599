"""split, collect and remind called as a library (``okrsheet.workflows``), as the command line
calls them: each gives the lines to print, the drafts rendered by a function the caller passes
in, and a refusal writes nothing."""

from email.message import EmailMessage

import pytest

from okrsheet.domain.merging import UnknownCopy
from okrsheet.read.reader import read_workbook
from okrsheet.workflows.collect import write_collected
from okrsheet.workflows.remind import write_reminders
from okrsheet.workflows.split import MissingAddresses, split_workbook
from tests.test_mail import ADDRESSES, _team


def fake_draft(owner, workbook, to):
    """A draft the test can read back: who it is to and the workbook's size."""
    return f"To: {to}; {owner.path.name}; {len(workbook)} bytes".encode()


@pytest.fixture
def team_quarter(tmp_path):
    path = _team(tmp_path / "team.xlsx")
    team_quarter = read_workbook(path).team_quarter
    team_quarter.file = str(path)
    return team_quarter


def texts(lines):
    return [line.text for line in lines if not line.err]


def test_split_writes_the_draft_the_caller_renders_beside_each_owners_workbook(
        team_quarter, tmp_path):
    lines = split_workbook(team_quarter, "team.xlsx", tmp_path / "out", 3, draft=fake_draft)
    drafts = sorted((tmp_path / "out").glob("*.eml"))
    assert len(drafts) == len(ADDRESSES)
    for draft in drafts:
        owner = draft.stem.rsplit("-", 1)[-1]
        workbook = draft.with_suffix(".xlsx")
        assert draft.read_bytes() == (f"To: {ADDRESSES[owner]}; {workbook.name}; "
                                      f"{workbook.stat().st_size} bytes").encode()
        assert f"Wrote {draft}: draft to {owner}." in texts(lines)
    assert texts(lines)[-1].startswith("Week 3: open each draft (.eml) in your mail program")


def test_split_names_each_owner_without_an_address_and_writes_nothing(tmp_path):
    path = _team(tmp_path / "team.xlsx", {"Sam": "sam@example.com", "Priya": "not an address"})
    team_quarter = read_workbook(path).team_quarter
    with pytest.raises(MissingAddresses) as refused:
        split_workbook(team_quarter, "team.xlsx", tmp_path / "out", 3, draft=fake_draft)
    named = " ".join(refused.value.problems)
    assert '"not an address" (owner "Priya")' in named
    assert 'owner "Jonas"' in named and 'owner "Alex"' in named and '"Sam"' not in named
    assert str(refused.value) == ("team.xlsx: 3 owner(s) without a usable email address "
                                  "(listed above); nothing was written.")
    assert not (tmp_path / "out").exists()


def test_remind_without_replies_drafts_a_reminder_to_every_owner(team_quarter, tmp_path):
    lines = write_reminders(team_quarter, "team.xlsx", [], tmp_path / "drafts", 3,
                            draft=fake_draft)
    reminders = sorted(path.name for path in (tmp_path / "drafts").iterdir())
    assert len(reminders) == len(ADDRESSES)
    assert all(name.endswith("-reminder.eml") for name in reminders)
    assert texts(lines)[-1] == ("Week 3: no reply yet from Sam, Priya, Jonas, Alex; open each "
                                "draft in your mail program and send it.")


def test_collect_says_the_emails_left_out_before_it_refuses(team_quarter, tmp_path):
    split_workbook(team_quarter, "team.xlsx", tmp_path / "out", 3)
    reply = sorted((tmp_path / "out").glob("*Sam.xlsx"))[0]
    note = EmailMessage()
    note["From"] = "sam@example.com"
    note.set_content("I'll send it tomorrow.")
    (tmp_path / "note.eml").write_bytes(note.as_bytes())
    said = []
    with pytest.raises(UnknownCopy):
        write_collected(read_workbook(team_quarter.file), team_quarter.file,
                        [tmp_path / "note.eml", reply], tmp_path / "updated.xlsx",
                        prefer="nobody.xlsx", say=said.append)
    assert texts(said) == [f"Left out: {tmp_path / 'note.eml'}: no workbook attached (.xlsx, "
                           ".xlsm or .ods)."]
    assert not (tmp_path / "updated.xlsx").exists()
