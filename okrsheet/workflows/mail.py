"""Check-in emails: replies in (``collect``), and the day a check-in is due. The drafts out
(``split --eml``, ``remind``) are written by :mod:`okrsheet.outputs.checkinmail`.

Replies are read from saved emails (``.eml``, ``.mbox``, Outlook ``.msg`` with the optional
``extract-msg`` package, and folders of them): only the workbook attachments (.xlsx, .xlsm,
.ods) of the email itself are taken; bodies, images, signatures, other attachments and
forwarded emails are ignored, and nothing in an email is executed or followed. Each
attachment is written, under a name of okrsheet's own, into a private temporary folder that
the caller removes; what is wrong with an email is one line naming it.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from typing import TYPE_CHECKING, Any

from okrsheet.domain.model import TeamQuarter
from okrsheet.domain.problems import OkrsheetError
from okrsheet.domain.quarter import week_start
from okrsheet.domain.text import visible

if TYPE_CHECKING:
    from okrsheet.workflows.collect import Reply

__all__ = ["Inbox", "read_inbox", "unanswered", "EMAIL_SUFFIXES", "WORKBOOK_SUFFIXES", "XLSX_TYPE",
           "Attachment", "due_date", "is_email", "email_files", "attachments", "save_attachments",
           "MAX_EMAIL_BYTES", "MAX_PARTS", "MAX_DEPTH"]

EMAIL_SUFFIXES = (".eml", ".mbox", ".msg")
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".ods")
XLSX_TYPE = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")
MAX_EMAIL_BYTES = 100 * 1024 * 1024
"""Size of one saved email (or mbox file): past it, the file is refused, not read."""
MAX_PARTS = 1000
"""Parts of one email looked at; an email with more is refused."""
MAX_DEPTH = 20
"""How deeply multiparts may nest; deeper is refused."""
MAX_FILES = 10_000
"""Emails read from the folders given."""


@dataclass
class Attachment:
    """A workbook attached to a saved email: where it came from, what it holds, who sent it."""

    source: str  # the email file, and "#3" for the third message of an mbox
    name: str  # the attachment's file name, made safe to show
    data: bytes
    sender: str | None  # the From address, lower case
    date: dt.datetime | None  # the Date header, as UTC

    @property
    def label(self) -> str:
        return f"{self.source}: attachment {self.name}"


@dataclass
class Inbox:
    """The replies found in workbooks and saved emails, and what was left out."""

    replies: list[Reply]
    set_aside: list[str]  # older replies of an owner who replied again
    notes: list[str]  # emails without a workbook
    from_email: int = 0  # how many replies came from emails


# Public API: the check-in's due day


def due_date(team_quarter: TeamQuarter, week: int, due: dt.date | None = None) -> dt.date | None:
    """``due``, else the check-in week's start + 4 days."""
    if due is not None:
        return due
    if team_quarter.quarter_start is None:
        return None
    return week_start(team_quarter.quarter_start, week) + dt.timedelta(days=4)


# Public API: replies


def is_email(path: str | os.PathLike[str]) -> bool:
    """A saved email or mailbox (by its name), or a folder (of them)."""
    return Path(path).is_dir() or str(path).lower().endswith(EMAIL_SUFFIXES)


def email_files(path: str | os.PathLike[str]) -> list[Path]:
    """``path`` itself, or the saved emails and workbooks in the folder ``path`` and its
    subfolders (links not followed), in name order."""
    root = Path(path)
    if not root.is_dir():
        return [root]
    found: list[Path] = []
    for folder, folders, files in os.walk(root, followlinks=False):
        folders.sort()
        for name in sorted(files):
            candidate = Path(folder) / name
            if (name.lower().endswith(EMAIL_SUFFIXES + WORKBOOK_SUFFIXES)
                    and not name.startswith(("~$", ".")) and not candidate.is_symlink()):
                found.append(candidate)
                if len(found) > MAX_FILES:
                    raise OkrsheetError(f"{path}: more than {MAX_FILES} files; give the "
                                        "folder of this check-in's replies only.")
    return found


