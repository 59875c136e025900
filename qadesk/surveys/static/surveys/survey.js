/* The respondent's page: a tap or click on a rating sends it at once (the form works the same without this script).
   Keyboard choices (arrow keys, Space) do not send: the person moves along the scale, then presses Next. */
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var input = event.target;
    var form = input && input.form;
    if (!form || !form.classList.contains("autosubmit") || input.type !== "radio" || event.detail === 0) return;
    if (form.dataset.sending) return;
    form.dataset.sending = "1";
    window.setTimeout(function () {
      if (form.requestSubmit) form.requestSubmit(); else form.submit();
    }, 0);
  });
})();
