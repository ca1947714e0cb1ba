// Autosave for the attempt page: every change is sent to the server at once; answers that
// could not be sent (network down) are kept and sent again until the server has them.
(function () {
  "use strict";
  var form = document.getElementById("attempt-form");
  if (!form) { return; }
  var script = document.currentScript || document.querySelector("script[data-saved]");
  var text = script ? script.dataset : {};
  var statusEl = document.getElementById("save-status");
  var token = document.querySelector("meta[name=csrf-token]").content;
  var api = form.dataset.api;
  var pending = {};  // position -> answer not yet acknowledged
  var timer = null;

  function say(msg) { if (statusEl) { statusEl.textContent = msg || ""; } }

  // The values of the item's form fields, as the plain form would post them; the server's
  // question type turns them into its response, so this script knows no question type.
  function answerOf(fieldset) {
    var name = "item-" + fieldset.dataset.position;
    var values = [];
    fieldset.querySelectorAll("[name='" + name + "']").forEach(function (el) {
      if ((el.type === "checkbox" || el.type === "radio") && !el.checked) { return; }
      if (el.tagName === "SELECT" && el.multiple) {
        Array.prototype.forEach.call(el.selectedOptions, function (o) { values.push(o.value); });
        return;
      }
      values.push(el.value);
    });
    return { form: values };
  }

  function flush() {
    timer = null;
    var positions = Object.keys(pending);
    if (!positions.length) { say(text.saved); return; }
    say(text.saving);
    positions.forEach(function (position) {
      var answer = pending[position];
      fetch(api + "/answers/" + position, {
        method: "PUT", credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": token },
        body: JSON.stringify(answer)
      }).then(function (resp) {
        if (resp.ok) {
          if (pending[position] === answer) { delete pending[position]; }
          if (!Object.keys(pending).length) { say(text.saved); }
        } else if (resp.status === 409) {
          delete pending[position]; say(text.closed);
        } else {
          throw new Error("HTTP " + resp.status);
        }
      }).catch(function () {
        say(text.offline);
        if (!timer) { timer = setTimeout(flush, 3000); }
      });
    });
  }

  form.addEventListener("change", function (event) {
    var fieldset = event.target.closest("fieldset[data-position]");
    if (!fieldset) { return; }
    pending[fieldset.dataset.position] = answerOf(fieldset);
    flush();
  });
  window.addEventListener("online", flush);

  var submit = document.getElementById("submit-attempt");
  if (submit) {
    submit.addEventListener("click", function (event) {
      if (!window.confirm(submit.dataset.confirm)) { event.preventDefault(); }
    });
  }
})();
