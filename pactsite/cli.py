"""The command line: wires the stages together; the only place that prints and exits."""

from __future__ import annotations

import atexit
import datetime as dt
import gc
import importlib
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

import click

from pactsite import __version__
from pactsite.buildinfo import BuildOptions, BuildReport
from pactsite.diagnostics import BuildFailed, Diagnostic, OutputError, sort_diagnostics
from pactsite.freshness import look
from pactsite.options import SITE_OPTION
from pactsite.parallel import default_jobs
from pactsite.report import FORMATS, format_report, summary

if TYPE_CHECKING:
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
            f"'{pinned}' is not an ISO 8601 moment, e.g. 2003-01-01T12:00+01:00", param_hint="--now"
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


# For tests and previews of the future: the moment the build takes as now (publish, expires,
# upcoming events). Hidden, since a real build always uses the clock.
NOW_OPTION = click.option("--now", "pinned_now", envvar="PACTSITE_NOW", default=None, hidden=True)


STRICT_OPTION = click.option(
    "--strict", is_flag=True, help="Treat warnings (link texts, headings, ...) as errors."
)


def _show(diagnostics: Sequence[Diagnostic]) -> None:
    for diagnostic in sort_diagnostics(diagnostics):
        click.echo(diagnostic.format(), err=True)


def _fail(failed: BuildFailed) -> None:
    _show(failed.diagnostics)
    click.echo(f"{summary(failed.diagnostics)}; nothing was written", err=True)
    raise SystemExit(failed.exit_code)


class _CommandsOfModules(click.Group):
    """A group that imports the module of a command only when that command is asked for
    (or the list of commands), as Click's documentation shows for large command lines."""

    IMPORTED_LATE: ClassVar[dict[str, str]] = {
        "new": "pactsite.editing:new_group",
        "init": "pactsite.editing:init_command",
        "codeowners": "pactsite.editing:codeowners_command",
    }
    """The editor commands: their module imports the whole validation, YAML included."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *self.IMPORTED_LATE])

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
def build_command(
    site_dir: Path,
    out_dir: Path | None,
    drafts: bool,
    strict: bool,
    pinned_now: str | None,
    jobs: int | None,
    no_cache: bool,
) -> None:
    """Build the site into the output folder."""
    target = out_dir if out_dir is not None else site_dir / "public"
    options = BuildOptions(
        drafts=drafts,
        strict=strict,
        now=_now(pinned_now),
        jobs=jobs or default_jobs(),
        cache=not no_cache,
    )
    try:
        report = _build(site_dir, target, options)
    except BuildFailed as failed:
        _fail(failed)
        return
    except OutputError as error:
        click.echo(str(error), err=True)
        raise SystemExit(error.exit_code) from None
    _show(report.warnings)
    images = report.images
    made = f"; images: {images.processed} processed, {images.cached} from cache"
    shown = made if images.processed or images.cached else ""
    only = "" if report.rewritten is None else f"; rewrote only the {report.rewritten} changed"
    click.echo(f"built {report.pages} pages, {report.files} files into {target}{shown}{only}")
    # Netlify sets DEPLOY_URL during its builds: the deploy log links the German report
    deploy_url = os.environ.get("DEPLOY_URL", "").rstrip("/")
    if report.warnings and deploy_url:
        from pactsite.outputs.report_page import REPORT_FILE

        click.echo(f"German report of the warnings for editors: {deploy_url}/{REPORT_FILE}")
    click.echo(report.next_change_line)


def _build(site_dir: Path, target: Path, options: BuildOptions) -> BuildReport:
    """Build the site; when nothing changed, without importing the pipeline."""
    seen = look(site_dir, target, options) if options.cache else None
    if seen is not None and seen.report is not None:
        return seen.report
    from pactsite.incremental import build_incremental

    return build_incremental(site_dir, target, options, seen=seen)


@main.command("check")
@SITE_OPTION
@click.option("--drafts", is_flag=True, help="Also check entries marked 'draft: true'.")
@STRICT_OPTION
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="text",
    show_default=True,
    help="text for people, github for GitHub annotations, json for tools, html for a "
    "German report page (on standard output).",
)
@NOW_OPTION
def check_command(
    site_dir: Path, drafts: bool, strict: bool, fmt: str, pinned_now: str | None
) -> None:
    """Validate content and links without writing anything."""
    from pactsite.build import verify
    from pactsite.outputs.report_page import guide_explanations

    options = BuildOptions(drafts=drafts, strict=strict, now=_now(pinned_now))
    try:
        checked = verify(site_dir, options)
    except BuildFailed as failed:
        if fmt == "text":
            _fail(failed)
        click.echo(format_report(failed.diagnostics, fmt, guide_explanations(site_dir)), nl=False)
        raise SystemExit(failed.exit_code) from None
    if fmt != "text":
        click.echo(format_report(checked.warnings, fmt, guide_explanations(site_dir)), nl=False)
        return
    _show(checked.warnings)
    entries = len(checked.site.entries)
    click.echo(
        f"ok: {len(checked.site.pacts)} pacts, {entries} entries, "
        f"{len(checked.warnings)} warning(s)"
    )


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
def serve_command(site_dir: Path, out_dir: Path | None, port: int, drafts: bool) -> None:
    """Build the site, serve it on http://127.0.0.1:PORT and rebuild it on every change."""
    from pactsite.serve import CannotWatch, PortInUse, Preview, serve_site

    target = out_dir if out_dir is not None else site_dir / "public"
    preview = Preview(
        root=site_dir,
        out_dir=target,
        port=port,
        options=lambda: BuildOptions(drafts=drafts, now=_now(), jobs=default_jobs(), cache=True),
    )
    try:
        serve_site(
            preview,
            told=lambda outcome: _tell_build(outcome, target),
            ready=lambda url: click.echo(f"serving {target} on {url} (Ctrl-C stops)"),
        )
    except (PortInUse, CannotWatch) as error:
        click.echo(f"error: {error}", err=True)
        raise SystemExit(error.exit_code) from None
    click.echo("stopped")


def _tell_build(outcome: Outcome, target: Path) -> None:
    """Print one line per build of `serve`, and the diagnostics of a failed one."""
    took = f"{outcome.seconds:.2f} s"
    report = outcome.report
    if report is not None:
        if outcome.first:
            _show(report.warnings)
            click.echo(f"built {report.pages} pages, {report.files} files into {target} in {took}")
        else:
            warned = f", {len(report.warnings)} warning(s)" if report.warnings else ""
            only = "" if report.rewritten is None else f", {report.rewritten} files rewritten"
            click.echo(f"rebuilt in {took} ({report.pages} pages{warned}{only})")
        return
    _show(outcome.diagnostics)
    if outcome.output_error:
        click.echo(outcome.output_error, err=True)
    failed = summary(outcome.diagnostics) if outcome.diagnostics else "the build failed"
    verb = "build failed" if outcome.first else "rebuild failed"
    serving = "serving the last good build" if target.is_dir() else "nothing built yet"
    click.echo(f"{verb} in {took}: {failed}; {serving}", err=True)
