"""Generate a synthetic German network site of N pages, as a pactsite site and a Hugo site.

    python bench/generate.py --pages 1000 --out /tmp/bench-1000 [--seed 7] [--hugo DIR]

The corpus imitates the pacts' real content: pact profiles (pact.yaml), news, projects,
events and pages, ~650 words of German Markdown a page with headings, a table, lists and
three cross-links to other pacts' pages in the forms DESIGN.md allows (relative path to
the source file, `pact:` short form, with and without `#fragment`). Same seed, same files.
The Hugo twin holds the same bodies under the same URLs, with links written as Hugo's
`relref` shortcodes so that Hugo resolves them at build time too.
"""

from __future__ import annotations

import argparse
import random
import shutil
from dataclasses import dataclass, field
from pathlib import Path

PAGES_PER_PACT = 50
SECTORS = {
    "ikt": "Informations- und Kommunikationstechnologie",
    "biotechnologie": "Biotechnologie",
    "chemie": "Chemische Industrie",
    "automobil": "Automobilbranche",
    "landwirtschaft": "Landwirtschaft",
    "logistik": "Logistik",
    "pflege": "Gesundheit und Pflege",
    "handwerk": "Handwerk",
}
FUNDS = {
    "lokales-kapital": "Lokales Kapital für soziale Zwecke",
    "equal": "EU-Gemeinschaftsinitiative EQUAL",
    "esf": "Europäischer Sozialfonds",
}
TARGET_GROUPS = {
    "arbeitslose": "Arbeitslose",
    "kmu": "Beschäftigte in KMU",
    "unternehmen": "Unternehmen",
    "jugendliche": "Jugendliche",
}
REGIONS = [
    "Altmark", "Anhalt", "Börde", "Burgenland", "Harz", "Jerichower Land", "Mansfeld",
    "Saalekreis", "Salzland", "Stendal", "Wittenberg", "Dessau", "Halle", "Magdeburg",
    "Merseburg", "Querfurt", "Worms", "Zeitz", "Weißenfels", "Naumburg", "Bitterfeld",
    "Köthen", "Bernburg", "Schönebeck", "Genthin", "Gardelegen", "Salzwedel", "Oschersleben",
]  # fmt: skip
SUBJECTS = [
    "Der Pakt", "Die Agentur für Arbeit", "Das Jobcenter", "Die Industrie- und Handelskammer",
    "Die Handwerkskammer", "Die Stadtverwaltung", "Der Landkreis", "Das Netzwerk",
    "Die Entwicklungspartnerschaft", "Der Beirat", "Die Lenkungsgruppe", "Das Projektteam",
    "Die Wirtschaftsförderung", "Der Bildungsträger", "Die Kreishandwerkerschaft",
]  # fmt: skip
VERBS = [
    "unterstützt", "begleitet", "fördert", "qualifiziert", "berät", "vernetzt", "stärkt",
    "informiert", "gewinnt", "erreicht", "koordiniert", "bündelt", "vermittelt",
]  # fmt: skip
OBJECTS = [
    "arbeitslose Frauen und Männer", "Beschäftigte kleiner und mittlerer Unternehmen",
    "junge Menschen ohne Berufsabschluss", "Betriebe in der Region",
    "Langzeitarbeitslose über fünfzig Jahre", "Existenzgründerinnen und Existenzgründer",
    "Auszubildende im ersten Lehrjahr", "Unternehmen der Chemischen Industrie",
    "Träger der Jugendberufshilfe", "Kommunen und Landkreise", "Fachkräfte im Handwerk",
]  # fmt: skip
ADVERBIALS = [
    "seit dem Frühjahr", "im gesamten Landkreis", "mit großem Engagement",
    "in enger Abstimmung mit den Kammern", "über die Grenzen der Gemeinden hinweg",
    "trotz knapper Mittel", "gemeinsam mit den Sozialpartnern", "in mehreren Durchgängen",
    "nach dem Vorbild anderer Pakte", "auf unbürokratische Weise", "im Rahmen des Sonderfonds",
]  # fmt: skip
CLAUSES = [
    "damit neue Arbeitsplätze entstehen", "um die Beschäftigungsfähigkeit zu sichern",
    "weil die Nachfrage nach Fachkräften wächst", "sodass die Betriebe schneller reagieren",
    "wobei die Erfahrungen der Teilnehmenden einfließen",
    "damit die Region für junge Familien attraktiv bleibt",
    "und sorgt so für mehr Dynamik auf dem regionalen Arbeitsmarkt",
    "um Übergänge von der Schule in den Beruf zu erleichtern",
]  # fmt: skip
TOPICS = [
    "Qualifizierung", "Fachkräftesicherung", "Existenzgründung", "Berufsorientierung",
    "Weiterbildung", "Kleinstprojekte", "Erfahrungsaustausch", "Ausbildungsverbund",
    "Wiedereinstieg", "Mentoring", "Netzwerkarbeit", "Standortmarketing", "Integration",
]  # fmt: skip
NOUNS = [
    "Treffen", "Workshop", "Förderung", "Initiative", "Bilanz", "Fachtag", "Kooperation",
    "Auftakt", "Beratung", "Werkstatt", "Messe", "Konferenz", "Runde",
]  # fmt: skip
HEADINGS = ["Hintergrund", "Ziele und Maßnahmen", "Ergebnisse", "Ausblick"]
HEADING_IDS = ["hintergrund", "ziele-und-massnahmen", "ergebnisse", "ausblick"]
KINDS = [("news", 0.4), ("projects", 0.3), ("events", 0.2), ("pages", 0.1)]
HUGO_SECTION = {"news": "aktuelles", "projects": "projekte", "events": "termine"}
REQUIRED_PAGES = {
    "barrierefreiheit": "Erklärung zur Barrierefreiheit",
    "leichte-sprache": "Leichte Sprache",
    "impressum": "Impressum",
    "datenschutz": "Datenschutz",
}