def attachments(path: str | os.PathLike[str]) -> tuple[list[Attachment], list[str], list[str]]:
    """The workbook attachments of the saved email (or every email of the mbox) at ``path``,
    one line for each email that can't be read (problems) and one for each that holds no
    workbook (notes: an out-of-office reply, say)."""
    name = str(path)
    try:
        size = os.path.getsize(path)
    except OSError as error:
        return [], [f"{name}: can't be read ({error.strerror or error})."], []
    if size > MAX_EMAIL_BYTES:
        return [], [f"{name}: {size // (1024 * 1024)} MB, more than an email of check-ins "
                    f"needs ({MAX_EMAIL_BYTES // (1024 * 1024)} MB); save the reply's "
                    "attachment and collect it instead."], []
    found: list[Attachment] = []
    problems: list[str] = []
    notes: list[str] = []
    for source, message in _messages(path):
        if isinstance(message, str):
            problems.append(f"{source}: {message}")
            continue
        if str(message.get("X-Unsent", "")).strip() == "1":
            notes.append(f"{source}: an unsent draft, not a reply.")
            continue
        try:
            taken = list(_workbooks(source, message))
        except _Refused as error:
            problems.append(f"{source}: {error}")
            continue
        except Exception as error:  # noqa: BLE001 - a part the email package can't decode
            problems.append(f"{source}: can't be read as an email ({_short(error)}).")
            continue
        if not taken:
            notes.append(f"{source}: no workbook attached (.xlsx, .xlsm or .ods).")
        found += taken
    return found, problems, notes


def save_attachments(found: Sequence[Attachment], folder: str | os.PathLike[str]) -> list[Path]:
    """Each attachment written into ``folder`` (private, made by the caller) under a name of
    okrsheet's own (``reply-1.xlsx``...), never the name the email gives."""
    paths = []
    for number, attachment in enumerate(found, 1):
        suffix = Path(attachment.name).suffix.lower()
        path = Path(folder) / f"reply-{number}{suffix if suffix in WORKBOOK_SUFFIXES else '.xlsx'}"
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as file:
            file.write(attachment.data)
        paths.append(path)
    return paths


def read_inbox(team_quarter: TeamQuarter, paths: Sequence[str | os.PathLike[str]],
               file: str) -> Inbox:
    """Every reply in ``paths`` (workbooks, saved emails, mailboxes, folders of them).

    An email's workbook attachments are written to a private temporary folder, read with
    :func:`~okrsheet.workflows.collect.read_replies` and the folder removed; each such reply is
    named ``mail.eml: attachment Sam.xlsx``. The sender must be the address the Owners sheet
    gives the reply's owner; of an owner's replies for one week, the latest by its Date is
    kept and the others set aside. Raises :class:`~okrsheet.workflows.collect.ReplyProblems`
    (one line each, nothing collected) for an email that can't be read or a sender that is
    not the owner.
    """
    import tempfile

    from okrsheet.workflows.collect import ReplyProblems, read_replies

    workbooks: list[str] = []
    found: list[Attachment] = []
    problems: list[str] = []
    notes: list[str] = []
    for path in paths:
        for item in email_files(path):
            if not str(item).lower().endswith(EMAIL_SUFFIXES) and not _mbox_without_suffix(item):
                workbooks.append(str(item))
                continue
            taken, refused, left = attachments(item)
            found += taken
            problems += refused
            notes += left
    if problems:
        raise ReplyProblems(problems)
    if not workbooks and not found:
        raise OkrsheetError("no replies found (no workbook, and no email with one attached); "
                            "give the saved replies or their folder.")
    with tempfile.TemporaryDirectory(prefix="okrsheet-mail-") as folder:
        saved = save_attachments(found, folder)
        labels = {path.name: attachment.label for path, attachment in zip(saved, found)}
        try:
            replies = read_replies([*workbooks, *map(str, saved)])
        except ReplyProblems as error:
            raise ReplyProblems([_relabel(problem, labels) for problem in error.problems]) \
                from None
    mailed = replies[len(workbooks):]
    for reply, attachment in zip(mailed, found):
        reply.file = attachment.label
    kept, set_aside = _latest(list(zip(mailed, found)))
    problems = [problem for reply, attachment in kept
                if (problem := _sender_problem(team_quarter, reply, attachment, file))]
    if problems:
        raise ReplyProblems(problems)
    return Inbox(replies[:len(workbooks)] + [reply for reply, _ in kept], set_aside, notes,
                 len(kept))


def unanswered(team_quarter: TeamQuarter, replies: Sequence[Reply], week: int) -> list[str]:
    """The owners of key results (in sheet order) with no reply for ``week``."""
    from okrsheet.sheet.owners import key_result_owners

    answered = {_owner_of(reply).casefold() for reply in replies if reply.week_number == week}
    return [owner for owner in key_result_owners(team_quarter)
            if owner.casefold() not in answered]


