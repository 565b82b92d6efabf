"""What the rules of Leichte Sprache make easy to check in a text, as warnings.

Only the versions in Leichte Sprache (`<name>.ls.md`) are read: the rules of the Netzwerk
Leichte Sprache ask for short sentences with one statement each, long words split with a
Mediopunkt or hyphen ("Arbeits·markt"), no abbreviations and numbers written as digits.
Their numbers are ours (the rules give none): a sentence of more than `MAX_WORDS` words,
a word of more than `MAX_LETTERS` letters.

The split a long word's warning suggests needs the German hyphenation patterns (20 MB), which
the build keeps out of its process: `check_easy_read` gives the warning with a general hint,
and the build asks the hyphenation process once for every long word (`words_to_split`) and
puts the suggestions in (`with_splits`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import replace
from pathlib import PurePosixPath

from pactsite.content.sources import split_variant
from pactsite.diagnostics import Diagnostic, Severity
from pactsite.i18n import Text, t

EASY_READ = "leichte-sprache"
MAX_WORDS = 15
"""The most words of a sentence in Leichte Sprache, as many guides to it say."""
MAX_LETTERS = 13
"""The most letters of a word without a Mediopunkt or hyphen ("Informationen" has 13)."""
MEDIOPUNKT = "·"
SOFT_HYPHEN = "\u00ad"
"""Where a hyphenated word (`pactsite.render.hyphenate`) may break: between its syllables."""
LONG_WORD = "the word '{word}' has {count} letters"

ABBREVIATIONS = {
    "z. B.": "zum Beispiel",
    "d. h.": "das heißt",
    "u. a.": "unter anderem",
    "z. T.": "zum Teil",
    "o. Ä.": "oder so ähnlich",
    "u. U.": "vielleicht",
    "usw.": "und so weiter",
    "etc.": "und so weiter",
    "bzw.": "oder",
    "ca.": "ungefähr",
    "ggf.": "wenn nötig",
    "evtl.": "vielleicht",
    "bspw.": "zum Beispiel",
    "inkl.": "mit",
    "zzgl.": "und dazu",
    "sog.": "so genannt",
    "vgl.": "sehen Sie auch",
    "max.": "höchstens",
    "min.": "mindestens",
    "Nr.": "Nummer",
    "Tel.": "Telefon",
    "Str.": "Straße",
    "Mio.": "Millionen",
    "Mrd.": "Milliarden",
}
"""Abbreviations with a dot, and what to write instead."""
KNOWN_SHORT_FORMS = frozenset({"WC", "LKW", "PKW", "EU", "TV", "PC", "SMS", "CD", "DVD", "OK"})
"""Abbreviations in capitals so well known that the rules let them stand."""


def _abbreviation(short: str) -> str:
    first, rest = short[0], re.escape(short[1:]).replace(r"\ ", r"\s?")
    return rf"(?<![\w.])[{first}{first.upper()}]{rest}"


_DOTTED = re.compile("|".join(f"(?P<a{n}>{_abbreviation(a)})" for n, a in enumerate(ABBREVIATIONS)))
_CAPITALS = re.compile(r"(?<![\w·-])([A-ZÄÖÜ]{2,6})(?![\w·])")
_UNITS = ("ein", "zwei", "drei", "vier", "fünf", "sechs", "sieben", "acht", "neun")
_TEENS = ("zehn", "elf", "zwölf", "dreizehn", "vierzehn", "fünfzehn", "sechzehn", "siebzehn")
_TENS = ("zwanzig", "dreißig", "vierzig", "fünfzig", "sechzig", "siebzig", "achtzig", "neunzig")


def _number_words() -> dict[str, int]:
    """German number words from 2 to 99 and the hundreds and thousands, with their values."""
    words = {"eins": 1, **{w: n for n, w in enumerate(_UNITS[1:], 2)}}
    words |= {w: n for n, w in enumerate(_TEENS, 10)} | {"achtzehn": 18, "neunzehn": 19}
    for tens, ten in enumerate(_TENS, 2):
        words[ten] = tens * 10
        words |= {f"{unit}und{ten}": tens * 10 + n for n, unit in enumerate(_UNITS, 1)}
    words |= {"hundert": 100, "einhundert": 100, "tausend": 1000, "eintausend": 1000}
    words |= {f"{w}hundert": n * 100 for n, w in enumerate(_UNITS[1:], 2)}
    return words


NUMBER_WORDS = _number_words()
_WORD = re.compile(r"[^\W\d_]+")
_TOKEN = re.compile(r"[\w·-]*\w")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"„»(]?[A-ZÄÖÜ0-9])")
_MARKUP = (
    (re.compile(r"!?\[([^\]]*)\]\([^)]*\)"), r"\1"),  # links and images: their text
    (re.compile(r"<[^>]*>|`[^`]*`"), " "),  # HTML tags, autolinks and code
    (re.compile(r"\b(?:https?://|www\.)\S+|\S+@\S+\.\w+"), " "),  # addresses
    (re.compile(r"^\s*(?:#{1,6}\s|[-*+]\s|\d+[.)]\s|>\s?)+"), ""),  # headings, list marks
    (re.compile(r"[*_]{1,3}(?=\w)|(?<=\w)[*_]{1,3}"), ""),  # emphasis
)
_SUFFIX_ENDS = ("ungs", "heits", "keits", "schafts", "tions", "täts", "lings", "ings")
_LINKED_ENDS = ("ts", "gs", "ks", "ns", "rs", "es", "ls", "fs", "chs")
_PREFIX_STARTS = ("ver", "ent", "aus", "ein", "auf", "vor", "nach", "unter", "über", "zer")


def is_easy_read(path: str) -> bool:
    """Whether a content file is a version in Leichte Sprache (`<name>.ls.md`)."""
    return split_variant(PurePosixPath(path).stem)[1] == EASY_READ


def check_easy_read(path: str, text: str, first_line: int) -> list[Diagnostic]:
    """The warnings about a text in Leichte Sprache, each at its line."""
    found: list[Diagnostic] = []
    long_seen: set[str] = set()
    capitals_seen: set[str] = set()
    for number, line in _lines(text, first_line):
        words = _WORD.findall(line)
        for sentence in _SENTENCE_END.split(line):
            count = len(_TOKEN.findall(sentence))
            if count > MAX_WORDS:
                found.append(_long_sentence(path, number, count))
        found += _abbreviations(path, number, line, capitals_seen)
        found += _numbers(path, number, line)
        for word in dict.fromkeys(w for w in words if len(w) > MAX_LETTERS):
            if word not in long_seen and not _split_already(line, word):
                long_seen.add(word)
                found.append(_long_word(path, number, word))
    return found


def _lines(text: str, first_line: int) -> Iterator[tuple[int, str]]:
    """The lines of prose of a Markdown text, without markup, with their line numbers."""
    fenced = False
    for number, line in enumerate(text.split("\n"), first_line):
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
            continue
        if fenced or line.startswith(("    ", "\t")) or not line.strip():
            continue
        for pattern, replacement in _MARKUP:
            line = pattern.sub(replacement, line)
        if line.strip():
            yield number, line


def _split_already(line: str, word: str) -> bool:
    """Whether the long word is part of a word split with a Mediopunkt or hyphen."""
    return re.search(rf"[·-]{re.escape(word)}|{re.escape(word)}[·-]", line) is not None


def _warning(path: str, line: int, message: Text, hint: Text) -> Diagnostic:
    return Diagnostic(path=path, line=line, severity=Severity.WARNING, message=message, hint=hint)


def _long_sentence(path: str, line: int, count: int) -> Diagnostic:
    return _warning(
        path,
        line,
        t(
            "this sentence has {count} words; in Leichte Sprache a sentence has at most {most}",
            count=count,
            most=MAX_WORDS,
        ),
        t("say one thing in each sentence: split it into short sentences, each on a line"),
    )


def _abbreviations(path: str, line: int, text: str, seen: set[str]) -> Iterator[Diagnostic]:
    for match in _DOTTED.finditer(text):
        short = list(ABBREVIATIONS)[int((match.lastgroup or "a0")[1:])]
        yield _warning(
            path,
            line,
            t("abbreviation '{short}' in Leichte Sprache", short=match[0]),
            t("write it out: '{full}'", full=ABBREVIATIONS[short]),
        )
    for match in _CAPITALS.finditer(text):
        short = match[1]
        if short in seen or short in KNOWN_SHORT_FORMS or _explained(text, match):
            seen.add(short)
            continue
        seen.add(short)
        yield _warning(
            path,
            line,
            t("abbreviation '{short}' is not explained", short=short),
            t(
                "write it out, or explain it where it first appears: "
                "'{short} (…)' with the words it stands for",
                short=short,
            ),
        )


def _explained(text: str, match: re.Match[str]) -> bool:
    """Whether an abbreviation in capitals is explained beside it: `IHK (…)` or `(IHK)`."""
    return text[match.end() :].lstrip().startswith("(") or text[: match.start()].endswith("(")


def _numbers(path: str, line: int, text: str) -> Iterator[Diagnostic]:
    starts = {0} | {m.end() for m in _SENTENCE_END.finditer(text)}
    for match in _WORD.finditer(text):
        word = match[0]
        value = NUMBER_WORDS.get(word) if word.islower() else None
        if value is None and word.istitle() and match.start() in starts:
            value = NUMBER_WORDS.get(word.lower())
        if value is not None:
            yield _warning(
                path,
                line,
                t("number '{word}' written as a word", word=word),
                t("write it in digits: {number}", number=str(value)),
            )


def _long_word(path: str, line: int, word: str) -> Diagnostic:
    # written out, not LONG_WORD: `make messages` finds the messages by their t("...") calls
    message = t("the word '{word}' has {count} letters", word=word, count=len(word))
    return _warning(
        path,
        line,
        message,
        t(
            "use a shorter word, or split it where its parts meet with a Mediopunkt, "
            "like 'Arbeits·markt'"
        ),
    )


def _long_word_of(diagnostic: Diagnostic) -> str:
    """The word a long word's warning is about; "" for another diagnostic."""
    message = diagnostic.message
    if not isinstance(message, Text) or message.template != LONG_WORD:
        return ""
    return str(dict(message.values)["word"])


