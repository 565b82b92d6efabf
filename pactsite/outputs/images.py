"""Images: resized WebP and JPEG variants without metadata, and the responsive markup.

Editors put photos from a phone next to their Markdown. `check` reads only each image's
header (size, orientation) to write `width`, `height` and `srcset`; `build` decodes the
image once, turns it upright by its EXIF orientation, drops every piece of metadata (GPS
positions, camera, ICC profile) and encodes the variants with fixed settings, so the same
photo always gives the same bytes. Variants are cached in `.pactsite-cache/images/` by the
photo's hash and the settings: an unchanged photo is never processed twice. The original
file is never published.
"""

from __future__ import annotations

import hashlib
import html
import io
import re
import shutil
import tempfile
import warnings
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from types import MappingProxyType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL import Image


from pactsite.buildinfo import ImageStats
from pactsite.diagnostics import Diagnostic
from pactsite.i18n import Text, t, verbatim
from pactsite.model import EntryKey, News, Project, Site
from pactsite.outputs import OutputFile
from pactsite.render.links import ASSET_PREFIX, LinkIndex, resolve_link
from pactsite.render.markup import RenderedBody, rewrite_targets

WIDTHS = (480, 960, 1600)
"""Variant widths in pixels; an image is never made wider than it is."""
FALLBACK_WIDTH = 960
JPEG_QUALITY = 82
WEBP_QUALITY = 80
SIZES = "(min-width: 46rem) 42rem, calc(100vw - 2rem)"
"""How wide the text column shows an image (see `--measure` in pactsite.css)."""
RASTER_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".webp"})
BROWSER_ONLY_SUFFIXES = frozenset({".svg", ".gif", ".avif"})
"""Image formats that browsers show and that are published as they are."""
MAX_PIXELS = 80_000_000
MAX_BYTES = 50 * 1024 * 1024


def settings() -> str:
    """What shapes an image's variants besides its bytes: widths, qualities, Pillow's version."""
    import PIL  # here: Pillow's import is 7 ms of a one-file rebuild that touches no image

    return f"w={WIDTHS};jpeg={JPEG_QUALITY};webp={WEBP_QUALITY};pillow={PIL.__version__};v1"


"""Everything that changes a variant's bytes; part of the cache key."""
CACHE_FOLDER = Path(".pactsite-cache", "images")
_FORMATS = (("webp", "image/webp"), ("jpg", "image/jpeg"))
_ROTATED = frozenset({5, 6, 7, 8})  # EXIF orientations that swap width and height
_ORIENTATION = 0x0112
_IMG = re.compile(r"<img\b[^>]*>")
_ATTRIBUTE = re.compile(r'([a-z-]+)="([^"]*)"')
_LIMIT_HINT = t("save it smaller (at most 80 megapixels and 50 MB) and add it again")


@dataclass(frozen=True, slots=True)
class ImageUse:
    """Where an image is used: its asset path, the file and line, and its alt text."""

    asset: str
    path: str
    line: int
    alt: str = ""


@dataclass(frozen=True, slots=True)
class ImageInfo:
    """What the header of an image says: its upright size, and the hash of its bytes."""

    asset: str
    width: int
    height: int
    digest: str

    @property
    def widths(self) -> tuple[int, ...]:
        """The widths of its variants: the standard ones below its own width, then its own."""
        return variant_widths(self.width)

    def size_at(self, width: int) -> tuple[int, int]:
        """The size of the variant `width` pixels wide, keeping the aspect ratio."""
        return width, max(1, round(self.height * width / self.width))


@dataclass(frozen=True, slots=True, kw_only=True)
class ImageSet:
    """The site's images by asset path, and the front-matter image markup by entry key."""

    infos: Mapping[str, ImageInfo] = field(default_factory=lambda: MappingProxyType({}))
    heroes: Mapping[EntryKey, str] = field(default_factory=lambda: MappingProxyType({}))
    uses: tuple[ImageUse, ...] = ()

    def variant_paths(self) -> list[str]:
        """The output paths of every variant, for the link check before they are made."""
        return [
            variant_url(info.asset, width, suffix).lstrip("/")
            for info in self.infos.values()
            for width in info.widths
            for suffix, _ in _FORMATS
        ]


def is_raster(asset: str) -> bool:
    """Whether a content file is a photo or graphic that gets variants (not SVG, not PDF)."""
    return _suffix(asset) in RASTER_SUFFIXES


def variant_widths(width: int) -> tuple[int, ...]:
    """Variant widths for an image `width` pixels wide; never wider than the image."""
    largest = min(width, WIDTHS[-1])
    return (*(w for w in WIDTHS if w < largest), largest)


