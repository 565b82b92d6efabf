"""Commands for editors: `new`, `init` and `codeowners` — the file I/O around pure templates."""

from __future__ import annotations

import datetime as dt
import re
import sys
from collections.abc import Collection
from pathlib import Path
from zoneinfo import ZoneInfo

import click

from pactsite import __version__
from pactsite.buildinfo import BuildOptions
from pactsite.content.config import load_config
from pactsite.content.schema import base_vocabularies
from pactsite.content.sources import CONTENT_DIR, PACT_PROFILE
from pactsite.content.yamldoc import impossible_day
from pactsite.diagnostics import BuildFailed, did_you_mean
from pactsite.editing.codeowners import codeowners_text
from pactsite.editing.scaffold import (
    ENTRY_KINDS,
    NewFile,
    ScaffoldError,
    deploy_files,
    entry_file,
    new_site,
    pact_file,
)
from pactsite.i18n import (
    DEFAULT_SITE_LANGUAGE,
    SOURCE_LANGUAGE,
    Text,
    render,
    site_language,
    t,
    verbatim,
)
from pactsite.options import LANG_OPTION, SITE_OPTION
from pactsite.slugs import slug_from_filename

DATE_OPTION = click.option(
    "--date",
    "day",
    metavar="YYYY-MM-DD",
    default=None,
    help="Date of a news item or start of an event (default: today), as YYYY-MM-DD.",
)


def stdin_is_terminal() -> bool:
    """Whether a person can answer questions (stdin is a terminal)."""
    return sys.stdin.isatty()


def _today(day: str | None, zone: str = "Europe/Berlin") -> dt.date:
    """The given day, else today in the site's time zone (a news item at 0:30 is dated today).

    `--date` is read here, not by Click, so a wrong one is told in the site's language with
    the date to write, and exits 1 as every editor's mistake does.
    """
    if not day:
        return dt.datetime.now(ZoneInfo(zone)).date()
    written = day.strip()
    german = _GERMAN_DAY.match(written)
    if german:
        iso = f"{german[3]}-{int(german[2]):02d}-{int(german[1]):02d}"
        if impossible_day(iso) is None:
            _stop(
                t(
                    "--date {written} is a date in German notation; write --date {date}",
                    written=written,
                    date=iso,
                )
            )
        written = iso
    reason = impossible_day(written)
    if reason:
        _stop(
            t(
                "--date {written}: {reason}; write an existing date as YYYY-MM-DD",
                written=day.strip(),
                reason=reason,
            )
        )
    try:
        return dt.date.fromisoformat(written)
    except ValueError:
        _stop(
            t(
                "--date {written} is not a date; write it as YYYY-MM-DD, e.g. --date {today}",
                written=day.strip(),
                today=dt.datetime.now(ZoneInfo(zone)).date().isoformat(),
            )
        )
        raise AssertionError from None  # unreachable: _stop exits


_GERMAN_DAY = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")


_LANGUAGE = "pactsite.language"


def _speak(language: str) -> None:
    """Show this command's messages in `language`."""
    click.get_current_context().meta[_LANGUAGE] = language


def _language() -> str:
    """The language of this command's messages (English outside of one)."""
    context = click.get_current_context(silent=True)
    language = context.meta.get(_LANGUAGE) if context else None
    return language if isinstance(language, str) else SOURCE_LANGUAGE


def _say(text: str | Text) -> str:
    """A message in the language of this command."""
    return render(text, _language())


def _stop(message: str | Text, code: int = 1) -> None:
    click.echo(f"error: {_say(message)}", err=True)
    raise SystemExit(code)


def _pacts(site_dir: Path) -> list[str]:
    folder = site_dir / CONTENT_DIR / "pacts"
    if not folder.is_dir():
        return []
    return sorted(p.name for p in folder.iterdir() if (p / PACT_PROFILE).is_file())


