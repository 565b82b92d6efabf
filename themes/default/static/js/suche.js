/* Site search over pactsite's own index (/suchindex/, written by pactsite/outputs/search.py):
   a query word loads the file of its first three letters, which names the stem of every site
   word there and the pages of every stem; a result loads the file of its page only when it is
   shown. No inline code, nothing from other hosts, no WebAssembly; the query lives in the
   address (?q=...), so the form also works by pressing Enter and results can be bookmarked.
   Without JavaScript the page shows links to the overviews instead. */
const PAGE_SIZE = 10;
const DEBOUNCE_MS = 300;
const EXCERPT_WORDS = 24;
const EXCERPT_BEFORE = 8;  // words of the excerpt before its first hit (if not from the start)
const MIN_WORD = 2;  // shorter words are not in the index
const MIN_PREFIX = 3;  // a word this long may still be being typed: the words it begins count
const KEY_LENGTH = 3;
const PREFIX_FACTOR = 0.5;
/* Endings tried off a query word that is not in the site, by the page's language: the index
   names the stem of every site word (Snowball's, made by pactsite for the page's language),
   so only a word the site does not have needs them. A language not here: none. */
const ENDINGS_OF = {
  de: ["ern", "em", "en", "er", "es", "e", "n", "s"],
  en: ["ations", "ation", "ments", "ment", "ness", "ings", "ing", "ies", "ers", "er", "ed", "es", "ly", "s"],
};
const LANGUAGE = (document.documentElement.lang || "de").toLowerCase().split("-")[0];
const ENDINGS = ENDINGS_OF[LANGUAGE] || [];
const MIN_STRIPPED = 3;
const MIN_STEM_PREFIX = 5;  // a word without its ending this long: the words it begins count
const LINKS = ["es", "en", "s", "n", "e"];  // what may join the parts of a German compound
const MIN_HEAD = 3;  // a compound's first part: at least this long
const MIN_PART = 4;  // its last part, as typed: at least this long ("Ort" is in "Sport")
const MIN_LONG_PART = 6;  // a last part this long needs no first part found in the site ...
const MIN_LONG_HEAD = 4;  // ... if that is this long
const COMPOUND_FACTOR = 0.5;
const MAX_COMPOUND_FILES = 8;  // the files of compounds loaded for one query word, at most
const MIN_TYPO = 5;  // a word this long not in the site is taken for one a typo away
const SUGGEST_DISTANCE = 2;  // "Meinten Sie": the site words this many edits away, at most,
const MIN_SUGGEST_FAR = 8;  // for a word this long; one edit for a shorter word,
const MIN_SUGGEST = 4;  // none for a word shorter than this ("xy" is two edits from "zu")
const MAX_SUGGESTIONS = 3;
const MAX_TYPO_FILES = 10;  // the files of "near" words loaded for one query word, at most

const form = document.getElementById("ps_search");
const input = document.getElementById("ps_search_q");
const status = document.getElementById("ps_search_status");
const list = document.getElementById("ps_search_results");
const more = document.getElementById("ps_search_more");
const nojs = document.getElementById("ps_search_nojs");
// a theme's own search.html of before may lack these two: then no ways are offered
const help = document.getElementById("ps_search_help") || document.createElement("div");
const suggest = document.getElementById("ps_search_suggest") || document.createElement("p");
const base = new URL(form.dataset.index, window.location.href);

const files = new Map();  // index path -> promise of its JSON (null: no such file)
let meta = null;
let generation = 0;
let timer = 0;
let results = [];  // page ids, best first
let marked = new Set();  // the site words the current results are found by
let shown = 0;

function say(text) {
  status.textContent = text;
}

function countText(n, query, instead) {
  const key = instead && n > 0 ? "corrected" : n === 0 ? "countZero" : n === 1 ? "countOne" : "countOther";
  return form.dataset[key].replace("{n}", String(n)).replace("{q}", query).replace("{c}", instead);
}

/* The query with each of its words that is not in the site replaced by a site word. */
function replaced(words, replacements) {
  return words.map((word) => replacements.get(word) || word).join(" ");
}

