"""The public API: ``import okrsheet`` names the library, loads it on first use, and stays light."""

import ast
import importlib
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import okrsheet

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("name", sorted(set(okrsheet.__all__) - {"__version__"}))
def test_every_public_name_is_the_object_its_module_defines(name):
    module = importlib.import_module(okrsheet._HOMES[name])
    assert getattr(okrsheet, name) is getattr(module, name)


def test_all_the_lazy_table_and_the_type_checkers_imports_name_the_same_things():
    tree = ast.parse(Path(okrsheet.__file__).read_text(encoding="utf-8"))
    (checking,) = [node for node in tree.body if isinstance(node, ast.If)]  # if TYPE_CHECKING
    imported = {alias.name: node.module for node in checking.body for alias in node.names}
    assert imported == okrsheet._HOMES
    assert sorted(okrsheet.__all__) == sorted(["__version__", *okrsheet._HOMES])


def test_the_api_covers_reading_writing_checking_summarising_and_the_model():
    for name in ("read_workbook", "write_workbook", "starter", "check", "check_reading",
                 "summarise", "diff", "merge", "next_quarter", "TeamQuarter", "Objective",
                 "KeyResult", "Problem", "OkrsheetError", "UnreadableFile", "QuarterError"):
        assert name in okrsheet.__all__, name


def test_an_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'read_excel'"):
        okrsheet.read_excel  # noqa: B018
    assert not hasattr(okrsheet, "summarize")


def test_dir_lists_the_public_names():
    assert set(okrsheet.__all__) <= set(dir(okrsheet))


def test_the_package_is_marked_as_typed():
    assert (Path(okrsheet.__file__).parent / "py.typed").is_file()


def test_the_wheel_holds_every_module_and_py_typed_and_no_development_tools(tmp_path):
    source = tmp_path / "source"  # built from a copy: the build leaves build/ and egg-info behind
    shutil.copytree(ROOT / "okrsheet", source / "okrsheet",
                    ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(tmp_path),
                    str(source)], check=True, capture_output=True, timeout=300)
    (wheel,) = tmp_path.glob("okrsheet-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "okrsheet/py.typed" in names
    modules = {path.relative_to(source).as_posix() for path in (source / "okrsheet").rglob("*.py")}
    assert modules <= set(names), "a module (or a new subpackage) is missing from the wheel"
    assert not [name for name in names if "libreoffice" in name or "clidocs" in name]
    assert not [name for name in names if name.startswith(("tests/", "scripts/"))]
