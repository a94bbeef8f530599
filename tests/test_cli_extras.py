"""What pip installs is what okrsheet imports: the runtime dependencies are the libraries the
package imports, the history store's queries and the dashboard are extras, and a command that
needs a missing extra stops with one line naming it (no traceback, nothing written)."""

import ast
import re
import sys
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest
from click.testing import CliRunner

from okrsheet.cli import main

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
tomllib = pytest.importorskip("tomllib")  # Python 3.11+
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def run_without(monkeypatch, module, *args):
    """The command run as if ``module`` were not installed (``import module`` fails)."""
    monkeypatch.setitem(sys.modules, module, None)
    return CliRunner().invoke(main, [*map(str, args)], catch_exceptions=False)


def one_line(result):
    return result.output.strip().splitlines()


def name(requirement: str) -> str:
    return re.match(r"[A-Za-z0-9._-]+", requirement)[0].lower().replace("_", "-")


def imported_libraries() -> set[str]:
    """Every library the package imports (top level or inside a function, by name or through
    importlib.import_module("...")), as distribution names."""
    modules = set()
    for path in (ROOT / "okrsheet").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                modules |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                modules.add(node.module.split(".")[0])
            elif isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "import_module" \
                    and node.args and isinstance(node.args[0], ast.Constant):
                modules.add(node.args[0].value.split(".")[0])
    third_party = modules - set(sys.stdlib_module_names) - {"okrsheet", "__future__"}
    found = packages_distributions()
    return {name(found[module][0]) for module in third_party}


def test_the_dependencies_and_extras_are_exactly_the_libraries_the_package_imports():
    extras = PROJECT["optional-dependencies"]
    declared = {name(requirement) for requirement in PROJECT["dependencies"]}
    optional = {name(requirement) for extra in ("history", "dashboard", "msg")
                for requirement in extras[extra]}
    assert imported_libraries() == declared | optional
    assert not declared & optional


def test_the_history_store_queries_and_the_dashboard_are_extras_and_all_installs_every_one():
    extras = PROJECT["optional-dependencies"]
    assert [name(requirement) for requirement in extras["history"]] == ["duckdb"]
    assert [name(requirement) for requirement in extras["dashboard"]] == ["matplotlib"]
    assert extras["all"] == ["okrsheet[history,dashboard,msg]"]
    assert "okrsheet[all]" in extras["test"]  # the tests run every command


def test_summary_from_a_store_without_duckdb_is_one_line_naming_the_history_extra(
        monkeypatch, tmp_path):
    result = run_without(monkeypatch, "duckdb", "summary", "--from", tmp_path / "history")
    assert result.exit_code == 1
    assert one_line(result) == ["Error: okrsheet summary --from needs DuckDB, which is not "
                                "installed: pip install 'okrsheet[history]' (or "
                                "'okrsheet[all]')."]


def test_a_dashboard_without_matplotlib_is_one_line_naming_the_dashboard_extra_and_no_file(
        monkeypatch, tmp_path):
    page = tmp_path / "dashboard.html"
    result = run_without(monkeypatch, "matplotlib", "summary", SAMPLES / "2026-Q4", "-o", page)
    assert result.exit_code == 1
    assert one_line(result) == ["Error: okrsheet summary -o X.html (the dashboard) needs "
                                "matplotlib, which is not installed: pip install "
                                "'okrsheet[dashboard]' (or 'okrsheet[all]')."]
    assert not page.exists()


def test_a_pack_and_its_verification_without_matplotlib_say_which_extra_to_install(
        monkeypatch, tmp_path):
    pack = tmp_path / "quarter-end"
    made = run_without(monkeypatch, "matplotlib", "summary", SAMPLES / "2026-Q4", "--pack", pack)
    assert made.exit_code == 1
    assert len(one_line(made)) == 1
    assert "pip install 'okrsheet[dashboard]'" in made.output
    assert not pack.exists()
    checked = run_without(monkeypatch, "matplotlib", "verify", pack)
    assert checked.exit_code == 1
    assert len(one_line(checked)) == 1
    assert "okrsheet verify (the pack's dashboard) needs matplotlib" in checked.output


def test_the_summary_of_workbooks_needs_no_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    result = run_without(monkeypatch, "duckdb", "summary", SAMPLES / "2026-Q4", "--format",
                         "markdown")
    assert result.exit_code == 0
    assert "New Business" in result.output
