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
    // Escape leaves a desk's own scan box (data-scan) so the page's keys work.
    if (e.key === "Escape" && t && t.hasAttribute && t.hasAttribute("data-scan") && document.activeElement === t) { t.blur(); return; }
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

  // Errors of htmx requests, shown at the top of the page as an alert: the
  // server's own message (renderError sends it as the interlendError
  // event), or the layout's texts when the server could not be reached or
  // answered with an error of its own.
  function showError(text) {
    var main = document.getElementById("main");
    if (!main || !text) { return; }
    var old = document.getElementById("request-error");
    if (old) { old.remove(); }
    var div = document.createElement("div");
    div.id = "request-error";
    div.className = "flash bad";
    div.setAttribute("role", "alert");
    div.textContent = text;
    main.insertBefore(div, main.firstChild);
  }
  function meta(name) {
    var m = document.querySelector('meta[name="' + name + '"]');
    return m ? m.getAttribute("content") : "";
  }
  document.addEventListener("interlendError", function (e) { showError(e.detail && e.detail.value); });
  document.addEventListener("htmx:sendError", function () { showError(meta("interlend-neterror")); });
  document.addEventListener("htmx:responseError", function (e) {
    var xhr = e.detail && e.detail.xhr;
    if (xhr && !xhr.getResponseHeader("HX-Trigger")) { showError(meta("interlend-error")); }
  });

  // Keep the scan box ready on desk pages: focus it on load when nothing
  // else asked for focus.
  window.addEventListener("load", function () {
    var auto = document.querySelector("[autofocus]");
    var scan = document.getElementById("scan");
    if (!auto && scan && document.body.classList.contains("desk")) { scan.focus(); }
  });
})();
