"""The languages of a network's content: the codes pactsite knows and how files name them."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from pactsite.content.yamldoc import YamlDoc
from pactsite.diagnostics import Diagnostic
from pactsite.i18n import Text, t

_CODES = """
    aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs
    cu cv cy da de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha
    he hi ho hr ht hu hy hz ia id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn
    ko kr ks ku kv kw ky la lb lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb
    nd ne ng nl nn no nr nv ny oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd
    se sg si sk sl sm sn so sq sr ss st su sv sw ta te tg th ti tk tl tn to tr ts tt tw
    ty ug uk ur uz ve vi vo wa wo xh yi yo za zh zu
"""
ISO_639_1 = frozenset(_CODES.split())
"""The two-letter language codes (ISO 639-1): what `languages:` and a file's suffix take."""
INTERFACE_LANGUAGES = ("de", "en")
"""The languages the default theme has interface strings for (themes/default/i18n/)."""
FALLBACK_INTERFACE = "en"
"""The interface strings a language without its own is shown with."""


def language_of_stem(stem: str) -> tuple[str, str]:
    """Split `2002-10-22-bericht.en` into the stem of the original and the language code.

    Only a known two-letter code counts as a language (`bericht.v2` stays as it is).
    """
    head, dot, code = stem.rpartition(".")
    if dot and head and code.lower() in ISO_639_1:
        return head, code.lower()
    return stem, ""


def misnamed_language(stem: str) -> tuple[str, str] | None:
    """The suffix of `bericht.engl` and the code it means (`engl`, `en`): a language named in
    a file name otherwise than by its code; None for any other name."""
    head, dot, suffix = stem.rpartition(".")
    code = _NAMES.get(suffix.lower()) if dot and head else None
    return (suffix, code) if code else None


def lone_translations(
    doc: YamlDoc, path: str, languages: Sequence[str]
) -> tuple[Any, list[Diagnostic]]:
    """pact.yaml's `translations:` on a site of one language: an error saying what it needs,
    and the rest of the profile to check as usual."""
    value = doc.value
    if languages[1:] or not isinstance(value, dict) or "translations" not in value:
        return value, []
    problem = Diagnostic(
        path=path,
        line=doc.line_of("translations"),
        message=t("'translations' needs a site of several languages"),
        hint=t(
            "name them in site.yaml, e.g. languages: [{code}, en], or delete 'translations:'",
            code=languages[0],
        ),
    )
    return {key: item for key, item in value.items() if key != "translations"}, [problem]


def read_languages(
    raw: Any, language: str | None, report: Callable[[str, Text, Text], None]
) -> tuple[str, ...]:
    """The `languages:` list of site.yaml, checked: known codes, no repeats, agreeing with
    `language:` when both are given; reported at the item's line."""
    items = raw if isinstance(raw, list) else [raw]
    written = raw.replace(",", " ").split() if isinstance(raw, str) else []
    if raw is None or not items or len(written) > 1 or not all(isinstance(i, str) for i in items):
        # `languages: de, en` is one string to YAML: say how to write the list it means.
        example = ", ".join(written) if len(written) > 1 else "de, en"
        report(
            "languages",
            t("languages must be a list of language codes"),
            t(
                "write it in square brackets: languages: [{codes}]; the first is the "
                "language of the home page",
                codes=example,
            ),
        )
        return ()
    codes: list[str] = []
    for index, item in enumerate(items):
        code = item.strip().lower()
        where = f"languages.{index}" if isinstance(raw, list) else "languages"
        if code not in ISO_639_1:
            report(where, t("unknown language code '{code}'", code=item), _code_hint(code))
        elif code in codes:
            report(where, t("language '{code}' is named twice", code=code), t("name it once"))
        else:
            codes.append(code)
    if codes and language is not None and language != codes[0]:
        report(
            "language",
            t(
                "language: {language} and languages: [{languages}] disagree",
                language=language,
                languages=", ".join(codes),
            ),
            t("delete the line 'language: ...': the first of 'languages' is the default"),
        )
    return tuple(codes)


_NAMES = {
    **dict.fromkeys(("ger", "deu", "german", "deutsch", "de-de", "de_de"), "de"),
    **dict.fromkeys(("dt", "dtsch"), "de"),
    **dict.fromkeys(
        ("eng", "engl", "english", "englisch", "en-gb", "en_gb", "en-us", "en_us"), "en"
    ),
    **dict.fromkeys(("fra", "fre", "french", "französisch", "franzoesisch"), "fr"),
    **dict.fromkeys(("pol", "polish", "polnisch"), "pl"),
    **dict.fromkeys(("ces", "cze", "czech", "tschechisch"), "cs"),
}
"""What editors write for a language instead of its code."""


def _code_hint(code: str) -> Text:
    """The code of a language named otherwise, or how a code is written."""
    if code in _NAMES:
        return t("did you mean '{close}'?", close=_NAMES[code])
    return t("write the two-letter code (ISO 639-1), e.g. de, en, fr, pl")


def without_interface(languages: Sequence[str]) -> list[str]:
    """The languages the default theme has no interface strings for."""
    return [code for code in languages if code not in INTERFACE_LANGUAGES]


OG_LOCALES = {
    "de": "de_DE",
    "en": "en_GB",  # a European network's English is British
    **{code: f"{code}_{code.upper()}" for code in ("fr", "it", "nl", "pl", "pt", "es", "fi")},
    **{code: f"{code}_{code.upper()}" for code in ("hu", "ro", "sk", "hr", "lt", "lv", "bg")},
    "cs": "cs_CZ",
    "da": "da_DK",
    "el": "el_GR",
    "et": "et_EE",
    "ga": "ga_IE",
    "mt": "mt_MT",
    "sl": "sl_SI",
    "sv": "sv_SE",
    "nb": "nb_NO",
    "no": "nb_NO",
    "tr": "tr_TR",
    "uk": "uk_UA",
    "ru": "ru_RU",
    "ar": "ar_AR",
}
"""The OpenGraph locale (`og:locale`, language_TERRITORY) of the EU's languages and a few
more; of any other language, Babel's likely territory when Babel is installed."""


def og_locale(language: str) -> str:
    """The `og:locale` of a language code: "en_GB" for "en", "fr_FR" for "fr"."""
    known = OG_LOCALES.get(language)
    if known is not None:
        return known
    try:
        from babel.core import get_global  # only for a language not in the table
    except ImportError:
        return language
    likely = str(get_global("likely_subtags").get(language, ""))
    parts = likely.split("_")
    return f"{parts[0]}_{parts[-1]}" if len(parts) > 1 else language
