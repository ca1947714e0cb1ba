// Autosave for the attempt page. Every change is sent at once; per question one request is
// in flight at a time and carries the save count the page last saw, so answers arrive in
// order and a stale window cannot overwrite a newer answer. Answers that could not be sent
// (network down, server busy) are kept and sent again until the server has them; an answer
// the server refuses (4xx) is not retried: the learner is told why.
(function () {
  "use strict";
  var form = document.getElementById("attempt-form");
  if (!form) { return; }
  var script = document.currentScript || document.querySelector("script[data-saved]");
  var text = script ? script.dataset : {};
  var statusEl = document.getElementById("save-status");
  var token = document.querySelector("meta[name=csrf-token]").content;
  var api = form.dataset.api;
  var queued = {};    // position -> latest answer not yet sent
  var inFlight = {};  // position -> true while a request is under way
  var retryTimer = null;
  var submitting = false;

  function say(msg, isError) {
    if (!statusEl) { return; }
    statusEl.textContent = msg || "";
    statusEl.classList.toggle("error", !!isError);
  }

  // The question navigator follows the saves: an emptied answer is no answer.
  function mark(position, answered) {
    var link = document.getElementById("nav-" + position);
    if (!link) { return; }
    link.className = answered ? "answered" : "open";
    var hidden = link.querySelector(".visually-hidden");
    if (hidden) { hidden.textContent = ": " + (answered ? text.answered : text.unanswered); }
  }

  function busy() { return Object.keys(queued).length + Object.keys(inFlight).length > 0; }

  function seqInput(position) {
    return form.querySelector("input[name='item-" + position + ".seq']");
  }

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
    return fields;
  }

  function send(position) {
    if (inFlight[position] || !(position in queued)) { return; }
    var fields = queued[position];
    delete queued[position];
    var seq = seqInput(position);
    fields.seq = seq ? [seq.value] : [];
    inFlight[position] = true;
    say(text.saving);
    fetch(api + "/answers/" + position, {
      method: "PUT", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": token },
      body: JSON.stringify({ form: fields })
    }).then(function (resp) {
      return resp.json().catch(function () { return {}; }).then(function (body) {
        delete inFlight[position];
        if (resp.ok) {
          if (seq && body.sequence !== undefined) { seq.value = body.sequence; }
          if (body.answered !== undefined) { mark(position, body.answered); }
        } else if (resp.status >= 500) {
          throw new Error("HTTP " + resp.status);
        } else if (resp.status === 401) {
          // The session ended: keep the answer and send it once the learner is back.
          if (!(position in queued)) { queued[position] = fields; }
          say(text.ended, true);
          if (!retryTimer) { retryTimer = setTimeout(retry, 10000); }
          return;
        } else {
          // Refused: closed attempt, stale window, malformed answer, expired session.
          delete queued[position];
          say(body.closed ? text.closed : (body.error || ("HTTP " + resp.status)), true);
          return;
        }
        if (position in queued) { send(position); }
        else if (!busy()) { say(text.saved); done(); }
      });
    }).catch(function () {
      delete inFlight[position];
      if (!(position in queued)) { queued[position] = fields; }
      say(text.offline, true);
      if (!retryTimer) { retryTimer = setTimeout(retry, 3000); }
    });
  }

  function retry() {
    retryTimer = null;
    Object.keys(queued).forEach(send);
  }

  function changed(event) {
    var fieldset = event.target.closest("fieldset[data-position]");
    // Some items commit on an explicit button instead (a scenario step cannot be undone).
    if (!fieldset || fieldset.dataset.autosave === "off") { return; }
    var position = fieldset.dataset.position;
    queued[position] = answerOf(fieldset);
    delete queued[position].seq;
    if (event.type === "input") {  // typing: wait for a pause before saving
      clearTimeout(typingTimer);
      typingTimer = setTimeout(function () { send(position); }, 800);
    } else {
      send(position);
    }
  }
  var typingTimer = null;
  form.addEventListener("change", changed);
  form.addEventListener("input", function (event) {
    if (event.target.tagName === "TEXTAREA" || event.target.type === "text" ||
        event.target.type === "number") { changed(event); }
  });
  window.addEventListener("online", retry);

  // Submitting waits for the autosaves under way, so the form posts the latest save counts.
  var pendingSubmit = null;
  function done() {
    if (pendingSubmit) { var b = pendingSubmit; pendingSubmit = null; form.requestSubmit(b); }
  }
  form.addEventListener("submit", function (event) {
    var button = event.submitter;
    if (button && button.id === "submit-attempt" && !submitting) {
      if (!window.confirm(button.dataset.confirm)) { event.preventDefault(); return; }
      submitting = true;
    }
    clearTimeout(typingTimer);
    Object.keys(queued).forEach(send);
    if (busy()) {
      event.preventDefault();
      pendingSubmit = button || null;
      say(text.saving);
    }
  });
  window.addEventListener("beforeunload", function (event) {
    if (busy() && !pendingSubmit) { event.preventDefault(); event.returnValue = ""; }
  });
})();
