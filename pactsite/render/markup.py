"""Markdown bodies to safe HTML, with their heading ids and links in document order."""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from html import unescape
from typing import Any, cast
from urllib.parse import urljoin
from xml.etree.ElementTree import Element

import markdown
import nh3
from markdown.blockprocessors import (
    BlockProcessor,
    BlockQuoteProcessor,
    HashHeaderProcessor,
    HRProcessor,
    ReferenceProcessor,
)
from markdown.extensions import Extension
from markdown.extensions.abbr import AbbrBlockprocessor, AbbrExtension
from markdown.extensions.attr_list import AttrListExtension
from markdown.extensions.def_list import DefListExtension, DefListProcessor
from markdown.extensions.fenced_code import FencedCodeExtension
from markdown.extensions.footnotes import FootnoteBlockProcessor, FootnoteExtension
from markdown.extensions.md_in_html import MarkdownInHtmlExtension
from markdown.extensions.sane_lists import SaneListExtension
from markdown.extensions.tables import (
    PIPE_LEFT,
    PIPE_NONE,
    PIPE_RIGHT,
    TableExtension,
    TableProcessor,
)
from markdown.extensions.toc import TocExtension, TocTreeprocessor
from markdown.inlinepatterns import Pattern
from markdown.treeprocessors import InlineProcessor, Treeprocessor
from markdown.util import AtomicString, nearing_recursion_limit

from pactsite.diagnostics import Diagnostic
from pactsite.i18n import t
from pactsite.slugs import heading_id