# Private API


def _owner_of(reply: Reply) -> str:
    from okrsheet.workflows.split import OWNER

    owner = reply.sent_labels.get(OWNER, reply.owner)
    return " ".join(str(owner).split()) if owner not in (None, "") else ""


def _relabel(problem: str, labels: dict[str, str]) -> str:
    """A reading problem naming ``reply-3.xlsx`` names ``mail.eml: attachment Sam.xlsx``."""
    for name, label in labels.items():
        if name in problem:
            return problem.replace(name, label)
    return problem


def _latest(mailed: list[tuple[Reply, Attachment]]) -> tuple[list[tuple[Reply, Attachment]],
                                                               list[str]]:
    """Of each owner's replies for one week, those with the latest Date; lines for the rest."""
    oldest = dt.datetime.min.replace(tzinfo=dt.timezone.utc)
    groups: dict[tuple[str, object], list[tuple[Reply, Attachment]]] = {}
    for reply, attachment in mailed:
        key = (_owner_of(reply).casefold(), reply.week_number)
        groups.setdefault(key, []).append((reply, attachment))
    kept_ids: set[int] = set()
    set_aside: list[str] = []
    for group in groups.values():
        latest = max(attachment.date or oldest for _, attachment in group)
        newest = [item for item in group if (item[1].date or oldest) == latest]
        kept_ids |= {id(reply) for reply, _ in newest}
        for reply, attachment in group:
            if id(reply) not in kept_ids:
                when = attachment.date.strftime("%Y-%m-%d %H:%M UTC") if attachment.date \
                    else "no date"
                set_aside.append(f"{attachment.label} ({_owner_of(reply) or 'no owner'}, "
                                 f"{when}): a later reply, {newest[0][1].label}, is collected.")
    return [item for item in mailed if id(item[0]) in kept_ids], set_aside


def _sender_problem(team_quarter: TeamQuarter, reply: Reply, attachment: Attachment,
                    file: str) -> str | None:
    """A line when the email's sender is not the address of the reply's owner."""
    from okrsheet.sheet.owners import OWNERS_SHEET, address_of

    owner = _owner_of(reply)
    if not owner:
        return None  # the key results nobody owns: collect checks whose they are
    address = address_of(team_quarter, owner)
    if address is None:
        return (f"{attachment.label}: {file} has no email address for owner \"{owner}\", so "
                f"the sender can't be checked; type it in the {OWNERS_SHEET} sheet (Owner, "
                "Email) and collect again.")
    if attachment.sender is None:
        return (f"{attachment.label}: the email has no single sender (From) address; save "
                "the attachment and collect it, if it is the owner's.")
    if attachment.sender != address.strip().lower():
        return (f"{attachment.label}: sent by {visible(attachment.sender)}, but it is "
                f"{owner}'s check-in ({address} in the {OWNERS_SHEET} sheet); leave it out, "
                f"or correct {owner}'s address there if it changed.")
    return None


_SPREADSHEET_TYPES = {"/".join(XLSX_TYPE): "workbook.xlsx",
                      "application/vnd.ms-excel.sheet.macroenabled.12": "workbook.xlsm",
                      "application/vnd.oasis.opendocument.spreadsheet": "workbook.ods"}
"""A workbook attached without a file name is known by its type."""


class _Refused(Exception):
    pass


def _messages(path: str | os.PathLike[str]) -> Iterator[tuple[str, Any]]:
    """``(source, message or a line saying why not)`` for each email the file holds."""
    from email import message_from_bytes
    from email.policy import default

    name = str(path)
    lower = name.lower()
    if lower.endswith(".msg"):
        yield name, _msg(path)
        return
    if lower.endswith(".mbox") or _mbox_without_suffix(path):
        import mailbox

        try:
            box = mailbox.mbox(name, create=False)
            keys = list(box.keys())
        except Exception as error:  # noqa: BLE001 - any damage is one line
            yield name, f"not a mailbox that can be read ({_short(error)})."
            return
        for number, key in enumerate(keys, 1):
            try:
                data = box.get_bytes(key)
                yield f"{name}#{number}", message_from_bytes(data, policy=default)
            except Exception as error:  # noqa: BLE001
                yield f"{name}#{number}", f"can't be read ({_short(error)})."
        box.close()
        return
    try:
        data = Path(path).read_bytes()
        yield name, message_from_bytes(data, policy=default)
    except Exception as error:  # noqa: BLE001
        yield name, f"can't be read as an email ({_short(error)})."


