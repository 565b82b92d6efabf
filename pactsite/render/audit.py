"""Content checks that catch what editors get wrong, and what a BITV 2.0 site must have."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

from pactsite.content.sources import Sources
from pactsite.content.textfile import read_text
from pactsite.content.yamldoc import YamlDoc, parse_yaml
from pactsite.diagnostics import Diagnostic, Severity
from pactsite.i18n import Text, t
from pactsite.model import Site
from pactsite.render.easyread import check_easy_read, is_easy_read
from pactsite.render.markup import ALLOWED_TAGS, SANITISED_TAG, RenderedBody

MEANINGLESS_LINK_TEXTS = frozenset(
    {
        "hier",
        "mehr",
        "weiter",
        "link",
        "klick",
        "klicken",
        "klicken sie hier",
        "hier klicken",
        "mehr erfahren",
        "weiterlesen",
        "mehr lesen",
        "here",
        "more",
        "click here",
        "read more",
    }
)
REQUIRED_NETWORK_PAGES = {
    "barrierefreiheit": t(
        "an accessibility statement ('Erklärung zur Barrierefreiheit', BITV 2.0)"
    ),
    "leichte-sprache": t("an explanation of the start page in Leichte Sprache (BITV 2.0)"),
}
_URL = re.compile(r"^(https?://|www\.)\S+$")
_TAG = re.compile(SANITISED_TAG.pattern + r"|</([a-z][a-z0-9]*)>")
"""An opening tag as the sanitiser writes it (`markup.SANITISED_TAG`), or a closing tag."""
_ATTRIBUTE = re.compile(r' ([a-z][a-z0-9:_-]*)="([^"]*)"')
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_FORMAT_NOTE = re.compile(r"\bpdf\b", re.IGNORECASE)
PLACEHOLDER_WORD = re.compile("platzhalter", re.IGNORECASE)
"""What `pactsite init` and `pactsite new` write into every text that must be replaced."""
_EXAMPLE_ADDRESS = re.compile(r"(?:^|[@/.])example\.(?:org|com|net)(?![\w-])", re.IGNORECASE)
"""A host or mail domain reserved for examples (RFC 2606): never a real contact."""
_EXAMPLE_ADDRESS_IN_TEXT = re.compile(r"example\.(?:org|com|net)", re.IGNORECASE)
_ADDRESS_KEYS = frozenset({"base_url", "website", "email", "url"})
LEGAL_PAGES = {
    "content/pages/impressum.md": "Impressum",
    "content/pages/datenschutz.md": "Datenschutzerklärung",
}
"""The pages a German website must not publish as a template (provider, data protection)."""


@dataclass(frozen=True, slots=True)
class BodySource:
    """Where a body came from: its file, its Markdown and the line the Markdown starts on."""

    path: str
    text: str
    first_line: int


@dataclass
class _Found:
    links: list[tuple[str, str]] = field(default_factory=list)
    headings: list[tuple[int, str]] = field(default_factory=list)
    tables: list[bool] = field(default_factory=list)
    images: list[tuple[str, str]] = field(default_factory=list)


class _Reader(HTMLParser):
    """Collect what `_Scanner` collects, from any HTML (the full parser: slower)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.scanner = _Scanner()

    @property
    def found(self) -> _Found:
        """What was found so far."""
        return self.scanner.found

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.scanner.open(tag, dict(attrs))

    def handle_endtag(self, tag: str) -> None:
        self.scanner.close(tag)

    def handle_data(self, data: str) -> None:
        self.scanner.text(data)


def audit_bodies(
    bodies: Mapping[str, RenderedBody], sources: Mapping[str, BodySource]
) -> list[Diagnostic]:
    """Warn about meaningless link texts, skipped headings, tables without header, bare PDFs.

    An image without alt text is an error: a screen reader would have nothing to say.
    """
    return [warning for key in sorted(bodies) for warning in audit_body(bodies[key], sources[key])]


