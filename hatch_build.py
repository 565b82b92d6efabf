"""Compile pactsite's message catalogs (.po) into the .mo files gettext reads, at install.

Hatchling runs this for a wheel and for an editable install. A wheel gets the .mo files
from a temporary folder; an editable install gets them beside the .po files in the source
tree (git ignores them), where `pactsite.i18n` looks. The sdist ships the .po files.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

LOCALE = Path("pactsite") / "locale"


def compile_catalogs(root: Path, target: Path | None = None) -> list[tuple[Path, str]]:
    """Write a .mo for each .po below `root`/pactsite/locale; return (file, path in wheel)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    written = []
    for po in sorted((root / LOCALE).glob("*/LC_MESSAGES/*.po")):
        inside = po.relative_to(root).with_suffix(".mo")
        mo = (target / inside) if target is not None else root / inside
        mo.parent.mkdir(parents=True, exist_ok=True)
        with po.open("rb") as source:
            catalog = read_po(source)
        with mo.open("wb") as output:
            write_mo(output, catalog, use_fuzzy=False)  # a fuzzy guess is no translation
        written.append((mo, inside.as_posix()))
    return written


class CatalogsHook(BuildHookInterface):  # type: ignore[type-arg]
    """The build hook: .mo files into the wheel, or into the source tree when editable."""

    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        """Compile the catalogs before the wheel's files are collected."""
        root = Path(self.root)
        if version == "editable":
            compile_catalogs(root)
            return
        self._temporary = Path(tempfile.mkdtemp(prefix="pactsite-catalogs-"))
        for mo, inside in compile_catalogs(root, self._temporary):
            build_data["force_include"][str(mo)] = inside

    def finalize(self, version: str, build_data: dict[str, Any], artifact: str) -> None:
        """Remove the temporary .mo files of a wheel."""
        temporary = getattr(self, "_temporary", None)
        if temporary is not None:
            shutil.rmtree(temporary, ignore_errors=True)