@dataclass
class Doc:
    """One generated Markdown page: where it lives and what it says."""

    pact: str
    kind: str
    slug: str
    filename: str
    title: str
    front: dict[str, object]
    links: list[tuple[Doc, str, str]] = field(default_factory=list)  # target, fragment, form


def slug_of(pact_index: int) -> str:
    """A stable pact slug from its index: region name and number."""
    region = REGIONS[pact_index % len(REGIONS)]
    base = region.lower().replace("ö", "oe").replace("ß", "ss").replace(" ", "-")
    return f"{base}-{pact_index + 1}"


def sentence(rng: random.Random) -> str:
    """One plausible German sentence of 12–22 words."""
    text = f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)} "
    text += f"{rng.choice(ADVERBIALS)}, {rng.choice(CLAUSES)}."
    return text


def paragraph(rng: random.Random, sentences: int) -> str:
    """A paragraph of a few sentences, wrapped like an editor's file."""
    words = " ".join(sentence(rng) for _ in range(sentences)).split()
    lines, line = [], ""
    for word in words:
        if len(line) + len(word) + 1 > 88:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    lines.append(line)
    return "\n".join(lines)


def table(rng: random.Random) -> str:
    """A small table with a header row, as the audit requires."""
    rows = ["| Jahr | Teilnehmende | Vermittelt | Quote |", "| --- | ---: | ---: | ---: |"]
    for year in range(2003, 2003 + rng.randint(3, 5)):
        people = rng.randint(20, 400)
        placed = rng.randint(5, people)
        rows.append(f"| {year} | {people} | {placed} | {100 * placed // people} % |")
    return "\n".join(rows)


def bullet_list(rng: random.Random) -> str:
    """An unordered list of short items with emphasis."""
    items = rng.sample(OBJECTS, 4)
    return "\n".join(f"- **{item.split()[0]}** {' '.join(item.split()[1:])}" for item in items)


def numbered_list(rng: random.Random) -> str:
    """An ordered list of steps."""
    steps = rng.sample(TOPICS, 3)
    return "\n".join(f"{n}. {step}: {sentence(rng)}" for n, step in enumerate(steps, start=1))


