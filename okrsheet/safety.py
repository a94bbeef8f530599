"""Guards for files that arrive by email: refuse hostile or non-spreadsheet files early.

Checks run before any parser sees the file, on the raw bytes and the zip's parts, with
bounded reads and bounded memory: a zip bomb, an XML entity bomb, a password-protected or
legacy file, or a sheet too large to read in a couple of seconds is refused with a one-line
message that names the file and says what to do. See docs/hostile-files.md.

Limits can be raised for one run with environment variables, e.g.
``OKRSHEET_MAX_UNPACKED_MB=500 okrsheet score big.xlsx`` (see :meth:`Limits.from_environment`).
"""

from __future__ import annotations

import codecs
import dataclasses
import io
import os
import re
import stat
import struct
import zipfile
import zlib
from dataclasses import dataclass
from typing import NamedTuple

from okrsheet.files import OkrsheetError

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"

# Public API


class UnreadableFile(OkrsheetError):
    """A file okrsheet can't or won't read; the message names the file and what to do."""


@dataclass(frozen=True)
class Limits:
    """Bounds on what a workbook may unpack to.

    The defaults are far above any OKR workbook (a few hundred kilobytes, a few hundred rows)
    and low enough that anything accepted reads in under 2 s and 200 MB of memory.
    """

    max_file_bytes: int = 50 * 1024 * 1024
    """Size of the file on disk."""
    max_entries: int = 10_000
    """Parts (files) inside the zip."""
    max_uncompressed_bytes: int = 16 * 1024 * 1024
    """All parts together once unpacked (the sizes the zip declares, and checked for real)."""
    max_ratio: float = 200.0
    """Unpacked size / packed size of one part larger than 1 MB unpacked."""
    max_rows: int = 100_000
    """Rows in one sheet (counted, and the sheet's declared dimension)."""
    xml_head_bytes: int = 64 * 1024
    """How far into a part the XML prolog (where a DOCTYPE would be) must end."""

    @classmethod
    def from_environment(cls, environ: dict[str, str] | None = None) -> "Limits":
        """Defaults, overridden by ``OKRSHEET_MAX_UNPACKED_MB``, ``OKRSHEET_MAX_FILE_MB``,
        ``OKRSHEET_MAX_ROWS``, ``OKRSHEET_MAX_ENTRIES`` and ``OKRSHEET_MAX_RATIO`` when set."""
        environ = os.environ if environ is None else environ
        changes: dict[str, float | int] = {}
        for variable, (field, scale, kind) in _ENVIRONMENT.items():
            text = environ.get(variable, "").strip()
            if not text:
                continue
            try:
                value = kind(float(text) * scale) if kind is int else float(text) * scale
            except ValueError:
                raise OkrsheetError(f"{variable}={text!r}: expected a number.") from None
            if value <= 0:
                raise OkrsheetError(f"{variable}={text!r}: expected a number above 0.")
            changes[field] = value
        return dataclasses.replace(cls(), **changes) if changes else cls()


DEFAULT_LIMITS = Limits()

_ENVIRONMENT = {  # variable -> (Limits field, scale, type)
    "OKRSHEET_MAX_UNPACKED_MB": ("max_uncompressed_bytes", 1024 * 1024, int),
    "OKRSHEET_MAX_FILE_MB": ("max_file_bytes", 1024 * 1024, int),
    "OKRSHEET_MAX_ROWS": ("max_rows", 1, int),
    "OKRSHEET_MAX_ENTRIES": ("max_entries", 1, int),
    "OKRSHEET_MAX_RATIO": ("max_ratio", 1, float),
}


def check_workbook_file(path: str | os.PathLike, limits: Limits | None = None, *,
                        deep: bool = True) -> str:
    """Return the workbook's format (``xlsx`` or ``ods``) or raise :class:`UnreadableFile`.

    ``limits`` defaults to :meth:`Limits.from_environment`. ``deep=False`` is the reader's
    fast path: it unpacks only the sheets (sizes, rows) and leaves the XML prolog and
    encoding checks of every part to a deep check run when python-calamine fails on the
    file (calamine never expands entities and stops at a part's declared size).
    """
    return _check(path, limits, deep)[0]


class CheckedFile(NamedTuple):
    """A workbook file that passed the fast check, with the bytes read for it."""

    kind: str  # xlsx or ods
    data: bytes
    modified: float  # the file's modification time (os.stat)


