"""The command-line option that every command on a site shares."""

from __future__ import annotations

from pathlib import Path

import click

from pactsite.i18n import LANGUAGES

SITE_FILE = "site.yaml"


def find_site(start: Path) -> Path | None:
    """The nearest folder from `start` upwards that holds site.yaml (as git finds .git)."""
    for folder in (start, *start.parents):
        if (folder / SITE_FILE).is_file():
            return folder
    return None


def _site_folder(_ctx: click.Context, _param: click.Parameter, value: Path | None) -> Path:
    """The given --site, else the site around the current folder, else the current folder."""
    if value is not None:
        return value
    here = Path.cwd()
    found = find_site(here)
    # The current folder stays `.`, so messages keep their short relative paths; without a
    # site.yaml anywhere above, `.` lets the command say that site.yaml is missing here.
    return Path() if found is None or found == here else found


SITE_OPTION = click.option(
    "--site",
    "site_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    callback=_site_folder,
    help="Folder of the site (the one that holds site.yaml); default: the current folder "
    "or the nearest one above it with a site.yaml.",
)

LANG_OPTION = click.option(
    "--lang",
    "lang",
    type=click.Choice(LANGUAGES),
    envvar="PACTSITE_LANG",
    default=None,
    help="Language of the messages (default: 'language:' in site.yaml; env PACTSITE_LANG).",
)