def _site(site_dir: Path) -> tuple[dict[str, Collection[str]], str]:
    """The site's vocabularies and time zone, or exit with what is wrong with site.yaml."""
    config, problems = load_config(site_dir)
    if config is None:
        first = (
            verbatim(problems[0].format(_language()))
            if problems
            else t("cannot read site.yaml in {folder}", folder=str(site_dir))
        )
        _stop(
            t(
                "{problem}\n(pactsite new needs a working site.yaml; "
                "create a site with pactsite init)",
                problem=first,
            )
        )
        raise AssertionError  # unreachable: _stop exits
    vocabularies = base_vocabularies(
        tuple(config.sectors), tuple(config.funds), tuple(config.target_groups), _pacts(site_dir)
    )
    vocabularies["languages"] = config.languages
    return vocabularies, config.timezone


def _ask(value: str | None, question: str, option: str) -> str:
    if value:
        return value
    if not stdin_is_terminal():
        _stop(
            t(
                "{question} is missing; pass it as {option} (no terminal to ask)",
                question=question,
                option=option,
            ),
        )
    answer: str = click.prompt(question)
    return answer


def _same_address(site_dir: Path, new: NewFile) -> Path | None:
    """A file beside the new one that would get the same address (e.g. another date)."""
    folder = site_dir / new.path.parent
    if new.path.suffix != ".md" or not folder.is_dir():
        return None
    slug = slug_from_filename(new.path.stem)
    for other in sorted(folder.glob("*.md")):
        if other.name != new.path.name and slug_from_filename(other.stem) == slug:
            return other
    return None


