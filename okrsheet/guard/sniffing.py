"""What a file is when it is not a workbook okrsheet reads, and a sheet's tab name: told
from raw bytes and part names, with no XML parser (so no entity is ever expanded)."""

from __future__ import annotations

import os
import re
import zipfile
import zlib

# Public API


def ole_kind(path: str | os.PathLike) -> str:
    streams = _ole_streams(path)
    if {"encryptioninfo", "encryptedpackage"} & streams:
        return "password-protected: save an unprotected copy (File > Info > Protect) and try again."
    if {"workbook", "book"} & streams or not streams:
        return ("an old Excel 97-2003 (.xls) file; open it and save it as .xlsx "
                "(File > Save As > Excel Workbook).")
    if "worddocument" in streams:
        return "a Word document, not a spreadsheet; open the OKR workbook itself."
    return "an Office file that is not an Excel workbook; open the OKR workbook itself."


def sniff(path: str | os.PathLike) -> str:
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


def sheet_title(path: str | os.PathLike, part: str) -> str | None:
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


def sheet_parts(archive: zipfile.ZipFile, kind: str) -> frozenset[str]:
    """The parts python-calamine reads as sheets: ``content.xml`` of an .ods; for an .xlsx or
    .xlsb, every part under ``xl/worksheets/`` and every part the workbook's sheets point to
    through its relationships (a sheet can live anywhere in the zip). Names are matched as
    python-calamine matches them: ignoring case (``data/sheet1.xml`` is ``xl/Data/Sheet1.xml``)."""
    if kind == "ods":
        return frozenset({"content.xml"})
    names = archive.namelist()
    folded: dict[str, list[str]] = {}
    for name in names:
        folded.setdefault(name.casefold(), []).append(name)
    found = {name for name in names if name.casefold().startswith("xl/worksheets/")
             and "/" not in name[len("xl/worksheets/"):]
             and name.casefold().endswith((".xml", ".bin"))}
    referenced: set[str] | None = None
    for workbook in folded.get("xl/workbook.xml", []):  # the relationships its <sheet r:id> name
        ids = {value for tag, attributes in _TAG.findall(_head(archive, workbook))
               if tag.lower() == b"sheet"
               for key, value in _attributes(attributes).items() if key.endswith(":id")}
        referenced = (referenced or set()) | ids
    for relations in ("xl/_rels/workbook.xml.rels", "xl/_rels/workbook.bin.rels"):
        for part in folded.get(relations, []):
            for tag, attributes in _TAG.findall(_head(archive, part)):
                values = _attributes(attributes)
                if referenced and values.get("Id") not in referenced:
                    continue
                for target in _targets(values.get("Target", "")):
                    for name in folded.get(target.casefold(), []):
                        if name.casefold().endswith((".xml", ".bin")):
                            found.add(name)
    return frozenset(found)


# Private API

_ATTRIBUTES = rb"""((?:[^>"']|"[^"]*"|'[^']*')*)"""
"""A tag's attributes up to its end: quoted values may hold ``>``, so they are skipped whole."""
_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(sheet|Relationship)\s" + _ATTRIBUTES + rb">",
                  re.IGNORECASE)
_ATTRIBUTE = re.compile(rb'([\w:.-]+)\s*=\s*(?:"([^"]*)"|\'([^\']*)\')')


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


def _head(archive: zipfile.ZipFile, part: str) -> bytes:
    """The start of ``part``, or nothing if it can't be read (the zip checks then say why)."""
    try:
        with archive.open(part) as stream:
            return stream.read(2_000_000)
    except (OSError, RuntimeError, NotImplementedError, ValueError, EOFError, zlib.error,
            zipfile.BadZipFile):
        return b""


def _targets(target: str) -> set[str]:
    """The part names a relationship target of ``xl/workbook.xml`` may mean, as any reader
    resolves it: ``worksheets/s.xml`` -> ``xl/worksheets/s.xml``, ``/xl/a.xml`` -> ``xl/a.xml``,
    ``../b.xml`` -> ``b.xml``, and the target as written."""
    import posixpath

    if not target:
        return set()
    path = target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
    return {posixpath.normpath(path).lstrip("/"), target.lstrip("/"), "xl/" + target.lstrip("/")}


def _attributes(text: bytes) -> dict[str, str]:
    return {key.decode("utf-8", "replace"): (double or single).decode("utf-8", "replace")
            for key, double, single in _ATTRIBUTE.findall(text)}
