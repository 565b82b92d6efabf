"""Rebuild the default theme's vendored KERN subset and its Fira Sans fonts (`make kern`).

From the npm packages of package.json (@kern-ux/native, sass): compiles
themes/default/kern/kern.scss into themes/default/static/css/kern.css with a header naming
KERN's version and licence, copies KERN's licence beside the source, and writes Latin
subsets of Fira Sans (regular, italic, semibold) as woff2 into themes/default/static/fonts/.
Needs fontTools and brotli (the make target installs them into .venv). docs/theme.md says
when to run it.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

from fontTools import subset

REPOSITORY = Path(__file__).resolve().parent.parent
KERN = REPOSITORY / "node_modules" / "@kern-ux" / "native"
THEME = REPOSITORY / "themes" / "default"
FONTS = {
    "FiraSans-Regular": "fira-sans-400",
    "FiraSans-Italic": "fira-sans-400-italic",
    "FiraSans-SemiBold": "fira-sans-600",
}
# Latin-1, the Euro sign and the punctuation of German typesetting („“ ‚‘ – — … · ‑ soft hyphen)
UNICODES = "U+0020-007E,U+00A0-00FF,U+0152-0153,U+2010-2027,U+2030-203A,U+20AC,U+2122,U+2212"


def compile_css() -> None:
    """Compile the SCSS subset and put KERN's version and licence at its top."""
    version = json.loads((KERN / "package.json").read_text(encoding="utf-8"))["version"]
    css = subprocess.run(
        [
            str(REPOSITORY / "node_modules" / ".bin" / "sass"),
            "--no-source-map",
            "--style=compressed",
            f"--load-path={REPOSITORY / 'node_modules'}",
            str(THEME / "kern" / "kern.scss"),
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    css = css.removeprefix("\ufeff").removeprefix('@charset "UTF-8";')
    header = (
        f"/* KERN design tokens, from @kern-ux/native {version} (https://kern-ux.de), "
        "EUPL-1.2: themes/default/kern/LICENSE.md. Built by `make kern` from "
        "themes/default/kern/kern.scss; do not edit. */\n"
    )
    (THEME / "static" / "css" / "kern.css").write_text(header + css.strip() + "\n", "utf-8")
    (THEME / "kern" / "VERSION").write_text(version + "\n", encoding="utf-8")
    shutil.copyfile(KERN / "LICENSE.md", THEME / "kern" / "LICENSE.md")


def subset_fonts() -> None:
    """Write the Latin subsets of the Fira Sans faces the theme uses."""
    source = KERN / "dist" / "fonts" / "fira-sans"
    target = THEME / "static" / "fonts"
    target.mkdir(exist_ok=True)
    for name, out in FONTS.items():
        subset.main(
            [
                str(source / f"{name}.woff2"),
                f"--unicodes={UNICODES}",
                "--layout-features=kern,liga,calt,locl,tnum,lnum",
                "--flavor=woff2",
                "--no-hinting",
                "--desubroutinize",
                f"--output-file={target / f'{out}.woff2'}",
            ]
        )


if __name__ == "__main__":
    compile_css()
    subset_fonts()
