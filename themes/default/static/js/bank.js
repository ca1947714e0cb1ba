// The bank list: one box ticks every item on the page (for the bulk actions).
(function () {
  "use strict";
  var all = document.getElementById("select-all");
  if (!all) { return; }
  all.hidden = false;
  all.addEventListener("change", function () {
    document.querySelectorAll("#bulk-form input[name=uids]").forEach(function (box) {
      box.checked = all.checked;
    });
  });
}());
