"""The command line: wires the stages together; the only place that prints and exits."""

from __future__ import annotations

import atexit
import datetime as dt
import functools
import gc
import importlib
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

import click

from pactsite import __version__
from pactsite.buildinfo import BuildOptions, BuildReport, default_jobs
from pactsite.cache.state import look
from pactsite.diagnostics import (
    BuildFailed,
    Diagnostic,
    OutputError,
    did_you_mean,
    sort_diagnostics,
)
from pactsite.editing.reports import FORMATS, format_report, summary
from pactsite.i18n import LANGUAGES, Text, render, site_language, t
from pactsite.options import LANG_OPTION, SITE_FILE, SITE_OPTION, find_site

if TYPE_CHECKING:
    from pactsite.build.pipeline import CheckedSite
    from pactsite.serve import Outcome

# The pipeline's modules (Markdown, Jinja2, Pillow, ...) are imported where they are used: a
# build that finds nothing changed needs none of them, and importing them took longer than
# the rest of such a build.

# A build leaves its site model in reference cycles (the template environment refers to
# it). Collecting them as the process ends took longer than a one-page rebuild; frozen, they
# are left to the operating system, which frees the process's memory at once.
atexit.register(gc.freeze)

OUT_DIR_OPTION = click.option(
    "--output",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Output folder (default: public/ in the site folder).",
)


def _now(pinned: str | None = None) -> dt.datetime:
    """The build's now: the clock, or a pinned ISO 8601 moment (naive means UTC)."""
    if not pinned:
        return dt.datetime.now(dt.UTC)
    try:
        moment = dt.datetime.fromisoformat(pinned)
    except ValueError:
        raise click.BadParameter(
            f"'{pinned}' is not an ISO 8601 moment, e.g. 2003-01-01T12:00+01:00",
            param_hint="--now",
        ) from None  # a hidden option for tests: English is enough
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


# For tests and previews of the future: the moment the build takes as now (publish, expires,
# upcoming events). Hidden, since a real build always uses the clock.
NOW_OPTION = click.option("--now", "pinned_now", envvar="PACTSITE_NOW", default=None, hidden=True)


OFFLINE_OPTION = click.option(
    "--offline",
    is_flag=True,
    help="Fetch no feed of the pacts' websites: use the copies kept in .pactsite-cache/feeds/.",
)


def _refresh_feeds(site_dir: Path, now: dt.datetime) -> bool:
    """Fetch the feeds of the pacts' own websites (`feed:`), keeping the last good copies;
    whether a kept copy changed."""
    from pactsite.build.feedstore import refresh_feeds

    return refresh_feeds(site_dir, now.astimezone(dt.UTC).date())


STRICT_OPTION = click.option(
    "--strict", is_flag=True, help="Treat warnings (link texts, headings, ...) as errors."
)


def _language(site_dir: Path, lang: str | None) -> str:
    """The language of a command's output: `--lang`, else the site's `language:`."""
    return lang or site_language(site_dir)


def _say(text: str | Text, language: str, err: bool = False) -> None:
    click.echo(render(text, language), err=err)


def _show(diagnostics: Sequence[Diagnostic], language: str) -> None:
    for diagnostic in sort_diagnostics(diagnostics):
        click.echo(diagnostic.format(language), err=True)


def _fail(failed: BuildFailed, language: str, *, writes: bool = True) -> None:
    _show(failed.diagnostics, language)
    counts = summary(failed.diagnostics)
    # check never writes: "nothing was written" would suggest it could have
    ending = t("{counts}; nothing was written", counts=counts) if writes else counts
    _say(ending, language, err=True)
    raise SystemExit(failed.exit_code)


def _stop(text: Text, language: str) -> None:
    """Exit 1 with `error: ` and a sentence: for what is wrong with the command, not a file."""
    click.echo(f"error: {render(text, language)}", err=True)
    raise SystemExit(1)


def _need_site(site_dir: Path, language: str) -> None:
    """Exit with a plain sentence (no file:line of a file that is not there) outside a site."""
    if (site_dir / SITE_FILE).is_file():
        return
    folder = str(site_dir.absolute())
    text = t(
        "there is no site.yaml in {folder} or a folder above it; create a site with "
        "pactsite init FOLDER, or give the site's folder with --site FOLDER",
        folder=folder,
    )
    _stop(text, language)


