"""An import-linter contract the built-in ones cannot express: "these modules import the
standard library and each other, nothing else" (the pure core). A forbidden contract only
forbids what it lists, so a new third-party import (httpx, say) would slip past it."""

from __future__ import annotations

import sys

from grimp import ImportGraph
from importlinter import Contract, ContractCheck, fields, output


class StandardLibraryOnly(Contract):
    """`source_modules` (as packages) may import only the standard library and each other."""

    type_name = "standard_library_only"

    source_modules = fields.ListField(subfield=fields.StringField())

    def check(self, graph: ImportGraph, verbose: bool) -> ContractCheck:
        """Every direct import from a source module, outside the allowed set."""
        sources = [str(m) for m in self.source_modules]  # type: ignore[attr-defined]
        own = {d for s in sources for d in {s, *graph.find_descendants(s)}}
        broken = []
        for importer in sorted(own):
            for imported in sorted(graph.find_modules_directly_imported_by(importer)):
                if imported in own or imported.split(".")[0] in sys.stdlib_module_names:
                    continue
                lines = [d["line_number"] for d in graph.get_import_details(
                    importer=importer, imported=imported)]
                broken.append((importer, imported, lines))
        return ContractCheck(kept=not broken, metadata={"broken": broken})

    def render_broken_contract(self, check: ContractCheck) -> None:
        """One line per import that is not allowed."""
        for importer, imported, lines in check.metadata["broken"]:
            where = ", ".join(f"l.{n}" for n in lines)
            output.print_error(f"{importer} imports {imported} ({where})")
            output.new_line()
