"""okrsheet starts quickly: help texts and `import okrsheet` import neither pandas nor openpyxl."""

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


IMPORT_PROBE = """
import json, sys
import okrsheet
loaded = sorted(name for name in sys.modules if name.startswith("okrsheet."))
okrsheet.summarise, okrsheet.read_workbook, okrsheet.check, okrsheet.diff  # resolve, don't call
heavy = sorted(name for name in ("pandas", "openpyxl", "xlsxwriter", "numpy") if name in sys.modules)
print(json.dumps({"loaded": loaded, "heavy": heavy}))
"""


def test_import_okrsheet_loads_its_modules_on_first_use_and_no_heavy_library():
    output = subprocess.run([sys.executable, "-c", IMPORT_PROBE],
                            capture_output=True, text=True, check=True).stdout
    assert json.loads(output) == {"loaded": [], "heavy": []}
