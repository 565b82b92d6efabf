"""The link resolver: relative paths and short forms to URLs, with suggestions when broken."""

from __future__ import annotations

import unicodedata
from types import MappingProxyType

from pactsite.render.links import LinkIndex, Target, resolve_link


def _index() -> LinkIndex:
    targets = {
        "altmark": Target("altmark", "/pakte/altmark/", frozenset()),
        "altmark/events/treffen": Target(
            "altmark/events/treffen", "/pakte/altmark/termine/treffen/", frozenset({"ort"})
        ),
        "halle/news/meldung": Target(
            "halle/news/meldung", "/pakte/halle/aktuelles/meldung/", frozenset()
        ),
        "pages/impressum": Target("pages/impressum", "/impressum/", frozenset()),
    }
    paths = {
        "content/pacts/altmark/pact.yaml": "altmark",
        "content/pacts/altmark/events/2003-01-15-treffen.md": "altmark/events/treffen",
        "content/pacts/halle/news/2002-10-22-meldung.md": "halle/news/meldung",
        "content/pages/impressum.md": "pages/impressum",
    }
    return LinkIndex(
        by_key=MappingProxyType(targets),
        by_path=MappingProxyType(paths),
        assets=frozenset({"content/pacts/halle/news/plan.pdf"}),
        hidden=frozenset(),
    )


HALLE_NEWS = "content/pacts/halle/news/2002-10-22-meldung.md"


def test_relative_path_to_another_pacts_file_with_fragment() -> None:
    found = resolve_link("../../altmark/events/2003-01-15-treffen.md#ort", HALLE_NEWS, _index())
    assert (found.url, found.key, found.problem) == (
        "/pakte/altmark/termine/treffen/#ort",
        "altmark/events/treffen",
        "",
    )


def test_short_forms_reach_pacts_entries_and_network_pages() -> None:
    assert resolve_link("pact:altmark", HALLE_NEWS, _index()).url == "/pakte/altmark/"
    assert resolve_link("pact:altmark/events/treffen#ort", HALLE_NEWS, _index()).url == (
        "/pakte/altmark/termine/treffen/#ort"
    )
    assert resolve_link("page:impressum", HALLE_NEWS, _index()).url == "/impressum/"


def test_links_from_network_pages_into_pacts_and_back() -> None:
    found = resolve_link(
        "../pacts/halle/news/2002-10-22-meldung.md", "content/pages/x.md", _index()
    )
    assert found.url == "/pakte/halle/aktuelles/meldung/"
    back = resolve_link("../../../pages/impressum.md", HALLE_NEWS, _index())
    assert back.url == "/impressum/"


def test_nfd_and_percent_encoded_paths_resolve() -> None:
    index = _index()
    paths = dict(index.by_path)
    paths["content/pacts/halle/news/2002-11-01-grüße.md"] = "halle/news/meldung"
    index = LinkIndex(index.by_key, MappingProxyType(paths), index.assets, index.hidden)
    nfd = unicodedata.normalize("NFD", "2002-11-01-grüße.md")
    assert resolve_link(nfd, HALLE_NEWS, index).key == "halle/news/meldung"
    encoded = resolve_link("2002-11-01-gr%C3%BC%C3%9Fe.md", HALLE_NEWS, index)
    assert encoded.key == "halle/news/meldung"


def test_missing_target_suggests_the_nearest_existing_one() -> None:
    found = resolve_link("pact:altmark/events/trefen", HALLE_NEWS, _index())
    assert str(found.problem) == "link to 'pact:altmark/events/trefen' leads nowhere"
    assert str(found.hint) == "did you mean pact:altmark/events/treffen?"


def test_missing_fragment_suggests_a_heading() -> None:
    found = resolve_link("pact:altmark/events/treffen#ortt", HALLE_NEWS, _index())
    assert str(found.hint) == "did you mean '#ort'?"


def test_external_and_site_absolute_links_are_left_alone() -> None:
    for target in ("https://example.org/", "mailto:a@example.org", "/aktuelles/", "#oben"):
        assert resolve_link(target, HALLE_NEWS, _index()).url == target


def test_files_beside_the_markdown_are_published_below_dateien() -> None:
    assert (
        resolve_link("plan.pdf", HALLE_NEWS, _index()).url == "/dateien/pacts/halle/news/plan.pdf"
    )
