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
const ENDINGS = ["ern", "em", "en", "er", "es", "e", "n", "s"];
const MIN_STRIPPED = 3;

const form = document.getElementById("ps_search");
const input = document.getElementById("ps_search_q");
const status = document.getElementById("ps_search_status");
const list = document.getElementById("ps_search_results");
const more = document.getElementById("ps_search_more");
const nojs = document.getElementById("ps_search_nojs");
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

function countText(n, query) {
  const key = n === 0 ? "countZero" : n === 1 ? "countOne" : "countOther";
  return form.dataset[key].replace("{n}", String(n)).replace("{q}", query);
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

function keyFile(word) {
  const key = chars(word).slice(0, KEY_LENGTH).join("");
  const name = /^[a-z0-9]+$/.test(key)
    ? key
    : "x" + Array.from(new TextEncoder().encode(key), (b) => b.toString(16).padStart(2, "0")).join("");
  return indexFile(`w/${name}.json`);
}

/* The stems a query word stands for, each with its factor: the word's own (1); those of the
   site words it begins, if it may still be being typed (0.5); else that of the word without
   one German ending ("Projekten" is not in the site, "Projekt" is). Empty: not in the site. */
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
  if (exact) {
    stems.set(exact[0], 1);
  }
  if (stems.size === 0) {
    for (const ending of ENDINGS) {
      const rest = word.slice(0, -ending.length);
      const known = entry(siteWords, rest);
      if (word.endsWith(ending) && chars(rest).length >= MIN_STRIPPED && known) {
        stems.set(known[0], 1);
      }
    }
  }
  return stems;
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

/* The ids of the pages that have every query word, best first, and the site words found. */
async function find(words) {
  const { pages } = await load();
  const wordFiles = await Promise.all(words.map(keyFile));
  const found = new Set();
  let scores = null;
  for (let i = 0; i < words.length; i += 1) {
    const stems = candidateStems(words[i], wordFiles[i]);
    if (stems.size === 0) {
      return { ids: [], found };
    }
    const wordScores = new Map();
    for (const [stem, factor] of stems) {
      const stemFile = await keyFile(stem);  // the word's own file, but for a short stem
      for (const file of [wordFiles[i], stemFile]) {
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
  const ids = [...scores.keys()].sort((a, b) => scores.get(b) - scores.get(a) || a - b);
  return { ids, found };
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
  try {
    const found = await find(words);
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
  say(countText(results.length, text));
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
