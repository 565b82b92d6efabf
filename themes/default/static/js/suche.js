/* Site search: loads the Pagefind index built with the site and lists the results itself
   (title as link, pact, excerpt). No inline code, nothing from other hosts; the query lives
   in the address (?q=...), so the form also works by pressing Enter and results can be
   bookmarked. Without JavaScript the page shows links to the overviews instead. */
const PAGE_SIZE = 10;
const form = document.getElementById("ps_search");
const input = document.getElementById("ps_search_q");
const status = document.getElementById("ps_search_status");
const list = document.getElementById("ps_search_results");
const more = document.getElementById("ps_search_more");
const nojs = document.getElementById("ps_search_nojs");

let pagefind = null;
let generation = 0;
let results = [];
let shown = 0;

function say(text) {
  status.textContent = text;
}

function countText(n, query) {
  const key = n === 0 ? "countZero" : n === 1 ? "countOne" : "countOther";
  return form.dataset[key].replace("{n}", String(n)).replace("{q}", query);
}

async function load() {
  if (!pagefind) {
    const module = await import(form.dataset.index);
    await module.options({ excerptLength: 24 });
    await module.init();
    pagefind = module;
    nojs.hidden = true;
  }
  return pagefind;
}

/* Pagefind's excerpt is HTML with <mark> around the hits. Only its text and the marks are
   taken over, as DOM nodes: nothing in an excerpt can become markup or script. */
function appendExcerpt(target, excerpt) {
  const parsed = new DOMParser().parseFromString(excerpt, "text/html");
  (function walk(node) {
    for (const child of node.childNodes) {
      if (child.nodeType === Node.TEXT_NODE) {
        target.append(document.createTextNode(child.textContent));
      } else if (child.nodeName === "MARK") {
        const mark = document.createElement("mark");
        mark.textContent = child.textContent;
        target.append(mark);
      } else {
        walk(child);
      }
    }
  })(parsed.body);
}

function resultItem(data) {
  const item = document.createElement("li");
  item.className = "search-result";
  const heading = document.createElement("h2");
  const link = document.createElement("a");
  link.href = data.url;
  link.textContent = data.meta.title || data.url;
  heading.append(link);
  item.append(heading);
  const about = [data.meta.kind, data.meta.pact].filter(Boolean).join(" · ");
  if (about) {
    const line = document.createElement("p");
    line.className = "search-result__meta";
    line.textContent = about;
    item.append(line);
  }
  const excerpt = document.createElement("p");
  excerpt.className = "search-result__excerpt";
  appendExcerpt(excerpt, data.excerpt || "");
  item.append(excerpt);
  return item;
}

/* Pagefind answers a word that is not in its index with the pages of the longest indexed word
   the query begins with ("Ausbildung" gives the pages with "aus"), and leaves such a word out
   of a query of several words; no option turns this off (Pagefind issue 780). So a result is
   kept only if it has every word of the query. A quoted search ("...") has no such fallback:
   a word that Pagefind finds quoted is in the index as it stems it ("Projekte" as "projekt"), and
   then all of Pagefind's results have it. Any other word is either still being typed (then
   Pagefind gives the pages of the words it begins, and each result has such a word) or not in
   the site (then no result has a word it begins). So the first result tells which: only its
   text is loaded, the one that is shown first anyway, not the texts of thousands of pages. */
const PUNCTUATION = /[\p{Pd}\p{Pe}\p{Pf}\p{Pi}\p{Po}\p{Ps}]/gu;

function fold(text) {
  return text.normalize("NFD").replace(/\p{M}/gu, "").toLocaleLowerCase("de").replace(/ß/g, "ss");
}

function queryWords(query) {
  return [...new Set(fold(query).replace(PUNCTUATION, "").split(/\s+/).filter(Boolean))];
}

/* The words of a page's indexed text and its meta data, each also without its punctuation and
   in its parts ("Halle-Dessau." gives halle-dessau., halledessau, halle, dessau). */
function pageWords(data) {
  const texts = [data.content || "", ...Object.values(data.meta || {})];
  const words = new Set();
  for (const word of fold(texts.join(" ")).split(/\s+/)) {
    words.add(word.replace(PUNCTUATION, ""));
    for (const part of word.split(PUNCTUATION)) {
      words.add(part);
    }
  }
  return words;
}

function hasWordsBeginning(data, beginnings) {
  const words = [...pageWords(data)];
  return beginnings.every((start) => words.some((word) => word.startsWith(start)));
}

/* Pagefind's results for the query if they have every word of it; else none. */
async function withEveryWord(index, query, found) {
  if (/^\s*".+"\s*$/.test(query)) {
    return found;
  }
  const words = queryWords(query);
  const quoted = await Promise.all(words.map((word) => index.search(`"${word}"`)));
  const unknown = words.filter((word, i) => quoted[i].results.length === 0);
  if (unknown.length === 0 || found.length === 0) {
    return found;
  }
  return hasWordsBeginning(await found[0].data(), unknown) ? found : [];
}

async function showMore(run) {
  const next = results.slice(shown, shown + PAGE_SIZE);
  const data = await Promise.all(next.map((result) => result.data()));
  if (run !== generation) {
    return null;
  }
  const items = data.map(resultItem);
  list.append(...items);
  shown += next.length;
  list.hidden = shown === 0;
  more.hidden = shown >= results.length;
  return items[0] || null;
}

async function search(query, debounced) {
  const run = ++generation;
  const words = query.trim();
  if (!words) {
    results = [];
    shown = 0;
    list.replaceChildren();
    list.hidden = true;
    more.hidden = true;
    say("");
    return;
  }
  if (!pagefind) {
    say(form.dataset.loading);
  }
  let found;
  try {
    const index = await load();
    const answer = debounced
      ? await index.debouncedSearch(words, {}, 300)
      : await index.search(words);
    found = answer === null || run !== generation ? null : await withEveryWord(index, words, answer.results);
  } catch (error) {
    say(form.dataset.failed);
    return;
  }
  if (found === null || run !== generation) {
    return;  // a newer query replaced this one
  }
  results = found;
  shown = 0;
  list.replaceChildren();
  await showMore(run);
  if (run !== generation) {
    return;
  }
  say(countText(results.length, words));
  const address = new URL(window.location.href);
  address.searchParams.set("q", words);
  window.history.replaceState(null, "", address);
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  search(input.value, false);
});
input.addEventListener("input", () => search(input.value, true));
more.addEventListener("click", async () => {
  const first = await showMore(generation);
  if (first) {
    first.querySelector("a").focus();  // keyboard users go on where the new results start
  }
});

const initial = new URLSearchParams(window.location.search).get("q");
if (initial) {
  input.value = initial;
  search(initial, false);
} else {
  load().catch(() => say(form.dataset.failed));
}
