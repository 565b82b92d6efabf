"""Reading the content folder: which files there are and what each one holds."""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from enum import Enum
from pathlib import Path, PurePosixPath

from pactsite.content.languages import ISO_639_1, language_of_stem, misnamed_language
from pactsite.content.textfile import read_text
from pactsite.diagnostics import Diagnostic
from pactsite.i18n import Text, t

CONTENT_DIR = "content"
PACT_PROFILE = "pact.yaml"
PACT_INDEX = "index.md"
ENTRY_FOLDERS = ("news", "projects", "events", "pages")
VARIANTS = ("leichte-sprache",)
"""Other versions of a page, written beside it as `<name>.<variant>.md`."""
VARIANT_SPELLINGS = {"ls": "leichte-sprache", "leichte-sprache": "leichte-sprache"}
"""How a variant is written before `.md`, and which variant it is: `.ls.md` is the short form
of `.leichte-sprache.md`."""
_IGNORED_PREFIXES = (".", "#", "~")
_IGNORED_SUFFIXES = ("~", ".swp", ".swx", ".tmp", ".bak", ".orig")
_IGNORED_NAMES = ("thumbs.db", "desktop.ini")
MARKDOWN_SUFFIXES = (".md", ".markdown")
"""Markdown files, in any case (`.MD`)."""
_TEXT_SUFFIXES = (".txt", ".text", ".mdown", ".mkd", ".mkdn", ".mdwn", ".mdtxt", ".rst", "")
"""Text files an editor may have meant as a page: renamed to `.md`, they are one."""
_FOLDER_NAMES = {
    **{folder: folder for folder in ENTRY_FOLDERS},
    "aktuelles": "news",
    "nachrichten": "news",
    "meldungen": "news",
    "projekte": "projects",
    "project": "projects",
    "termine": "events",
    "veranstaltungen": "events",
    "event": "events",
    "seiten": "pages",
    "page": "pages",
}
"""Folder names an editor may write for the folders of a pact's entries."""


class SourceKind(Enum):
    """What a source file is, by where it lies."""

    NETWORK_PAGE = "page"
    PACT_PROFILE = "pact"
    PACT_INDEX = "pact_index"
    NEWS = "news"
    PROJECT = "projects"
    EVENT = "events"
    PACT_PAGE = "pages"


_FOLDER_KINDS = {
    "news": SourceKind.NEWS,
    "projects": SourceKind.PROJECT,
    "events": SourceKind.EVENT,
    "pages": SourceKind.PACT_PAGE,
}


@dataclass(frozen=True, slots=True, kw_only=True)
class SourceFile:
    """A content file: its site-relative path, kind, pact folder, front matter and body."""

    path: str
    kind: SourceKind
    pact: str | None
    stem: str
    variant: str = ""
    language: str = ""
    """The language code of a translation (`bericht.en.md`: `en`); empty on an original."""
    front_matter: str
    front_matter_line: int
    body: str
    body_line: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Sources:
    """All source files, the pact folders found, and the other files (images, PDFs)."""

    files: tuple[SourceFile, ...]
    pact_folders: tuple[str, ...]
    assets: tuple[str, ...]


def read_sources(root: Path) -> tuple[Sources, list[Diagnostic]]:
    """Read every content file under `root/content`, reporting what cannot be read."""
    content = root / CONTENT_DIR
    files: list[SourceFile] = []
    assets: list[str] = []
    problems: list[Diagnostic] = []
    for path, relative, kind, pact in _classified(content):
        if kind is None:
            unused = _unused(relative)
            if unused:
                problems.append(unused)
            else:
                assets.append(relative)
            continue
        source, problem = _read_source(path, relative, kind, pact)
        if problem:
            problems.append(problem)
        if source:
            files.append(source)
    folders = _pact_folders(content / "pacts")
    problems += [_no_profile(folder) for folder in folders if not (folder / PACT_PROFILE).is_file()]
    pact_folders = tuple(nfc(folder.name) for folder in folders)
    return Sources(
        files=tuple(files), pact_folders=pact_folders, assets=tuple(sorted(assets))
    ), problems