/* The words taken for typos as the best result writes them ("Qualifizierung", not the folded
   "qualifizierung" of the index). */
async function asWritten(corrected, id) {
  const data = id === undefined ? null : await indexFile(`seiten/${id}.json`);
  const tokens = data
    ? [data.title, data.text, data.names, data.terms].join(" ").match(/[\p{L}\p{N}\p{M}]+/gu) || []
    : [];
  const written = new Map();
  for (const [typed, word] of corrected) {
    written.set(typed, tokens.find((token) => fold(token) === word) || word);
  }
  return written;
}

/* Queries to offer when there is no result: the query with the nearest site words for the
   words not in the site; or, if each word is in the site but no page has them all, each word
   alone. */
function suggestions(words, found) {
  if (found.missing.length > 0) {
    const [first, ...rest] = found.missing;
    const others = new Map(rest.filter((one) => one.near.length > 0).map((one) => [one.word, one.near[0].word]));
    if (others.size < rest.length) {
      return [];
    }
    return first.near.map((near) => replaced(words, new Map([...others, [first.word, near.word]])));
  }
  return words.length > 1 ? words : [];
}

/* Below no results: the suggested queries as links ("Meinten Sie: ...?"), and the overviews. */
function offerWays(queries) {
  const links = suggest.querySelector("span") || suggest;
  links.replaceChildren();
  queries.forEach((query, i) => {
    const link = document.createElement("a");
    const address = new URL(window.location.href);
    address.searchParams.set("q", query);
    link.href = address.pathname + address.search;
    link.textContent = query;
    link.addEventListener("click", (event) => {
      event.preventDefault();
      input.value = query;
      search(query);
    });
    links.append(i > 0 ? ", " : "", link);
  });
  links.append(queries.length > 0 ? "?" : "");
  suggest.hidden = queries.length === 0;
  help.hidden = false;
}

/* A file of the index, fetched once per page load. A missing file (404) is null: the index
   has no such words. Any other failure rejects (and is tried again by the next query). */
function indexFile(path) {
  let file = files.get(path);
  if (!file) {
    file = fetch(new URL(path, base)).then((response) => {
      if (response.status === 404) {
        return null;
      }
      if (!response.ok) {
        throw new Error(`${path}: HTTP ${response.status}`);
      }
      return response.json();
    });
    file.catch(() => files.delete(path));
    files.set(path, file);
  }
  return file;
}

async function load() {
  if (!meta) {
    meta = await indexFile("meta.json");
    if (!meta) {
      throw new Error("no search index");
    }
    nojs.hidden = true;
  }
  return meta;
}

/* Words as the index has them (search_text.py): accents and umlauts dropped, lower case,
   ß as ss; runs of letters and digits; one letter alone is no word. */
function fold(text) {
  return text.normalize("NFD").replace(/\p{M}/gu, "").toLocaleLowerCase("de").replace(/ß/g, "ss");
}

function chars(word) {
  return Array.from(word);  // code points, as Python counts them
}

function queryWords(query) {
  const words = fold(query).match(/[\p{L}\p{N}]+/gu) || [];
  return [...new Set(words.filter((word) => chars(word).length >= MIN_WORD))];
}

/* A key of a file's map; not one every object has ("constructor"). */
function entry(map, key) {
  return map && Object.hasOwn(map, key) ? map[key] : undefined;
}

function fileName(key) {
  return /^[a-z0-9]+$/.test(key)
    ? key
    : "x" + Array.from(new TextEncoder().encode(key), (b) => b.toString(16).padStart(2, "0")).join("");
}

function keyOf(word) {
  return chars(word).slice(0, KEY_LENGTH).join("");
}

/* The file of the words and stems beginning like `word`. */
function keyFile(word) {
  return indexFile(`w/${fileName(keyOf(word))}.json`);
}

/* The file of the stems ending like `word` (where its compounds are). */
function tailFile(word) {
  return indexFile(`e/${fileName(chars(word).slice(-KEY_LENGTH).join(""))}.json`);
}

/* The site words of a file by their stem (made once per file: a prefix such as "ver" stands
   for thousands of stems). */
