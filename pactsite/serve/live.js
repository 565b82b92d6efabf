// pactsite serve: reload the page when the site was rebuilt. Served only by
// `pactsite serve` and added to its HTML responses; never part of the built site.
(function () {
  "use strict";
  var script = document.currentScript;
  var version = script ? script.getAttribute("data-version") : null;
  var close = document.querySelector("[data-pactsite-close]");
  if (close) {
    close.addEventListener("click", function () {
      document.getElementById("pactsite-overlay").hidden = true;
    });
    close.focus();
  }
  if (!version || !window.EventSource) {
    return;
  }
  // The server sends the current build version on every (re)connection and after every
  // build; a version other than the page's means the page is out of date. Browsers allow
  // only six connections per server, so hidden tabs let go of theirs and check again
  // when they are shown.
  var source = null;
  function connect() {
    if (source) {
      return;
    }
    source = new EventSource("/.pactsite/live");
    source.addEventListener("version", function (event) {
      if (event.data !== version) {
        disconnect();
        window.location.reload();
      }
    });
  }
  function disconnect() {
    if (source) {
      source.close();
      source = null;
    }
  }
  document.addEventListener("visibilitychange", function () {
    if (document.hidden) {
      disconnect();
    } else {
      connect();
    }
  });
  if (!document.hidden) {
    connect();
  }
})();