def audit_body(body: RenderedBody, source: BodySource) -> list[Diagnostic]:
    """The warnings (and image errors) about one body; they depend on nothing else."""
    found = _scan(body.html)
    if found is None:  # not as the sanitiser writes: let the full parser read it
        reader = _Reader()
        reader.feed(body.html)
        found = reader.found
    return [
        *_link_warnings(found.links, source),
        *_heading_warnings(found.headings, source),
        *_table_warnings(found.tables, source),
        *_image_errors(found.images, source),
        *_placeholder_text(source),
        *(_easy_read(source) if is_easy_read(source.path) else ()),
    ]


def _easy_read(source: BodySource) -> list[Diagnostic]:
    """What the rules of Leichte Sprache point out in a version in Leichte Sprache."""
    return check_easy_read(source.path, source.text, source.first_line)


def _scan(html: str) -> _Found | None:
    """Find what `_Reader` finds, fast, in HTML as the sanitiser writes it; else None.

    Sanitised HTML escapes every `<` in text, so each `<` starts a tag of the form `_TAG`;
    on anything else (a comment, a tag not allowed, other quoting) this gives up.
    """
    scanner = _Scanner()
    end = 0
    for match in _TAG.finditer(html):
        if match.start() > end:
            text = html[end : match.start()]
            if "<" in text:
                return None
            if scanner.link is not None or scanner.heading is not None:
                scanner.text(unescape(text))
        end = match.end()
        tag = match.group(1)
        if tag is None:
            if match.group(3) in _NOTED:
                scanner.close(match.group(3))
        elif tag not in ALLOWED_TAGS:
            return None
        elif tag in _NOTED:  # most tags (p, em, li) say nothing: no call for them
            scanner.open(tag, match.group(2))
    return None if "<" in html[end:] else scanner.found


_NOTED = frozenset({"a", "table", "th", "img", *_HEADINGS})
"""The tags whose start or end `_Scanner` notes."""


class _Scanner:
    """What `_scan` found so far, and the link and heading it is inside."""

    __slots__ = ("found", "heading", "link")

    def __init__(self) -> None:
        self.found = _Found()
        self.link: tuple[str, list[str]] | None = None
        self.heading: tuple[int, list[str]] | None = None

    def text(self, data: str) -> None:
        """Text (unescaped) of the open link and heading."""
        for open_element in (self.link, self.heading):
            if open_element is not None:
                open_element[1].append(data)

    def open(self, tag: str, attributes: str | Mapping[str, str | None]) -> bool:
        """A start tag with its attributes (or their text, read only where needed); False
        for a tag not allowed."""
        if tag not in ALLOWED_TAGS:
            return False
        if tag == "a":
            self.link = (_values(attributes).get("href") or "", [])
        elif tag in _HEADINGS:
            self.heading = (int(tag[1]), [])
        elif tag == "table":
            self.found.tables.append(False)
        elif tag == "th" and self.found.tables:
            self.found.tables[-1] = True
        elif tag == "img":
            values = _values(attributes)
            alt = values.get("alt") or ""
            self.found.images.append((values.get("src") or "", alt))
            if self.link is not None:
                self.link[1].append(alt)
        return True

    def close(self, tag: str) -> None:
        """An end tag: a link's or heading's is where its text ends."""
        if tag == "a" and self.link is not None:
            self.found.links.append((self.link[0], " ".join("".join(self.link[1]).split())))
            self.link = None
        elif tag in _HEADINGS and self.heading is not None:
            self.found.headings.append((self.heading[0], "".join(self.heading[1]).strip()))
            self.heading = None


def _values(attributes: str | Mapping[str, str | None]) -> Mapping[str, str | None]:
    """The attributes by name, from their text where that is what there is."""
    return _attributes(attributes) if isinstance(attributes, str) else attributes


def _attributes(text: str) -> dict[str, str]:
    """The attributes of a sanitised tag, their values unescaped."""
    return {name: unescape(value) for name, value in _ATTRIBUTE.findall(text)}