def body(rng: random.Random, links: list[str]) -> str:
    """About 650 words: intro, four sections, a table, two lists, three links."""
    parts = [paragraph(rng, 3)]
    for number, heading in enumerate(HEADINGS):
        parts.append(f"## {heading}")
        parts.append(paragraph(rng, 4))
        if number == 0:
            parts.append(f"Mehr dazu steht bei {links[0]}.")
            parts.append(bullet_list(rng))
        elif number == 1:
            parts.append(table(rng))
            parts.append(f"### Beteiligte\n\n{paragraph(rng, 3)} Siehe auch {links[1]}.")
        elif number == 2:
            parts.append(numbered_list(rng))
            parts.append(paragraph(rng, 4))
        else:
            parts.append(f"> {sentence(rng)}")
            parts.append(f"{paragraph(rng, 3)} Vergleiche {links[2]}.")
    return "\n\n".join(parts) + "\n"


def yaml_value(value: object) -> str:
    """A front matter value in YAML flow style (strings quoted)."""
    if isinstance(value, list):
        return "[" + ", ".join(yaml_value(v) for v in value) + "]"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return str(value)


def plan(pages: int, rng: random.Random) -> tuple[list[str], list[Doc]]:
    """Decide pacts and pages: about PAGES_PER_PACT pages per pact, mixed kinds."""
    pact_count = max(2, round(pages / PAGES_PER_PACT))
    pacts = [slug_of(i) for i in range(pact_count)]
    docs: list[Doc] = []
    for number in range(pages):
        pact = pacts[number % pact_count]
        kind = rng.choices([k for k, _ in KINDS], weights=[w for _, w in KINDS])[0]
        topic, noun = rng.choice(TOPICS), rng.choice(NOUNS)
        title = f"{topic}: {noun} in {pact.rsplit('-', 1)[0].title()} Nr. {number + 1}"
        slug = f"{topic.lower().replace('ä', 'ae').replace('ü', 'ue')}-{noun.lower()}-{number}"
        slug = slug.replace("ö", "oe").replace("ß", "ss")
        year, month, day = rng.randint(2003, 2024), rng.randint(1, 12), rng.randint(1, 28)
        date = f"{year}-{month:02d}-{day:02d}"
        sectors = rng.sample(sorted(SECTORS), rng.randint(1, 2))
        front: dict[str, object] = {"title": title, "summary": sentence(rng)}
        filename = f"{slug}.md"
        if kind == "news":
            front |= {"date": date, "sectors": sectors, "tags": [topic]}
            filename = f"{date}-{slug}.md"
        elif kind == "projects":
            front |= {
                "status": rng.choice(["planned", "running", "completed"]),
                "sectors": sectors,
                "fund": rng.choice(sorted(FUNDS)),
                "target_groups": rng.sample(sorted(TARGET_GROUPS), 2),
                "start": date,
                "budget_eur": rng.randint(5, 500) * 1000,
                "location": pact.rsplit("-", 1)[0].title(),
            }
        elif kind == "events":
            front |= {"start": f"{date} {rng.randint(9, 17)}:00", "location": "Rathaus, Saal 2"}
            filename = f"{date}-{slug}.md"
        else:
            front |= {"weight": rng.randint(1, 20)}
        docs.append(Doc(pact, kind, slug, filename, title, front))
    for doc in docs:
        for form in ("relative", "short", "short-fragment"):
            target = rng.choice(docs)
            while target is doc or (target.pact == doc.pact and len(pacts) > 1):
                target = rng.choice(docs)
            doc.links.append((target, rng.choice(HEADING_IDS), form))
    return pacts, docs


def pactsite_link(doc: Doc, target: Doc, fragment: str, form: str) -> str:
    """A link in one of the forms editors write."""
    text = f"[{target.title}]"
    if form == "relative":
        return f"{text}(../../{target.pact}/{target.kind}/{target.filename}#{fragment})"
    if form == "short":
        return f"{text}(pact:{target.pact}/{target.kind}/{target.slug})"
    return f"{text}(pact:{target.pact}/{target.kind}/{target.slug}#{fragment})"


