/* qadesk help-centre widget. Include on any page:
     <link rel="stylesheet" href="https://QADESK/static/surveys/widget.css">
     <div data-qadesk-survey="OPEN-LINK-TOKEN"></div>
     <script src="https://QADESK/static/surveys/widget.js" async></script>
   It asks the survey's first question in the page's language (data-lang, else <html lang>, else the browser's), posts
   the answer with the page's address to qadesk (no cookies sent), and offers the rest of the survey in a new tab.
   The browser keeps a random key per survey in localStorage so a second click changes the answer.
   Or, where a page takes no script, as an iframe: <iframe src="https://QADESK/s/w/OPEN-LINK-TOKEN/frame/?lang=it"></iframe>. */
(function () {
  "use strict";
  var script = document.currentScript;
  var base = script ? script.src.replace(/\/static\/surveys\/widget[^/]*\.js.*$/, "") : "";

  function key(token) {
    var name = "qadesk-survey-" + token, value = null;
    try { value = window.localStorage.getItem(name); } catch (e) { /* storage blocked: one key per page view */ }
    if (!value || !/^[0-9a-f]{32}$/.test(value)) {
      var bytes = new Uint8Array(16);
      window.crypto.getRandomValues(bytes);
      value = Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
      try { window.localStorage.setItem(name, value); } catch (e) { /* ignored */ }
    }
    return value;
  }

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text) node.textContent = text;
    return node;
  }

  function mount(box) {
    var token = box.getAttribute("data-qadesk-survey");
    if (!token || box.getAttribute("data-qadesk-ready")) return;
    box.setAttribute("data-qadesk-ready", "1");
    var lang = (box.getAttribute("data-lang") || document.documentElement.lang || navigator.language || "").slice(0, 2);
    var url = base + "/s/w/" + encodeURIComponent(token) + "/";
    fetch(url + "?lang=" + encodeURIComponent(lang), { credentials: "omit" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (q) { if (q) render(box, url, token, q); })
      .catch(function () { /* qadesk unreachable: show nothing */ });
  }

  function render(box, url, token, q) {
    box.classList.add("qadesk-widget");
    box.setAttribute("lang", q.language);
    var group = el("div", "qadesk-widget-options");
    group.setAttribute("role", "group");
    var label = el("p", "qadesk-widget-question", q.text);
    label.id = "qadesk-q-" + token;
    group.setAttribute("aria-labelledby", label.id);
    var status = el("p", "qadesk-widget-status");
    status.setAttribute("role", "status");
    q.options.forEach(function (option) {
      var button = el("button", "qadesk-widget-option", option.label);
      button.type = "button";
      button.addEventListener("click", function () { send(box, url, token, q, option, button, status); });
      group.appendChild(button);
    });
    box.replaceChildren(label, group, status);
  }

  // In qadesk's own frame (the iframe option) the page the visitor reads is the one framing it: its address as the
  // browser tells it (document.referrer: the full address, or only its origin under a stricter referrer policy).
  function page(box) {
    var framed = box.getAttribute("data-frame") && window.self !== window.top;
    return (framed && document.referrer) || window.location.href;
  }

  function send(box, url, token, q, option, button, status) {
    var body = new URLSearchParams();
    body.set("key", key(token));
    body.set("answer", option.value);
    body.set("page", page(box).slice(0, 500));
    body.set("lang", q.language);
    Array.prototype.forEach.call(box.querySelectorAll("button"), function (b) { b.setAttribute("aria-pressed", b === button ? "true" : "false"); });
    fetch(url, { method: "POST", body: body, credentials: "omit" })
      .then(function (r) { return r.json(); })
      .then(function (result) {
        if (!result.ok) { status.textContent = result.error || ""; return; }
        status.textContent = q.thanks + " ";
        if (result.more) {
          var link = el("a", "qadesk-widget-more", q.more);
          link.href = result.more;
          link.target = "_blank";
          link.rel = "noopener";
          status.appendChild(link);
        }
      })
      .catch(function () { status.textContent = ""; });
  }

  function start() { Array.prototype.forEach.call(document.querySelectorAll("[data-qadesk-survey]"), mount); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start); else start();
})();