def _warn(source: BodySource, snippet: str, message: Text, hint: Text) -> Diagnostic:
    return Diagnostic(
        path=source.path,
        line=_line_of(source, snippet),
        message=message,
        hint=hint,
        severity=Severity.WARNING,
    )


def _line_of(source: BodySource, snippet: str) -> int:
    for number, line in enumerate(source.text.split("\n")):
        if snippet and snippet in line:
            return source.first_line + number
    return source.first_line


def _link_warnings(links: Iterable[tuple[str, str]], source: BodySource) -> Iterable[Diagnostic]:
    for href, text in links:
        where = text or href
        if not text:
            yield _warn(
                source,
                href,
                t("link to '{href}' has no text", href=href),
                t("write what the link leads to between [ and ]"),
            )
        elif text.casefold().strip(" .:!…") in MEANINGLESS_LINK_TEXTS:
            yield _warn(
                source,
                f"[{text}]",
                t("link text '{text}' does not say where it leads", text=text),
                t("name the target, e.g. [Projekt Jugend in Arbeit](...)"),
            )
        elif _URL.match(text):
            yield _warn(
                source,
                text,
                t("link text is a bare address '{text}'", text=text),
                t("screen readers spell it out; write what it leads to instead"),
            )
        if href.lower().split("#")[0].endswith(".pdf") and not _FORMAT_NOTE.search(text):
            yield _warn(
                source,
                where,
                t("link to a PDF file '{href}' does not say so", href=href),
                t("add the format and size to the link text, e.g. (PDF, 2 MB)"),
            )


def _image_errors(images: list[tuple[str, str]], source: BodySource) -> Iterable[Diagnostic]:
    for src, alt in images:
        if not alt.strip():
            yield Diagnostic(
                path=source.path,
                line=_line_of(source, src),
                message=t("image '{src}' has no alt text", src=src),
                hint=t(
                    "say what the picture shows between [ and ], "
                    "e.g. ![Teilnehmende beim Treffen]({src})",
                    src=src,
                ),
            )


def _heading_warnings(headings: list[tuple[int, str]], source: BodySource) -> Iterable[Diagnostic]:
    previous = 1  # the page title is the h1
    for level, text in headings:
        if level > previous + 1:
            yield _warn(
                source,
                text,
                t(
                    "heading '{text}' skips a level (h{previous} to h{level})",
                    text=text,
                    previous=previous,
                    level=level,
                ),
                t("use {marks} for it, one level below the one before", marks="#" * (previous + 1)),
            )
        previous = level


def _table_warnings(tables: list[bool], source: BodySource) -> Iterable[Diagnostic]:
    for has_header in tables:
        if not has_header:
            yield _warn(
                source,
                "<table",
                t("table has no header row"),
                t("give the first row header cells (<th>) so screen readers can name columns"),
            )


def audit_network(site: Site) -> list[Diagnostic]:
    """Warn when the network lacks the pages a German public-sector site must have."""
    slugs = {page.slug for page in site.network_pages}
    return [
        Diagnostic(
            path="content/pages",
            line=1,
            severity=Severity.WARNING,
            message=t("the network has no page '{slug}': {what}", slug=slug, what=what),
            hint=t("create content/pages/{slug}.md", slug=slug),
        )
        for slug, what in REQUIRED_NETWORK_PAGES.items()
        if slug not in slugs
    ]


def _placeholder_text(source: BodySource) -> list[Diagnostic]:
    """A body that still holds text marked 'Platzhalter': one warning, at its first line."""
    if source.path.endswith("/pact.yaml"):
        return []  # a pact's join text: checked with the other values of pact.yaml
    if not PLACEHOLDER_WORD.search(source.text):
        return []  # the common case, without a search per line
    lines = [
        source.first_line + number
        for number, line in enumerate(source.text.split("\n"))
        if PLACEHOLDER_WORD.search(line)
    ]
    if not lines:
        return []
    page = LEGAL_PAGES.get(source.path)
    if page:
        message = t("the {page} is still a template: it holds text marked 'Platzhalter'", page=page)
        hint = t(
            "replace every text marked 'Platzhalter' with the network's real details: "
            "a German website must not go live without them"
        )
    else:
        message = t("placeholder text ('Platzhalter') would go live")
        hint = t("write the real text instead and delete the word 'Platzhalter'")
    return [_placeholder(source.path, lines, message, hint)]


