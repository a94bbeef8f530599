"""One home per name: a module imports each name from the module that defines it, never a
``_private`` name of another module, and the public API (``okrsheet.__all__``) names every
type its functions return, all of them in docs/api.md."""

from __future__ import annotations

import ast
import importlib
import inspect
import re
import typing
from pathlib import Path

import pytest

import okrsheet

PACKAGE = Path(okrsheet.__file__).parent
ROOT = PACKAGE.parent

# Nothing may be added to these: make the name public, or import it from its home.
ALLOWED_PRIVATE: set[tuple[str, str]] = set()
ALLOWED_THROUGH: set[tuple[str, str]] = set()
ALLOWED_LISTED: set[tuple[str, str]] = set()


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def where(path: Path) -> str:
    return path.relative_to(PACKAGE).as_posix()


def imported_names(path: Path) -> list[tuple[str, str]]:
    """(module, name) of each ``from okrsheet... import name`` in a file, anywhere in it."""
    return [(node.module, alias.name) for node in ast.walk(ast.parse(path.read_text()))
            if isinstance(node, ast.ImportFrom) and node.module
            and node.module.startswith("okrsheet") for alias in node.names]


def bound_by_import(path: Path) -> set[str]:
    """Names a module binds at its top level (or under an ``if`` or ``try`` there) by
    importing them."""
    names: set[str] = set()
    stack: list[ast.stmt] = list(ast.parse(path.read_text()).body)
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            names |= {(alias.asname or alias.name).split(".")[0] for alias in node.names}
        elif isinstance(node, ast.If):
            stack += [*node.body, *node.orelse]
        elif isinstance(node, ast.Try):
            stack += [*node.body, *node.orelse, *node.finalbody,
                      *(item for handler in node.handlers for item in handler.body)]
    return names


def test_no_module_imports_a_private_name_of_another_module():
    found = set()
    for module, path in MODULES.items():
        for source, name in imported_names(path):
            if name.startswith("_") and not name.startswith("__") and source != module:
                found.add((where(path), f"{source}.{name}"))
        imported = {alias.asname or alias.name for node in ast.walk(ast.parse(path.read_text()))
                    if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
                        "okrsheet") for alias in node.names}
        for node in ast.walk(ast.parse(path.read_text())):  # module._name, as attribute
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) \
                    and node.value.id in imported and node.attr.startswith("_") \
                    and not node.attr.startswith("__"):
                found.add((where(path), f"{node.value.id}.{node.attr}"))
    assert sorted(found - ALLOWED_PRIVATE) == [], "make the name public, or move the code"


def test_each_name_is_imported_from_its_home_never_through_a_module_that_imports_it():
    reimported = {module: bound_by_import(path) for module, path in MODULES.items()}
    found = set()
    for path in MODULES.values():
        for source, name in imported_names(path):
            if source != "okrsheet" and name in reimported.get(source, ()) \
                    and f"{source}.{name}" not in MODULES:  # a submodule is its own home
                found.add((where(path), f"{source}.{name}"))
    assert sorted(found - ALLOWED_THROUGH) == []


def test_the_errors_are_imported_from_the_problems_module_everywhere():
    names = {"OkrsheetError", "OutputExists", "UnreadableFile", "Problem"}
    found = {(path.relative_to(ROOT).as_posix(), f"{source}.{name}")
             for folder in ("okrsheet", "tests", "scripts", "benchmarks")
             for path in sorted((ROOT / folder).rglob("*.py"))
             for source, name in imported_names(path)
             if name in names and source not in ("okrsheet.domain.problems", "okrsheet")}
    allowed = {(f"okrsheet/{file}", name) for file, name in ALLOWED_THROUGH}
    assert sorted(found - allowed) == []


def test_a_modules_all_names_only_what_it_defines():
    found = set()
    for path in MODULES.values():
        if path.name == "__init__.py":
            continue
        listed: list[str] = []
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, ast.Assign) and any(
                    isinstance(target, ast.Name) and target.id == "__all__"
                    for target in node.targets):
                listed = [item.value for item in getattr(node.value, "elts", [])
                          if isinstance(item, ast.Constant)]
        found |= {(where(path), name) for name in set(listed) & bound_by_import(path)}
    assert sorted(found - ALLOWED_LISTED) == []


# The public API

PUBLIC = sorted(set(okrsheet.__all__) - {"__version__"})


def test_all_is_the_table_of_homes():
    assert okrsheet.__all__ == ["__version__", *okrsheet._HOMES]
    assert len(set(okrsheet.__all__)) == len(okrsheet.__all__)


@pytest.mark.parametrize("name", PUBLIC)
def test_every_public_name_imports_from_its_home(name):
    value = getattr(okrsheet, name)
    assert getattr(value, "__module__", okrsheet._HOMES[name]) == okrsheet._HOMES[name]


def annotation_classes(function: typing.Callable[..., object]) -> set[type]:
    """The okrsheet classes named in ``function``'s return annotation (``list[Problem]``
    names Problem), looked up where the function is defined, its type-checking imports too."""
    text = inspect.signature(function).return_annotation
    if not isinstance(text, str):
        text = getattr(text, "__name__", str(text))
    module = importlib.import_module(function.__module__)
    found = set()
    for name in re.findall(r"[A-Za-z_][A-Za-z0-9_]*", text):
        value = getattr(module, name, None)
        if value is None:
            homes = [source for source, imported in imported_names(Path(module.__file__))
                     if imported == name]
            value = getattr(importlib.import_module(homes[0]), name) if homes else None
        if isinstance(value, type) and value.__module__.startswith("okrsheet"):
            found.add(value)
    return found


def test_every_type_a_public_function_returns_is_public_too():
    missing = set()
    for name in PUBLIC:
        value = getattr(okrsheet, name)
        if inspect.isfunction(value):
            missing |= {f"{name} returns {kind.__name__}" for kind in annotation_classes(value)
                        if getattr(okrsheet, kind.__name__, None) is not kind}
    assert sorted(missing) == [], "add the type to okrsheet._HOMES (and docs/api.md)"


def test_the_reader_of_the_api_finds_every_public_name_in_docs_api_md():
    text = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    assert [name for name in PUBLIC if f"`{name}" not in text] == []
