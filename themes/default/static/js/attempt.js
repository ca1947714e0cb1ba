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

  // The values of the item's form fields, as the plain form would post them, keyed by the
  // part after "item-<position>" ("" or e.g. "justification"); the server's question type
  // turns them into its response, so this script knows no question type.
  function answerOf(fieldset) {
    var prefix = "item-" + fieldset.dataset.position;
    var fields = {};
    fieldset.querySelectorAll("[name^='" + prefix + "']").forEach(function (el) {
      var rest = el.name.slice(prefix.length);
      if (rest && rest.charAt(0) !== ".") { return; }  // item-1 must not collect item-12
      var part = rest.slice(1);
      if (!(part in fields)) { fields[part] = []; }
      if ((el.type === "checkbox" || el.type === "radio") && !el.checked) { return; }
      if (el.tagName === "SELECT" && el.multiple) {
        Array.prototype.forEach.call(el.selectedOptions, function (o) { fields[part].push(o.value); });
        return;
      }
      fields[part].push(el.value);
    });
    return { form: fields };
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

  function changed(event) {
    var fieldset = event.target.closest("fieldset[data-position]");
    // Some items commit on an explicit button instead (a scenario step cannot be undone).
    if (!fieldset || fieldset.dataset.autosave === "off") { return; }
    pending[fieldset.dataset.position] = answerOf(fieldset);
    if (event.type === "input") {  // typing: wait for a pause before saving
      clearTimeout(typingTimer);
      typingTimer = setTimeout(flush, 800);
    } else {
      flush();
    }
  }
  var typingTimer = null;
  form.addEventListener("change", changed);
  form.addEventListener("input", function (event) {
    if (event.target.tagName === "TEXTAREA" || event.target.type === "text" ||
        event.target.type === "number") { changed(event); }
  });
  window.addEventListener("online", flush);

  var submit = document.getElementById("submit-attempt");
  if (submit) {
    submit.addEventListener("click", function (event) {
      if (!window.confirm(submit.dataset.confirm)) { event.preventDefault(); }
    });
  }
})();