def has_placeholder_text(text: str) -> bool:
    """Whether a text still holds something marked 'Platzhalter'."""
    return PLACEHOLDER_WORD.search(text) is not None


def audit_placeholder_values(path: str, doc: YamlDoc) -> list[Diagnostic]:
    """Placeholder texts and example addresses (example.org) among the values of a YAML
    file or front matter; its comments are not published and not checked."""
    words: set[int] = set()
    problems: list[Diagnostic] = []
    for key_path, value in doc.strings():
        line = doc.line_of(key_path)
        if PLACEHOLDER_WORD.search(value):
            words.add(line)
        elif key_path.rpartition(".")[2] in _ADDRESS_KEYS and _EXAMPLE_ADDRESS.search(value):
            problems.append(
                Diagnostic(
                    path=path,
                    line=line,
                    severity=Severity.WARNING,
                    message=t(
                        "'{address}' is an example address (example.org, .com, .net), "
                        "not a real one",
                        address=value,
                    ),
                    hint=t("write the real address here before the site goes live"),
                )
            )
    if words:
        problems.append(
            _placeholder(
                path,
                sorted(words),
                t("placeholder text ('Platzhalter') would go live"),
                t("write the real value instead and delete the word 'Platzhalter'"),
            )
        )
    return problems


def audit_placeholders(
    root: Path, config_file: str, sources: Sources, site: Site
) -> list[Diagnostic]:
    """Placeholder texts and example addresses in `site.yaml` and in the front matter and
    profiles of everything this build shows (bodies: see `audit_body`)."""
    shown = {p.source.path for p in site.pacts}
    shown |= {p.body_source.path for p in site.pacts if p.body_source}
    shown |= {e.source.path for e in (*site.entries.values(), *site.variants)}
    text, _ = read_text(root / config_file, config_file)
    files = [(config_file, text or "", 1)]
    for file in sources.files:
        if file.path not in shown:
            continue
        if file.path in LEGAL_PAGES and has_placeholder_text(file.body):
            continue  # still the template: one warning about the page (its body's)
        files.append((file.path, file.front_matter, file.front_matter_line))
    problems: list[Diagnostic] = []
    for path, yaml_text, first_line in files:
        if not (has_placeholder_text(yaml_text) or _EXAMPLE_ADDRESS_IN_TEXT.search(yaml_text)):
            continue  # most files: no need to read their YAML again
        doc, _ = parse_yaml(yaml_text, path, first_line)
        if doc is not None:
            problems.extend(audit_placeholder_values(path, doc))
    return problems


def _placeholder(path: str, lines: list[int], message: Text, hint: Text) -> Diagnostic:
    if len(lines) == 2:
        message = t("{message} (also in line {line})", message=message, line=lines[1])
    elif len(lines) > 2:
        also = ", ".join(str(line) for line in lines[1:])
        message = t("{message} (also in lines {lines})", message=message, lines=also)
    return Diagnostic(
        path=path, line=lines[0], severity=Severity.WARNING, message=message, hint=hint
    )


PLACEHOLDER_TEMPLATES = frozenset(
    {
        "the {page} is still a template: it holds text marked 'Platzhalter'",
        "placeholder text ('Platzhalter') would go live",
        "{message} (also in line {line})",
        "{message} (also in lines {lines})",
        "'{address}' is an example address (example.org, .com, .net), not a real one",
    }
)


def is_placeholder_warning(diagnostic: Diagnostic) -> bool:
    """Whether a diagnostic is about placeholders (a demonstration network has them on purpose)."""
    message = diagnostic.message
    return isinstance(message, Text) and message.template in PLACEHOLDER_TEMPLATES
