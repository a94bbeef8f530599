"""Remake the starter workbooks in templates/ from the code: python scripts/make_templates.py"""

from __future__ import annotations

import sys
from pathlib import Path

from okrsheet.write.templates import TEMPLATES, template_bytes

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"


def main() -> int:
    for name in TEMPLATES:
        path = TEMPLATES_DIR / f"{name}.xlsx"
        path.write_bytes(template_bytes(name))
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
