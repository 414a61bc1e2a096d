// Lending desk keyboard: j / k move between requests, x selects the
// current one, o (or Enter on the row) opens it, Shift+A selects every
// request on the page, b goes to the batch action. Digits and N are
// data-key shortcuts (app.js, and here while a checkbox has focus). The
// list has focus on arrival; "/" goes to the scan box and Escape back
// (also from a desk's own scan box, marked data-scan: the borrowing desk).
// No inline script (strict CSP).
(function () {
  "use strict";
  var table = document.querySelector(".lending-table");
  if (!table) { return; }
  var picks = Array.prototype.slice.call(table.querySelectorAll("input.lending-pick"));
  var all = document.getElementById("lending-all");
  var cur = -1;
  function mark(i) {
    if (!picks.length) { return; }
    cur = Math.max(0, Math.min(picks.length - 1, i));
    picks.forEach(function (p, n) { p.closest("tr").classList.toggle("current", n === cur); });
    picks[cur].focus();
  }
  if (all) {
    all.addEventListener("change", function () {
      picks.forEach(function (p) { p.checked = all.checked; });
    });
  }
  picks.forEach(function (p, n) {
    p.addEventListener("focus", function () { cur = n; picks.forEach(function (q, m) { q.closest("tr").classList.toggle("current", m === n); }); });
  });
  document.addEventListener("keydown", function (e) {
    var t = e.target;
    if (t && (t.id === "scan" || t.hasAttribute("data-scan")) && e.key === "Escape" && picks.length) {
      e.preventDefault(); mark(Math.max(cur, 0)); return;
    }
    var typing = t && ((t.tagName === "INPUT" && t.type !== "checkbox") || t.tagName === "TEXTAREA" || t.tagName === "SELECT" || t.isContentEditable);
    if (typing || e.ctrlKey || e.metaKey || e.altKey) { return; }
    var row = cur >= 0 ? picks[cur].closest("tr") : null;
    switch (e.key) {
      case "j": e.preventDefault(); e.stopImmediatePropagation(); mark(cur + 1); break;
      case "k": e.preventDefault(); e.stopImmediatePropagation(); mark(cur - 1); break;
      case "x":
        if (cur >= 0) { e.preventDefault(); e.stopImmediatePropagation(); picks[cur].checked = !picks[cur].checked; }
        break;
      case "o":
      case "Enter":
        if (row && t === picks[cur]) { e.preventDefault(); e.stopImmediatePropagation(); window.location.href = row.getAttribute("data-href"); }
        break;
      case "A":
        e.preventDefault(); e.stopImmediatePropagation();
        picks.forEach(function (p) { p.checked = true; });
        if (all) { all.checked = true; }
        break;
      case "b":
        var sel = document.querySelector("[data-key-focus=b]");
        if (sel) { e.preventDefault(); e.stopImmediatePropagation(); sel.focus(); }
        break;
      default:
        // app.js leaves keys alone while a checkbox has focus: the desk's
        // own shortcuts (queues, tools) work from the list too.
        if (t && t.type === "checkbox" && e.key.length === 1) {
          var el = document.querySelector('[data-key="' + CSS.escape(e.key) + '"]');
          if (el) { e.preventDefault(); e.stopImmediatePropagation(); el.click(); }
        }
    }
  }, true);
})();
