/* Project directory filter: progressive enhancement of the static facet pages.
   Facets combine (AND), values within a facet add up (OR); the state lives in the URL.
   Each facet's counts are those of the other facets' choice and the search word, and a value
   that would leave nothing is disabled. Where the directory has several pages, every
   project's list item is loaded from the form's data-cards file. */
(function () {
  "use strict";
  function byId(id) { return document.getElementById(id); }
  var form = byId("projekt-filter");
  var list = byId("projekt-liste");
  var count = byId("projekt-anzahl");
  var box = byId("projekt-filterbox");
  if (box && window.matchMedia("(min-width: 60em)").matches) {
    box.open = true;  // a side column on wide screens, as much in view as the list
  }
  if (!form || !list || !count || !window.URLSearchParams) { return; }  // a static facet page
  var active = byId("projekt-aktiv");
  var chips = byId("projekt-chips");
  var empty = byId("projekt-leer");
  var resetLink = byId("projekt-zuruecksetzen");
  var more = byId("projekt-mehr");
  var pages = byId("projekt-seiten");
  var FACETS = ["pakt", "branche", "foerderung", "status", "zielgruppe"];
  var STEP = 50;  // as many as a static page of the directory shows
  var limit = STEP;
  var search = form.elements.namedItem("suche");
  var boxes = Array.prototype.slice.call(form.querySelectorAll("input[type='checkbox']"));
  var items = Array.prototype.slice.call(list.children).map(record);

  form.hidden = false;
  var facetLinks = box && box.querySelector(".facets");
  if (facetLinks) {  // the form replaces the static facet pages while script runs
    facetLinks.hidden = true;
    box.parentNode.classList.add("directory--filtering");
  }

  /* Words as the site search folds them (suche.js): accents and umlauts dropped, lower
     case, ß as ss. */
  function fold(text) {
    return text.normalize("NFD").replace(/\p{M}/gu, "").toLocaleLowerCase("de").replace(/ß/g, "ss");
  }

  /* A word without its German inflection ending ("Chemie" finds "chemische", "Projekten"
     finds "Projekt"); the words are found anywhere in a project's text, so a part of a
     compound ("Standort" in "Chemiestandort") is found too. */
  var ENDINGS = ["ern", "em", "en", "er", "es", "e", "n", "s"];
  function stem(word) {
    for (var i = 0; i < ENDINGS.length; i += 1) {
      var ending = ENDINGS[i];
      if (word.length - ending.length >= 4 && word.slice(-ending.length) === ending) {
        return word.slice(0, -ending.length);
      }
    }
    return word;
  }

  function record(node) {
    var values = {};
    FACETS.forEach(function (facet) {
      values[facet] = (node.getAttribute("data-" + facet) || "").split(" ").filter(Boolean);
    });
    return { node: node, values: values, text: fold(node.getAttribute("data-text") || "") };
  }

  function chosen() {
    var state = {};
    FACETS.forEach(function (facet) { state[facet] = []; });
    boxes.forEach(function (input) {
      if (input.checked) { state[input.name].push(input.value); }
    });
    return state;
  }

  function queryWords() {
    return (fold(search.value).match(/[\p{L}\p{N}]+/gu) || []).map(stem);
  }

  function inFacets(item, state, except) {
    return FACETS.every(function (facet) {
      return facet === except || !state[facet].length || state[facet].some(function (value) {
        return item.values[facet].indexOf(value) !== -1;
      });
    });
  }

  function recount(state, found) {
    FACETS.forEach(function (facet) {
      var tally = {};
      found.forEach(function (item) {
        if (inFacets(item, state, facet)) {
          item.values[facet].forEach(function (value) { tally[value] = (tally[value] || 0) + 1; });
        }
      });
      boxes.forEach(function (input) {
        if (input.name !== facet) { return; }
        var n = tally[input.value] || 0;
        input.parentNode.querySelector(".choice__count").textContent = "(" + n + ")";
        input.disabled = n === 0 && !input.checked;
      });
    });
  }

  function chip(label, remove) {
    var li = document.createElement("li");
    var button = document.createElement("button");
    var hint = document.createElement("span");
    button.type = "button";
    button.className = "chip";
    button.textContent = label;
    hint.className = "visually-hidden";
    hint.textContent = " – " + form.getAttribute("data-remove");
    button.appendChild(hint);
    button.addEventListener("click", function () {
      remove();
      update();
      history.pushState(null, "", toQuery());
      count.focus();
    });
    li.appendChild(button);
    return li;
  }

  function showChips() {
    var n = 0;
    chips.textContent = "";
    boxes.forEach(function (input) {
      if (!input.checked) { return; }
      n += 1;
      chips.appendChild(chip(input.getAttribute("data-label"), function () { input.checked = false; }));
    });
    if (search.value.trim()) {
      n += 1;
      chips.appendChild(chip("„" + search.value.trim() + "“", function () { search.value = ""; }));
    }
    chips.hidden = n === 0;
    active.textContent = n ? "(" + active.getAttribute("data-template").replace("{n}", String(n)) + ")" : "";
  }

  function update() {
    var state = chosen();
    var words = queryWords();
    var found = items.filter(function (item) {
      return words.every(function (word) { return item.text.indexOf(word) !== -1; });
    });
    var shown = 0;
    items.forEach(function (item) { item.match = false; });
    found.forEach(function (item) { item.match = inFacets(item, state, null); });
    items.forEach(function (item) {
      var visible = item.match;
      if (visible) { shown += 1; }
      item.node.hidden = !visible || shown > limit;
    });
    recount(state, found);
    showChips();
    count.textContent = form.getAttribute("data-count")
      .replace("{n}", String(shown)).replace("{total}", String(items.length));
    empty.hidden = shown > 0;
    more.parentNode.hidden = shown <= limit;
    more.textContent = form.getAttribute("data-more") + " (" + (shown - limit) + ")";
  }

  function toQuery() {
    var params = new URLSearchParams();
    boxes.forEach(function (input) {
      if (input.checked) { params.append(input.name, input.value); }
    });
    if (search.value.trim()) { params.set("suche", search.value.trim()); }
    var query = params.toString();
    return location.pathname + (query ? "?" + query : "");
  }

  function fromQuery() {
    var params = new URLSearchParams(location.search);
    boxes.forEach(function (input) {
      input.checked = params.getAll(input.name).indexOf(input.value) !== -1;
    });
    search.value = params.get("suche") || "";
    limit = STEP;
    update();
  }

  function resetAll() {
    form.reset();
    limit = STEP;
    update();
    history.pushState(null, "", location.pathname);
  }

  form.addEventListener("change", function (event) {
    if (event.target === search) { return; }
    limit = STEP;
    update();
    history.pushState(null, "", toQuery());
  });
  search.addEventListener("input", function () {
    limit = STEP;
    update();
    history.replaceState(null, "", toQuery());
  });
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  form.addEventListener("reset", function () { setTimeout(resetAll, 0); });
  if (resetLink) {
    resetLink.addEventListener("click", function (event) {
      event.preventDefault();
      resetAll();
      count.focus();
    });
  }
  more.addEventListener("click", function () {
    var first = items.filter(function (item) { return item.node.hidden === false; }).length;
    limit += STEP;
    update();
    var next = items.filter(function (item) { return !item.node.hidden; })[first];
    if (next) { next.node.querySelector("a").focus(); }
  });
  window.addEventListener("popstate", fromQuery);
  var cards = window.fetch && form.getAttribute("data-cards");
  if (!cards || location.search) {
    fromQuery();  // on the first page of many, the page's own count stands until all are here
  }

  if (cards) {
    fetch(cards).then(function (response) {
      if (!response.ok) { throw new Error(response.status); }
      return response.json();
    }).then(function (data) {
      var template = document.createElement("template");
      template.innerHTML = data.items.join("");
      list.textContent = "";
      list.appendChild(template.content);
      items = Array.prototype.slice.call(list.children).map(record);
      if (pages) { pages.hidden = true; }
      fromQuery();
    }).catch(function () { /* the static pages stay: their links still work */ });
  }
})();