def variant_url(asset: str, width: int, suffix: str) -> str:
    """The URL of one variant: `/dateien/<folder>/<name>.<width>w.<suffix>`."""
    path = PurePosixPath(asset.removeprefix("content/"))
    return f"{ASSET_PREFIX}{path.parent / path.stem}.{width}w.{suffix}".replace("/./", "/")


def largest_jpeg(info: ImageInfo) -> str:
    """The URL of the largest JPEG variant (what a plain link to the photo leads to)."""
    return variant_url(info.asset, info.widths[-1], "jpg")


def picture_markup(info: ImageInfo, alt: str, *, lazy: bool = True, sizes: str = SIZES) -> str:
    """The `<picture>` for an image: WebP and JPEG `srcset`, its size, lazy loading; pure."""
    widths = info.widths
    fallback = max((w for w in widths if w <= FALLBACK_WIDTH), default=widths[0])
    width, height = info.size_at(widths[-1])

    def srcset(suffix: str) -> str:
        return ", ".join(f"{variant_url(info.asset, w, suffix)} {w}w" for w in widths)

    loading = ' loading="lazy"' if lazy else ""
    return (
        f'<picture><source type="image/webp" srcset="{srcset("webp")}" sizes="{sizes}">'
        f'<img src="{variant_url(info.asset, fallback, "jpg")}" srcset="{srcset("jpg")}" '
        f'sizes="{sizes}" width="{width}" height="{height}" alt="{html.escape(alt)}"'
        f'{loading} decoding="async"></picture>'
    )


def rewrite_images(body_html: str, infos: Mapping[str, ImageInfo]) -> str:
    """Replace each `<img>` of a known image with its `<picture>`, and links to it with a JPEG."""
    if not infos:  # a site without images: nothing to look for in its bodies
        return body_html

    def replace(match: re.Match[str]) -> str:
        attributes = dict(_ATTRIBUTE.findall(match.group(0)))
        info = infos.get(_asset_of(html.unescape(attributes.get("src", ""))))
        if info is None:
            return match.group(0)
        return picture_markup(info, html.unescape(attributes.get("alt", "")))

    def link_to_jpeg(attribute: str, value: str) -> str:
        info = infos.get(_asset_of(html.unescape(value))) if attribute == "href" else None
        return value if info is None else largest_jpeg(info)

    return rewrite_targets(_IMG.sub(replace, body_html), link_to_jpeg)


def _asset_of(url: str) -> str:
    return "content/" + url.removeprefix(ASSET_PREFIX) if url.startswith(ASSET_PREFIX) else ""


def body_image_uses(
    bodies: Mapping[str, RenderedBody], sources: Mapping[str, str], index: LinkIndex
) -> tuple[list[ImageUse], list[Diagnostic]]:
    """Every place a body shows or links a raster image of `content/`, in order.

    An image in a format browsers cannot show (HEIC from phones, TIFF) is an error: it would
    not appear, and its original with all its metadata would be published.
    """
    uses = []
    problems = []
    for key in sorted(bodies):
        for link in bodies[key].links:
            resolution = resolve_link(link.target, sources[key], index, is_image=link.is_image)
            asset = _asset_of(resolution.url)
            if asset and is_raster(asset):
                uses.append(ImageUse(asset, sources[key], link.line))
            elif asset and link.is_image and _suffix(asset) not in BROWSER_ONLY_SUFFIXES:
                problems.append(
                    Diagnostic(
                        path=sources[key],
                        line=link.line,
                        message=t(
                            "image '{image}': browsers cannot show '{suffix}' files",
                            image=link.target,
                            suffix=_suffix(asset),
                        ),
                        hint=t("save the photo as JPEG (or PNG for a graphic) and link that file"),
                    )
                )
    return uses, problems


def _suffix(asset: str) -> str:
    return PurePosixPath(asset).suffix.lower()


