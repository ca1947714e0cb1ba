// Buttons that act at once and cannot be undone carry data-confirm="question": the form is
// sent only when the user confirms. (The attempt page's submit button has its own script.)
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var button = event.submitter;
    if (!button || !button.dataset.confirm || button.id === "submit-attempt") { return; }
    if (!window.confirm(button.dataset.confirm)) { event.preventDefault(); }
  });
})();