class _CommandsOfModules(click.Group):
    """A group that imports the module of a command only when that command is asked for
    (or the list of commands), as Click's documentation shows for large command lines."""

    IMPORTED_LATE: ClassVar[dict[str, str]] = {
        "new": "pactsite.editing.commands:new_group",
        "init": "pactsite.editing.commands:init_command",
        "codeowners": "pactsite.editing.commands:codeowners_command",
    }
    """The editor commands: their module imports the whole validation, YAML included."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *self.IMPORTED_LATE])

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        """Tell an unknown command in the site's language (Click's own words are English)."""
        name = args[0] if args else ""
        if name and not name.startswith("-") and self.get_command(ctx, name) is None:
            lang = os.environ.get("PACTSITE_LANG")
            language = lang if lang in LANGUAGES else site_language(find_site(Path.cwd()) or Path())
            text = t(
                "there is no command '{name}'; {suggestion}",
                name=name,
                suggestion=did_you_mean(name, self.list_commands(ctx)),
            )
            _stop(text, language)
        return super().resolve_command(ctx, args)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.IMPORTED_LATE:
            return super().get_command(ctx, cmd_name)
        module, name = self.IMPORTED_LATE[cmd_name].split(":")
        command = getattr(importlib.import_module(module), name)
        assert isinstance(command, click.Command)
        return command


@click.group(cls=_CommandsOfModules, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="pactsite")
def main() -> None:
    """pactsite: build one shared static site from the pacts' Markdown and YAML."""


@main.command("build")
@SITE_OPTION
@OUT_DIR_OPTION
@click.option(
    "--drafts", is_flag=True, help="Include drafts and entries whose 'publish' date is ahead."
)
@STRICT_OPTION
@NOW_OPTION
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    default=None,
    help="Worker processes for rendering (default: the number of CPU cores; 1: no workers).",
)
@click.option(
    "--no-cache", is_flag=True, help="Neither read nor update the build cache .pactsite-cache/."
)
@OFFLINE_OPTION
@LANG_OPTION
def build_command(
    site_dir: Path,
    out_dir: Path | None,
    drafts: bool,
    strict: bool,
    pinned_now: str | None,
    jobs: int | None,
    no_cache: bool,
    offline: bool,
    lang: str | None,
) -> None:
    """Build the site into the output folder."""
    language = _language(site_dir, lang)
    _need_site(site_dir, language)
    target = out_dir if out_dir is not None else site_dir / "public"
    options = BuildOptions(
        drafts=drafts,
        strict=strict,
        now=_now(pinned_now),
        jobs=jobs or default_jobs(),
        cache=not no_cache,
    )
    if not offline:
        _refresh_feeds(site_dir, options.now)
    try:
        report = _build(site_dir, target, options)
    except BuildFailed as failed:
        _fail(failed, language)
        return
    except OutputError as error:
        click.echo(error.format(language), err=True)
        raise SystemExit(error.exit_code) from None
    _show(report.warnings, language)
    _say(_built_line(report, target), language)
    # Netlify sets DEPLOY_URL during its builds: the deploy log links the report
    deploy_url = os.environ.get("DEPLOY_URL", "").rstrip("/")
    if report.warnings and deploy_url:
        from pactsite.outputs.report_page import REPORT_FILE

        link = f"{deploy_url}/{REPORT_FILE}"
        _say(t("Report of the warnings for editors: {link}", link=link), language)
    _say(report.next_change_line, language)


def _built_line(report: BuildReport, target: Path) -> Text:
    """What a build made: pages, files, images, and how many files it rewrote."""
    images = report.images
    made = t(
        "; images: {processed} processed, {cached} from cache",
        processed=images.processed,
        cached=images.cached,
    )
    shown = made if images.processed or images.cached else ""
    only = (
        ""
        if report.rewritten is None
        else t("; rewrote only the {rewritten} changed", rewritten=report.rewritten)
    )
    return t(
        "built {pages} pages, {files} files into {target}{images}{only}",
        pages=report.pages,
        files=report.files,
        target=str(target),
        images=shown,
        only=only,
    )


