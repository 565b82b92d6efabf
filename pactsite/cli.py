"""The command line: wires the stages together; the only place that prints and exits."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

import click

from pactsite import __version__
from pactsite.build import BuildOptions, build, verify
from pactsite.diagnostics import BuildFailed, Diagnostic, OutputError, sort_diagnostics
from pactsite.report import FORMATS, format_report, summary
from pactsite.serve import serve_folder

SITE_OPTION = click.option(
    "--site",
    "site_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path(),
    show_default=True,
    help="Folder of the site (the one that holds site.yaml).",
)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


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


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="pactsite")
def main() -> None:
    """pactsite: build one shared static site from the pacts' Markdown and YAML."""


@main.command("build")
@SITE_OPTION
@click.option(
    "--output",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Output folder (default: public/ in the site folder).",
)
@click.option("--drafts", is_flag=True, help="Include entries marked 'draft: true'.")
@STRICT_OPTION
def build_command(site_dir: Path, out_dir: Path | None, drafts: bool, strict: bool) -> None:
    """Build the site into the output folder."""
    target = out_dir if out_dir is not None else site_dir / "public"
    try:
        report = build(site_dir, target, BuildOptions(drafts=drafts, strict=strict, now=_now()))
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
    click.echo(f"built {report.pages} pages, {report.files} files into {target}{shown}")


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
def check_command(site_dir: Path, drafts: bool, strict: bool, fmt: str) -> None:
    """Validate content and links without writing anything."""
    options = BuildOptions(drafts=drafts, strict=strict, now=_now())
    try:
        checked = verify(site_dir, options)
    except BuildFailed as failed:
        if fmt == "text":
            _fail(failed)
        click.echo(format_report(failed.diagnostics, fmt), nl=False)
        raise SystemExit(failed.exit_code) from None
    if fmt != "text":
        click.echo(format_report(checked.warnings, fmt), nl=False)
        return
    _show(checked.warnings)
    entries = len(checked.site.entries)
    click.echo(
        f"ok: {len(checked.site.pacts)} pacts, {entries} entries, "
        f"{len(checked.warnings)} warning(s)"
    )


@main.command("serve")
@SITE_OPTION
@click.option("--port", default=8000, show_default=True, help="Port on 127.0.0.1.")
@click.option("--drafts", is_flag=True, help="Include entries marked 'draft: true'.")
def serve_command(site_dir: Path, port: int, drafts: bool) -> None:
    """Build the site and serve it on http://127.0.0.1:PORT."""
    target = site_dir / "public"
    try:
        build(site_dir, target, BuildOptions(drafts=drafts, now=_now()))
    except BuildFailed as failed:
        _show(failed.diagnostics)
        click.echo("the build failed; serving the last good build", err=True)
    click.echo(f"serving {target} on http://127.0.0.1:{port}/ (Ctrl-C stops)")
    serve_folder(target, port)
