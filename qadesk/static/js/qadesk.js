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

// Export links [data-export] with [data-export-form]: the download takes the filter form's values as they are now.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[data-export][data-export-form]");
    if (!link) return;
    var form = document.getElementById(link.getAttribute("data-export-form"));
    if (!form) return;
    // The page's query (filters from a link) with the form's fields as they are now in place of theirs.
    var query = new URLSearchParams(link.search);
    var data = new FormData(form);
    Array.prototype.forEach.call(form.elements, function (el) { if (el.name) query.delete(el.name); });
    data.forEach(function (value, name) {
      if (name !== "page" && name !== "csrfmiddlewaretoken" && value !== "") query.append(name, value);
    });
    query.set("format", link.getAttribute("data-export"));
    link.href = link.pathname + "?" + query.toString();
  });
})();
