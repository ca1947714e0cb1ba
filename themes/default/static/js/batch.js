// Follows a bulk-issue batch: polls its progress and reloads the page when it is done.
(function () {
  "use strict";
  var box = document.getElementById("batch");
  if (!box) { return; }
  function poll() {
    fetch(box.dataset.url, { credentials: "same-origin" }).then(function (r) { return r.json(); })
      .then(function (p) {
        document.getElementById("batch-done").textContent = p.done;
        document.getElementById("batch-issued").textContent = p.issued;
        document.getElementById("batch-skipped").textContent = p.skipped;
        document.getElementById("batch-progress").value = p.done;
        if (p.status === "done") { window.location.reload(); } else { setTimeout(poll, 1500); }
      }).catch(function () { setTimeout(poll, 5000); });
  }
  setTimeout(poll, 1000);
})();
