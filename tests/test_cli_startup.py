"""okrsheet starts quickly: help texts import neither pandas nor openpyxl."""

import json
import subprocess
import sys

import pytest

PROBE = """
import json, sys
from click.testing import CliRunner
from okrsheet.cli import main
result = CliRunner().invoke(main, {args!r})
heavy = sorted(name for name in ("pandas", "openpyxl", "xlsxwriter", "numpy") if name in sys.modules)
print(json.dumps({{"exit": result.exit_code, "heavy": heavy}}))
"""


@pytest.mark.parametrize("args", [["--help"], ["score", "--help"], ["check", "--help"],
                                  ["new", "--help"], ["summary", "--help"]])
def test_help_imports_no_heavy_library(args):
    output = subprocess.run([sys.executable, "-c", PROBE.format(args=args)],
                            capture_output=True, text=True, check=True).stdout
    probe = json.loads(output)
    assert probe == {"exit": 0, "heavy": []}
