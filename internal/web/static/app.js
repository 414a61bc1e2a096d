// Interlend page behaviour: CSRF header on htmx requests, the always-ready
// scan box, keyboard shortcuts. No inline script anywhere (strict CSP).
(function () {
  "use strict";
  var meta = document.querySelector('meta[name="csrf-token"]');
  var csrf = meta ? meta.getAttribute("content") : "";
  document.addEventListener("htmx:configRequest", function (e) {
    if (csrf) { e.detail.headers["X-CSRF-Token"] = csrf; }
  });

  // Shortcuts: "/" focuses the scan box; "g" then a letter jumps to a desk
  // (links carry data-shortcut); elements with data-key="x" are clicked by x.
  var pendingG = false;
  document.addEventListener("keydown", function (e) {
    var t = e.target;
    var typing = t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT" || t.isContentEditable);
    if (typing || e.ctrlKey || e.metaKey || e.altKey) { return; }
    if (e.key === "/") {
      var scan = document.getElementById("scan");
      if (scan) { e.preventDefault(); scan.focus(); scan.select(); }
      return;
    }
    if (pendingG) {
      pendingG = false;
      var link = document.querySelector('[data-shortcut="g ' + e.key + '"]');
      if (link) { e.preventDefault(); link.click(); }
      return;
    }
    if (e.key === "g") { pendingG = true; return; }
    var el = document.querySelector('[data-key="' + CSS.escape(e.key) + '"]');
    if (el) { e.preventDefault(); el.click(); }
  });

  // Keep the scan box ready on desk pages: focus it on load when nothing
  // else asked for focus.
  window.addEventListener("load", function () {
    var auto = document.querySelector("[autofocus]");
    var scan = document.getElementById("scan");
    if (!auto && scan && document.body.classList.contains("desk")) { scan.focus(); }
  });
})();