const stemIndexes = new WeakMap();
function wordsByStem(file) {
  if (!file) {
    return new Map();
  }
  let byStem = stemIndexes.get(file);
  if (!byStem) {
    byStem = new Map();
    for (const [word, [stem]] of Object.entries(file.words || {})) {
      if (!byStem.has(stem)) {
        byStem.set(stem, []);
      }
      byStem.get(stem).push(word);
    }
    stemIndexes.set(file, byStem);
  }
  return byStem;
}

/* The word without one ending of the page's language, where what is left is long enough. */
function withoutEndings(word) {
  return ENDINGS.filter((ending) => word.endsWith(ending))
    .map((ending) => word.slice(0, -ending.length))
    .filter((rest) => chars(rest).length >= MIN_STRIPPED);
}

/* The stems a query word stands for, each with its factor: the word's own (1); those of the
   site words it begins, if it may still be being typed, and of those its stem begins, if that
   has MIN_STEM_PREFIX letters (0.5: "Chemie", stem "chemi", finds "chemische" as "Chem" did);
   else those of the word without one German ending ("Projekten" is not in the site,
   "Projekt" is) and of the words that begin like that. Empty: not in the site. */
function candidateStems(word, file) {
  const stems = new Map();
  const siteWords = (file && file.words) || {};
  const exact = entry(siteWords, word);
  if (chars(word).length >= MIN_PREFIX) {
    for (const [other, [stem]] of Object.entries(siteWords)) {
      if (other !== word && other.startsWith(word)) {
        stems.set(stem, PREFIX_FACTOR);
      }
    }
  }
  if (exact && exact[0] !== word && chars(exact[0]).length >= MIN_STEM_PREFIX) {
    for (const [other, [stem]] of Object.entries(siteWords)) {  // "Chemie": "chemi…"
      if (other.startsWith(exact[0]) && !stems.has(stem)) {
        stems.set(stem, PREFIX_FACTOR);
      }
    }
  }
  if (exact) {
    stems.set(exact[0], 1);
  }
  if (stems.size === 0) {
    for (const rest of withoutEndings(word)) {
      const known = entry(siteWords, rest);
      if (known) {
        stems.set(known[0], 1);
      }
      if (chars(rest).length >= MIN_STEM_PREFIX) {
        for (const [other, [stem]] of Object.entries(siteWords)) {
          if (other !== rest && other.startsWith(rest) && !stems.has(stem)) {
            stems.set(stem, PREFIX_FACTOR);
          }
        }
      }
    }
  }
  return stems;
}

/* Whether `head` is a word of the site (or a stem), as the first part of a compound may be
   joined to the next by a linking "s", "es", "n", "en" or "e" ("Arbeits-markt"), or have
   lost its "e" ("Schul-hof"). */
function isSiteWord(head, file) {
  const heads = [head, head + "e", head + "en"];
  for (const link of LINKS) {
    if (head.endsWith(link)) {
      heads.push(head.slice(0, -link.length));
    }
  }
  return heads.some((h) => chars(h).length >= MIN_HEAD
    && (entry(file && file.words, h) || entry(file && file.stems, h)));
}

/* The compounds of the site that end with the query word ("Chemiestandort" for "Standort"):
   their stems end with the word's stem (or, for a word not in the site, with the word or the
   word without an ending) after a first part that is a word of the site; or, where the part
   typed is long enough not to be in words by chance, a first part of MIN_LONG_HEAD letters
   ("Entwicklungs-partnerschaft": "Entwicklung" need not be in the site alone). */
