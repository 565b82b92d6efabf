"""German explanations of content fields for editors: used by `pactsite new` and the CMS."""

from __future__ import annotations

from pactsite.content.schema import FieldSpec, FieldType

T = FieldType

FIELD_HELP: dict[str, str] = {
    "title": "Überschrift, wie sie auf der Seite und in Listen erscheint",
    "date": "Tag der Meldung; neueste Meldungen stehen oben",
    "summary": "ein bis zwei Sätze für Listen, Vorschauen und Suchmaschinen",
    "sectors": "Branchen aus site.yaml; verbindet den Beitrag mit anderen Pakten",
    "tags": "Schlagwörter; jedes bekommt eine Themenseite, die Beiträge aller Pakte dazu zeigt",
    "author": "wer die Meldung verfasst hat (Person oder Stelle)",
    "image": "Dateiname eines Bildes neben dieser Datei, z. B. treffen.jpg",
    "image_alt": "was auf dem Bild zu sehen ist, für Menschen, die es nicht sehen können",
    "updated": "Tag der letzten inhaltlichen Änderung",
    "status": "Stand des Projekts",
    "fund": "Förderprogramm aus site.yaml",
    "target_groups": "Zielgruppen aus site.yaml",
    "start": "wann es beginnt",
    "end": "wann es endet (leer lassen, wenn offen)",
    "budget_eur": "Fördersumme oder Budget in Euro, nur die Zahl",
    "partners": "beteiligte Partner, je einer pro Listenpunkt",
    "contact": "Ansprechperson oder Stelle",
    "location": "Ort, z. B. Rathaus Halle (Saale)",
    "organisers": "Kurznamen der veranstaltenden Pakte (Ordnernamen unter content/pacts/)",
    "pacts": "weitere Pakte, bei denen der Beitrag auch erscheint (Ordnernamen unter "
    "content/pacts/); nur einmal schreiben, nicht in den anderen Pakt kopieren",
    "weight": "Reihenfolge in Menüs: kleinere Zahlen zuerst",
    "slug": "nur nötig, wenn die Adresse nicht aus dem Dateinamen kommen soll",
    "aliases": "frühere Adressen dieser Seite, die hierher weiterleiten sollen",
    "publish": "erst ab diesem Zeitpunkt sichtbar",
    "expires": "nach diesem Zeitpunkt nicht mehr sichtbar",
    "draft": "true = Entwurf: wird nicht veröffentlicht",
    "original": "die Seite, zu der diese Fassung gehört (ihr Dateiname ohne .md); "
    "der Dateiname der Fassung muss dazu passen",
    "name": "vollständiger Name, wie er auf der Website erscheinen soll",
    "short_name": "kurzer Name für Listen und Menüs",
    "region": "Stadt, Landkreis oder Region",
    "state": "z. B. Sachsen-Anhalt",
    "website": "Adresse der eigenen Website (mit https://)",
    "feed": "Adresse des Newsfeeds der eigenen Website (Atom, RSS oder JSON Feed, mit "
    "https://): seine Meldungen erscheinen unter Aktuelles und verlinken dorthin",
    "organisation": "Stadt, Kammer, Jobcenter, Verein ...",
    "email": "Adresse für Anfragen",
    "phone": "Telefonnummer",
    "address": "Postanschrift",
    "members": "Mitglieder des Paktes, jedes mit Name, Art und Website",
    "kind": "Unternehmen, Institution, Kommune, Kammer, Agentur oder Verband",
    "url": "Website (mit https://)",
    "founded": "Jahr oder Datum der Gründung",
    "funders": "Förderer, je einer pro Listenpunkt",
    "join": "wie neue Partner mitmachen können (Markdown erlaubt)",
    "color": "Farbe des Paktes als #rrggbb; muss auf Weiß gut lesbar sein",
    "logo": "Dateiname des Logos neben pact.yaml",
    "editors": "wer diesen Ordner ändern darf: GitHub-Namen (@name) oder E-Mail-Adressen",
    "translations": "nur bei mehreren Sprachen (languages in site.yaml): Name und Texte des "
    "Paktes je weiterer Sprache, mit name, short_name, region und join, z. B. "
    "translations: {en: {name: Altmark Employment Pact}}",
}

TYPE_HELP: dict[FieldType, str] = {
    T.DATE: "Datum als JJJJ-MM-TT",
    T.MOMENT: 'Datum JJJJ-MM-TT oder mit Uhrzeit in Anführungszeichen: "JJJJ-MM-TT HH:MM"',
    T.BOOL: "true oder false",
    T.INT: "ganze Zahl",
    T.NUMBER: "Zahl",
    T.URL: "Internetadresse",
    T.EMAIL: "E-Mail-Adresse",
    T.COLOR: 'Farbe "#rrggbb"',
    T.TEXT_LIST: "Liste: [a, b]",
    T.CHOICE: "ein Wert",
    T.CHOICE_LIST: "Liste von Werten: [a, b]",
    T.MARKDOWN: "Text, Markdown erlaubt",
}


def explain(spec: FieldSpec, formats: bool = True) -> str:
    """One German sentence on what a field means and (with `formats`) how to write it in YAML."""
    parts = [FIELD_HELP.get(spec.name, spec.label)]
    if formats and spec.type in TYPE_HELP and TYPE_HELP[spec.type] not in parts[0]:
        parts.append(TYPE_HELP[spec.type])
    return "; ".join(parts)
