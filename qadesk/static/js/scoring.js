/* qadesk scoring screen: keyboard shortcuts over the scorecard's radio groups. No dependencies.
 *
 * 0-9  pick that rating on the current criterion     n        N/A
 * j/k  or ArrowDown/ArrowUp: next/previous criterion  ←/→      change rating (native radio behaviour)
 * Ctrl+Enter (or Cmd+Enter): submit the review
 * Keys typed into text fields are left alone, except Ctrl+Enter.
 * An autosave answered 409 (the review was submitted elsewhere) shows why and stops saving.
 */
(function () {
  "use strict";

  function init() {
    var form = document.querySelector("form[data-scoring]");
    if (!form) return;
    var criteria = Array.prototype.slice.call(form.querySelectorAll("[data-criterion]"));
    if (!criteria.length) return;
    var current = 0;

    function radios(fieldset) {
      return Array.prototype.slice.call(fieldset.querySelectorAll('input[type="radio"]'));
    }

    function setCurrent(index, focus) {
      current = Math.max(0, Math.min(criteria.length - 1, index));
      criteria.forEach(function (c, i) { c.classList.toggle("is-current", i === current); });
      var fieldset = criteria[current];
      if (focus) {
        var group = radios(fieldset);
        var target = group.filter(function (r) { return r.checked; })[0] || group[0];
        if (target) target.focus({ preventScroll: true });
        fieldset.scrollIntoView({ block: "nearest", behavior: "smooth" });
      }
    }

    function pick(value) {
      var match = radios(criteria[current]).filter(function (r) { return r.value === value; })[0];
      if (!match) return false;
      match.checked = true;
      match.focus({ preventScroll: true });
      match.dispatchEvent(new Event("change", { bubbles: true }));
      return true;
    }

    function updateProgress() {
      var rated = criteria.filter(function (c) { return c.querySelector('input[type="radio"]:checked'); }).length;
      var out = form.querySelector("[data-rated]");
      if (out) out.textContent = String(rated);
      criteria.forEach(function (c) { c.classList.toggle("is-rated", !!c.querySelector('input[type="radio"]:checked')); });
    }

    form.addEventListener("focusin", function (event) {
      var fieldset = event.target.closest("[data-criterion]");
      if (fieldset) setCurrent(criteria.indexOf(fieldset), false);
    });
    form.addEventListener("change", updateProgress);

    // Saving or submitting must not race an autosave: wait for one in flight, and cancel the ones still waiting.
    var submitting = false, inflight = false, pending = null, closed = false;
    form.addEventListener("htmx:beforeRequest", function (event) {
      if (submitting || closed) event.preventDefault(); else inflight = true;
    });
    // 409: the review was submitted meanwhile (another tab, another device) and this change was not saved. htmx leaves
    // error answers unswapped; show the server's message (with a link to the review) and stop autosaving and saving.
    form.addEventListener("htmx:beforeSwap", function (event) {
      if (event.detail.xhr.status !== 409) return;
      event.detail.shouldSwap = true;
      event.detail.isError = false;
      closed = true;
      pending = null;
      Array.prototype.forEach.call(form.querySelectorAll('button[type="submit"]'), function (b) { b.disabled = true; });
    });
    form.addEventListener("htmx:afterRequest", function () {
      inflight = false;
      if (pending) { var submitter = pending; pending = null; form.requestSubmit(submitter); }
    });
    form.addEventListener("submit", function (event) {
      submitting = true;
      if (inflight) { event.preventDefault(); pending = event.submitter || form.querySelector("[data-submit]"); }
    });

    document.addEventListener("keydown", function (event) {
      if ((event.ctrlKey || event.metaKey) && event.key === "Enter") {
        var submit = form.querySelector("[data-submit]");
        if (submit) { event.preventDefault(); submit.click(); }
        return;
      }
      if (event.ctrlKey || event.metaKey || event.altKey) return;
      var el = event.target;
      var typing = el.isContentEditable || el.tagName === "TEXTAREA" || el.tagName === "SELECT" ||
        (el.tagName === "INPUT" && el.type !== "radio" && el.type !== "checkbox");
      if (typing) return;
      var onRadio = el.tagName === "INPUT" && el.type === "radio";
      var key = event.key;
      if (key === "j" || (key === "ArrowDown" && (onRadio || el === document.body))) {
        event.preventDefault();
        setCurrent(current + 1, true);
      } else if (key === "k" || (key === "ArrowUp" && (onRadio || el === document.body))) {
        event.preventDefault();
        setCurrent(current - 1, true);
      } else if (/^[0-9]$/.test(key)) {
        if (pick(key)) event.preventDefault();
      } else if (key === "n" || key === "N") {
        if (pick("na")) event.preventDefault();
      }
    });

    setCurrent(0, false);
    updateProgress();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
