// Follows an item import being written: polls its progress and reloads the page when done.
(function () {
  "use strict";
  var box = document.getElementById("import-progress");
  if (!box) { return; }
  function poll() {
    fetch(box.dataset.url, { credentials: "same-origin" }).then(function (r) { return r.json(); })
      .then(function (p) {
        document.getElementById("import-done").textContent = p.done;
        document.getElementById("import-bar").value = p.done;
        if (p.status === "done" || p.status === "failed") { window.location.reload(); }
        else { setTimeout(poll, 1000); }
      }).catch(function () { setTimeout(poll, 5000); });
  }
  setTimeout(poll, 800);
})();