def read_checked(path: str | os.PathLike, limits: Limits | None = None) -> CheckedFile:
    """The file after the fast check (``deep=False``) of :func:`check_workbook_file`: it is
    read once, for the check and the parser."""
    return _check(path, limits, deep=False)


def _check(path: str | os.PathLike, limits: Limits | None, deep: bool) -> CheckedFile:
    limits = Limits.from_environment() if limits is None else limits
    name = os.path.basename(path)
    status, data = _read_file(path, name, limits)
    size, head = len(data), data[:8]
    if size == 0:
        raise UnreadableFile(f"{name}: the file is empty (0 bytes); ask for the workbook again.")
    if size > limits.max_file_bytes:  # it grew after its size was taken
        raise _too_large(name, size, limits)
    if head.startswith(OLE_MAGIC):
        raise UnreadableFile(f"{name}: {_ole_kind(path)}")
    if not head.startswith(ZIP_MAGIC):
        raise UnreadableFile(f"{name}: not an Excel or LibreOffice workbook ({_sniff(path)}); "
                             "save it as .xlsx.")
    if not deep and _plain_xlsx(data, limits):
        return CheckedFile("xlsx", data, status.st_mtime)
    stream = io.BytesIO(data)
    try:
        with zipfile.ZipFile(stream) as archive:
            entries = archive.infolist()
            kind = _workbook_kind(name, archive, entries)
            _check_declared_dimensions(archive, entries, kind, limits)
            _check_zip(name, entries, limits)
        for entry in entries:
            if deep or (_is_sheet(kind, entry.filename) and _may_hold_too_many_rows(entry, limits)):
                _check_part(name, stream, entry, kind, limits, deep)
    except _TooManyRows as too_many:
        where = _sheet_title(path, too_many.part) if kind == "xlsx" else None
        where = f'sheet "{where}"' if where else f"a sheet ({too_many.part})"
        rows = (f"{too_many.declared:,} rows" if too_many.declared
                else f"over {limits.max_rows:,} rows")
        raise UnreadableFile(f"{name}: {where} has {rows}, over the limit of {limits.max_rows:,} "
                             "for an OKR workbook; delete the extra rows (OKRSHEET_MAX_ROWS "
                             "raises the limit).") from None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, zlib.error, struct.error,
            ValueError, NotImplementedError, RuntimeError):
        raise UnreadableFile(f"{name}: the file is damaged or cut short (not a complete zip); "
                             "ask for the workbook again.") from None
    except OSError as error:
        raise UnreadableFile(f"{name}: can't be read ({error.strerror or error}).") from None
    return CheckedFile(kind, data, status.st_mtime)


