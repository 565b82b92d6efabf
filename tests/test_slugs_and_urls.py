"""Slugs and output paths: German names become safe, stable URL segments."""

from __future__ import annotations

import unicodedata
from urllib.parse import urljoin

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from pactsite.slugs import collision_key, heading_id, slug_from_filename, slugify
from pactsite.urls import UnsafeOutputPathError, UrlPatterns, UrlScheme, output_path


def test_umlauts_and_sharp_s_are_transliterated() -> None:
    assert slugify("Größere Übergänge für Ärzte") == "groessere-uebergaenge-fuer-aerzte"


def test_nfd_file_names_give_the_same_slug_as_nfc() -> None:
    nfd = unicodedata.normalize("NFD", "2003-01-15-Treffen in Gardelegen Süd")
    assert slug_from_filename(nfd) == "treffen-in-gardelegen-sued"


def test_leading_date_is_dropped_from_file_names() -> None:
    assert slug_from_filename("2002-10-22-schaffung-neuer-arbeitsplaetze") == (
        "schaffung-neuer-arbeitsplaetze"
    )


def test_heading_ids_follow_the_slug_rule() -> None:
    assert heading_id("Ziele für 2003") == "ziele-fuer-2003"


def test_slugs_differing_only_in_case_collide() -> None:
    assert collision_key("Treffen") == collision_key("treffen")


@pytest.mark.parametrize(
    "url", ["/../etc/passwd", "/a/../../b/", "relative/", "/a/./b/", "/a//b/", "/a\\b/"]
)
def test_output_path_refuses_anything_outside_the_output_folder(url: str) -> None:
    with pytest.raises(UnsafeOutputPathError):
        output_path(url)


def test_clean_urls_are_written_as_index_files() -> None:
    assert str(output_path("/pakte/altmark/")) == "pakte/altmark/index.html"
    assert str(output_path("/404.html")) == "404.html"


_BASES = [
    "/",
    "https://pakte.example.org/",
    "https://example.org/netzwerk/",
    "https://example.org/a/../",
    "https://example.org/?q=1/",
    "https://example.org//",
    "https://example.org/ohne-schraegstrich",
    "https://example.org/#teil/",
]


@settings(max_examples=500, deadline=None)
@given(
    base=st.sampled_from(_BASES),
    url=st.lists(
        st.sampled_from(["/", "a", "ä", ".", ":", "?", "#", ";", "\\", " "]), max_size=7
    ).map("".join),
)
@example(base="/", url="/a//b/")
@example(base="/", url="/a/../b/")
@example(base="https://pakte.example.org/", url="/pakte/x/feed.xml")
def test_absolute_urls_are_what_urljoin_makes_of_them(base: str, url: str) -> None:
    assert UrlScheme(UrlPatterns(), base).absolute(url) == urljoin(base, url.lstrip("/"))
