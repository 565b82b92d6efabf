/* Project directory filter: progressive enhancement of the static facet pages.
   Facets combine (AND), values within a facet add up (OR); the state lives in the URL. */
(function () {
  "use strict";
  var form = document.getElementById("projekt-filter");
  var list = document.getElementById("projekt-liste");
  var count = document.getElementById("projekt-anzahl");
  if (!form || !list || !count) { return; }
  var items = Array.prototype.slice.call(list.children);
  var facets = ["pakt", "branche", "foerderung", "status", "zielgruppe"];
  var search = form.elements.namedItem("suche");
  form.hidden = false;
  var facetLinks = document.querySelector(".directory > .facets");
  if (facetLinks) {  // the form replaces the static facet pages while script runs
    facetLinks.hidden = true;
    facetLinks.parentNode.classList.add("directory--filtering");
  }

  function chosen() {
    var state = {};
    facets.forEach(function (facet) {
      state[facet] = Array.prototype.slice.call(form.querySelectorAll("input[name='" + facet + "']:checked"))
        .map(function (box) { return box.value; });
    });
    return state;
  }

  function matches(item, state, words) {
    var ok = facets.every(function (facet) {
      if (!state[facet].length) { return true; }
      var values = (item.getAttribute("data-" + facet) || "").split(" ");
      return state[facet].some(function (value) { return values.indexOf(value) !== -1; });
    });
    var text = item.getAttribute("data-text") || "";
    return ok && words.every(function (word) { return text.indexOf(word) !== -1; });
  }

  function filter() {
    var state = chosen();
    var words = search.value.toLowerCase().split(/\s+/).filter(Boolean);
    var shown = 0;
    items.forEach(function (item) {
      var visible = matches(item, state, words);
      item.hidden = !visible;
      if (visible) { shown += 1; }
    });
    count.textContent = form.getAttribute("data-count")
      .replace("{n}", String(shown)).replace("{total}", String(items.length));
  }

  function toQuery() {
    var params = new URLSearchParams();
    var state = chosen();
    facets.forEach(function (facet) {
      state[facet].forEach(function (value) { params.append(facet, value); });
    });
    if (search.value.trim()) { params.set("suche", search.value.trim()); }
    var query = params.toString();
    return location.pathname + (query ? "?" + query : "");
  }

  function fromQuery() {
    var params = new URLSearchParams(location.search);
    Array.prototype.forEach.call(form.querySelectorAll("input[type='checkbox']"), function (box) {
      box.checked = params.getAll(box.name).indexOf(box.value) !== -1;
    });
    search.value = params.get("suche") || "";
    filter();
  }

  form.addEventListener("change", function (event) {
    if (event.target === search) { return; }
    filter();
    history.pushState(null, "", toQuery());
  });
  search.addEventListener("input", function () {
    filter();
    history.replaceState(null, "", toQuery());
  });
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  form.addEventListener("reset", function () {
    setTimeout(function () {
      filter();
      history.pushState(null, "", location.pathname);
    }, 0);
  });
  window.addEventListener("popstate", fromQuery);
  fromQuery();
})();
