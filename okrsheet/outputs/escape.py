"""Text from workbooks and file names, made inert for each format a person reads: one
helper per format, used by every page and report.

* :func:`terminal_text`: control characters (ESC, ``\\r``, bidi overrides, zero-width
  characters ...) as visible escapes (``\\x1b``, ``\\u202e``), see
  :func:`okrsheet.domain.text.visible`; :func:`terminal_values` does it to every text in a
  structure (a scorecard, a list of problems), :func:`rich_text` also escapes rich's console
  markup (``[bold]``) for a string printed with markup;
* :func:`html_text`: the same, then HTML-escaped (quotes too, so it can sit in an
  attribute);
* :func:`markdown_text`: the same, then HTML shown as text and markdown's link, image,
  autolink, code and table syntax escaped, so ``![x](http://...)`` is text, never a picture;
* :func:`chart_text`: the same, for a matplotlib label (the charts are drawn with
  ``text.parse_math`` off, so a ``$`` is a dollar sign, never TeX);
* :func:`csv_text`: a CSV cell a spreadsheet would run as a formula (``=``, ``+``, ``-``,
  ``@``, a tab or a carriage return first) gets a single quote in front, as the OWASP
  CSV-injection guidance advises; text that itself starts with a quote gets one more, so
  :func:`csv_value` undoes it exactly (callers make control characters visible first,
  with :func:`terminal_text`).

    >>> markdown_text("![pixel](http://x.example/p.png) <b>")
    '!\\\\[pixel](http://x.example/p.png) &lt;b&gt;'
"""

from __future__ import annotations

import dataclasses
import html
import re
from typing import Any

from okrsheet.domain.text import visible

__all__ = ["terminal_text", "terminal_values", "rich_text", "html_text", "markdown_text",
           "csv_text", "csv_value", "chart_text", "CONTENT_SECURITY_POLICY"]

# markdown's inline syntax that can make a link, an image, code or a table cell (a link or
# an image needs its "[": a "]" alone makes nothing); the backslash too, so an escape typed
# in the workbook can't undo ours
_MARKDOWN_SYNTAX = re.compile(r"([\\`\[|])")
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

CONTENT_SECURITY_POLICY = (
    "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
    "style-src 'unsafe-inline'; img-src data:\">")
"""The ``<meta>`` every HTML page carries: nothing may load (no scripts, no connections, no
images but the page's own), whatever text gets into it."""

# Public API


def terminal_text(value: object) -> str:
    """``value`` as text for a terminal: every control character as a visible escape."""
    return visible(value)


def terminal_values(value: Any) -> Any:
    """``value`` with :func:`terminal_text` applied to every text in it: strings, and the
    strings in lists, tuples, dicts, dataclasses and pandas DataFrames."""
    if isinstance(value, str):
        return visible(value)
    if isinstance(value, dict):
        return {key: terminal_values(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(terminal_values(item) for item in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {field.name: terminal_values(getattr(value, field.name))
                   for field in dataclasses.fields(value) if field.init}
        return dataclasses.replace(value, **changes)
    if type(value).__name__ == "DataFrame":
        return value.map(lambda item: visible(item) if isinstance(item, str) else item)
    return value


def rich_text(value: object) -> str:
    """``value`` as terminal text inside rich's console markup: control characters visible,
    and ``[`` escaped where it would open a markup tag, so the text can't style or hide
    what follows."""
    from rich.markup import escape

    return escape(visible(value))


def html_text(value: object) -> str:
    """``value`` as HTML text (or an attribute value): control characters visible, ``<``,
    ``>``, ``&`` and quotes escaped."""
    return html.escape(visible(value), quote=True)


def markdown_text(value: object) -> str:
    """``value`` for a markdown table cell or list item: one line, HTML shown as text
    (``&lt;script&gt;``), and ``[ \\ ` |`` escaped, so no link, image, autolink, code span
    or extra table cell comes from it."""
    text = _MARKDOWN_SYNTAX.sub(r"\\\1", str(value))  # before visible adds its own ``\x1b``
    return html.escape(visible(text), quote=False)


def csv_text(value: str) -> str:
    """Text safe to put in a CSV cell: ``"=1+1"`` -> ``"'=1+1"``, ``"'a"`` -> ``"''a"``."""
    if value.startswith(_FORMULA_STARTS) or value.startswith("'"):
        return "'" + value
    return value


def csv_value(text: str) -> str:
    """The text :func:`csv_text` escaped: ``csv_value(csv_text(s)) == s`` for every ``s``."""
    return text[1:] if text.startswith("'") else text


def chart_text(value: object) -> str:
    """``value`` as a chart label: control characters visible. Draw with ``text.parse_math``
    off (no mathtext) and give legend labels explicitly (matplotlib leaves out a label that
    starts with ``_`` only when it collects them itself)."""
    return visible(value)