ALLOWED_TAGS = frozenset(
    {
        "a",
        "abbr",
        "b",
        "blockquote",
        "br",
        "caption",
        "cite",
        "code",
        "dd",
        "del",
        "details",
        "div",
        "dl",
        "dt",
        "em",
        "figcaption",
        "figure",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "i",
        "img",
        "ins",
        "kbd",
        "li",
        "mark",
        "ol",
        "p",
        "pre",
        "q",
        "s",
        "small",
        "span",
        "strong",
        "sub",
        "summary",
        "sup",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "u",
        "ul",
    }
)
ALLOWED_ATTRIBUTES = {
    "*": {"id", "lang", "title"},
    "a": {"href", "hreflang"},
    "abbr": {"title"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "ol": {"start", "reversed"},
}
ALLOWED_CLASSES = {
    "td": {"align-left", "align-center", "align-right"},
    "th": {"align-left", "align-center", "align-right"},
    "div": {"footnote"},
    "a": {"footnote-ref", "footnote-backref"},
}
URL_SCHEMES = frozenset({"http", "https", "mailto", "tel", "pact", "page"})
_NEWLINE = re.compile("\n")
_SAFE_ID = re.compile(r"^[a-z0-9][a-z0-9:-]*$")
SANITISED_TAG = re.compile(r'<([a-z][a-z0-9]*)((?: [a-z][a-z0-9:_-]*="[^"]*")*)>')
"""An opening tag as the sanitiser writes it: a lower-case name, every attribute value in
"..." (a `"` in a value is `&quot;`). Text never holds a `<` (it is `&lt;`), so this finds
tags only: never `<a href="...">` shown as code."""
_TARGET = re.compile(r' (href|src)="([^"]*)"')
_ALIGN = re.compile(r"text-align:\s*(left|center|right)")


@dataclass(frozen=True, slots=True)
class Heading:
    """A heading of a body: its level, id for `#fragment` links, and text."""

    level: int
    id: str
    text: str


@dataclass(frozen=True, slots=True)
class LinkRef:
    """A link or image source as the editor wrote it, with the line it stands on."""

    target: str
    line: int
    is_image: bool = False


@dataclass(frozen=True, slots=True)
class RenderedBody:
    """A body rendered to sanitised HTML, with its headings and links."""

    html: str
    headings: tuple[Heading, ...]
    links: tuple[LinkRef, ...]


class _Collector(Treeprocessor):
    """Demote body headings below the page title; turn table alignment into classes."""

    def run(self, root: Element) -> None:
        elements = list(root.iter())
        if any(el.tag == "h1" for el in elements):
            for el in elements:  # the page title is the only h1; demote the body's headings
                if el.tag in ("h1", "h2", "h3", "h4", "h5"):
                    el.tag = f"h{int(el.tag[1]) + 1}"
        for el in elements:
            style = el.attrib.pop("style", "")
            if align := _ALIGN.search(style):
                el.set("class", f"align-{align.group(1)}")


_HTML_TAG_RE = (
    r"""(<(\/?+[a-zA-Z][^\s"'<>@]*+(?:\s+[^\s"'=<>]++(?:\s*+=\s*+(?:"[^"]*+"|'[^']*+'|"""
    r"""[^\s"'=<>]++))?+)*+\s*+/?|!--(?:(?!<!--|-->).)*--|[?](?:(?!<[?]|[?]>).)*[?]|"""
    r"""!\[CDATA\[(?:(?!<!\[CDATA\[|\]\]>).)*\]\])>)"""
)
NEEDED_TEXT: dict[str, tuple[str, ...]] = {
    r"(?:(?<!\\)((?:\\{2})+)(?=`+)|(?<!\\)`)": ("`",),  # code span: both branches need `
    r"\\(.)": ("\\",),  # backslash escape
    r"\[\^([^\]]*)\]": ("[",),  # footnote reference
    r"(?<!\!)\[": ("[",),  # link, reference, short reference
    r"\!\[": ("![",),  # image, image reference
    r"<([A-Za-z][A-Za-z0-9+.-]*://[^<>]*)>": ("<",),  # autolink
    r"<([^<> !]+@[^@<> ]+)>": ("<",),  # automail
    r"  \n": ("  \n",),  # line break
    _HTML_TAG_RE: ("<",),  # inline HTML
    r"(&(?:\#[0-9]+|\#x[0-9a-fA-F]+|[a-zA-Z0-9]+);)": ("&",),  # entity
    r"\*|_": ("*", "_"),  # emphasis and strong
}
"""For the regular expressions of Python-Markdown's inline patterns (exactly as written
there): texts one of which every match contains. A text without any of them cannot match,
so the pattern is skipped. Patterns not listed here (changed or new) are always tried."""


class _SkippingInlineProcessor(InlineProcessor):
    """Python-Markdown's inline processor, minus the calls of patterns that cannot match.

    Python-Markdown tries every inline pattern on every text in turn, a Python call each,
    and most of them find nothing: prose rarely holds a `<`, `&`, `` ` `` or `[`. Skipping
    a pattern whose regular expression cannot match the text is what trying it would do
    (it returns the text unchanged, unmatched), so the output is the same. The method
    replaces Python-Markdown's own with as many stack frames, so deep nesting runs into
    the recursion limit exactly where it did.
    """

    _prepared_for: object = None

    def _prepare(self) -> None:
        """Note the patterns, once for each run (each run has new `stashed_nodes`)."""
        self._prepared_for = self.stashed_nodes
        self._patterns = list(self.inlinePatterns)
        self._needs = [NEEDED_TEXT.get(_regex_of(p)) for p in self._patterns]
        known = [text for need in self._needs if need is not None for text in need]
        self._any_needed = (
            re.compile("|".join(re.escape(text) for text in known))
            if None not in self._needs
            else None
        )
        self._apply = self._InlineProcessor__applyPattern  # type: ignore[attr-defined]

    def _InlineProcessor__handleInline(self, data: str, patternIndex: int = 0) -> str:  # noqa: N802,N803 - overrides Python-Markdown's private method
        """Replace the inline Markdown of `data` by placeholders, from pattern `patternIndex` on."""
        if isinstance(data, AtomicString):
            return data
        if self._prepared_for is not self.stashed_nodes:
            self._prepare()
        if self._any_needed is not None and not self._any_needed.search(data):
            return data  # no pattern can match: plain text, the most common case
        patterns, needs, apply = self._patterns, self._needs, self._apply
        index, start, count = patternIndex, 0, len(patterns)
        while index < count:
            need = needs[index]
            if need is not None:
                for text in need:
                    if text in data:
                        break
                else:
                    index += 1  # as when the pattern is tried and does not match
                    start = 0
                    continue
            data, matched, start = apply(patterns[index], data, index, start)
            if not matched:
                index += 1
        return data


def _regex_of(pattern: object) -> str:
    """The regular expression of an inline pattern, or "" if it is not a plain one."""
    if not isinstance(pattern, Pattern):
        return ""
    if type(pattern).getCompiledRegExp is not Pattern.getCompiledRegExp:
        return ""
    return pattern.getCompiledRegExp().pattern


class _Toc(TocTreeprocessor):
    """Python-Markdown's heading ids and list of headings, and a TOC only where asked for.

    Python-Markdown builds and serialises a table of contents for every text, and walks
    the whole tree for the `[TOC]` marker to replace with it. `_TocGate` turns both off
    where no element's text holds the marker (the renderer's `toc` attribute is then an
    empty div; pactsite reads only `toc_tokens`).
    """

    unasked = False

    def build_toc_div(self, toc_list: list[Any]) -> Element:
        """The table of contents as a div; an empty one where no marker asks for it."""
        return Element("div") if self.unasked else super().build_toc_div(toc_list)


class _TocGate(Treeprocessor):
    """Runs just before the TOC: tells it whether the tree asks for a table of contents.

    The marker can only be an element's whole text. Deeply nested trees take Python-
    Markdown's way, so that its recursive walk fails with a RecursionError where it did.
    """

    def __init__(self, md: markdown.Markdown, toc: _Toc) -> None:
        super().__init__(md)
        self.toc = toc
        self.marker = toc.marker

    def run(self, root: Element) -> None:
        """Switch the marker search and the TOC off where no marker can be found."""
        unasked = bool(self.marker) and _shallow_without(root, self.marker)
        self.toc.marker = "" if unasked else self.marker
        self.toc.unasked = unasked


def _shallow_without(root: Element, marker: str, depth: int = 50) -> bool:
    """Whether no element's text holds `marker` and no element is nested `depth` deep."""
    stack = [(root, 0)]
    while stack:
        element, level = stack.pop()
        if level > depth or (element.text and marker in element.text):
            return False
        stack.extend((child, level + 1) for child in element)
    return True


# Block processors: Python-Markdown asks each in turn whether it takes a block, mostly by
# searching the block with a regular expression; prose blocks are searched a dozen times.
# These tests first look for a character every match needs. Each is Python-Markdown's test
# with that look in front (no extra call, so the stack stays as deep as it was).


class _HashHeader(HashHeaderProcessor):
    def test(self, parent: Element, block: str) -> bool:
        return "#" in block and bool(self.RE.search(block))


class _BlockQuote(BlockQuoteProcessor):
    def test(self, parent: Element, block: str) -> bool:
        return ">" in block and bool(self.RE.search(block)) and not nearing_recursion_limit()


class _DefList(DefListProcessor):
    def test(self, parent: Element, block: str) -> bool:
        return ":" in block and bool(self.RE.search(block))


class _HorizontalRule(HRProcessor):
    def test(self, parent: Element, block: str) -> bool:
        if "-" not in block and "_" not in block and "*" not in block:
            return False
        match = self.SEARCH_RE.search(block)
        if match:
            self.match = match
            return True
        return False


class _Table(TableProcessor):
    def test(self, parent: Element, block: str) -> bool:
        if "|" not in block:  # then the header row is one cell without border: no table
            return False
        is_table = False
        rows = [row.strip(" ") for row in block.split("\n")]
        if len(rows) > 1:
            header0 = rows[0]
            border = PIPE_NONE
            if header0.startswith("|"):
                border |= PIPE_LEFT
            if self.RE_END_BORDER.search(header0) is not None:
                border |= PIPE_RIGHT
            self.border = border  # type: ignore[assignment] # Python-Markdown stores an int
            row = self._split_row(header0)  # type: ignore[attr-defined]
            row0_len = len(row)
            is_table = row0_len > 1
            if not is_table and row0_len == 1 and self.border:
                for index in range(1, len(rows)):
                    is_table = rows[index].startswith("|")
                    if not is_table:
                        is_table = self.RE_END_BORDER.search(rows[index]) is not None
                    if not is_table:
                        break
            if is_table:
                row = self._split_row(rows[1])  # type: ignore[attr-defined]
                is_table = (len(row) == row0_len) and set("".join(row)) <= set("|:- ")
                if is_table:
                    self.separator = row
        return is_table


# These three take every block and give back those their expression does not find; not
# taking a block without the text every match needs comes to the same.


class _Abbreviation(AbbrBlockprocessor):
    def test(self, parent: Element, block: str) -> bool:
        return "*[" in block


class _Footnote(FootnoteBlockProcessor):
    def test(self, parent: Element, block: str) -> bool:
        return "[^" in block


class _Reference(ReferenceProcessor):
    def test(self, parent: Element, block: str) -> bool:
        return "]:" in block


_BLOCK_SHORTCUTS: dict[str, tuple[type[BlockProcessor], str]] = {
    "hashheader": (
        _HashHeader,
        r"(?:^|\n)(?P<level>#{1,6})(?P<header>(?:\\.|[^\\#]|#+(?=[^#\n]))*?)#*(?:\n|$)",
    ),
    "quote": (_BlockQuote, r"(^|\n)[ ]{0,3}>[ ]?(.*)"),
    "deflist": (_DefList, r"(^|\n)[ ]{0,3}:[ ]{1,3}(.*?)(\n|$)"),
    "hr": (
        _HorizontalRule,
        r"^[ ]{0,3}(?=(?P<atomicgroup>(-+[ ]{0,2}){3,}|(_+[ ]{0,2}){3,}|(\*+[ ]{0,2}){3,}))"
        r"(?P=atomicgroup)[ ]*$",
    ),
    "table": (_Table, r"(?:(\\\\)|(\\`+)|(`+)|(\\\|)|(\|))"),
    "abbr": (_Abbreviation, r"^[*]\[(?P<abbr>[^\\]*?)\][ ]?:[ ]*\n?[ ]*(?P<title>.*)$"),
    "footnote": (_Footnote, r"^[ ]{0,3}\[\^([^\]]*)\]:[ ]*(.*)$"),
    "reference": (
        _Reference,
        r"^[ ]{0,3}\[([^\[\]]*)\]:[ ]*(?:\n[ ]*)?([^\s]+)[ ]*(?:\n[ ]*)?"
        r"""((["\'])(.*)\4[ ]*|\((.*)\)[ ]*)?$""",
    ),
}
"""Block processor name: the faster class, and the regular expression (as Python-Markdown
writes it) that its look-ahead was written for. A processor whose class or expression is
not the expected one is left alone."""


def _block_regex(processor: BlockProcessor) -> str:
    """The regular expression a block processor's test or run searches with."""
    for name in ("RE_CODE_PIPES", "SEARCH_RE", "RE"):
        regex = getattr(processor, name, None)
        if isinstance(regex, re.Pattern):
            return str(regex.pattern)
    return ""


def _take_shortcuts(md: markdown.Markdown) -> None:
    """Swap in the faster processors where Python-Markdown's are the expected ones."""
    inline = md.treeprocessors["inline"]
    if type(inline) is InlineProcessor:
        inline.__class__ = _SkippingInlineProcessor
    toc = md.treeprocessors["toc"]
    if type(toc) is TocTreeprocessor:
        toc.__class__ = _Toc
        md.treeprocessors.register(_TocGate(md, cast(_Toc, toc)), "pactsite_toc_gate", 6)
    blocks = md.parser.blockprocessors
    for name, (faster, regex) in _BLOCK_SHORTCUTS.items():
        if name in blocks:
            processor = blocks[name]
            if type(processor) is faster.__base__ and _block_regex(processor) == regex:
                processor.__class__ = faster
    if type(md).is_block_level is markdown.Markdown.is_block_level:
        md.is_block_level = _remembering_block_level(md)  # type: ignore[method-assign,assignment]


def _remembering_block_level(md: markdown.Markdown) -> Callable[[Any], bool]:
    """Python-Markdown's `is_block_level`, remembering its answer for each tag name.

    It is asked some 130 times a body, each time lowering the tag and scanning the list
    of block-level elements. The list is complete once the extensions are loaded.
    """
    elements = md.block_level_elements
    answers: dict[str, bool] = {}

    def is_block_level(tag: Any) -> bool:
        if type(tag) is not str:  # a subclass of str, or not a string at all
            return isinstance(tag, str) and tag.lower().rstrip("/") in elements
        answer = answers.get(tag)
        if answer is None:
            answer = answers[tag] = tag.lower().rstrip("/") in elements
        return answer

    return is_block_level


class _CollectorExtension(Extension):
    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 - Markdown's API
        md.treeprocessors.register(_Collector(md), "pactsite_collector", 1)


_EXTRA: tuple[tuple[str, Callable[[], Extension], tuple[str, ...]], ...] = (
    ("fenced_code", FencedCodeExtension, ("```", "~~~")),
    ("footnotes", FootnoteExtension, ("[^",)),
    ("attr_list", AttrListExtension, ("{",)),
    ("def_list", DefListExtension, ()),
    ("tables", TableExtension, ("|",)),
    ("abbr", AbbrExtension, ("*[",)),
    ("md_in_html", MarkdownInHtmlExtension, ("<",)),
)
"""Python-Markdown's "extra": its seven extensions in its order, each with the marks
without which it does nothing to a text (no fence, footnote, attribute list, table row,
abbreviation or raw HTML can be written without them). def_list has none: its ":" is in
most texts."""


def make_renderer(
    shortcuts: bool = True, without: frozenset[str] = frozenset()
) -> markdown.Markdown:
    """Create a Markdown converter with our extensions; reuse it for many bodies.

    The shortcuts make it faster and change nothing it writes; without them it is
    Python-Markdown's own (for tests that compare the two). `without` names extensions of
    `_EXTRA` to leave out, for texts that cannot use them.
    """
    # given as objects: given by name, Markdown first reads the entry points of every
    # installed package, in every process that renders
    extensions = [make() for name, make, _ in _EXTRA if name not in without]
    extensions += [
        SaneListExtension(),
        TocExtension(slugify=heading_id, permalink=False),
        _CollectorExtension(),
    ]
    renderer = markdown.Markdown(extensions=extensions, output_format="html")
    if shortcuts:
        _take_shortcuts(renderer)
    return renderer


class Renderers:
    """Markdown converters for texts, each without the optional extensions its texts cannot
    use: Python-Markdown runs every extension over every text, and a body that uses none of
    them is rendered faster without them (the bodies of pact websites rarely use any)."""

    def __init__(self) -> None:
        self._made: dict[frozenset[str], markdown.Markdown] = {}

    def for_text(self, text: str) -> markdown.Markdown:
        """The converter for `text`: what it writes is what the full one would write."""
        unused = frozenset(
            name for name, _, marks in _EXTRA if marks and not any(m in text for m in marks)
        )
        renderer = self._made.get(unused)
        if renderer is None:
            renderer = self._made[unused] = make_renderer(without=unused)
        return renderer


def render_markdown(renderer: markdown.Markdown, text: str, first_line: int) -> RenderedBody:
    """Render one Markdown body to sanitised HTML with its headings and located links."""
    renderer.reset()
    html = sanitize(renderer.convert(text))
    headings = tuple(_headings(getattr(renderer, "toc_tokens", [])))
    links = tuple(_locate(find_targets(html), text, first_line))
    return RenderedBody(html=html, headings=headings, links=links)


def render_bodies(
    bodies: Iterable[tuple[str, str, str, int]],
) -> tuple[dict[str, RenderedBody], list[Diagnostic]]:
    """Render (key, path, Markdown, first line) to rendered bodies by key, or diagnostics."""
    rendered: dict[str, RenderedBody] = {}
    problems: list[Diagnostic] = []
    for key, body, problem in render_each(bodies):
        rendered[key] = body
        if problem is not None:
            problems.append(problem)
    return rendered, problems


def render_each(
    bodies: Iterable[tuple[str, str, str, int]],
) -> Iterator[tuple[str, RenderedBody, Diagnostic | None]]:
    """Render (key, path, Markdown, first line) one by one: key, body, and its problem if any."""
    renderers = Renderers()
    for key, path, text, line in bodies:
        try:
            yield key, render_markdown(renderers.for_text(text), text, line), None
        except RecursionError:  # Python-Markdown recurses once per level of nesting
            renderers = Renderers()  # the one that failed may be left in a broken state
            problem = Diagnostic(
                path=path,
                line=line,
                message=t("the text nests lists or quotes too deeply to be shown"),
                hint=t("use at most a few levels of lists inside lists"),
            )
            yield key, RenderedBody(html="", headings=(), links=()), problem


def sanitize(html: str) -> str:
    """Keep only allow-listed tags, attributes and URL schemes (no script, no handlers)."""
    if _SANITIZER is not None:
        return _SANITIZER.clean(html)
    return _clean(html, _filter_attribute)


def absolute_urls(html: str, base: str) -> str:
    """Make every href, src and srcset of sanitised HTML absolute against `base` (for feeds)."""
    scheme, _, rest = base.partition("://")
    origin = f"{scheme}://{rest.split('/', 1)[0]}" if rest else ""
    if "<img" not in html:
        # without images (whose variants add markup the feeds leave out), sanitising the
        # sanitised HTML again gives it back as it is but for the addresses: they alone are
        # rewritten, which took a tenth of the time
        def absolute(_: str, written: str) -> str:
            return _in_attribute(_absolute_against(unescape(written).strip(), base, origin))

        return rewrite_targets(html, absolute)
    token = _FEED_BASE.set((base, origin))
    try:
        if _FEED_SANITIZER is not None:
            return _FEED_SANITIZER.clean(html)
        return _clean(html, _absolute_attribute)
    finally:
        _FEED_BASE.reset(token)


_FEED_BASE: ContextVar[tuple[str, str]] = ContextVar("feed_base")
"""The page address and its origin (`https://host`) that `absolute_urls` resolves against."""


def _absolute_attribute(tag: str, name: str, value: str) -> str | None:
    kept = _filter_attribute(tag, name, value)
    if kept is None or name not in ("href", "src", "srcset"):
        return kept
    if name != "srcset":
        return _absolute(kept.strip())
    candidates = (c.strip().split(maxsplit=1) for c in kept.split(",") if c.strip())
    return ", ".join(" ".join([_absolute(c[0]), *c[1:]]) for c in candidates)


def _absolute(url: str) -> str:
    return _absolute_against(url, *_FEED_BASE.get())


def _absolute_against(url: str, base: str, origin: str) -> str:
    if origin and url.startswith("/") and not url.startswith("//") and "/." not in url:
        return origin + url  # what urljoin gives a path from the root, without its parsing
    return urljoin(base, url)


def _in_attribute(value: str) -> str:
    """`value` escaped as the sanitiser writes an attribute's value."""
    return value.replace("&", "&amp;").replace("\u00a0", "&nbsp;").replace('"', "&quot;")


def _clean(html: str, attribute_filter: Callable[[str, str, str], str | None]) -> str:
    return nh3.clean(html, **_clean_options(attribute_filter))


def _clean_options(attribute_filter: Callable[[str, str, str], str | None]) -> dict[str, Any]:
    return {
        "tags": set(ALLOWED_TAGS),
        "clean_content_tags": {
            "script",
            "style",
            "iframe",
            "object",
            "embed",
            "svg",
            "math",
            "template",
            "noscript",
            "textarea",
            "select",
        },
        "attributes": {tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        "attribute_filter": attribute_filter,
        "allowed_classes": {tag: set(names) for tag, names in ALLOWED_CLASSES.items()},
        "url_schemes": set(URL_SCHEMES),
        "link_rel": None,
        "strip_comments": True,
    }


def _filter_attribute(tag: str, name: str, value: str) -> str | None:
    """Drop ids that could clash with the theme's (which contain '_')."""
    if name == "id" and not _SAFE_ID.match(value):
        return None
    return value


_SANITIZER = nh3.Cleaner(**_clean_options(_filter_attribute)) if hasattr(nh3, "Cleaner") else None
"""The sanitiser, set up once (nh3 >= 0.3 has Cleaner; nh3.clean sets it up every call)."""
_FEED_SANITIZER = (
    nh3.Cleaner(**_clean_options(_absolute_attribute)) if hasattr(nh3, "Cleaner") else None
)
"""The same, making addresses absolute against `_FEED_BASE` (for feeds)."""


def sanitize_foreign(html: str, base: str) -> str:
    """Sanitise HTML from another site (a pact's website feed) for our pages and feeds.

    The Markdown allow-list, less what another site must not put into ours: images (they
    would load from its host), ids (they could clash with the page's), and links other than
    http(s) and mailto; links made absolute against `base`, the item's own address.
    """
    options = _clean_options(_no_id)
    options["tags"] = set(ALLOWED_TAGS - {"img"})
    options["url_schemes"] = {"http", "https", "mailto"}
    options["allowed_classes"] = {}
    cleaned = nh3.clean(html, **options)
    return absolute_urls(cleaned, base)


def plain_text(html: str) -> str:
    """The text of HTML, its white space made single spaces."""
    return " ".join(unescape(nh3.clean(html, tags=set())).split())


def _no_id(tag: str, name: str, value: str) -> str | None:
    return None if name == "id" else value


def find_targets(html: str) -> list[tuple[str, bool]]:
    """List the link targets (`href`) and image sources (`src`) of sanitised HTML, in order."""
    return [
        (unescape(value), name == "src")
        for tag in SANITISED_TAG.finditer(html)
        for name, value in _TARGET.findall(tag.group(2))
    ]


def rewrite_targets(html: str, rewrite: Callable[[str, str], str]) -> str:
    """Replace each link target (`href`) and image source (`src`) of sanitised HTML, in the
    order of `find_targets`, by `rewrite(attribute name, value as written)` (HTML-escaped)."""

    def in_attribute(match: re.Match[str]) -> str:
        return f' {match.group(1)}="{rewrite(match.group(1), match.group(2))}"'

    def in_tag(match: re.Match[str]) -> str:
        attributes = match.group(2)
        if " href=" not in attributes and " src=" not in attributes:
            return match.group(0)
        return f"<{match.group(1)}{_TARGET.sub(in_attribute, attributes)}>"

    return SANITISED_TAG.sub(in_tag, html)


def _headings(tokens: list[dict[str, Any]]) -> Iterable[Heading]:
    for token in tokens:
        yield Heading(level=int(token["level"]), id=str(token["id"]), text=str(token["name"]))
        yield from _headings(token.get("children", []))


def _locate(targets: list[tuple[str, bool]], text: str, first_line: int) -> Iterable[LinkRef]:
    """Find each link's line: search the source in document order from the previous hit.

    A target not written literally (e.g. entity-encoded) stays on the previous hit's line;
    misses are remembered, since a later search from further on cannot find them either.
    """
    starts = [0, *(m.end() for m in _NEWLINE.finditer(text))]
    current = 0  # index into starts of the line of the previous hit
    missed: set[str] = set()
    for target, is_image in targets:
        if target and target not in missed:
            found = text.find(target, starts[current])
            if found < 0:
                missed.add(target)
            else:
                current = bisect.bisect_right(starts, found) - 1
        yield LinkRef(target=target, line=first_line + current, is_image=is_image)