async function compoundStems(word, file) {
  const own = entry(file && file.words, word);
  const parts = [...new Set([word, ...(own ? [own[0]] : []), ...withoutEndings(word)])]
    .filter((part) => chars(part).length >= MIN_PART);
  const tailFiles = await Promise.all(parts.map((part) => tailFile(part)));
  const compounds = new Set();
  parts.forEach((part, i) => {
    for (const other of tailFiles[i] || []) {
      if (other.endsWith(part) && chars(other).length - chars(part).length >= MIN_HEAD) {
        compounds.add(other);
      }
    }
  });
  const byFile = new Map();
  for (const compound of [...compounds].sort()) {
    const key = keyOf(compound);
    if (!byFile.has(key) && byFile.size >= MAX_COMPOUND_FILES) {
      continue;
    }
    byFile.set(key, [...(byFile.get(key) || []), compound]);
  }
  const stems = new Map();
  await Promise.all([...byFile.values()].map(async (inFile) => {
    const compoundFile = await keyFile(inFile[0]);
    for (const compound of inFile) {
      const head = compound.slice(0, compound.length - parts.find((p) => compound.endsWith(p)).length);
      const long = chars(head).length >= MIN_LONG_HEAD && chars(compound).length - chars(head).length >= MIN_LONG_PART;
      if (entry(compoundFile && compoundFile.stems, compound) && (long || isSiteWord(head, compoundFile))) {
        stems.set(compound, COMPOUND_FACTOR);
      }
    }
  }));
  return stems;
}

/* Edit distance (Damerau-Levenshtein, adjacent letters swapped count once), or more than
   `most` when it is more. */
function distance(a, b, most) {
  const x = chars(a);
  const y = chars(b);
  if (Math.abs(x.length - y.length) > most) {
    return most + 1;
  }
  let before = null;
  let row = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i += 1) {
    const next = [i];
    for (let j = 1; j <= y.length; j += 1) {
      const cost = x[i - 1] === y[j - 1] ? 0 : 1;
      let d = Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + cost);
      if (before && i > 1 && j > 1 && x[i - 1] === y[j - 2] && x[i - 2] === y[j - 1]) {
        d = Math.min(d, before[j - 2] + 1);
      }
      next.push(d);
    }
    before = row;
    row = next;
    if (Math.min(...row) > most) {
      return most + 1;
    }
  }
  return row[y.length];
}

/* The words of the site within `most` edits of `word`, nearest first, then those on most
   pages. They are looked for in the word's own file and in the files of the word with one of
   its first letters left out or two of them swapped (a letter too many, letters swapped),
   among their words and their "near" words, which begin like the file once one of their own
   first letters is left out (a letter wrong or missing). */
async function nearWords(word, file, most) {
  const letters = chars(word);
  const dropped = [];
  const swapped = [];
  for (let i = 0; i < KEY_LENGTH && i < letters.length; i += 1) {
    dropped.push([...letters.slice(0, i), ...letters.slice(i + 1)].join(""));
    if (i + 1 < letters.length) {
      swapped.push([...letters.slice(0, i), letters[i + 1], letters[i], ...letters.slice(i + 2)].join(""));
    }
  }
  const own = keyOf(word);
  const keys = [...new Set([...dropped, ...swapped]
    .filter((v) => chars(v).length >= MIN_WORD).map(keyOf))].filter((key) => key !== own);
  const others = await Promise.all(keys.map((key) => keyFile(key)));
  const near = new Map();
  for (const one of [file, ...others]) {
    for (const [other, [stem, count]] of Object.entries((one && one.words) || {})) {
      const d = other === word ? most + 1 : distance(word, other, most);
      if (d <= most) {
        near.set(other, { word: other, stem, count, distance: d });
      }
    }
  }
  const listed = [...new Set([file, ...others].flatMap((one) => (one && one.near) || []))]
    .filter((other) => other !== word && !near.has(other))
    .map((other) => [other, distance(word, other, most)])
    .filter(([, d]) => d <= most)
    .slice(0, MAX_TYPO_FILES);
  const theirFiles = await Promise.all(listed.map(([other]) => keyFile(other)));
  listed.forEach(([other, d], i) => {
    const known = entry(theirFiles[i] && theirFiles[i].words, other);
    if (known) {
      near.set(other, { word: other, stem: known[0], count: known[1], distance: d });
    }
  });
  return [...near.values()].sort((a, b) => a.distance - b.distance || b.count - a.count
    || (a.word < b.word ? -1 : 1));
}

/* What a query word stands for: its stems with their factors, and the site word it was taken
   for if it is not in the site itself but one typo away (then empty `stems` means nothing
   was found, and `near` lists words to suggest). */
