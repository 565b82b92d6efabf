"""Link health: whether the addresses the site links to still answer (`check --external`).

Every external link of the Markdown bodies (links, autolinks, raw HTML, images) is found at
the line the Markdown stage located it on, and every web address in `site.yaml`, the pacts'
`pact.yaml` (website, feed, members' addresses) and the front matter at its key's line.
Each address is asked once (`pactsite.remote.probe`), unless the last check asked within a
day (`pactsite.cache.weblinks`); each place that links a dead or moved one gets a warning.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from pactsite.build.pipeline import BodyRecord, BuildOptions, CheckedSite, verify_outlined
from pactsite.cache.weblinks import (
    LastCheck,
    LinkResult,
    Outcome,
    link_key,
    load_link_results,
    store_last_check,
)
from pactsite.content.config import CONFIG_FILE
from pactsite.content.sources import PACT_PROFILE
from pactsite.content.yamldoc import parse_yaml
from pactsite.diagnostics import BuildFailed, Diagnostic, Severity, has_errors, sort_diagnostics
from pactsite.i18n import Text, t
from pactsite.model import Site
from pactsite.remote.http import Failure, FailureKind, Response

_WEB = re.compile(r"^https?://[^\s/?#]+", re.IGNORECASE)
_PLACEHOLDER_HOST = re.compile(r"(^|\.)(example\.(com|net|org)|example|invalid)$", re.IGNORECASE)
"""Host names reserved for examples (RFC 2606): placeholders, never anyone's website."""
_NOT_LINKS = frozenset({"base_url"})
"""site.yaml keys whose address is the network's own, not a link to check."""
_ANSWERED = frozenset({401, 403, 429})
"""Statuses of a page that is there but not shown to a robot: not a dead link."""

_LOCAL_REFUSAL = "{host} is in a local network"
"""How the HTTP client's refusal of a local address begins (its kind is that of any refusal);
said shorter here, where the address is named anyway."""

Probe = Callable[[Sequence[str], float], Mapping[str, Response | Failure]]
"""Asks each address (with a timeout in seconds) and returns the answers by address."""


@dataclass(frozen=True, slots=True, order=True)
class FoundLink:
    """An external address where the site's sources name it."""

    path: str
    line: int
    url: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ExternalCheck:
    """The warnings of a check of external links, and how many addresses it asked."""

    diagnostics: tuple[Diagnostic, ...]
    addresses: int
    """Different addresses found."""
    asked: int
    """Addresses asked now; the others were answered within the last day (cached)."""


def check_external(
    root: Path, options: BuildOptions, timeout: float, ask: Probe | None = None
) -> tuple[CheckedSite, ExternalCheck]:
    """Verify the site and ask its external addresses; the site's warnings include theirs.

    Raise BuildFailed if there are errors (with `options.strict`, a dead link is one).
    """
    # not strict yet: a warning made an error would stop the check before the links
    checked, record = verify_outlined(root, replace(options, strict=False))
    asked = check_links(
        root, collect_links(root, checked.site, record), options.now, ask or _probe, timeout
    )
    warnings = (*checked.warnings, *asked.diagnostics)
    if options.strict:
        warnings = tuple(replace(d, severity=Severity.ERROR) for d in warnings)
    if has_errors(warnings):
        raise BuildFailed(warnings)
    return replace(checked, warnings=tuple(sort_diagnostics(warnings))), asked


def _probe(urls: Sequence[str], timeout: float) -> Mapping[str, Response | Failure]:
    """Ask the servers (`pactsite.remote.probe`), imported only when there is something to ask."""
    from pactsite.remote.probe import probe

    return probe(urls, timeout=timeout)


def collect_links(root: Path, site: Site, record: BodyRecord) -> list[FoundLink]:
    """Every external web address of the site's sources, where it is written, in order."""
    paths = _body_paths(site)
    shown = {*paths.values(), *(pact.source.path for pact in site.pacts)}
    front_matter = {path: text for path, text in record.front_matter.items() if path in shown}
    found = {*_body_links(paths, record), *_front_matter_links(front_matter)}
    found.update(_config_links(root))
    return sorted(link for link in found if _checkable(link.url))


def _checkable(url: str) -> bool:
    match = _WEB.match(url)
    if match is None:
        return False
    host = match.group(0).split("://", 1)[1].rsplit("@", 1)[-1].split(":", 1)[0]
    return not _PLACEHOLDER_HOST.search(host.rstrip("."))


def _body_links(paths: Mapping[str, str], record: BodyRecord) -> Iterator[FoundLink]:
    """The external links of every Markdown body at the lines the Markdown stage found."""
    for key, outlined in record.outlines.items():
        path = paths.get(key)
        if path is None:
            continue
        for target, line, _ in outlined.links:
            url = _web_address(target)
            if not url:
                continue
            if path.endswith(PACT_PROFILE):  # the join text: its lines count from its key
                line = _line_in(record.front_matter.get(path, ""), url, 1)
            yield FoundLink(path, line, url)