def hugo_path(doc: Doc) -> str:
    """The content path of a page in the Hugo twin, which gives it the same URL."""
    section = HUGO_SECTION.get(doc.kind)
    folder = f"pakte/{doc.pact}/{section}" if section else f"pakte/{doc.pact}"
    return f"{folder}/{doc.slug}.md"


def hugo_link(doc: Doc, target: Doc, fragment: str, form: str) -> str:
    """The same link as a Hugo `relref`, resolved by Hugo at build time."""
    anchor = "" if form == "short" else f"#{fragment}"
    return f'[{target.title}]({{{{< relref "/{hugo_path(target)}{anchor}" >}}}})'


def write_site(out: Path, pages: int, seed: int, hugo: Path | None) -> None:
    """Write the pactsite site to `out` and, if asked, its Hugo twin to `hugo`."""
    rng = random.Random(seed)
    pacts, docs = plan(pages, rng)
    for folder in (out, hugo):
        if folder is not None and folder.exists():
            shutil.rmtree(folder)
    content = out / "content"
    (content / "pages").mkdir(parents=True)
    _write_config(out)
    for number, pact in enumerate(pacts):
        _write_pact(content / "pacts" / pact, pact, number, random.Random(f"{seed}-{pact}"))
    for name, title in REQUIRED_PAGES.items():
        text = paragraph(random.Random(f"{seed}-{name}"), 6)
        (content / "pages" / f"{name}.md").write_text(f"---\ntitle: {title}\n---\n{text}\n")
    if hugo is not None:
        _write_hugo_skeleton(hugo, pacts)
    for doc in docs:
        body_rng = random.Random(f"{seed}-{doc.pact}-{doc.slug}")
        front = "".join(f"{key}: {yaml_value(value)}\n" for key, value in doc.front.items())
        ours = [pactsite_link(doc, *link) for link in doc.links]
        text = body(body_rng, ours)
        target = content / "pacts" / doc.pact / doc.kind / doc.filename
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(f"---\n{front}---\n{text}", encoding="utf-8")
        if hugo is not None:
            theirs = [hugo_link(doc, *link) for link in doc.links]
            hugo_text = body(random.Random(f"{seed}-{doc.pact}-{doc.slug}"), theirs)
            _write_hugo_page(hugo, doc, hugo_text)


def _write_config(out: Path) -> None:
    def block(name: str, values: dict[str, str]) -> str:
        return f"{name}:\n" + "".join(f"  {k}: {v}\n" for k, v in values.items())

    funds = "funds:\n" + "".join(f"  {k}:\n    name: {v}\n" for k, v in FUNDS.items())
    (out / "site.yaml").write_text(
        "title: Pakte für Arbeit – Benchmark-Netzwerk\n"
        "base_url: https://bench.example.org/\nlanguage: de\npaginate: 10\n"
        + block("sectors", SECTORS)
        + funds
        + block("target_groups", TARGET_GROUPS),
        encoding="utf-8",
    )


def _write_pact(folder: Path, pact: str, number: int, rng: random.Random) -> None:
    region = pact.rsplit("-", 1)[0].title()
    folder.mkdir(parents=True)
    members = "".join(
        f"  - name: {rng.choice(['Stadtwerke', 'Kreishandwerkerschaft', 'Jobcenter'])} "
        f"{region} {n}\n    kind: {rng.choice(['company', 'institution', 'agency'])}\n"
        for n in range(rng.randint(3, 8))
    )
    sectors = ", ".join(rng.sample(sorted(SECTORS), 2))
    (folder / "pact.yaml").write_text(
        f"name: Pakt für Arbeit {region} {number + 1}\nshort_name: {region} {number + 1}\n"
        f"region: {region}\nstate: Sachsen-Anhalt\nwebsite: https://{pact}.example.org/\n"
        f"contact:\n  name: Ansprechperson\n  email: info@{pact}.example.org\n"
        f"members:\n{members}sectors: [{sectors}]\n"
        f"join: >-\n  Wer mitarbeiten möchte, meldet sich bei der Ansprechperson des Pakts.\n"
        f'color: "#{rng.randint(0x20, 0x60):02x}{rng.randint(0x20, 0x60):02x}'
        f'{rng.randint(0x60, 0x90):02x}"\n',
        encoding="utf-8",
    )
    (folder / "index.md").write_text(
        f"---\ntitle: Über den Pakt {region}\n---\n{paragraph(rng, 8)}\n", encoding="utf-8"
    )


