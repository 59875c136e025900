/* qadesk scoring screen: keyboard shortcuts over the scorecard's radio groups. No dependencies.
 *
 * 0-9  pick that rating on the current criterion and go to the next one     n   N/A (and go to the next one)
 * j/k  or ArrowDown/ArrowUp: next/previous criterion  ←/→      change rating (native radio behaviour)
 * Ctrl+Enter (or Cmd+Enter): submit the review; Ctrl+Shift+Enter: submit and open the next one in the queue
 * Keys typed into text fields are left alone, except Ctrl+Enter.
 * An autosave answered 409 (the review was submitted elsewhere) shows why and stops saving.
 *
 * The live score in the footer follows scorecards/scoring.py score_review() (FORMULAS.md "Review quality") over the
 * criteria rated so far, from the figures each criterion carries in its data- attributes. The server's score on
 * submit is the authority; tests check the two agree.
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
      if (current < criteria.length - 1) setCurrent(current + 1, true);
      return true;
    }

    // ---- live score: scoring.py score_review() over the rated criteria ----
    var FAIL_BELOW = 50;
    var live = form.querySelector("[data-live-score]");
    var lang = document.documentElement.lang || undefined;
    var twoDecimals = new Intl.NumberFormat(lang, { minimumFractionDigits: 2, maximumFractionDigits: 2, useGrouping: false });
    var whole = new Intl.NumberFormat(lang, { maximumFractionDigits: 0, useGrouping: false });

    function round2(x) {
      // Python's round(x, 2): the hundredth nearest the exact binary value (toFixed's rule too), an exact tie to the
      // even one (toFixed would take the larger). Exact ties are eighths (x * 8 whole), e.g. 85.125.
      var scaled = x * 100, floor = Math.floor(scaled);
      if (x * 8 === Math.round(x * 8) && scaled - floor === 0.5) return (floor % 2 === 0 ? floor : floor + 1) / 100;
      return Number(x.toFixed(2));
    }

    function liveResult() {
      var rows = criteria.map(function (c) {
        var checked = c.querySelector('input[type="radio"]:checked');
        var min = Number(c.getAttribute("data-min")), max = Number(c.getAttribute("data-max"));
        var value = !checked || checked.value === "na" ? null : (Number(checked.value) - min) / (max - min) * 100;
        return {
          value: value, weight: Number(c.getAttribute("data-weight")), section: c.getAttribute("data-section"),
          high: c.getAttribute("data-impact") === "high", critical: c.hasAttribute("data-critical"),
          failSection: c.hasAttribute("data-fail-section"), bonus: c.hasAttribute("data-bonus"),
        };
      });
      var failed = rows.filter(function (r) { return !r.bonus && r.value !== null && r.value < FAIL_BELOW; });
      var failedSections = failed.filter(function (r) { return r.failSection; }).map(function (r) { return r.section; });
      var autoFailed = failed.some(function (r) { return r.critical; });
      var high = failed.filter(function (r) { return r.high; }).length;
      var numerator = 0, denominator = 0;
      rows.forEach(function (r) {
        if (r.value === null) return;
        numerator += failedSections.indexOf(r.section) >= 0 ? 0 : r.value * r.weight;
        if (!r.bonus) denominator += r.weight;
      });
      var score = null;
      if (denominator > 0) {
        score = autoFailed ? 0 : numerator / denominator;
        if (!autoFailed && form.getAttribute("data-allow-above-100") !== "1") score = Math.min(score, 100);
        score = round2(score);
      }
      return { score: score, high: high, low: failed.length - high };
    }

    function updateLive() {
      if (!live) return;
      var result = liveResult();
      var out = live.querySelector("[data-live-value]");
      // As the server shows it (floatformat "-2"): whole numbers without decimals, else two, in the page's language.
      out.textContent = result.score === null ? "—" : (result.score === Math.round(result.score) ? whole : twoDecimals).format(result.score);
      out.setAttribute("data-value", result.score === null ? "" : String(result.score));
      var passMark = Number(form.getAttribute("data-pass-mark"));
      out.classList.toggle("score-pass", result.score !== null && result.score >= passMark);
      out.classList.toggle("score-fail", result.score !== null && result.score < passMark);
      live.querySelector("[data-live-high]").textContent = String(result.high);
      live.querySelector("[data-live-low]").textContent = String(result.low);
      live.hidden = false;
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
    form.addEventListener("change", updateLive);

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
        var submit = (event.shiftKey && form.querySelector("[data-submit-next]")) || form.querySelector("[data-submit]");
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
    updateLive();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