def front_matter_images(site: Site, index: LinkIndex) -> tuple[list[ImageUse], list[Diagnostic]]:
    """Resolve the `image:` of news and projects; it needs an `image_alt:` too."""
    uses: list[ImageUse] = []
    problems: list[Diagnostic] = []
    for entry in site.entries.values():
        if not isinstance(entry, News | Project) or not entry.image:
            continue
        line = entry.source.line_of("image")
        resolution = resolve_link(
            entry.image, entry.source.path, index, is_image=True, field="image"
        )
        asset = _asset_of(resolution.url)
        problem: str | Text = resolution.problem
        hint: str | Text = resolution.hint
        if not problem and not (asset and is_raster(asset)):
            problem = t("image '{image}' is not a photo or graphic of this site", image=entry.image)
            hint = t("give the file name of a .jpg, .png or .webp next to the Markdown file")
        elif not problem and not entry.image_alt.strip():
            problem = t("image '{image}' has no image_alt", image=entry.image)
            hint = t(
                "add 'image_alt:' saying what the picture shows, for people who cannot "
                "see it, e.g. image_alt: Teilnehmende beim Treffen in Halle"
            )
        if problem:
            problems.append(
                Diagnostic(path=entry.source.path, line=line, message=problem, hint=hint)
            )
        else:
            uses.append(ImageUse(asset, entry.source.path, line, entry.image_alt.strip()))
    return uses, problems


def probe_images(
    root: Path, uses: Iterable[ImageUse]
) -> tuple[dict[str, ImageInfo], list[Diagnostic]]:
    """Read the header of each used image: upright size and hash; unreadable ones are errors."""
    infos: dict[str, ImageInfo] = {}
    problems: list[Diagnostic] = []
    seen: set[str] = set()
    for use in uses:
        if use.asset in seen:
            continue
        seen.add(use.asset)
        try:
            infos[use.asset] = _probe(root / use.asset, use.asset)
        except _ImageProblem as problem:
            problems.append(problem.at(use))
    return infos, problems


def hero_markup(
    uses: Iterable[ImageUse], entries: Mapping[str, str], infos: Mapping[str, ImageInfo]
) -> dict[EntryKey, str]:
    """The `<picture>` of each entry's front-matter image (shown at once, not lazily)."""
    by_path = {path: key for key, path in entries.items()}
    heroes = {}
    for use in uses:
        info = infos.get(use.asset)
        key = by_path.get(use.path)
        if info is not None and key is not None:
            heroes[key] = picture_markup(info, use.alt, lazy=False)
    return heroes


def check_images(
    root: Path,
    site: Site,
    bodies: Mapping[str, RenderedBody],
    sources: Mapping[str, str],
    index: LinkIndex,
) -> tuple[ImageSet, list[Diagnostic]]:
    """Find every image of bodies and front matter, read its header; report what is wrong."""
    in_bodies, problems = body_image_uses(bodies, sources, index)
    in_front_matter, found = front_matter_images(site, index)
    problems += found
    infos, found = probe_images(root, [*in_bodies, *in_front_matter])
    entries = {key: entry.source.path for key, entry in site.entries.items()}
    images = ImageSet(
        infos=MappingProxyType(infos),
        heroes=MappingProxyType(hero_markup(in_front_matter, entries, infos)),
        uses=(*in_bodies, *in_front_matter),
    )
    return images, problems + found


def apply_images(
    bodies_html: Iterable[tuple[str, str]], images: ImageSet
) -> Iterator[tuple[str, str]]:
    """Every body (key, HTML) with its images turned into responsive `<picture>` markup,
    one by one as asked for."""
    return ((k, rewrite_images(v, images.infos)) for k, v in bodies_html)


class _ImageProblem(Exception):
    def __init__(self, message: Text, hint: Text) -> None:
        super().__init__(str(message))
        self.message, self.hint = message, hint

    def at(self, use: ImageUse) -> Diagnostic:
        return Diagnostic(path=use.path, line=use.line, message=self.message, hint=self.hint)


def _probe(path: Path, asset: str) -> ImageInfo:
    data = _read(path, asset)
    with _opened(data, asset) as image:
        width, height = image.size
        try:
            orientation = image.getexif().get(_ORIENTATION, 1)
        except Exception:  # a broken EXIF block only loses the orientation
            orientation = 1
    if orientation in _ROTATED:
        width, height = height, width
    return ImageInfo(asset, width, height, hashlib.sha256(data).hexdigest())