def _pact_folders(pacts_dir: Path) -> list[Path]:
    """The pacts' folders in `pacts_dir`, in the order of their (NFC) names."""
    if not pacts_dir.is_dir():
        return []
    found = (p for p in pacts_dir.iterdir() if p.is_dir() and not _ignored(p.name))
    return sorted(found, key=lambda p: nfc(p.name))


def _no_profile(folder: Path) -> Diagnostic:
    """The error of a pact folder without its profile."""
    return Diagnostic(
        path=f"{CONTENT_DIR}/pacts/{nfc(folder.name)}/{PACT_PROFILE}",
        line=1,
        message=t(
            "pact folder '{folder}' has no {file}", folder=nfc(folder.name), file=PACT_PROFILE
        ),
        hint=t("create it with at least 'name: ...' (pactsite new pact)"),
    )


ListedSource = tuple[Path, str, SourceKind, str | None]
"""A content file as `read_sources` finds it: its path, site-relative path, kind and pact."""


def listed_sources(root: Path) -> list[ListedSource]:
    """The content files under `root/content` that have a Markdown body, in the order that
    `read_sources` reads them (without reading them)."""
    return [
        (path, relative, kind, pact)
        for path, relative, kind, pact in _classified(root / CONTENT_DIR)
        if kind is not None and kind is not SourceKind.PACT_PROFILE
    ]


def _classified(
    content: Path,
) -> Iterator[tuple[Path, str, SourceKind | None, str | None]]:
    """Every file below `content` (see `_walk`): its path, site-relative path, kind and pact
    (no kind: not a content file)."""
    for path, parts in _walk(content):
        yield (path, nfc("/".join((CONTENT_DIR, *parts))), *classify(parts))


def read_source(listed: ListedSource) -> SourceFile | None:
    """Read one listed content file as `read_sources` does; None if it cannot be read."""
    return _read_source(*listed)[0]


def nfc(text: str) -> str:
    """Normalise a name to NFC (macOS writes file names as NFD)."""
    return unicodedata.normalize("NFC", text)


def _ignored(name: str) -> bool:
    return (
        name.startswith(_IGNORED_PREFIXES)
        or name.endswith(_IGNORED_SUFFIXES)
        or name.lower() in _IGNORED_NAMES
    )


def is_markdown(name: str) -> bool:
    """Whether a file name is a Markdown file's: `.md` or `.markdown`, in any case."""
    return name.lower().endswith(MARKDOWN_SUFFIXES)


def _walk(content: Path) -> Iterator[tuple[Path, tuple[str, ...]]]:
    """Yield content files and their path parts below `content/`, in a stable order,
    skipping hidden and editor temp files."""
    if not content.is_dir():
        return
    for folder, dirnames, filenames in os.walk(content):
        dirnames[:] = sorted(d for d in dirnames if not _ignored(d))
        inside = Path(folder).relative_to(content).parts  # once a folder, not once a file
        for name in sorted(filenames):
            if not _ignored(name):
                yield Path(folder, name), (*inside, name)


def classify(parts: tuple[str, ...]) -> tuple[SourceKind | None, str | None]:
    """Tell a content file's kind and pact from its path below `content/`."""
    parts = tuple(nfc(p) for p in parts)
    if len(parts) == 2 and parts[0] == "pages" and is_markdown(parts[1]):
        return SourceKind.NETWORK_PAGE, None
    if len(parts) == 3 and parts[0] == "pacts":
        if parts[2] == PACT_PROFILE:
            return SourceKind.PACT_PROFILE, parts[1]
        if is_markdown(parts[2]) and parts[2].lower().startswith("index."):
            return SourceKind.PACT_INDEX, parts[1]
    if len(parts) == 4 and parts[0] == "pacts" and is_markdown(parts[3]):
        kind = _FOLDER_KINDS.get(parts[2])
        return (kind, parts[1]) if kind else (None, None)
    return None, None


