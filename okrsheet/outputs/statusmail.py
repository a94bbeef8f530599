"""The weekly status page as an email draft to the team (``okrsheet status --eml``).

The HTML body is :func:`okrsheet.outputs.statuspage.render`'s page with its style sheet
written into each element's ``style`` attribute (mail programs drop ``<style>`` blocks and
class names): no style sheet, no images, no links, nothing fetched, so it reads the same in
a mail program that blocks remote content. The plain-text part is the text page.
"""

from __future__ import annotations

import re
from email.message import EmailMessage
from html.parser import HTMLParser

from okrsheet.domain.model import TeamQuarter
from okrsheet.domain.status import StatusPage
from okrsheet.outputs.escape import html_text, terminal_text

__all__ = ["status_message", "inline_styles"]

_VOID = frozenset(("area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                   "source", "track", "wbr"))
_SELECTOR = re.compile(r"^(?P<tag>[a-z][a-z0-9]*)?(?:\.(?P<cls>[\w-]+))?"
                       r"(?::nth-child\((?P<nth>\d+)\))?$")


# Public API


def status_message(page: StatusPage, team_quarter: TeamQuarter, *,
                   reply_to: str | None = None) -> EmailMessage:
    """The weekly update as a draft: To every owner with an address in the Owners sheet
    (none: the draft has no To, for the sender to fill in), text and HTML bodies."""
    from email.headerregistry import Address

    from okrsheet.outputs.statuspage import render
    from okrsheet.sheet.owners import valid_address

    message = EmailMessage()
    to = [Address(display_name=terminal_text(" ".join(name.split())), addr_spec=address.strip())
          for name, address in team_quarter.owners.items()
          if address and valid_address(address.strip())]
    if to:
        message["To"] = to
    if reply_to:
        message["Reply-To"] = reply_to
    team = terminal_text(" ".join(str(page.team or "Team").split()))  # one line, no ESC
    week = f"week {page.week}" if page.week >= 3 else "before the first check-in"
    message["Subject"] = f"OKR status {team} {page.quarter or ''}, {week}".replace("  ", " ")
    message["X-Unsent"] = "1"
    message["X-Okrsheet"] = "status"
    message.set_content(render(page, "text") + "\n")
    message.add_alternative(inline_styles(render(page, "html")), subtype="html")
    return message


def inline_styles(page: str) -> str:
    """``page`` with the rules of its ``<style>`` blocks written into each element's
    ``style`` attribute (after the rules, an element's own style wins), the ``<style>``
    blocks and ``class`` attributes removed. Selectors: a tag, ``.class``, ``tag.class``,
    ``tag:nth-child(n)`` and lists of them; a rule with any other selector is left out."""
    styles = _StyleSheet()
    styles.feed(page)
    inliner = _Inliner(styles.rules)
    inliner.feed(page)
    inliner.close()
    return "".join(inliner.out)


# Private API


def _specificity(class_name: str | None, nth: int | None) -> int:
    """A class or a pseudo-class outweighs any tag (CSS's rule, for the selectors read)."""
    return (class_name is not None) + (nth is not None)


class _StyleSheet(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rules: list[tuple[tuple[str | None, str | None, int | None], str]] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        if not self._in_style:
            return
        data = re.sub(r"/\*.*?\*/", "", data, flags=re.S)
        for selectors, body in re.findall(r"([^{}]+)\{([^{}]*)\}", data):
            body = ";".join(part.strip() for part in body.split(";") if part.strip())
            parsed = [_SELECTOR.match(selector.strip()) for selector in selectors.split(",")]
            if not body or not all(parsed):
                continue  # @media, descendant selectors...: not for email
            for match in parsed:
                assert match is not None
                nth = match.group("nth")
                self.rules.append(((match.group("tag"), match.group("cls"),
                                    int(nth) if nth else None), body))


class _Inliner(HTMLParser):
    def __init__(self, rules: list[tuple[tuple[str | None, str | None, int | None], str]]):
        super().__init__(convert_charrefs=False)
        self.rules = rules
        self.out: list[str] = []
        self._counts: list[int] = [0]  # children seen so far, per open element
        self._open: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._start(tag, attrs, void=tag in _VOID)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._start(tag, attrs, void=True)

    def _start(self, tag: str, attrs: list[tuple[str, str | None]], void: bool) -> None:
        if tag == "style":
            self._skip += 1
            return
        if self._skip:
            return
        self._counts[-1] += 1
        position = self._counts[-1]
        values = dict(attrs)
        classes = (values.pop("class", None) or "").split()
        matched = [(_specificity(want_class, nth), body)
                   for (want_tag, want_class, nth), body in self.rules
                   if (want_tag is None or want_tag == tag)
                   and (want_class is None or want_class in classes)
                   and (nth is None or nth == position)]
        styles = [body for _, body in sorted(matched, key=lambda item: item[0])]  # stable
        own = values.pop("style", None)
        if own:
            styles.append(own)
        if styles:
            values["style"] = ";".join(styles)
        text = "".join(f" {name}" if value is None else f' {name}="{html_text(value)}"'
                       for name, value in values.items())
        self.out.append(f"<{tag}{text}>")
        if not void:
            self._open.append(tag)
            self._counts.append(0)

    def handle_endtag(self, tag: str) -> None:
        if tag == "style":
            self._skip = max(self._skip - 1, 0)
            return
        if self._skip or tag in _VOID:
            return
        if tag in self._open:
            while self._open:
                self._counts.pop()
                if self._open.pop() == tag:
                    break
        self.out.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.out.append(data)

    def handle_entityref(self, name: str) -> None:
        if not self._skip:
            self.out.append(f"&{name};")

    def handle_charref(self, name: str) -> None:
        if not self._skip:
            self.out.append(f"&#{name};")

    def handle_decl(self, decl: str) -> None:
        self.out.append(f"<!{decl}>")

    def handle_comment(self, data: str) -> None:
        pass  # conditional comments and the like: nothing a mail needs
