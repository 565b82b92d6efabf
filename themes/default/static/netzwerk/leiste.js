/* pactsite network bar: links to all pacts and the latest news of the network.
   Embed with <div id="pakte-leiste" data-pakt="KEY"></div> and this script (defer).
   No dependencies, no inline code, no style attributes: works under a strict CSP. */
(function () {
  "use strict";
  var script = document.currentScript;
  var base = new URL(".", script ? script.src : location.href);
  function start() {
    var host = document.getElementById("pakte-leiste");
    if (!host) { return; }
    fetch(new URL("pakte.json", base).href, { credentials: "omit" })
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
      .then(function (data) { draw(host, data); })
      .catch(function () {
        host.appendChild(link(base.href.replace(/netzwerk\/$/, ""), "Netzwerk der Pakte für Arbeit"));
      });
  }
  function el(tag, text) {
    var node = document.createElement(tag);
    if (text) { node.textContent = text; }
    return node;
  }
  function link(href, text) {
    var a = el("a", text);
    a.href = href;
    return a;
  }
  function list(items, current) {
    var ul = el("ul");
    set(ul, { listStyle: "none", margin: "0", padding: "0", display: "flex", flexWrap: "wrap", gap: "0.25rem 1rem" });
    items.forEach(function (item) {
      var li = el("li");
      var a = link(item.url, item.text);
      set(a, { color: "#ffffff", textDecoration: "underline" });
      if (item.key && item.key === current) { a.setAttribute("aria-current", "page"); a.style.fontWeight = "700"; }
      li.appendChild(a);
      ul.appendChild(li);
    });
    return ul;
  }
  function set(node, styles) {
    Object.keys(styles).forEach(function (k) { node.style[k] = styles[k]; });
  }
  function draw(host, data) {
    var current = host.getAttribute("data-pakt") || "";
    var nav = el("nav");
    nav.setAttribute("aria-label", data.network.title);
    set(nav, { background: "#0f3356", color: "#ffffff", padding: "0.5rem 1rem", fontFamily: "system-ui, sans-serif", fontSize: "0.95rem", lineHeight: "1.6" });
    var title = link(data.network.url, data.network.title);
    set(title, { color: "#ffffff", fontWeight: "700", marginRight: "1rem" });
    nav.appendChild(title);
    nav.appendChild(list(data.pacts.map(function (p) { return { url: p.url, text: p.short_name, key: p.key }; }), current));
    if (data.news.length) {
      var heading = el("p", "Neues aus dem Netzwerk:");
      set(heading, { margin: "0.5rem 0 0", fontWeight: "700" });
      nav.appendChild(heading);
      nav.appendChild(list(data.news.slice(0, 3).map(function (n) { return { url: n.url, text: n.title }; }), ""));
    }
    host.textContent = "";
    host.appendChild(nav);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