def _read(path: Path, asset: str) -> bytes:
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise _ImageProblem(
                t("image '{image}' is too large ({size} MB)", image=asset, size=size // 2**20),
                _LIMIT_HINT,
            )
        return path.read_bytes()
    except OSError as error:
        raise _ImageProblem(
            t(
                "image '{image}' cannot be read ({reason})",
                image=asset,
                reason=verbatim(error.strerror or str(error)),
            ),
            t("check the file"),
        ) from None


@contextmanager
def _opened(data: bytes, asset: str) -> Iterator[Image.Image]:
    """Open image bytes with Pillow; a failure or a decompression bomb is an _ImageProblem."""
    from PIL import Image, UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_many_pixels(asset) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise _unreadable(asset, t("it is not an image Pillow can read")) from None
    with image:
        if image.width * image.height > MAX_PIXELS:
            raise _too_many_pixels(asset)
        yield image


def _too_many_pixels(asset: str) -> _ImageProblem:
    return _ImageProblem(
        t("image '{image}' has too many pixels to be processed safely", image=asset), _LIMIT_HINT
    )


def _unreadable(asset: str, why: Text) -> _ImageProblem:
    return _ImageProblem(
        t("image '{image}' cannot be used: {why}", image=asset, why=why),
        t("save it again as JPEG or PNG (the file may be damaged or only partly copied)"),
    )


def build_variants(
    root: Path, images: ImageSet
) -> tuple[list[OutputFile], ImageStats, list[Diagnostic]]:
    """Make (or take from the cache) every variant of every image; report broken ones."""
    files: list[OutputFile] = []
    processed = cached = 0
    problems: list[Diagnostic] = []
    first_use: dict[str, ImageUse] = {}
    for use in images.uses:
        first_use.setdefault(use.asset, use)
    for asset in sorted(images.infos):
        info = images.infos[asset]
        cache = root / CACHE_FOLDER / cache_key(info)
        variants = _from_cache(cache, info)
        if variants is None:
            try:
                variants = make_variants((root / asset).read_bytes(), info)
            except _ImageProblem as problem:
                use = first_use.get(asset, ImageUse(asset, asset, 1))
                problems.append(problem.at(use))
                continue
            except OSError as error:
                use = first_use.get(asset, ImageUse(asset, asset, 1))
                why = verbatim(error.strerror or str(error))
                problems.append(_unreadable(asset, why).at(use))
                continue
            _to_cache(cache, variants)
            processed += 1
        else:
            cached += 1
        files += [
            OutputFile(PurePosixPath(variant_url(asset, width, suffix).lstrip("/")), content)
            for (width, suffix), content in sorted(variants.items())
        ]
    return files, ImageStats(processed=processed, cached=cached), problems


def cache_key(info: ImageInfo) -> str:
    """The cache folder name of an image: its hash and the settings that shape its variants."""
    return hashlib.sha256(f"{info.digest};{settings()}".encode()).hexdigest()


def make_variants(data: bytes, info: ImageInfo) -> dict[tuple[int, str], bytes]:
    """Decode, turn upright, drop metadata and encode every variant of one image; pure."""
    from PIL import Image, ImageOps

    with _opened(data, info.asset) as opened:
        try:
            upright = ImageOps.exif_transpose(opened)
            upright.load()
        except (OSError, SyntaxError, ValueError) as error:
            raise _unreadable(
                info.asset, t("it is damaged ({error})", error=verbatim(str(error)))
            ) from None
        pixels = _flatten(upright)
    variants: dict[tuple[int, str], bytes] = {}
    for width in info.widths:
        size = info.size_at(width)
        scaled = pixels if size == pixels.size else pixels.resize(size, Image.Resampling.LANCZOS)
        scaled.info = {}  # no EXIF, XMP, ICC profile or comment travels on
        variants[(width, "webp")] = _encode(scaled, "WEBP", quality=WEBP_QUALITY, method=6)
        variants[(width, "jpg")] = _encode(
            scaled, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True
        )
    return variants


def _flatten(image: Image.Image) -> Image.Image:
    """RGB pixels only: transparency goes onto white (JPEG has none), palettes are expanded."""
    from PIL import Image

    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        white = Image.new("RGB", rgba.size, (255, 255, 255))
        white.paste(rgba, mask=rgba.getchannel("A"))
        return white
    return image.convert("RGB")


def _encode(image: Image.Image, kind: str, **options: object) -> bytes:
    out = io.BytesIO()
    image.save(out, kind, **options)
    return out.getvalue()


def _from_cache(cache: Path, info: ImageInfo) -> dict[tuple[int, str], bytes] | None:
    wanted = [(width, suffix) for width in info.widths for suffix, _ in _FORMATS]
    try:
        return {(w, s): (cache / f"{w}.{s}").read_bytes() for w, s in wanted}
    except OSError:
        return None


def _to_cache(cache: Path, variants: Mapping[tuple[int, str], bytes]) -> None:
    """Store variants; a cache that cannot be written only costs time on the next build."""
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".tmp-", dir=cache.parent))
        for (width, suffix), content in variants.items():
            (staging / f"{width}.{suffix}").write_bytes(content)
        try:
            staging.rename(cache)
        except OSError:  # another build put it there first
            shutil.rmtree(staging, ignore_errors=True)
    except OSError:
        return
