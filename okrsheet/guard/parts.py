"""Each part of a workbook's zip, unpacked as a stream in bounded memory, and what it may hold.

Used by :mod:`okrsheet.guard.safety`: a part must unpack to exactly the size the zip's directory
claims, an XML part must have no DOCTYPE (entity bombs) and be UTF-8, and a sheet must stay
within the limits on rows and on the grid python-calamine would build
(:mod:`okrsheet.guard.sheetsize`).
"""

from __future__ import annotations

import codecs
import re
import struct
import zipfile
from typing import IO, TYPE_CHECKING, Iterator

from isal import isal_zlib

from okrsheet.domain.problems import UnreadableFile
from okrsheet.guard.sheetsize import SheetSize, measure

if TYPE_CHECKING:
    from okrsheet.guard.safety import Limits

ZIP_MAGIC = b"PK\x03\x04"
INFLATE_ERROR: type[Exception] = getattr(isal_zlib, "error")  # its stub calls it an instance
"""What inflating a damaged part raises (python-isal's zlib: the same streams, 2-3 times
quicker than the standard library's, as every sheet is unpacked before it is read)."""
_CHUNK = 256 * 1024

# Public API


class SheetTooLarge(Exception):
    """A sheet over a limit; :mod:`okrsheet.guard.safety` words the refusal with the sheet's name."""

    def __init__(self, part: str, size: SheetSize | None = None, declared: int | None = None):
        super().__init__(part)
        self.part, self.size, self.declared = part, size, declared


def sheet_format(kind: str, part: str, sheets: frozenset[str]) -> str | None:
    """``xlsx``, ``xlsb`` or ``ods`` when ``part`` is one of the ``sheets`` of a workbook of
    ``kind`` (:func:`okrsheet.guard.sniffing.sheet_parts`)."""
    if part not in sheets:
        return None
    if kind == "ods":
        return "ods"
    return "xlsb" if part.endswith(".bin") else "xlsx"


def check_part(name: str, stream: IO[bytes], entry: zipfile.ZipInfo, kind: str,
               limits: "Limits", sheets: frozenset[str], deep: bool = True) -> None:
    """Unpack one part as a stream: its real size must match the zip's directory; with
    ``deep`` its XML prolog must hold no DOCTYPE and its text be UTF-8; a sheet must stay
    within ``limits.max_rows`` and ``limits.max_cells`` (unpacked whole: at most
    ``max_uncompressed_bytes``, like every part). Raises :class:`UnreadableFile` or
    :class:`SheetTooLarge`."""
    sheet = sheet_format(kind, entry.filename, sheets)
    pieces: list[bytes] | None = [] if sheet else None  # a sheet is measured whole
    text_part = entry.filename.lower().endswith((".xml", ".rels"))
    utf8 = None  # an incremental decoder once the part is known to be UTF-8 XML
    head = b""
    waiting: list[bytes] | None = [] if deep else None  # chunks before the prolog is judged
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
        if pieces is not None:
            pieces.append(chunk)
    if utf8 is not None:
        try:
            utf8.decode(b"", final=True)
        except UnicodeDecodeError:
            raise _not_utf8(name, entry.filename) from None
    if sheet and pieces is not None:
        data = pieces[0] if len(pieces) == 1 else b"".join(pieces)
        size = measure(sheet, data, limits.max_rows, limits.max_cells)
        if size.row_tags > limits.max_rows or size.rows > limits.max_rows \
                or size.cells > limits.max_cells:
            raise SheetTooLarge(entry.filename, size)
    if unpacked != entry.file_size:
        raise zipfile.BadZipFile("size mismatch")
    if entry.file_size > 1_000_000 and entry.compress_size \
            and entry.file_size / entry.compress_size > limits.max_ratio:
        raise UnreadableFile(f"{name}: part {entry.filename} is compressed "
                             f"{entry.file_size // entry.compress_size}:1, over the limit of "
                             f"{limits.max_ratio:g}:1; refusing it as unsafe (a zip bomb?; "
                             "OKRSHEET_MAX_RATIO raises the limit).")


_DIMENSION = re.compile(rb'<(?:[A-Za-z_][\w.-]*:)?dimension\s+ref\s*=\s*["\']'
                        rb'[A-Za-z]*\d*(?::[A-Za-z]*(\d+))?["\']')


def check_declared_dimensions(archive: zipfile.ZipFile, entries: list[zipfile.ZipInfo],
                              kind: str, limits: "Limits", sheets: frozenset[str]) -> None:
    """A sheet's declared size, from the start of its XML: a quick, specific refusal for a
    sheet far too large, before the size checks (the streamed row count catches lies)."""
    for entry in entries:
        if entry.flag_bits & 0x1 or entry.compress_type not in (zipfile.ZIP_STORED,
                                                                 zipfile.ZIP_DEFLATED):
            continue  # refused by the zip directory checks
        if sheet_format(kind, entry.filename, sheets) == "xlsx" \
                and entry.file_size >= 6 * limits.max_rows:
            with archive.open(entry) as part:
                match = _DIMENSION.search(part.read(limits.xml_head_bytes))
            rows = int(match.group(1)) if match and match.group(1) else 0
            # a row takes at least 6 bytes (<row/>): a small part declaring a huge sheet
            # is only a wrong dimension, left to the row count
            if rows > limits.max_rows and entry.file_size >= 6 * rows:
                raise SheetTooLarge(entry.filename, declared=rows)


# Private API


def _inflate(stream: IO[bytes], entry: zipfile.ZipInfo) -> Iterator[bytes]:
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
    inflater = isal_zlib.decompressobj(-15)
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
        if not re.fullmatch(r"[A-Za-z0-9._:-]{1,40}", encoding):
            encoding = "an unknown"  # whatever the file says there, never echoed as it is
    if encoding.upper().replace("_", "-") not in ("UTF-8", "UTF8"):
        raise UnreadableFile(f"{name}: part {part} is written in the {encoding} encoding, which "
                             "okrsheet can't read; open and save the workbook again in Excel or "
                             "LibreOffice.")


def _not_utf8(name: str, part: str) -> UnreadableFile:
    return UnreadableFile(f"{name}: part {part} is not valid UTF-8 text (damaged, or written by "
                          "a broken program); open and save the workbook again in Excel or "
                          "LibreOffice.")


