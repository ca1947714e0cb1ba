// Countdown to the attempt's deadline. The server enforces the limit; this only shows it,
// announces the last minute to screen readers, and opens the result when time is up.
(function () {
  "use strict";
  var el = document.getElementById("timer");
  if (!el) { return; }
  var value = document.getElementById("timer-value");
  var end = Date.now() + parseInt(el.dataset.seconds, 10) * 1000;
  function tick() {
    var left = Math.max(0, Math.round((end - Date.now()) / 1000));
    value.textContent = Math.floor(left / 60) + ":" + ("0" + (left % 60)).slice(-2);
    if (left === 60) { el.setAttribute("role", "alert"); }
    if (left <= 0) {
      value.textContent = el.dataset.done;
      // Give autosaves under way a moment, then show the result the server has made.
      setTimeout(function () { window.location.href = el.dataset.result; }, 4000);
      return;
    }
    setTimeout(tick, 1000);
  }
  tick();
})();
