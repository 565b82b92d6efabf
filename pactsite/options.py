"""The command-line option that every command on a site shares."""

from __future__ import annotations

from pathlib import Path

import click

from pactsite.i18n import LANGUAGES

SITE_OPTION = click.option(
    "--site",
    "site_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path(),
    show_default=True,
    help="Folder of the site (the one that holds site.yaml).",
)

LANG_OPTION = click.option(
    "--lang",
    "lang",
    type=click.Choice(LANGUAGES),
    envvar="PACTSITE_LANG",
    default=None,
    help="Language of the messages (default: 'language:' in site.yaml; env PACTSITE_LANG).",
)