def _build(site_dir: Path, target: Path, options: BuildOptions) -> BuildReport:
    """Build the site; when nothing changed, without importing the pipeline."""
    seen = look(site_dir, target, options) if options.cache else None
    if seen is not None and seen.report is not None:
        return seen.report
    from pactsite.build.incremental import build_incremental

    return build_incremental(site_dir, target, options, seen=seen)


@main.command("check")
@SITE_OPTION
@click.option("--drafts", is_flag=True, help="Also check entries marked 'draft: true'.")
@STRICT_OPTION
@click.option(
    "--format",
    "fmt",
    default="text",
    show_default=True,
    help="text for people, github for GitHub annotations, json for tools, html for a "
    "report page (on standard output).",
)
@click.option(
    "--external",
    is_flag=True,
    help="Also ask every external link and web address whether it still answers (answers "
    "are kept for a day in .pactsite-cache/links.json).",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0.1, max=120),
    default=10.0,
    show_default=True,
    help="With --external: seconds to wait for one address.",
)
@click.option(
    "--missing-translations",
    "missing",
    metavar="CODE",
    help="List what has no version in language CODE yet (one of 'languages:' in site.yaml): "
    "a to-do list, in every --format; exit code 0.",
)
@NOW_OPTION
@OFFLINE_OPTION
@LANG_OPTION
def check_command(
    site_dir: Path,
    drafts: bool,
    strict: bool,
    fmt: str,
    external: bool,
    timeout: float,
    missing: str | None,
    pinned_now: str | None,
    offline: bool,
    lang: str | None,
) -> None:
    """Validate content and links without writing anything."""
    language = _language(site_dir, lang)
    if fmt not in FORMATS:  # checked here, not by Click, to be said in the site's language
        choices = ", ".join(FORMATS)
        _stop(
            t("unknown --format '{value}'; use one of: {choices}", value=fmt, choices=choices),
            language,
        )
    _need_site(site_dir, language)
    options = BuildOptions(drafts=drafts, strict=strict, now=_now(pinned_now))
    if not offline:
        _refresh_feeds(site_dir, options.now)
    try:
        checked, links = _verify(site_dir, options, timeout if external else None)
    except BuildFailed as failed:
        if fmt == "text":
            _fail(failed, language, writes=False)
        click.echo(format_report(failed.diagnostics, fmt, language), nl=False)
        raise SystemExit(failed.exit_code) from None
    if missing is not None:
        _show_missing(checked, missing.strip().lower(), fmt, language)
        return
    if fmt != "text":
        click.echo(format_report(checked.warnings, fmt, language), nl=False)
        return
    _show(checked.warnings, language)
    _say_ok(checked, language)
    if links is not None:
        _say(links, language)


def _say_ok(checked: CheckedSite, language: str) -> None:
    """What a check found without errors: the numbers of pacts, entries and warnings."""
    ok = t(
        "ok: {pacts} pacts, {entries} entries, {warnings} warning(s)",
        pacts=len(checked.site.pacts),
        entries=len(checked.site.entries),
        warnings=len(checked.warnings),
    )
    _say(ok, language)


def _show_missing(checked: CheckedSite, code: str, fmt: str, language: str) -> None:
    """Print what is not yet translated into `code`, in `fmt`: a to-do list, exit code 0."""
    from pactsite.content.translations import missing_translations

    further = checked.config.languages[1:]
    if code not in further:
        _stop(
            t(
                "--missing-translations {code}: the site's further languages are: {languages}",
                code=code,
                languages=", ".join(further) or "-",
            )
            if further
            else t(
                "--missing-translations: the site has one language; add languages: to site.yaml"
            ),
            language,
        )
    notes = missing_translations(checked.site, code)
    click.echo(format_report(notes, fmt, language), nl=False)
    if fmt == "text":
        _say(t("{count} not yet translated into '{code}'", count=len(notes), code=code), language)