HUGO_CONFIG = """baseURL = "https://bench.example.org/"
languageCode = "de"
title = "Pakte für Arbeit – Benchmark-Netzwerk"
disableKinds = ["RSS"]
[pagination]
  pagerSize = 10
[taxonomies]
  sector = "sectors"
  tag = "tags"
[markup.goldmark.parser.attribute]
  block = false
"""
HUGO_LAYOUTS = {
    "baseof.html": """<!DOCTYPE html>
<html lang="de"><head><meta charset="utf-8"><title>{{ .Title }} – {{ site.Title }}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><header><a href="/">{{ site.Title }}</a><nav><ul>
{{ range site.Sections }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}
</ul></nav></header><main>{{ block "main" . }}{{ end }}</main>
<footer>{{ site.Title }}</footer></body></html>
""",
    "single.html": """{{ define "main" }}<article><h1>{{ .Title }}</h1>
{{ with .Params.summary }}<p>{{ . }}</p>{{ end }}
{{ with .Date }}<p><time>{{ .Format "02.01.2006" }}</time></p>{{ end }}
{{ .Content }}
{{ with .GetTerms "sectors" }}<ul>{{ range . }}
<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a></li>{{ end }}</ul>{{ end }}
{{ with site.RegularPages.Related . | first 3 }}<h2>Verwandt</h2><ul>{{ range . }}
<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}
</article>{{ end }}
""",
    "list.html": """{{ define "main" }}<h1>{{ .Title }}</h1>{{ .Content }}
<ul>{{ range (.Paginate .Pages).Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a>
{{ with .Params.summary }}<p>{{ . }}</p>{{ end }}</li>{{ end }}</ul>
{{ template "_internal/pagination.html" . }}{{ end }}
""",
}


def _write_hugo_skeleton(hugo: Path, pacts: list[str]) -> None:
    (hugo / "layouts" / "_default").mkdir(parents=True)
    (hugo / "hugo.toml").write_text(HUGO_CONFIG, encoding="utf-8")
    for name, text in HUGO_LAYOUTS.items():
        (hugo / "layouts" / "_default" / name).write_text(text, encoding="utf-8")
    for pact in pacts:
        folder = hugo / "content" / "pakte" / pact
        folder.mkdir(parents=True)
        (folder / "_index.md").write_text(f'+++\ntitle = "{pact}"\n+++\n', encoding="utf-8")
        for section in HUGO_SECTION.values():
            (folder / section).mkdir()
            (folder / section / "_index.md").write_text(
                f'+++\ntitle = "{section}"\n+++\n', encoding="utf-8"
            )


def _write_hugo_page(hugo: Path, doc: Doc, text: str) -> None:
    date = doc.front.get("date") or str(doc.front.get("start", "2003-01-01"))[:10]
    sectors = doc.front.get("sectors", [])
    front = (
        f"title: {yaml_value(doc.title)}\ndate: {date}\n"
        f"summary: {yaml_value(doc.front['summary'])}\nsectors: {yaml_value(sectors)}\n"
    )
    target = hugo / "content" / hugo_path(doc)
    target.write_text(f"---\n{front}---\n{text}", encoding="utf-8")


def main() -> None:
    """Parse arguments and write the site(s)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--hugo", type=Path, default=None, help="also write a Hugo twin here")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    write_site(args.out, args.pages, args.seed, args.hugo)


if __name__ == "__main__":
    main()