def _body_paths(site: Site) -> dict[str, str]:
    """The file of each body by body key (a pact's description, join text, each entry)."""
    paths: dict[str, str] = {}
    for pact in site.pacts:
        if pact.body_source is not None:
            paths[pact.key] = pact.body_source.path
        if pact.join:
            paths[f"{pact.key}#join"] = pact.source.path
    for entry in site.entries.values():
        paths[entry.key] = entry.source.path
    return paths


def _web_address(target: str) -> str:
    """The http(s) address a link target names (`//host/...` is https), else ''."""
    target = target.strip()
    if target.startswith("//"):
        target = f"https:{target}"
    return target if _WEB.match(target) else ""


def _line_in(text: str, url: str, first_line: int) -> int:
    """The line of `text` (which starts at `first_line`) where `url` is first written."""
    found = text.find(url)
    return first_line + text.count("\n", 0, found) if found >= 0 else first_line


def _front_matter_links(front_matter: Mapping[str, str]) -> Iterator[FoundLink]:
    """The web addresses among the values of every front matter and pact.yaml."""
    for path, text in front_matter.items():
        if "http" in text:
            yield from _yaml_links(text, path, 1 if path.endswith(PACT_PROFILE) else 2)


def _config_links(root: Path) -> Iterator[FoundLink]:
    """The web addresses in site.yaml (funds' websites, ...), not the site's own."""
    try:
        text = (root / CONFIG_FILE).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeError):
        return
    yield from _yaml_links(text, CONFIG_FILE, 1)


def _yaml_links(text: str, path: str, first_line: int) -> Iterator[FoundLink]:
    """Each value of a YAML text that is a web address, at its key's line."""
    doc, _ = parse_yaml(text, path, first_line)
    if doc is None:
        return
    for key_path, value in doc.strings():
        url = value.strip()
        if key_path not in _NOT_LINKS and _WEB.match(url) and len(url.split()) == 1:
            yield FoundLink(path, doc.line_of(key_path), url)


def check_links(
    root: Path, found: Sequence[FoundLink], now: dt.datetime, ask: Probe, timeout: float
) -> ExternalCheck:
    """Ask each address that the last day's checks have not answered; warn where it is dead."""
    addresses = sorted({link_key(link.url) for link in found})
    known = load_link_results(root)
    # a refusal is no answer of the server: asked again, PACTSITE_ALLOW_LOCAL_URLS may be set now
    fresh = {
        url: known[url]
        for url in addresses
        if url in known and known[url].fresh(now) and known[url].outcome is not Outcome.REFUSED
    }
    stale = [url for url in addresses if url not in fresh]
    answers = ask(stale, timeout) if stale else {}
    results = {**fresh, **{url: judge(url, answers[url], now) for url in stale}}
    findings = tuple(link_diagnostics(found, results))
    store_last_check(root, LastCheck(checked=now, results=results, findings=findings))
    return ExternalCheck(
        diagnostics=findings,
        addresses=len(addresses),
        asked=len(stale),
    )


def judge(url: str, answer: Response | Failure, now: dt.datetime) -> LinkResult:
    """What an answer to `url` means for a link to it."""
    if isinstance(answer, Response):
        moved = answer.permanent_redirect
        if moved and moved != url:
            return LinkResult(
                url=url, outcome=Outcome.MOVED, checked=now, status=answer.status, location=moved
            )
        return LinkResult(url=url, outcome=Outcome.LIVE, checked=now, status=answer.status)
    status = answer.status or 0
    if answer.kind is FailureKind.TOO_LARGE or status in _ANSWERED:
        return LinkResult(url=url, outcome=Outcome.LIVE, checked=now, status=status)
    if answer.kind is FailureKind.REFUSED:
        local = answer.message.template.startswith(_LOCAL_REFUSAL)
        reason = t("it leads into a local network") if local else answer.message
        return LinkResult(url=url, outcome=Outcome.REFUSED, checked=now, reason=reason)
    return LinkResult(
        url=url, outcome=Outcome.DEAD, checked=now, status=status, reason=answer.message
    )


def link_diagnostics(
    found: Iterable[FoundLink], results: Mapping[str, LinkResult]
) -> Iterator[Diagnostic]:
    """A warning at each place that links an address that is dead, moved or not checked."""
    for link in found:
        result = results.get(link_key(link.url))
        if result is None or result.outcome is Outcome.LIVE:
            continue
        message, hint = _said(link.url, result)
        yield Diagnostic(
            path=link.path, line=link.line, message=message, hint=hint, severity=Severity.WARNING
        )


def _said(url: str, result: LinkResult) -> tuple[Text, Text]:
    """What is wrong with a link to `url`, and what to do."""
    if result.outcome is Outcome.MOVED:
        return (
            t("link moved permanently: {url} → {location}", url=url, location=result.location),
            t("write the new address"),
        )
    if result.outcome is Outcome.REFUSED:
        return (
            t("link not checked ({reason}): {url}", url=url, reason=result.reason),
            t(
                "link an address that visitors can reach (PACTSITE_ALLOW_LOCAL_URLS=1 checks "
                "local ones too)"
            ),
        )
    reason = str(result.status) if result.status else result.reason
    return (
        t("link not reachable ({reason}): {url}", url=url, reason=reason),
        t("check the address or remove the link"),
    )