def _mbox_without_suffix(path: str | os.PathLike[str]) -> bool:
    """A mailbox file named without .mbox (Thunderbird's ``Inbox``): it starts ``From ``."""
    if Path(path).suffix:
        return False
    try:
        with open(path, "rb") as file:
            return file.read(5) == b"From "
    except OSError:
        return False


def _msg(path: str | os.PathLike[str]) -> Any:
    """An Outlook .msg as an :class:`EmailMessage` holding its sender, date and workbook
    attachments, or a line saying why not."""
    try:
        import importlib

        extract_msg = importlib.import_module("extract_msg")  # the optional okrsheet[msg]
    except ImportError:
        return ("an Outlook .msg file; install okrsheet[msg] (the extract-msg package) to "
                "read it, or save the reply's attachment and collect that.")
    try:
        message = extract_msg.openMsg(str(path), strict=False)
    except Exception as error:  # noqa: BLE001
        return f"can't be read as an Outlook email ({_short(error)})."
    try:
        made = EmailMessage()
        sender = getattr(message, "sender", None)
        if sender:
            made["From"] = _one_line(str(sender))
        date = getattr(message, "date", None)
        if isinstance(date, dt.datetime):
            from email.utils import format_datetime

            made["Date"] = format_datetime(date if date.tzinfo else
                                           date.replace(tzinfo=dt.timezone.utc))
        made.set_content("")
        for attached in getattr(message, "attachments", []):
            data = getattr(attached, "data", None)
            name = getattr(attached, "longFilename", None) or getattr(attached, "shortFilename",
                                                                     None)
            if isinstance(data, bytes) and isinstance(name, str):
                made.add_attachment(data, maintype="application", subtype="octet-stream",
                                    filename=name)
        return made
    except Exception as error:  # noqa: BLE001
        return f"can't be read as an Outlook email ({_short(error)})."
    finally:
        close = getattr(message, "close", None)
        if close is not None:
            close()


def _workbooks(source: str, message: Any) -> Iterator[Attachment]:
    sender = _sender(message)
    date = _date(message)
    count = 0
    waiting: list[tuple[Any, int]] = [(message, 0)]
    while waiting:
        part, depth = waiting.pop(0)
        count += 1
        if count > MAX_PARTS:
            raise _Refused(f"more than {MAX_PARTS} parts; not an email okrsheet reads.")
        if depth > MAX_DEPTH:
            raise _Refused(f"parts nested more than {MAX_DEPTH} deep; not an email okrsheet "
                           "reads.")
        if part.get_content_maintype() == "multipart":
            children = part.get_payload()
            if isinstance(children, list):
                waiting += [(child, depth + 1) for child in children]
            continue
        if part.get_content_type() == "message/rfc822":
            continue  # a forwarded email: what it holds was not sent by this sender
        name = _file_name(part) or _SPREADSHEET_TYPES.get(part.get_content_type())
        if name is None or not name.lower().endswith(WORKBOOK_SUFFIXES):
            continue  # a body, an image, a signature, another file
        data = part.get_payload(decode=True)
        if not isinstance(data, bytes) or not data:
            continue
        yield Attachment(source, name, data, sender, date)


def _file_name(part: Any) -> str | None:
    """The attachment's name, made safe to show: its last path segment, one line."""
    try:
        name = part.get_filename()
    except Exception:  # noqa: BLE001 - a malformed header
        return None
    if not isinstance(name, str):
        return None
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = visible(_one_line(name)).strip().strip(".")
    return name[:120] or None


def _sender(message: Any) -> str | None:
    try:
        header = message["From"]
        addresses: Sequence[Any] = getattr(header, "addresses", ())
    except Exception:  # noqa: BLE001 - a malformed header
        return None
    if len(addresses) != 1 or not addresses[0].addr_spec:
        return None
    return str(addresses[0].addr_spec).strip().lower()


def _date(message: Any) -> dt.datetime | None:
    try:
        header = message["Date"]
        value = getattr(header, "datetime", None)
    except Exception:  # noqa: BLE001 - a malformed header
        return None
    if not isinstance(value, dt.datetime):
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    return value.astimezone(dt.timezone.utc)


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _short(error: BaseException) -> str:
    text = " ".join(str(error).split())
    return (text[:100] if text else type(error).__name__)