def _verify(
    site_dir: Path, options: BuildOptions, timeout: float | None
) -> tuple[CheckedSite, Text | None]:
    """Verify the site; with a `timeout`, its external links too, their warnings added.

    Raise BuildFailed when there are errors (with `--strict`: dead links too).
    """
    if timeout is None:
        from pactsite.build.pipeline import verify

        return verify(site_dir, options), None
    from pactsite.build.external import check_external

    checked, asked = check_external(site_dir, options, timeout)
    counts = {"addresses": asked.addresses, "problems": len(asked.diagnostics)}
    if asked.asked == asked.addresses:
        return checked, t(
            "external links: {addresses} address(es); {problems} warning(s)", **counts
        )
    said = t(
        "external links: {addresses} address(es), {asked} asked now, the others within the "
        "last day; {problems} warning(s)",
        asked=asked.asked,
        **counts,
    )
    return checked, said


@main.command("serve")
@SITE_OPTION
@OUT_DIR_OPTION
@click.option(
    "--port",
    default=8000,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="Port on 127.0.0.1 (0: any free port).",
)
@click.option("--drafts", is_flag=True, help="Include drafts and scheduled entries.")
@OFFLINE_OPTION
@LANG_OPTION
def serve_command(
    site_dir: Path, out_dir: Path | None, port: int, drafts: bool, offline: bool, lang: str | None
) -> None:
    """Build the site, serve it on http://127.0.0.1:PORT and rebuild it on every change."""
    from pactsite.serve import CannotWatch, PortInUse, Preview, serve_site

    # read once: a change of site.yaml's language shows after a restart, as --lang would
    language = _language(site_dir, lang)
    _need_site(site_dir, language)
    target = out_dir if out_dir is not None else site_dir / "public"
    preview = Preview(
        root=site_dir,
        out_dir=target,
        port=port,
        options=lambda: BuildOptions(drafts=drafts, now=_now(), jobs=default_jobs(), cache=True),
        language=language,
        refresh_feeds=None if offline else functools.partial(_refresh_feeds, site_dir),
    )

    def ready(url: str) -> None:
        serving = t("serving {target} on {url} (Ctrl-C stops)", target=str(target), url=url)
        _say(serving, language)

    try:
        serve_site(
            preview, told=lambda outcome: _tell_build(outcome, target, language), ready=ready
        )
    except (PortInUse, CannotWatch) as error:
        click.echo(f"error: {render(error.text, language)}", err=True)
        raise SystemExit(error.exit_code) from None
    _say(t("stopped"), language)


def _tell_build(outcome: Outcome, target: Path, language: str) -> None:
    """Print one line per build of `serve`, and the diagnostics of a failed one."""
    took = f"{outcome.seconds:.2f} s"
    report = outcome.report
    if report is None:
        _tell_failed(outcome, target, language, took)
    elif outcome.first:
        _show(report.warnings, language)
        built = t(
            "built {pages} pages, {files} files into {target} in {took}",
            pages=report.pages,
            files=report.files,
            target=str(target),
            took=took,
        )
        _say(built, language)
    else:
        warned = (
            t(", {warnings} warning(s)", warnings=len(report.warnings)) if report.warnings else ""
        )
        only = (
            ""
            if report.rewritten is None
            else t(", {rewritten} files rewritten", rewritten=report.rewritten)
        )
        rebuilt = t(
            "rebuilt in {took} ({pages} pages{warned}{only})",
            took=took,
            pages=report.pages,
            warned=warned,
            only=only,
        )
        _say(rebuilt, language)


def _tell_failed(outcome: Outcome, target: Path, language: str, took: str) -> None:
    """Print the diagnostics of a failed build of `serve`, and what is served meanwhile."""
    _show(outcome.diagnostics, language)
    if outcome.output_error:
        _say(outcome.output_error, language, err=True)
    failed = summary(outcome.diagnostics) if outcome.diagnostics else t("the build failed")
    serving = t("serving the last good build") if target.is_dir() else t("nothing built yet")
    line = (
        t("build failed in {took}: {failed}; {serving}", took=took, failed=failed, serving=serving)
        if outcome.first
        else t(
            "rebuild failed in {took}: {failed}; {serving}",
            took=took,
            failed=failed,
            serving=serving,
        )
    )
    _say(line, language, err=True)
