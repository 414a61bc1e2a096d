// Lending desk scan box: a barcode scanner types the code and Enter. The
// form posts with htmx (queued, so fast scans are never lost); the box is
// emptied as soon as its value is taken and keeps the focus, and the
// outcome is read out to screen readers.
(function () {
  "use strict";
  var form = document.getElementById("desk-scan-form");
  var box = document.getElementById("scan");
  var status = document.getElementById("scan-status");
  if (!form || !box) { return; }
  form.addEventListener("htmx:beforeRequest", function () {
    box.value = "";
    form.querySelectorAll("[data-clear-after-scan]").forEach(function (el) {
      if (el.type === "checkbox") { el.checked = false; } else { el.value = ""; }
    });
    box.focus();
  });
  form.addEventListener("htmx:afterSwap", function () {
    var row = document.querySelector("#scan-log tr");
    if (row && status) { status.textContent = row.textContent.replace(/\s+/g, " ").trim(); }
    if (document.activeElement === document.body) { box.focus(); }
  });
})();
