"""docs/api.md is true: every python example runs and prints the output shown under it."""

import contextlib
import io
import re
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
API_DOCS = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")

# A python block, then optionally (after blank lines) the text block that shows its output.
EXAMPLE = re.compile(r"^## (?P<heading>.+?)$|^```python\n(?P<code>.*?)^```\n(?:\s*^```text\n(?P<output>.*?)^```\n)?",
                     re.M | re.S)


def examples() -> list:
    found, heading = [], ""
    for match in EXAMPLE.finditer(API_DOCS):
        if match["heading"]:
            heading = match["heading"]
            continue
        name = re.sub(r"[^a-z0-9]+", "-", heading.lower()).strip("-")
        found.append(pytest.param(match["code"], match["output"], id=f"{len(found) + 1}-{name}"))
    return found


def test_the_api_docs_have_an_example_with_its_output_for_each_section():
    sections = re.findall(r"^## ", API_DOCS, re.M)
    assert len(examples()) == len(sections) >= 6
    assert all(param.values[1] for param in examples())


@pytest.mark.parametrize("code, output", examples())
def test_api_docs_example_prints_what_the_docs_show(code, output, tmp_path, monkeypatch):
    # In a fresh folder holding a copy of samples/, so outputs land there and the
    # repository's samples can't be changed by an example.
    shutil.copytree(ROOT / "samples", tmp_path / "samples")
    monkeypatch.chdir(tmp_path)
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(code, "docs/api.md", "exec"), {"__name__": "__api_docs__"})
    lines = [line.rstrip() for line in printed.getvalue().splitlines()]
    assert lines == [line.rstrip() for line in (output or "").splitlines()]