def words_to_split(diagnostics: Sequence[Diagnostic]) -> set[str]:
    """The long words whose warnings among `diagnostics` want a split suggested."""
    return {word for d in diagnostics if (word := _long_word_of(d))}


def with_splits(
    diagnostics: Sequence[Diagnostic], hyphenated: Mapping[str, str]
) -> list[Diagnostic]:
    """The diagnostics, each long word's warning hinting at its split, where the word's
    syllables (`hyphenated`: the word with soft hyphens) show a likely one."""
    found = []
    for diagnostic in diagnostics:
        word = _long_word_of(diagnostic)
        split = suggest_split(word, hyphenated.get(word, word)) if word else ""
        if split:
            hint = t("split it where its parts meet, with a Mediopunkt: '{split}'", split=split)
            diagnostic = replace(diagnostic, hint=hint)
        found.append(diagnostic)
    return found


def suggest_split(word: str, hyphenated: str) -> str:
    """The word with a Mediopunkt where its parts most likely meet ("Arbeits·markt"), or ""
    when no place is likely: at a syllable that ends a word stem ("-ungs", "-ts") or before
    one that starts one ("ver-"), of the syllables that pyphen's German hyphenation found
    (`hyphenated`: the word with soft hyphens between them)."""
    syllables = hyphenated.split(SOFT_HYPHEN)
    points = [len("".join(syllables[:n])) for n in range(1, len(syllables))]
    scored = [(_likelihood(word, p), -abs(len(word) - 2 * p), p) for p in points]
    best = max((s for s in scored if s[0] > 0 and min(s[2], len(word) - s[2]) >= 4), default=None)
    if best is None:
        return ""
    point = best[2]
    left, right = word[:point], word[point:]
    rest = ""
    if len(right) > MAX_LETTERS:
        rest = suggest_split(right, SOFT_HYPHEN.join(syllables[points.index(point) + 1 :]))
    return f"{left}{MEDIOPUNKT}{rest or right}"


def _likelihood(word: str, point: int) -> int:
    """How likely two parts of a compound meet at `point`: 2, 1 or 0."""
    left, right = word[:point].lower(), word[point:].lower()
    if left.endswith(_SUFFIX_ENDS):
        return 2
    return int(left.endswith(_LINKED_ENDS) or right.startswith(_PREFIX_STARTS))
