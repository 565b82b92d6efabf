"""Images: resized WebP and JPEG variants, no metadata, upright, cached, and alt text required."""

from __future__ import annotations

import io
import shutil
import struct
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import ExifTags, Image

from pactsite.outputs.images import ImageInfo, picture_markup, variant_widths

from conftest import Run, parse_page, run_pactsite

Build = Callable[..., tuple[Run, Path]]
NEWS = "content/pacts/alpha/news/2002-10-22-erste-meldung.md"
PROJECT = "content/pacts/alpha/projects/qualifizierung.md"
NEWS_PAGE = "pakte/alpha/aktuelles/erste-meldung/index.html"
PROJECT_PAGE = "pakte/alpha/projekte/qualifizierung/index.html"
VARIANTS = "dateien/pacts/alpha/news"
RED, BLUE = (220, 20, 20), (20, 20, 220)


def photo(width: int, height: int, **save: object) -> bytes:
    """A JPEG whose left half is red and right half blue."""
    image = Image.new("RGB", (width, height), BLUE)
    image.paste(RED, (0, 0, width // 2, height))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90, **save)
    return out.getvalue()


def gps_exif() -> bytes:
    """EXIF with a camera model and a GPS position (a home in Halle)."""
    exif = Image.Exif()
    exif[ExifTags.Base.Model] = "Telefon X"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (51.0, 28.0, 55.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (11.0, 58.0, 10.0)
    return exif.tobytes()


def add_body(site: Path, text: str, path: str = NEWS) -> None:
    file = site / path
    file.write_text(file.read_text(encoding="utf-8") + "\n" + text + "\n", encoding="utf-8")


def put(site: Path, name: str, data: bytes, folder: str = "content/pacts/alpha/news") -> None:
    (site / folder / name).write_bytes(data)


def test_variant_widths_are_the_standard_ones_and_never_wider_than_the_image() -> None:
    assert variant_widths(4000) == (480, 960, 1600)
    assert variant_widths(1600) == (480, 960, 1600)
    assert variant_widths(700) == (480, 700)
    assert variant_widths(300) == (300,)


def test_picture_markup_has_webp_and_jpeg_srcsets_size_and_lazy_loading() -> None:
    info = ImageInfo("content/pacts/a/news/foto.jpg", 2000, 1000, "0" * 64)
    markup = picture_markup(info, 'Ein "Foto" & mehr')
    assert markup.startswith('<picture><source type="image/webp" srcset="')
    assert "/dateien/pacts/a/news/foto.1600w.webp 1600w" in markup
    assert 'src="/dateien/pacts/a/news/foto.960w.jpg"' in markup
    assert 'width="1600" height="800"' in markup
    assert 'alt="Ein &quot;Foto&quot; &amp; mehr"' in markup
    assert 'loading="lazy" decoding="async"' in markup
    assert 'loading="lazy"' not in picture_markup(info, "x", lazy=False)


def test_build_makes_webp_and_jpeg_variants_of_the_right_sizes(
    build_minimal: Build, minimal_site: Path
) -> None:
    put(minimal_site, "treffen.jpg", photo(2000, 1500))
    add_body(minimal_site, "![Teilnehmende beim Treffen](treffen.jpg)")
    run, out = build_minimal()
    assert run.exit_code == 0, run.stderr
    found = {p.name: p for p in (out / VARIANTS).iterdir()}
    assert sorted(found) == sorted(
        f"treffen.{w}w.{s}" for w in (480, 960, 1600) for s in ("jpg", "webp")
    )
    for width in (480, 960, 1600):
        with Image.open(found[f"treffen.{width}w.jpg"]) as jpeg:
            assert (jpeg.format, jpeg.size) == ("JPEG", (width, width * 3 // 4))
        with Image.open(found[f"treffen.{width}w.webp"]) as webp:
            assert (webp.format, webp.size) == ("WEBP", (width, width * 3 // 4))
    assert not (out / VARIANTS / "treffen.jpg").exists(), "the original (with EXIF) is published"


def test_small_images_are_not_enlarged(build_minimal: Build, minimal_site: Path) -> None:
    put(minimal_site, "klein.jpg", photo(640, 480))
    add_body(minimal_site, "![Kleines Bild](klein.jpg)")
    run, out = build_minimal()
    assert run.exit_code == 0, run.stderr
    assert sorted(p.name for p in (out / VARIANTS).glob("klein.*.jpg")) == [
        "klein.480w.jpg",
        "klein.640w.jpg",
    ]
    with Image.open(out / VARIANTS / "klein.640w.jpg") as largest:
        assert largest.size == (640, 480)


def test_gps_position_and_all_other_metadata_are_stripped(
    build_minimal: Build, minimal_site: Path
) -> None:
    original = photo(1200, 900, exif=gps_exif())
    with Image.open(io.BytesIO(original)) as check:
        assert check.getexif().get_ifd(ExifTags.IFD.GPSInfo), "the test photo has no GPS"
    put(minimal_site, "zuhause.jpg", original)
    add_body(minimal_site, "![Ein Garten](zuhause.jpg)")
    run, out = build_minimal()
    assert run.exit_code == 0, run.stderr
    variants = sorted((out / VARIANTS).glob("zuhause.*"))
    assert len(variants) == 6
    for variant in variants:
        data = variant.read_bytes()
        with Image.open(variant) as image:
            assert not image.getexif(), variant.name
            assert not {"exif", "icc_profile", "xmp", "comment"} & set(image.info), variant.name
        assert b"Exif" not in data and b"Telefon X" not in data, variant.name


def test_exif_orientation_is_applied_before_the_tag_is_dropped(
    build_minimal: Build, minimal_site: Path
) -> None:
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6  # stored lying; shown turned 90° clockwise
    put(minimal_site, "hochkant.jpg", photo(800, 400, exif=exif.tobytes()))
    add_body(minimal_site, "![Ein Bild im Hochformat](hochkant.jpg)")
    run, out = build_minimal()
    assert run.exit_code == 0, run.stderr
    with Image.open(out / VARIANTS / "hochkant.400w.jpg") as upright:
        assert upright.size == (400, 800)
        top, bottom = upright.getpixel((200, 100)), upright.getpixel((200, 700))
    assert isinstance(top, tuple) and isinstance(bottom, tuple)
    assert top[0] > 150 > top[2], "the red half of the photo should be on top"
    assert bottom[2] > 150 > bottom[0]
    img = parse_page(out / NEWS_PAGE).xpath("//img[@alt='Ein Bild im Hochformat']")[0]
    assert (img.get("width"), img.get("height")) == ("400", "800")


def test_page_has_picture_with_srcset_size_and_lazy_loading(
    build_minimal: Build, minimal_site: Path
) -> None:
    put(minimal_site, "treffen.jpg", photo(1000, 500))
    add_body(minimal_site, "![Teilnehmende beim Treffen](treffen.jpg)")
    run, out = build_minimal()
    assert run.exit_code == 0, run.stderr
    page = parse_page(out / NEWS_PAGE)
    source = page.xpath("//picture/source")[0]
    assert source.get("type") == "image/webp"
    assert source.get("srcset") == (
        "/dateien/pacts/alpha/news/treffen.480w.webp 480w, "
        "/dateien/pacts/alpha/news/treffen.960w.webp 960w, "
        "/dateien/pacts/alpha/news/treffen.1000w.webp 1000w"
    )
    img = page.xpath("//picture//img")[0]
    assert img.get("alt") == "Teilnehmende beim Treffen"
    assert img.get("src") == "/dateien/pacts/alpha/news/treffen.960w.jpg"
    assert "treffen.480w.jpg 480w" in img.get("srcset")
    assert img.get("sizes")
    assert (img.get("width"), img.get("height")) == ("1000", "500")
    assert (img.get("loading"), img.get("decoding")) == ("lazy", "async")
    for url in [img.get("src"), *(c.split()[0] for c in img.get("srcset").split(", "))]:
        assert (out / url.lstrip("/")).is_file(), url


def test_a_second_build_processes_no_image(build_minimal: Build, minimal_site: Path) -> None:
    put(minimal_site, "treffen.jpg", photo(1000, 500))
    put(minimal_site, "garten.png", _png(700, 300))
    add_body(minimal_site, "![Treffen](treffen.jpg) ![Garten](garten.png)")
    first, out = build_minimal()
    assert first.exit_code == 0, first.stderr
    assert "images: 2 processed, 0 from cache" in first.output
    before = {p.name: p.read_bytes() for p in (out / VARIANTS).iterdir()}
    second, out = build_minimal()
    assert "images: 0 processed, 2 from cache" in second.output
    assert {p.name: p.read_bytes() for p in (out / VARIANTS).iterdir()} == before
    put(minimal_site, "treffen.jpg", photo(1000, 600))  # a changed photo is made anew
    third, _ = build_minimal()
    assert "images: 1 processed, 1 from cache" in third.output


def test_variants_are_byte_identical_without_the_cache(
    build_minimal: Build, minimal_site: Path
) -> None:
    put(minimal_site, "treffen.jpg", photo(1000, 500, exif=gps_exif()))
    add_body(minimal_site, "![Treffen](treffen.jpg)")
    _, out = build_minimal()
    before = {p.name: p.read_bytes() for p in (out / VARIANTS).iterdir()}
    shutil.rmtree(minimal_site / ".pactsite-cache")
    run, out = build_minimal()
    assert "images: 1 processed" in run.output
    assert {p.name: p.read_bytes() for p in (out / VARIANTS).iterdir()} == before


def test_an_image_without_alt_text_is_an_error_with_file_and_line(
    build_minimal: Build, minimal_site: Path
) -> None:
    put(minimal_site, "treffen.jpg", photo(600, 400))
    add_body(minimal_site, "Text.\n\n![](treffen.jpg)")
    run, _ = build_minimal()
    assert run.exit_code == 1
    line = (minimal_site / NEWS).read_text(encoding="utf-8").split("\n").index("![](treffen.jpg)")
    assert f"{NEWS}:{line + 1}: error: image 'treffen.jpg' has no alt text" in run.stderr
    assert "![Teilnehmende beim Treffen](treffen.jpg)" in run.stderr
    assert "Traceback" not in run.stderr
    check = run_pactsite("check", "--site", str(minimal_site))
    assert check.exit_code == 1 and "has no alt text" in check.stderr


def test_front_matter_image_is_shown_at_the_top_with_its_alt_text(
    build_minimal: Build, minimal_site: Path
) -> None:
    put(minimal_site, "kurs.jpg", photo(1800, 1200), "content/pacts/alpha/projects")
    project = minimal_site / PROJECT
    project.write_text(
        project.read_text(encoding="utf-8").replace(
            "budget_eur: 25000\n",
            "budget_eur: 25000\nimage: kurs.jpg\nimage_alt: Ein Kursraum mit Laborbänken\n",
        ),
        encoding="utf-8",
    )
    run, out = build_minimal()
    assert run.exit_code == 0, run.stderr
    img = parse_page(out / PROJECT_PAGE).xpath("//figure[@class='entry-image']/picture//img")[0]
    assert img.get("alt") == "Ein Kursraum mit Laborbänken"
    assert (img.get("width"), img.get("height")) == ("1600", "1067")
    assert img.get("loading") is None, "the image at the top is shown at once"
    assert (out / "dateien/pacts/alpha/projects/kurs.1600w.webp").is_file()


def test_front_matter_image_without_image_alt_is_an_error_at_its_line(
    build_minimal: Build, minimal_site: Path
) -> None:
    put(minimal_site, "kurs.jpg", photo(600, 400), "content/pacts/alpha/projects")
    project = minimal_site / PROJECT
    text = project.read_text(encoding="utf-8").replace("status:", "image: kurs.jpg\nstatus:")
    project.write_text(text, encoding="utf-8")
    run, _ = build_minimal()
    assert run.exit_code == 1
    assert f"{PROJECT}:3: error: image 'kurs.jpg' has no image_alt; add 'image_alt:'" in run.stderr


def test_front_matter_image_that_does_not_exist_is_an_error(
    build_minimal: Build, minimal_site: Path
) -> None:
    project = minimal_site / PROJECT
    text = project.read_text(encoding="utf-8").replace(
        "status:", "image: kurz.jpg\nimage_alt: Ein Kurs\nstatus:"
    )
    project.write_text(text, encoding="utf-8")
    run, _ = build_minimal()
    assert run.exit_code == 1
    assert f"{PROJECT}:3: error: image: there is no file" in run.stderr


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"this is not a photo at all", "cannot be used: it is not an image Pillow can read"),
        (photo(800, 600)[:2000], "cannot be used: it is damaged"),
    ],
    ids=["not-an-image", "truncated"],
)
def test_a_broken_image_is_a_clean_error(
    build_minimal: Build, minimal_site: Path, content: bytes, message: str
) -> None:
    put(minimal_site, "kaputt.jpg", content)
    add_body(minimal_site, "![Ein Foto](kaputt.jpg)")
    run, out = build_minimal()
    assert run.exit_code == 1
    assert f"{NEWS}:" in run.stderr and message in run.stderr
    assert "Traceback" not in run.stderr and not out.exists()


def test_a_decompression_bomb_is_refused_before_decoding(
    build_minimal: Build, minimal_site: Path
) -> None:
    put(minimal_site, "bombe.png", _png_header_only(30_000, 30_000))
    add_body(minimal_site, "![Eine Grafik](bombe.png)")
    run, _ = build_minimal()
    assert run.exit_code == 1
    assert "image 'content/pacts/alpha/news/bombe.png' has too many pixels" in run.stderr
    assert "Traceback" not in run.stderr


def test_a_plain_link_to_a_photo_leads_to_the_stripped_jpeg(
    build_minimal: Build, minimal_site: Path
) -> None:
    put(minimal_site, "treffen.jpg", photo(2400, 1600, exif=gps_exif()))
    add_body(minimal_site, "[Das Foto in voller Größe](treffen.jpg)")
    run, out = build_minimal()
    assert run.exit_code == 0, run.stderr
    hrefs = parse_page(out / NEWS_PAGE).xpath("//a[text()='Das Foto in voller Größe']/@href")
    assert hrefs == ["/dateien/pacts/alpha/news/treffen.1600w.jpg"]
    assert not (out / VARIANTS / "treffen.jpg").exists()


def _png(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", (width, height), (0, 128, 0, 128)).save(out, "PNG")
    return out.getvalue()


def _png_header_only(width: int, height: int) -> bytes:
    """A PNG that claims a huge size; decoding it would need gigabytes."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00" * 64)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def test_a_heic_photo_from_a_phone_is_an_error_with_a_fix(
    build_minimal: Build, minimal_site: Path
) -> None:
    put(minimal_site, "IMG_0001.HEIC", b"\x00\x00\x00\x18ftypheic")
    add_body(minimal_site, "![Teilnehmende beim Treffen](IMG_0001.HEIC)")
    run, _ = build_minimal()
    assert run.exit_code == 1
    assert "error: image 'IMG_0001.HEIC': browsers cannot show '.heic' files" in run.stderr
    assert "save the photo as JPEG" in run.stderr