def _unused(relative: str) -> Diagnostic | None:
    """What to do with a file in `content/` that pactsite would not read; None for a file
    such as an image or PDF, which is published when a page links to it."""
    parts = PurePosixPath(relative).parts[1:]
    name = parts[-1]
    stem, suffix = _split_suffix(name)
    if suffix in (".yaml", ".yml") and len(parts) == 3 and parts[0] == "pacts":
        return _rename(relative, t("rename it to {name}", name=PACT_PROFILE))
    if is_markdown(name):
        return _misplaced(relative, parts, name)
    if suffix in _TEXT_SUFFIXES and _is_content_folder(parts):
        renamed = f"{stem}.md"
        return _rename(relative, t("rename it to {name}", name=renamed))
    if suffix in (".yaml", ".yml"):
        return _rename(relative, t("pactsite reads only site.yaml and each pact's pact.yaml"))
    return None


def _split_suffix(name: str) -> tuple[str, str]:
    stem, dot, suffix = name.rpartition(".")
    return (stem, f".{suffix.lower()}") if dot and stem else (name, "")


def _is_content_folder(parts: tuple[str, ...]) -> bool:
    """Whether a file lies where pactsite reads pages (`pages/`, a pact's folders)."""
    if parts[0] == "pages":
        return len(parts) == 2
    return parts[0] == "pacts" and len(parts) == 4 and parts[2] in _FOLDER_KINDS


def _rename(relative: str, hint: Text) -> Diagnostic:
    return Diagnostic(
        path=relative, line=1, message=t("pactsite does not read this file"), hint=hint
    )


def _misplaced(relative: str, parts: tuple[str, ...], name: str) -> Diagnostic:
    hint = t(
        "put network pages in content/pages/, a pact's files in content/pacts/<pact>/{folders}/",
        folders="{news,projects,events,pages}",
    )
    if len(parts) == 4 and parts[0] == "pacts":
        meant = _FOLDER_NAMES.get(parts[2].lower())
        if meant:
            folder = f"{CONTENT_DIR}/pacts/{parts[1]}/{meant}/"
            hint = t("move it to {folder}", folder=folder)
    elif len(parts) == 3 and parts[0] == "pacts":
        folder = f"{CONTENT_DIR}/pacts/{parts[1]}/pages/"
        hint = t("move it to {folder}", folder=folder)
    elif len(parts) == 1 or (len(parts) == 2 and parts[0] == "pacts"):
        hint = t("move it to {folder}", folder=CONTENT_DIR + "/pages/")
    if beside := _beside_original(parts, name):
        hint = t(
            "a translation lies beside its original, with the language in its name: "
            "move it to {path}",
            path=beside,
        )
    return Diagnostic(
        path=relative,
        line=1,
        message=t("this file is not in a folder pactsite knows"),
        hint=hint,
    )


def _beside_original(parts: tuple[str, ...], name: str) -> str:
    """Where a file put in a folder named like a language (`content/en/pages/`, as Hugo
    reads translations) belongs: beside its original, the code in its name; else ''."""
    for index, part in enumerate(parts[:-1]):
        code = part.lower()
        if code not in ISO_639_1 or (index == 1 and parts[0] == "pacts"):  # a pact's folder
            continue
        rest = parts[:index] + parts[index + 1 :]
        if _is_content_folder(rest):
            stem, suffix = _split_suffix(name)
            return "/".join((CONTENT_DIR, *rest[:-1], f"{stem}.{code}{suffix}"))
    return ""