def write_new(site_dir: Path, new: NewFile) -> Path:
    """Create the file; never overwrite one (exit 1 with a message if it exists)."""
    target = site_dir / new.path
    clash = _same_address(site_dir, new)
    if clash is not None:
        _stop(
            t(
                "{file} already has this address; nothing was changed (choose another title)",
                file=str(clash),
            )
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        with target.open("x", encoding="utf-8", newline="\n") as handle:
            handle.write(new.text)
    except FileExistsError:
        _stop(
            t(
                "{file} already exists; nothing was changed (choose another title)",
                file=str(target),
            )
        )
    return target


@click.group("new")
def new_group() -> None:
    """Create a new pact, news item, project, event or page from a commented template."""


def _entry_command(kind: str) -> click.Command:
    def create(
        site_dir: Path,
        title: str | None,
        pact: str | None,
        day: str | None,
        lang: str | None,
    ) -> None:
        _speak(lang or site_language(site_dir))
        vocabularies, zone = _site(site_dir)
        pact = _which_pact(kind, pact, list(vocabularies["pacts"]))
        title = _ask(title, "Titel", "an argument in quotes")
        try:
            new = entry_file(kind, title, pact, _today(day, zone), vocabularies)
        except ScaffoldError as error:
            _stop(error.text)
            return
        click.echo(write_new(site_dir, new))

    helps = {
        "news": "Create a news item: content/pacts/PACT/news/DATE-SLUG.md.",
        "project": "Create a project: content/pacts/PACT/projects/SLUG.md.",
        "event": "Create an event: content/pacts/PACT/events/DATE-SLUG.md.",
        "page": "Create a page: content/pages/SLUG.md, or with --pact in the pact's pages/.",
    }
    command = click.argument("title", required=False)(create)
    command = click.option("--pact", default=None, help="The pact's folder name.")(command)
    command = DATE_OPTION(command)
    command = SITE_OPTION(command)
    command = LANG_OPTION(command)
    return click.command(kind, help=helps[kind])(command)


def _which_pact(kind: str, pact: str | None, known: list[str]) -> str | None:
    """The pact a new entry of `kind` goes to: the one given, checked, else asked for (a
    page may belong to none); stop with the error where there is none to take."""
    if kind != "page" and not pact:
        if not known:
            _stop(t("the site has no pact yet; create one with: pactsite new pact NAME"))
        if stdin_is_terminal():
            pact = click.prompt("Pakt", type=click.Choice(known))
        else:
            _stop(t("which pact? pass --pact NAME ({known})", known=", ".join(known)))
    if pact and pact not in known:
        _stop(
            t(
                "unknown pact '{pact}'; {suggestion}",
                pact=pact,
                suggestion=did_you_mean(pact, known),
            )
        )
    return pact


for _kind in ENTRY_KINDS:
    new_group.add_command(_entry_command(_kind))


@new_group.command("pact")
@SITE_OPTION
@click.argument("slug")
@click.option("--name", default=None, help="Full name of the pact.")
@LANG_OPTION
def new_pact(site_dir: Path, slug: str, name: str | None, lang: str | None) -> None:
    """Create a pact profile: content/pacts/SLUG/pact.yaml."""
    _speak(lang or site_language(site_dir))
    vocabularies, zone = _site(site_dir)
    if not name:
        placeholder = f"{slug} (Platzhalter: vollständiger Name)"
        name = click.prompt("Name des Paktes", default=placeholder) if stdin_is_terminal() else ""
        name = name or placeholder
    try:
        new = pact_file(slug, name, _today(None, zone), vocabularies)
    except ScaffoldError as error:
        _stop(error.text)
        return
    if (site_dir / new.path.parent).exists():
        _stop(
            t(
                "{folder} already exists; nothing was changed",
                folder=str(site_dir / new.path.parent),
            )
        )
    click.echo(write_new(site_dir, new))


@click.command("init")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--title", default="Netzwerk der Pakte für Arbeit (Platzhalter)", help="Site title.")
@click.option(
    "--pactsite-from",
    "source",
    default=None,
    metavar="URL",
    help="Where Netlify and GitHub install pactsite from, as pip reads it (e.g. "
    "git+https://…/pactsite.git@v0.2.0); default: the wheel in wheels/.",
)
@LANG_OPTION
def init_command(directory: Path, title: str, source: str | None, lang: str | None) -> None:
    """Create a new network in DIRECTORY: a site that builds at once, and its repository
    files (.gitignore, netlify.toml, requirements.txt, README.md, a check workflow)."""
    _speak(lang or DEFAULT_SITE_LANGUAGE)  # the new site's language
    files = [*new_site(title, _today(None)), *deploy_files(title, __version__, source)]
    if (directory / "site.yaml").exists() or (directory / CONTENT_DIR).exists():
        _stop(
            t(
                "{folder} already holds a site (site.yaml or content/); nothing was changed",
                folder=str(directory),
            )
        )
    taken = [str(f.path) for f in files if (directory / f.path).exists()]
    if taken:
        _stop(
            t(
                "{folder} already has {files}; nothing was changed (start in an empty "
                "folder, or move these files away and run pactsite init again)",
                folder=str(directory),
                files=", ".join(taken),
            )
        )
    for new in files:
        click.echo(write_new(directory, new))
    click.echo(
        _say(
            t(
                "next: read {readme}, then run pactsite serve in {folder}",
                readme=str(directory / "README.md"),
                folder=str(directory),
            )
        )
    )


@click.command("codeowners")
@SITE_OPTION
@click.option(
    "--output",
    "output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="File to write (default: standard output), e.g. .github/CODEOWNERS.",
)
@LANG_OPTION
def codeowners_command(site_dir: Path, output: Path | None, lang: str | None) -> None:
    """Write a CODEOWNERS file: each pact's folder needs its editors' approval."""
    _speak(lang or site_language(site_dir))
    from pactsite.build.pipeline import check  # the pipeline: only for this command

    try:
        checked = check(site_dir, BuildOptions(now=dt.datetime.now(dt.UTC), drafts=True))
    except BuildFailed as failed:
        for diagnostic in failed.diagnostics:
            click.echo(diagnostic.format(_language()), err=True)
        _stop(t("fix the errors above first; no CODEOWNERS was written"))
        return
    text = codeowners_text(checked.site.pacts)
    if output is None:
        click.echo(text, nl=False)
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8", newline="\n")
    click.echo(_say(t("wrote {file}", file=str(output))), err=True)
