"""Command line: ``python -m geo COMMAND [options]``.

Each command lives in its own module exposing ``main(argv) -> int``; this file only dispatches.
"""
from __future__ import annotations

import importlib
import sys

COMMANDS = {
    "build-cache": ("geo.admin.population", "build the prepared boundary layers and the tables derived from them (populations, neighbours) into data/cache (rebuilt only when sources change)"),
    "import": ("geo.data.importer", "validate and import a CSV/XLSX file of cases, prevention models, targets or reference points"),
    "imports": ("geo.data.importer", "list recorded imports, or undo one: python -m geo imports [--undo ID]"),
    "demo": ("geo.data.demo", "generate the labelled demonstration data and load it into the store"),
    "users": ("geo.auth.cli", "manage accounts: add, role, scope, disable, reset-password, bootstrap, audit"),
    "store": ("geo.data.maintenance", "the store: status, backup DIR (a consistent copy), migrate (create or upgrade)"),
    "briefing": ("geo.render.briefing", "export a briefing map (PNG 1920x1080 and/or A4 PDF) with the same filters as the URL"),
}


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in {"-h", "--help"} or argv[0] not in COMMANDS:
        print("usage: python -m geo COMMAND [options]\n\ncommands:")
        for name, (_, help_text) in COMMANDS.items():
            print(f"  {name:<12} {help_text}")
        return 0 if argv and argv[0] in {"-h", "--help"} else 2
    module = importlib.import_module(COMMANDS[argv[0]][0])
    entry = getattr(module, "main_" + argv[0].replace("-", "_"), None) or module.main
    return int(entry(argv[1:]) or 0)


if __name__ == "__main__":
    sys.exit(main())
