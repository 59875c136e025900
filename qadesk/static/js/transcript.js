/* qadesk transcript tools (interactions/_transcript.html): search with highlighted hits and a counter, jumps between
 * agent messages, expand every folded run, and the original/translation switch (a link that reloads the page with
 * ?text=translation without JavaScript; here it switches in place). Events (one-line actions) are searched too. No dependencies; without JavaScript the tools bar stays hidden and folded
 * runs still open by hand (<details>).
 *
 * In the search box: Enter = next match, Shift+Enter = previous match, Escape = clear.
 * Translated texts come from the page (data-format "{current} of {total}", data-none).
 */
(function () {
  "use strict";

  var DEBOUNCE_MS = 150;

  function openFolds(el) {
    for (var d = el.closest("details"); d; d = d.parentElement && d.parentElement.closest("details")) {
      if (!d.classList.contains("msg-menu")) d.open = true;
    }
  }

  // Bring el to the middle of the box that scrolls it (the transcript pane beside the scorecard), without moving the
  // page; where no box scrolls (a phone, a review page), the page scrolls.
  function reveal(el) {
    for (var box = el.parentElement; box && box !== document.body; box = box.parentElement) {
      var style = getComputedStyle(box);
      if (/(auto|scroll)/.test(style.overflowY) && box.scrollHeight > box.clientHeight) {
        var r = el.getBoundingClientRect(), b = box.getBoundingClientRect();
        box.scrollTop += r.top - b.top - (box.clientHeight - r.height) / 2;
        return;
      }
    }
    el.scrollIntoView({ block: "center" });
  }

  function clearMarks(list) {
    var parents = [];
    Array.prototype.forEach.call(list.querySelectorAll("mark.ts-hit"), function (mark) {
      var parent = mark.parentNode;
      parent.replaceChild(document.createTextNode(mark.textContent), mark);
      if (parents.indexOf(parent) < 0) parents.push(parent);
    });
    parents.forEach(function (p) { p.normalize(); });
  }

  function markText(node, needle, hits) {
    // Wrap every case-insensitive occurrence of needle in this text node's parent with <mark class="ts-hit">.
    var text = node.nodeValue, lower = text.toLowerCase(), at = lower.indexOf(needle);
    if (at < 0) return;
    var frag = document.createDocumentFragment(), from = 0;
    while (at >= 0) {
      if (at > from) frag.appendChild(document.createTextNode(text.slice(from, at)));
      var mark = document.createElement("mark");
      mark.className = "ts-hit";
      mark.textContent = text.slice(at, at + needle.length);
      frag.appendChild(mark);
      hits.push(mark);
      from = at + needle.length;
      at = lower.indexOf(needle, from);
    }
    if (from < text.length) frag.appendChild(document.createTextNode(text.slice(from)));
    node.parentNode.replaceChild(frag, node);
  }

  function init(root) {
    var tools = root.querySelector("[data-transcript-tools]");
    var list = root.querySelector("ol.transcript");
    if (!tools || !list) return;
    var input = tools.querySelector("[data-ts-input]");
    var count = tools.querySelector("[data-ts-count]");
    var hits = [], current = -1, timer = null, lastQuery = "";

    function showCount() {
      if (!hits.length) {
        count.textContent = lastQuery ? count.getAttribute("data-none") : "";
        count.classList.toggle("tt-none", !!lastQuery);
        return;
      }
      count.classList.remove("tt-none");
      count.textContent = count.getAttribute("data-format")
        .replace("{current}", String(current + 1)).replace("{total}", String(hits.length));
    }

    function go(index) {
      if (!hits.length) return;
      if (current >= 0 && hits[current]) hits[current].classList.remove("ts-current");
      current = (index + hits.length) % hits.length;
      var hit = hits[current];
      hit.classList.add("ts-current");
      openFolds(hit);
      reveal(hit);
      showCount();
    }

    function search() {
      var query = input.value.trim().toLowerCase();
      if (query === lastQuery) return;
      lastQuery = query;
      clearMarks(list);
      hits = [];
      current = -1;
      if (query) {
        Array.prototype.forEach.call(list.querySelectorAll(".msg .bubble:not([hidden]), .msg .msg-event-body"), function (bubble) {
          var walker = document.createTreeWalker(bubble, NodeFilter.SHOW_TEXT), nodes = [];
          while (walker.nextNode()) nodes.push(walker.currentNode);
          nodes.forEach(function (n) { markText(n, query, hits); });
        });
      }
      if (hits.length) go(0); else showCount();
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(search, DEBOUNCE_MS);
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault();
        clearTimeout(timer);
        if (input.value.trim().toLowerCase() !== lastQuery) search();
        else go(current + (event.shiftKey ? -1 : 1));
      } else if (event.key === "Escape" && input.value) {
        event.preventDefault();
        input.value = "";
        search();
      }
    });
    tools.querySelector("[data-ts-next]").addEventListener("click", function () { go(current + 1); });
    tools.querySelector("[data-ts-prev]").addEventListener("click", function () { go(current - 1); });

    // Jumps between agent messages, from the message last focused (a click or a jump focuses it).
    var all = Array.prototype.slice.call(list.querySelectorAll(".msg"));
    var agents = all.filter(function (m) { return m.getAttribute("data-role") === "agent"; });
    var agentPos = agents.map(function (a) { return all.indexOf(a); });
    var from = -1;  // position (in all messages) of the message last focused
    list.addEventListener("focusin", function (event) {
      var msg = event.target.closest(".msg");
      if (msg) from = all.indexOf(msg);
    });
    function jump(where) {
      if (!agents.length) return;
      var target = 0, i;
      if (where === "next") {
        target = agents.length - 1;
        for (i = 0; i < agents.length; i++) if (agentPos[i] > from) { target = i; break; }
      } else if (where === "prev") {
        for (i = agents.length - 1; i >= 0; i--) if (agentPos[i] < from) { target = i; break; }
      }
      var msg = agents[target];
      openFolds(msg);
      msg.focus({ preventScroll: true });
      reveal(msg);
    }
    Array.prototype.forEach.call(tools.querySelectorAll("[data-jump]"), function (button) {
      button.addEventListener("click", function () { jump(button.getAttribute("data-jump")); });
    });

    // Original texts or translations: every message that has both shows one of them; a search runs again over it.
    var toggle = root.querySelector("[data-translation-toggle]");
    if (toggle) {
      toggle.addEventListener("click", function (event) {
        event.preventDefault();
        var translated = toggle.getAttribute("aria-pressed") !== "true";
        Array.prototype.forEach.call(list.querySelectorAll("[data-text]"), function (el) {
          el.hidden = (el.getAttribute("data-text") === "translation") !== translated;
        });
        toggle.setAttribute("aria-pressed", String(translated));
        toggle.textContent = toggle.getAttribute(translated ? "data-label-original" : "data-label-translation");
        lastQuery = null;
        search();
      });
    }

    var expand = tools.querySelector("[data-expand-all]");
    if (expand) {
      expand.addEventListener("click", function () {
        Array.prototype.forEach.call(list.querySelectorAll("[data-fold] > details"), function (d) { d.open = true; });
        expand.hidden = true;
      });
    }

    // One message menu open at a time; Escape or a click elsewhere closes it.
    list.addEventListener("toggle", function (event) {
      var menu = event.target;
      if (!menu.classList || !menu.classList.contains("msg-menu") || !menu.open) return;
      Array.prototype.forEach.call(list.querySelectorAll("details.msg-menu[open]"), function (d) { if (d !== menu) d.open = false; });
    }, true);
    document.addEventListener("click", function (event) {
      Array.prototype.forEach.call(list.querySelectorAll("details.msg-menu[open]"), function (d) {
        if (!d.contains(event.target)) d.open = false;
      });
    });
    list.addEventListener("keydown", function (event) {
      if (event.key !== "Escape") return;
      var menu = event.target.closest && event.target.closest("details.msg-menu[open]");
      if (menu) { menu.open = false; menu.querySelector("summary").focus(); }
    });

    tools.hidden = false;
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-transcript]"), function (root) {
      if (root.hasAttribute("data-ready")) return;  // the script may be included once per transcript
      root.setAttribute("data-ready", "");
      init(root);
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
