"""The layers in okrsheet's folder tree depend one way: domain <- files <- guard <- sheet <- read
<- write <- quarterend <- workflows <- outputs.

A module may import from its own layer and the layers before it, never from a later one;
the command line (``okrsheet/cli``) and the public API (``okrsheet/__init__.py``) sit on top.
"""

from __future__ import annotations

import ast
from pathlib import Path

import okrsheet

PACKAGE = Path(okrsheet.__file__).parent
LAYERS = ("domain", "files", "guard", "sheet", "read", "write", "quarterend", "workflows",
          "outputs")

def imports_of(path: Path) -> set[str]:
    """Every okrsheet module a module imports, at the top or inside a function, by full name."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("okrsheet"):
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.startswith("okrsheet")}
    return found


def layer_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in LAYERS else None


def test_every_module_lives_in_a_layer_folder():
    loose = sorted(path.name for path in PACKAGE.glob("*.py")
                   if path.name not in ("__init__.py", "__main__.py"))
    assert loose == [], f"put each module in one of the layer folders: {LAYERS}"


def test_no_layer_imports_from_a_later_layer():
    wrong = []
    for layer in LAYERS:
        for path in sorted((PACKAGE / layer).glob("*.py")):
            for module in sorted(imports_of(path)):
                used = layer_of(module)
                if used and LAYERS.index(used) > LAYERS.index(layer):
                    wrong.append(f"{layer}/{path.name} imports {module}")
    assert wrong == []


def test_the_domain_imports_nothing_outside_the_domain():
    used = sorted(f"domain/{path.name} imports {module}"
                  for path in (PACKAGE / "domain").glob("*.py")
                  for module in imports_of(path) if layer_of(module) != "domain")
    assert used == [], "the domain speaks OKRs only: keys, headers and kinds are in domain/schema.py"


# Strings that equal a header text and mean something else: the class ``Objective`` in the
# public API, and the ``Target`` and ``Type`` attributes of a zip relationship.
OTHER_MEANINGS = {("__init__.py", "Objective"), ("rawxml.py", "Target"), ("rawxml.py", "Type"),
                  ("sniffing.py", "Target")}


def test_each_header_of_the_okrs_sheet_is_written_in_the_domain_schema_only():
    from okrsheet.domain import schema

    headers = {field.header for field in (*schema.KEY_RESULT_FIELDS, *schema.OBJECTIVE_FIELDS)}
    written = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.relative_to(PACKAGE).as_posix() == "domain/schema.py":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Constant) and node.value in headers \
                    and (path.name, node.value) not in OTHER_MEANINGS:
                written.append(f"{path.relative_to(PACKAGE)}:{node.lineno} {node.value!r}")
    assert written == [], "take the header from okrsheet.domain.schema (KEY_RESULT_FIELD[key].header)"