async function lookUp(word) {
  const file = await keyFile(word);
  const stems = candidateStems(word, file);
  for (const [stem, factor] of await compoundStems(word, file)) {
    if (!stems.has(stem)) {
      stems.set(stem, factor);
    }
  }
  if (stems.size > 0) {
    return { word, stems, file, corrected: null, near: [] };
  }
  const plain = word.replace(/ae/g, "a").replace(/oe/g, "o").replace(/ue/g, "u");
  if (plain !== word && chars(plain).length >= MIN_WORD) {  // "Beschaeftigung" as written without ä
    const written = await lookUp(plain);
    if (written.stems.size > 0) {
      return { ...written, word };
    }
  }
  const length = chars(word).length;
  const most = length >= MIN_SUGGEST_FAR ? SUGGEST_DISTANCE : length >= MIN_SUGGEST ? 1 : 0;
  const near = most > 0 ? await nearWords(word, file, most) : [];
  const typo = chars(word).length >= MIN_TYPO ? near.find((n) => n.distance === 1) : undefined;
  if (typo) {
    const instead = await lookUp(typo.word);
    return { ...instead, corrected: typo.word };
  }
  return { word, stems, file, corrected: null, near: near.slice(0, MAX_SUGGESTIONS) };
}

/* postings = [id, weight, id step, weight, ...] -> [[id, weight], ...] */
function decode(postings) {
  const pages = [];
  let id = 0;
  for (let i = 0; i + 1 < postings.length; i += 2) {
    id += postings[i];
    pages.push([id, postings[i + 1]]);
  }
  return pages;
}

/* The ids of the pages that have every query word, best first; the site words found; the
   words taken for others (typos); and, for words not in the site, the nearest site words. */
async function find(words) {
  const { pages } = await load();
  const looked = await Promise.all(words.map(lookUp));
  const found = new Set();
  const corrected = new Map();
  const missing = looked.filter((one) => one.stems.size === 0);
  let scores = null;
  for (const one of looked) {
    if (one.corrected) {
      corrected.set(words[looked.indexOf(one)], one.corrected);
    }
    const wordScores = new Map();
    for (const [stem, factor] of one.stems) {
      const stemFile = await keyFile(stem);  // the word's own file, but for a short stem
      for (const file of [one.file, stemFile]) {
        for (const word of wordsByStem(file).get(stem) || []) {
          found.add(word);
        }
      }
      const postings = decode(entry(stemFile && stemFile.stems, stem) || []);
      const rarity = Math.log(1 + pages / Math.max(postings.length, 1));
      for (const [id, weight] of postings) {
        const score = factor * rarity * Math.log(1 + weight);
        if (!(wordScores.get(id) >= score)) {
          wordScores.set(id, score);
        }
      }
    }
    if (scores === null) {
      scores = wordScores;
    } else {
      for (const [id, score] of scores) {
        if (wordScores.has(id)) {
          scores.set(id, score + wordScores.get(id));
        } else {
          scores.delete(id);
        }
      }
    }
  }
  const ids = missing.length > 0
    ? []
    : [...scores.keys()].sort((a, b) => scores.get(b) - scores.get(a) || a - b);
  return { ids, found, corrected, missing };
}

/* About EXCERPT_WORDS words of the page's text from shortly before the first word found, those
   words marked; appended as text nodes and <mark> elements, so nothing in a page's text can
   become markup. */
function appendExcerpt(target, text, found) {
  const tokens = text.split(/\s+/).filter(Boolean);
  const isFound = (token) => (token.match(/[\p{L}\p{N}\p{M}]+/gu) || []).some((w) => found.has(fold(w)));
  const first = tokens.findIndex(isFound);
  const start = first < EXCERPT_WORDS - EXCERPT_BEFORE  // a hit near the start: from the start
    ? 0
    : Math.max(0, Math.min(first - EXCERPT_BEFORE, tokens.length - EXCERPT_WORDS));
  const end = Math.min(tokens.length, start + EXCERPT_WORDS);
  if (start > 0) {
    target.append("… ");
  }
  tokens.slice(start, end).forEach((token, i) => {
    if (i > 0) {
      target.append(" ");
    }
    let done = 0;
    for (const part of token.matchAll(/[\p{L}\p{N}\p{M}]+/gu)) {
      if (found.has(fold(part[0]))) {
        const mark = document.createElement("mark");
        mark.textContent = part[0];
        target.append(token.slice(done, part.index), mark);
        done = part.index + part[0].length;
      }
    }
    target.append(token.slice(done));
  });
  if (end < tokens.length) {
    target.append(" …");
  }
}