def _read_file(path: str | os.PathLike, name: str, limits: Limits) -> tuple[os.stat_result, bytes]:
    """The file's status and bytes (at most ``max_file_bytes`` + 1), with few system calls.

    Non-blocking, so a named pipe reads as empty instead of waiting forever."""
    flags = os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        descriptor = os.open(path, flags)
    except FileNotFoundError:
        raise UnreadableFile(f"{name}: no such file; check the name and folder.") from None
    except OSError as error:
        if os.path.isdir(path):  # Windows can't open a folder
            raise UnreadableFile(f"{name}: is a folder, not a workbook.") from None
        raise UnreadableFile(f"{name}: can't be opened ({error.strerror or error}).") from None
    try:
        status = os.fstat(descriptor)
        if stat.S_ISDIR(status.st_mode):
            raise UnreadableFile(f"{name}: is a folder, not a workbook.")
        if status.st_size > limits.max_file_bytes:
            raise _too_large(name, status.st_size, limits)
        chunks, total = [], 0
        wanted = status.st_size + 1  # one byte more: a file that grew since fstat
        while total <= limits.max_file_bytes:
            chunk = os.read(descriptor, wanted - total if total < wanted else 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
    except BlockingIOError:
        chunks = []
    except OSError as error:
        raise UnreadableFile(f"{name}: can't be read ({error.strerror or error}).") from None
    finally:
        os.close(descriptor)
    return status, chunks[0] if len(chunks) == 1 else b"".join(chunks)


def _too_large(name: str, size: int, limits: Limits) -> UnreadableFile:
    return UnreadableFile(f"{name}: the file is {_mb(size)}, over the "
                          f"{_mb(limits.max_file_bytes)} limit for a workbook "
                          "(OKRSHEET_MAX_FILE_MB raises it).")


# Private API: what kind of zip


def _workbook_kind(name: str, archive: zipfile.ZipFile, entries: list[zipfile.ZipInfo]) -> str:
    names = {entry.filename for entry in entries}
    if "mimetype" in names:
        mimetype = archive.open("mimetype").read(200).strip()
        if mimetype.startswith(ODS_MIMETYPE) and "content.xml" in names:
            return "ods"
        if mimetype.startswith(b"application/vnd.oasis.opendocument."):
            what = mimetype.rsplit(b".", 1)[-1].decode("ascii", "replace")
            raise UnreadableFile(f"{name}: an OpenDocument {what} file, not a spreadsheet; "
                                 "open the OKR workbook itself (.xlsx or .ods).")
    if "xl/workbook.xml" in names or "xl/workbook.bin" in names:
        return "xlsx"
    if "word/document.xml" in names or "ppt/presentation.xml" in names:
        raise UnreadableFile(f"{name}: a Word or PowerPoint file, not a spreadsheet; "
                             "open the OKR workbook itself (.xlsx).")
    raise UnreadableFile(f"{name}: a zip file, but not an Excel or LibreOffice workbook.")


# Private API: the zip directory (cheap: no unpacking)


def _check_zip(name: str, entries: list[zipfile.ZipInfo], limits: Limits) -> None:
    if len(entries) > limits.max_entries:
        raise UnreadableFile(f"{name}: the workbook has {len(entries)} parts, over the limit of "
                             f"{limits.max_entries}; refusing it as unsafe.")
    total = sum(entry.file_size for entry in entries)
    if total > limits.max_uncompressed_bytes:
        raise _too_big(name, total, limits)
    for entry in entries:
        if entry.flag_bits & 0x1:
            raise UnreadableFile(f"{name}: part {entry.filename} is zip-encrypted; "
                                 "save an unprotected copy of the workbook.")
        if entry.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise UnreadableFile(f"{name}: part {entry.filename} uses an unusual compression "
                                 "method; open and save the workbook again in Excel or "
                                 "LibreOffice.")


_END = struct.Struct("<4s4H2LH")  # end of central directory record, without its comment
_CENTRAL = struct.Struct("<4s2x2xHH2x2x4xLLHHH2x2x4x4x")
"""A central directory entry: signature, flags, method, packed and unpacked size, and the
lengths of the name, extra field and comment that follow it."""


def _plain_xlsx(data: bytes, limits: Limits) -> bool:
    """True for a plain zip (no comment, zip64, extra fields or bytes before it: as Excel,
    LibreOffice and XlsxWriter write) of an .xlsx with no part large enough to need
    unpacking, that passes every directory check of :func:`_check_zip`.

    The reader's fast path: the central directory is read straight from the bytes, with no
    object per part (several times faster than zipfile over thousands of workbooks). False
    sends the file down the full path, which reads it with zipfile and words any refusal.
    """
    end = len(data) - _END.size
    try:
        (signature, disk, directory_disk, disk_entries, count, directory_size, directory_offset,
         comment) = _END.unpack_from(data, end)
        if signature != b"PK\x05\x06" or disk or directory_disk or disk_entries != count \
                or count == 0xFFFF or count > limits.max_entries or comment \
                or directory_offset + directory_size != end:
            return False
        unpack, position, total, workbook = _CENTRAL.unpack_from, directory_offset, 0, False
        large = 6 * limits.max_rows  # a part this large may be a sheet with too many rows
        for _ in range(count):
            signature, flags, method, _packed, size, name_length, extra, note = unpack(data, position)
            start = position + _CENTRAL.size
            name = data[start:start + name_length]
            if signature != b"PK\x01\x02" or flags & 0x1 or method not in (0, 8) or extra \
                    or note or size >= large or name == b"mimetype" or not name.isascii() \
                    or b"\x00" in name:
                return False
            workbook = workbook or name in (b"xl/workbook.xml", b"xl/workbook.bin")
            total += size
            position = start + name_length
    except struct.error:
        return False
    return workbook and position == end and total <= limits.max_uncompressed_bytes


def _too_big(name: str, total: int, limits: Limits) -> UnreadableFile:
    return UnreadableFile(f"{name}: the workbook would unpack to {_mb(total)}, over the "
                          f"limit of {_mb(limits.max_uncompressed_bytes)}; refusing it as unsafe "
                          "(a zip bomb?; OKRSHEET_MAX_UNPACKED_MB raises the limit).")


# Private API: each part, unpacked as a stream (bounded memory, stops at the first problem)

_CHUNK = 256 * 1024
_ROW = {"xlsx": re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s/>]"),
        "ods": re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?table-row[\s/>]")}
_DIMENSION = re.compile(rb'<(?:[A-Za-z_][\w.-]*:)?dimension\s+ref\s*=\s*["\']'
                        rb'[A-Za-z]*\d*(?::[A-Za-z]*(\d+))?["\']')


def _is_sheet(kind: str, part: str) -> bool:
    if kind == "ods":
        return part == "content.xml"
    return part.startswith("xl/worksheets/") and part.endswith(".xml")


def _check_part(name: str, stream, entry: zipfile.ZipInfo, kind: str, limits: Limits,
                deep: bool = True) -> None:
    """Unpack one part as a stream: its real size must match the zip's directory, its XML
    prolog must hold no DOCTYPE, and a sheet must stay within ``max_rows``."""
    sheet = _is_sheet(kind, entry.filename)
    text_part = entry.filename.lower().endswith((".xml", ".rels"))
    utf8 = None  # an incremental decoder once the part is known to be UTF-8 XML
    head = b""
    waiting: list[bytes] | None = [] if deep else None  # chunks before the prolog is judged
    rows = 0
    carry = b""
    unpacked = 0
    for chunk in _inflate(stream, entry):
        unpacked += len(chunk)
        if unpacked > entry.file_size:
            raise UnreadableFile(f"{name}: part {entry.filename} unpacks to more than the "
                                 f"{entry.file_size:,} bytes its zip directory claims; refusing "
                                 "it as unsafe (a zip bomb?).")
        to_decode = [chunk]
        if waiting is not None:
            head += chunk[: limits.xml_head_bytes - len(head)]
            waiting.append(chunk)
            verdict = _prolog(head, ended=len(head) >= entry.file_size,
                              full=len(head) >= limits.xml_head_bytes)
            if verdict is None:
                to_decode = []
            else:
                to_decode, waiting = waiting, None
                if verdict:
                    raise UnreadableFile(f"{name}: part {entry.filename} {verdict}; refusing it "
                                         "as unsafe (an XML entity bomb?). Save the workbook "
                                         "again in Excel or LibreOffice.")
                if text_part and _is_xml(head):
                    _check_encoding(name, entry.filename, head)
                    utf8 = codecs.getincrementaldecoder("utf-8")()
        if utf8 is not None:
            try:
                for piece in to_decode:
                    utf8.decode(piece)
            except UnicodeDecodeError:
                raise _not_utf8(name, entry.filename) from None
        if sheet:
            buffer = carry + chunk
            cut = max(buffer.rfind(b"<"), 0)  # a row tag starts with "<": none straddles the cut
            rows += len(_ROW[kind].findall(buffer, 0, cut))
            carry = buffer[cut:]
            if rows > limits.max_rows:
                raise _TooManyRows(entry.filename)
    if utf8 is not None:
        try:
            utf8.decode(b"", final=True)
        except UnicodeDecodeError:
            raise _not_utf8(name, entry.filename) from None
    if sheet:
        rows += len(_ROW[kind].findall(carry))
        if rows > limits.max_rows:
            raise _TooManyRows(entry.filename)
    if unpacked != entry.file_size:
        raise zipfile.BadZipFile("size mismatch")
    if entry.file_size > 1_000_000 and entry.compress_size \
            and entry.file_size / entry.compress_size > limits.max_ratio:
        raise UnreadableFile(f"{name}: part {entry.filename} is compressed "
                             f"{entry.file_size // entry.compress_size}:1, over the limit of "
                             f"{limits.max_ratio:g}:1; refusing it as unsafe (a zip bomb?; "
                             "OKRSHEET_MAX_RATIO raises the limit).")


def _inflate(stream, entry: zipfile.ZipInfo):
    """Yield the unpacked bytes of ``entry`` in chunks, reading the raw data after its local
    header, so a part that inflates to more than the directory claims is noticed."""
    stream.seek(entry.header_offset)
    header = stream.read(30)
    if len(header) < 30 or header[:4] != ZIP_MAGIC:
        raise zipfile.BadZipFile("bad local header")
    name_length, extra_length = struct.unpack("<HH", header[26:30])
    stream.seek(entry.header_offset + 30 + name_length + extra_length)
    left = entry.compress_size
    if entry.compress_type == zipfile.ZIP_STORED:
        while left > 0:
            data = stream.read(min(_CHUNK, left))
            if not data:
                raise EOFError
            left -= len(data)
            yield data
        return
    inflater = zlib.decompressobj(-15)
    budget = entry.file_size + 1  # never unpack more than one byte past the claimed size
    while left > 0 and not inflater.eof:
        data = stream.read(min(_CHUNK, left))
        if not data:
            raise EOFError
        left -= len(data)
        while not inflater.eof:  # zlib may hold output back even when all input is in
            out = inflater.decompress(data, min(_CHUNK, budget))
            data = inflater.unconsumed_tail
            budget -= len(out)
            if out:
                yield out
            if budget <= 0:
                return
            if not out and not data:
                break
    if not inflater.eof:
        raise EOFError


def _prolog(head: bytes, ended: bool, full: bool) -> str | None:
    """``""`` if the XML prolog in ``head`` is harmless, a reason if it declares a DOCTYPE or
    entities or never ends, ``None`` when more bytes are needed to tell."""
    text = head
    for bom in (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"):
        if text.startswith(bom):
            text = text[len(bom):]
            break
    if b"\x00" in text[:4] and b"<" in text[:4]:
        text = text.replace(b"\x00", b"")  # UTF-16 and UTF-32 markup becomes ASCII
    lowered = text.lower()
    if b"<!doctype" in lowered or b"<!entity" in lowered:
        return "declares a DOCTYPE or XML entity declarations"
    position = 0
    while True:
        while position < len(text) and text[position:position + 1] in b" \t\r\n":
            position += 1
        if position >= len(text):
            break
        if text[position:position + 1] != b"<":
            return ""  # not XML (an image, a binary part): nothing for an XML parser to expand
        if text.startswith(b"<?", position):
            end = text.find(b"?>", position)
            skip = 2
        elif text.startswith(b"<!--", position):
            end = text.find(b"-->", position)
            skip = 3
        elif text.startswith(b"<!", position):
            return "declares a DOCTYPE or XML entity declarations"
        else:
            return ""  # the root element starts: no DOCTYPE can follow
        if end == -1:
            break
        position = end + skip
    if ended:
        return ""
    return "has an XML prolog longer than okrsheet reads" if full else None


_ENCODING = re.compile(rb'<\?xml[^>]*?encoding\s*=\s*["\']([^"\']*)["\']')


def _is_xml(head: bytes) -> bool:
    return head.lstrip(b"\xef\xbb\xbf\xff\xfe \t\r\n\x00").startswith(b"<")


def _check_encoding(name: str, part: str, head: bytes) -> None:
    """The readers only read UTF-8 XML (python-calamine fails on anything else)."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in head[:4]:
        encoding = "UTF-16"
    else:
        match = _ENCODING.match(head.lstrip(b"\xef\xbb\xbf \t\r\n"))
        encoding = match.group(1).decode("ascii", "replace") if match else "UTF-8"
    if encoding.upper().replace("_", "-") not in ("UTF-8", "UTF8"):
        raise UnreadableFile(f"{name}: part {part} is written in the {encoding} encoding, which "
                             "okrsheet can't read; open and save the workbook again in Excel or "
                             "LibreOffice.")


def _not_utf8(name: str, part: str) -> UnreadableFile:
    return UnreadableFile(f"{name}: part {part} is not valid UTF-8 text (damaged, or written by "
                          "a broken program); open and save the workbook again in Excel or "
                          "LibreOffice.")


def _check_declared_dimensions(archive: zipfile.ZipFile, entries: list[zipfile.ZipInfo],
                               kind: str, limits: Limits) -> None:
    """A sheet's declared size, from the start of its XML: a quick, specific refusal for a
    sheet far too large, before the size checks (the streamed row count catches lies)."""
    for entry in entries:
        if entry.flag_bits & 0x1 or entry.compress_type not in (zipfile.ZIP_STORED,
                                                                 zipfile.ZIP_DEFLATED):
            continue  # refused by _check_zip
        if kind == "xlsx" and _is_sheet(kind, entry.filename) \
                and _may_hold_too_many_rows(entry, limits):
            with archive.open(entry) as part:
                match = _DIMENSION.search(part.read(limits.xml_head_bytes))
            rows = int(match.group(1)) if match and match.group(1) else 0
            # a row takes at least 6 bytes (<row/>): a small part declaring a huge sheet
            # is only a wrong dimension, left to the row count
            if rows > limits.max_rows and entry.file_size >= 6 * rows:
                raise _TooManyRows(entry.filename, declared=rows)


def _may_hold_too_many_rows(entry: zipfile.ZipInfo, limits: Limits) -> bool:
    """A row takes at least 6 bytes (``<row/>``): a smaller part can't hold too many.

    A part that unpacks to more than its declared size is stopped by python-calamine (and
    then named by the deep check), so the declared size can be relied on here."""
    return entry.file_size >= 6 * limits.max_rows


class _TooManyRows(Exception):
    def __init__(self, part: str, declared: int | None = None):
        super().__init__(part)
        self.part, self.declared = part, declared


_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(sheet|Relationship)\s([^>]*)>")
_ATTRIBUTE = re.compile(rb'([\w:.-]+)\s*=\s*(?:"([^"]*)"|\'([^\']*)\')')


def _sheet_title(path: str | os.PathLike, part: str) -> str | None:
    """The tab name of worksheet ``part``, found with regular expressions (no XML parser
    and no entity expansion), or None."""
    import html

    try:
        with zipfile.ZipFile(path) as archive:
            workbook = archive.open("xl/workbook.xml").read(2_000_000)
            relations = archive.open("xl/_rels/workbook.xml.rels").read(2_000_000)
    except (KeyError, OSError, zipfile.BadZipFile, zlib.error, EOFError):
        return None
    targets = {}
    for tag, attributes in _TAG.findall(relations):
        values = _attributes(attributes)
        target = values.get("Target", "")
        target = target.lstrip("/") if target.startswith("/") else "xl/" + target
        targets[values.get("Id")] = target
    for tag, attributes in _TAG.findall(workbook):
        if tag != b"sheet":
            continue
        values = _attributes(attributes)
        relation = next((value for key, value in values.items() if key.endswith(":id")), None)
        if targets.get(relation) == part:
            return html.unescape(values.get("name", "")) or None
    return None


def _attributes(text: bytes) -> dict[str, str]:
    return {key.decode("utf-8", "replace"): (double or single).decode("utf-8", "replace")
            for key, double, single in _ATTRIBUTE.findall(text)}


# Private API: not a zip


def _ole_kind(path: str | os.PathLike) -> str:
    streams = _ole_streams(path)
    if {"encryptioninfo", "encryptedpackage"} & streams:
        return "password-protected: save an unprotected copy (File > Info > Protect) and try again."
    if {"workbook", "book"} & streams or not streams:
        return ("an old Excel 97-2003 (.xls) file; open it and save it as .xlsx "
                "(File > Save As > Excel Workbook).")
    if "worddocument" in streams:
        return "a Word document, not a spreadsheet; open the OKR workbook itself."
    return "an Office file that is not an Excel workbook; open the OKR workbook itself."


def _ole_streams(path: str | os.PathLike) -> set[str]:
    """Lower-cased names of the streams in an OLE compound file (empty if unreadable)."""
    try:
        import olefile

        with olefile.OleFileIO(str(path)) as ole:
            return {part.lower() for entry in ole.listdir() for part in entry}
    except Exception:  # a damaged OLE file: fall back to looking for the stream names
        with open(path, "rb") as stream:
            blob = stream.read(4 << 20)
        return {word.lower() for word in ("EncryptionInfo", "Workbook", "WordDocument")
                if word.encode("utf-16-le") in blob}


def _sniff(path: str | os.PathLike) -> str:
    with open(path, "rb") as stream:
        head = stream.read(512)
    text = head.lstrip(b"\xef\xbb\xbf").lstrip()
    if text[:1] in (b"{", b"["):
        return "looks like JSON"
    if text[:5].lower() in (b"<html", b"<!doc") or b"<html" in text[:200].lower():
        return "looks like a web page"
    if text[:1] == b"<":
        return "looks like XML"
    if text.startswith(b"%PDF"):
        return "looks like a PDF"
    try:
        sample = head.decode("utf-8")
    except UnicodeDecodeError:
        try:
            sample = head[: len(head) - 3].decode("utf-8")
        except UnicodeDecodeError:
            sample = ""
    if sample and all(ch.isprintable() or ch in "\t\r\n" for ch in sample):
        return "looks like text or CSV"
    return "unknown format"


def _mb(size: int) -> str:
    megabytes = size / (1024 * 1024)
    if megabytes < 1:
        return f"{size:,} bytes"
    return f"{megabytes:,.1f} MB" if megabytes < 100 else f"{megabytes:,.0f} MB"