def _read_source(
    path: Path, relative: str, kind: SourceKind, pact: str | None
) -> tuple[SourceFile | None, Diagnostic | None]:
    text, problem = read_text(path, relative)
    if text is None:
        return None, problem
    stem, variant = split_variant(nfc(path.stem))
    stem, language = language_of_stem(stem)
    if (misnamed := misnamed_language(stem)) and kind is not SourceKind.PACT_PROFILE:
        return None, _misnamed_language(relative, stem, *misnamed)
    if kind is SourceKind.PACT_PROFILE and not text.strip():
        return None, Diagnostic(
            path=relative,
            line=1,
            message=t("the file is empty"),
            hint=t("write at least the pact's name: name: ..."),
        )
    if kind is SourceKind.PACT_PROFILE:
        parts: tuple[str, str, int, int] = (text, "", 1, 1)  # all front matter
        variant = ""
    elif kind is SourceKind.PACT_INDEX and not text.startswith("---"):
        # A pact's description needs no front matter: its title is the name in pact.yaml.
        parts = ("", text, 1, 1)
    else:
        split = split_front_matter(text)
        if split is None:
            return None, _no_front_matter(relative, text)
        parts = (split[0], split[1], 2, split[2])
    front_matter, body, front_matter_line, body_line = parts
    return SourceFile(
        path=relative,
        kind=kind,
        pact=pact,
        stem=stem,
        variant=variant,
        language=language,
        front_matter=front_matter,
        front_matter_line=front_matter_line,
        body=body,
        body_line=body_line,
    ), None


def _misnamed_language(relative: str, stem: str, suffix: str, code: str) -> Diagnostic:
    """A file named like a translation with a language's name instead of its code."""
    name = PurePosixPath(relative)
    renamed = f"{stem.removesuffix('.' + suffix)}.{code}{name.suffix}"
    return Diagnostic(
        path=relative,
        line=1,
        message=t("'.{suffix}' in the file name is not a language code", suffix=suffix),
        hint=t("did you mean '.{code}'? rename the file to {name}", code=code, name=renamed),
    )


def _no_front_matter(relative: str, text: str) -> Diagnostic:
    """Say what is wrong with the top of a Markdown file: empty, unclosed, or no `---`."""
    if not text.strip():
        return Diagnostic(
            path=relative,
            line=1,
            message=t("the file is empty"),
            hint=t("start it with a line '---', then 'title: ...', then a line '---'"),
        )
    lines = text.split("\n")
    if lines[0].rstrip() == "---":
        end = next(
            (n for n, line in enumerate(lines[1:], 2) if line.strip() and not _yaml_like(line)),
            len(lines) + 1,
        )
        return Diagnostic(
            path=relative,
            line=1,
            message=t("the front matter opened with '---' in line 1 is never closed"),
            hint=t("write a line '---' before line {line}", line=end)
            if end <= len(lines)
            else t("write a line '---' below the front matter"),
        )
    return Diagnostic(
        path=relative,
        line=1,
        message=t("no front matter at the top of the file"),
        hint=t("start the file with a line '---', then 'title: ...', then a line '---'"),
    )


def _yaml_like(line: str) -> bool:
    """Whether a line looks like front matter (`key: value`, `- item`, indented); a line
    starting with `#` is taken for the body's first heading."""
    return line[0] in " \t-" or (":" in line and not line.startswith(("#", "[", "!")))


def split_variant(stem: str) -> tuple[str, str]:
    """Split `impressum.leichte-sprache` (or `impressum.ls`) into the page's stem and its
    variant."""
    base, dot, suffix = stem.rpartition(".")
    variant = VARIANT_SPELLINGS.get(suffix.lower()) if dot and base else None
    return (base, variant) if variant else (stem, "")


def split_front_matter(text: str) -> tuple[str, str, int] | None:
    """Split `---` YAML `---` from the Markdown body; return YAML, body, body's first line."""
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != "---":
        return None
    for index in range(1, len(lines)):
        if lines[index].rstrip() in ("---", "..."):
            front_matter = "\n".join(lines[1:index])
            body = "\n".join(lines[index + 1 :])
            return front_matter, body, index + 2
    return None
