/* qadesk: small behaviours shared by every page. No dependencies; survives htmx swaps (event delegation). */
(function () {
  "use strict";

  // Bulk selection: a header checkbox [data-select-all] ticks every [data-select] row of its table;
  // the count in [data-selected-count] and the [data-bulk-submit] button follow the selection.
  function refresh(root) {
    var boxes = Array.prototype.slice.call(root.querySelectorAll("[data-select]"));
    var ticked = boxes.filter(function (b) { return b.checked; }).length;
    root.querySelectorAll("[data-selected-count]").forEach(function (el) { el.textContent = String(ticked); });
    // With "all matching" or "a random N" chosen (name="mode"), the button does not need ticked rows.
    var mode = root.querySelector("[data-bulk] input[name=mode]:checked");
    var needsTicks = !mode || mode.value === "ticked";
    root.querySelectorAll("[data-bulk-submit]").forEach(function (el) { el.disabled = needsTicks && ticked === 0; });
    root.querySelectorAll("[data-select-all]").forEach(function (el) {
      el.checked = boxes.length > 0 && ticked === boxes.length;
      el.indeterminate = ticked > 0 && ticked < boxes.length;
    });
  }

  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el.matches && el.matches("[data-select-all]")) {
      var table = el.closest("table");
      table.querySelectorAll("[data-select]").forEach(function (b) { b.checked = el.checked; });
    }
    if (el.matches && (el.matches("[data-select-all]") || el.matches("[data-select]") || el.matches("input[name=mode]"))) refresh(document);
  });
  document.addEventListener("htmx:afterSwap", function () { refresh(document); });
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", function () { refresh(document); });
  else refresh(document);
})();