function resultItem(data) {
  const item = document.createElement("li");
  item.className = "search-result";
  const heading = document.createElement("h2");
  const link = document.createElement("a");
  link.href = data.url;
  link.textContent = data.title || data.url;
  heading.append(link);
  item.append(heading);
  const about = [data.kind, data.pact].filter(Boolean).join(" · ");
  if (about) {
    const line = document.createElement("p");
    line.className = "search-result__meta";
    line.textContent = about;
    item.append(line);
  }
  const excerpt = document.createElement("p");
  excerpt.className = "search-result__excerpt";
  const text = data.text || "";
  const body = data.title && text.startsWith(data.title) ? text.slice(data.title.length) : text;
  appendExcerpt(excerpt, body.trim() ? body : text, marked);  // the title is shown above
  item.append(excerpt);
  return item;
}

async function showMore(run) {
  const next = results.slice(shown, shown + PAGE_SIZE);
  const data = await Promise.all(next.map((id) => indexFile(`seiten/${id}.json`)));
  if (run !== generation) {
    return null;
  }
  if (data.includes(null)) {
    throw new Error("a page of the results is missing from the index");
  }
  const items = data.map(resultItem);
  list.append(...items);
  shown += next.length;
  list.hidden = shown === 0;
  more.hidden = shown >= results.length;
  return items[0] || null;
}

function setAddress(query) {
  const address = new URL(window.location.href);
  if (query) {
    address.searchParams.set("q", query);
  } else {
    address.searchParams.delete("q");
  }
  window.history.replaceState(null, "", address);
}

function clear() {
  generation += 1;
  results = [];
  shown = 0;
  list.replaceChildren();
  list.hidden = true;
  more.hidden = true;
  help.hidden = true;
  say("");
}

async function search(query) {
  window.clearTimeout(timer);
  const text = query.trim();
  const words = queryWords(text);
  if (words.length === 0) {
    clear();
    setAddress(text);
    return;
  }
  const run = ++generation;
  if (!meta) {
    say(form.dataset.loading);
  }
  let found;
  try {
    found = await find(words);
    if (run !== generation) {
      return;  // a newer query replaced this one
    }
    results = found.ids;
    marked = found.found;
    shown = 0;
    list.replaceChildren();
    await showMore(run);
  } catch (error) {
    if (run === generation) {
      clear();
      say(form.dataset.failed);
    }
    return;
  }
  if (run !== generation) {
    return;
  }
  const instead = found.corrected.size > 0
    ? replaced(words, await asWritten(found.corrected, results[0]))
    : "";
  if (run !== generation) {
    return;
  }
  say(countText(results.length, text, instead));
  if (results.length === 0) {
    offerWays(suggestions(words, found));
  } else {
    help.hidden = true;
  }
  setAddress(text);
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  search(input.value);
});
input.addEventListener("input", () => {
  window.clearTimeout(timer);
  if (queryWords(input.value).length === 0) {
    search(input.value);
  } else {
    timer = window.setTimeout(() => search(input.value), DEBOUNCE_MS);
  }
});
let moreComing = false;  // a second click while the next results load adds them once
more.addEventListener("click", async () => {
  if (moreComing) {
    return;
  }
  moreComing = true;
  let first;
  try {
    first = await showMore(generation);
  } catch (error) {
    say(form.dataset.failed);
    return;
  } finally {
    moreComing = false;
  }
  if (first) {
    first.querySelector("a").focus();  // keyboard users go on where the new results start
  }
});

const initial = new URLSearchParams(window.location.search).get("q");
if (initial) {
  input.value = initial;
  search(initial);
} else {
  load().catch(() => say(form.dataset.failed));
}
