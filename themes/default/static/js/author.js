/* Item editor: repeating rows (add, remove), automatic ids for new rows, the outcome picker
   (search, EQF levels limited to the chosen outcomes' band) and one submission per click.
   Everything works without this script too: a blank row is always offered, the server
   checks the band, and a second identical "create" is recognised by the server. */
(function () {
  "use strict";
  var form = document.getElementById("item-form");
  if (!form) { return; }

  function rowsOf(fieldset) {
    var list = fieldset.querySelector(":scope > ol.row-list");
    return list ? Array.prototype.slice.call(list.children) : [];
  }

  function uniqueId(fieldset, input) {
    // Unique among the inputs of the same field (the same last name part and prefix) in the
    // scope: the rows' fieldset, or an ancestor marked data-autoid-scope (a scenario's
    // choice ids are unique across all its steps).
    var prefix = input.getAttribute("data-autoid") || "";
    var scope = input.closest("[data-autoid-scope]") || fieldset;
    var last = (input.getAttribute("name") || "").split(".").pop();
    var used = {};
    scope.querySelectorAll("input[data-autoid]").forEach(function (other) {
      if ((other.getAttribute("name") || "").split(".").pop() === last &&
          (other.getAttribute("data-autoid") || "") === prefix && other.value) {
        used[other.value] = true;
      }
    });
    if (!prefix) {
      var letters = "abcdefghijklmnopqrstuvwxyz";
      for (var i = 0; i < letters.length; i++) {
        if (!used[letters[i]]) { return letters[i]; }
      }
      prefix = "x";
    }
    for (var n = 1; ; n++) { if (!used[prefix + n]) { return prefix + n; } }
  }

  form.addEventListener("click", function (event) {
    var button = event.target.closest("button");
    if (!button) { return; }
    if (button.classList.contains("add-row")) {
      var fieldset = button.closest("fieldset.rows");
      var template = fieldset.querySelector(":scope > template");
      var placeholder = fieldset.getAttribute("data-placeholder");
      var next = parseInt(fieldset.getAttribute("data-next") || "0", 10);
      rowsOf(fieldset).forEach(function (row) {
        row.querySelectorAll("[name]").forEach(function (input) {
          var tail = input.getAttribute("name").slice(fieldset.getAttribute("data-rows").length + 1);
          var index = parseInt(tail.split(".")[0], 10);
          if (!isNaN(index) && index >= next) { next = index + 1; }
        });
      });
      fieldset.setAttribute("data-next", String(next + 1));
      var html = template.innerHTML.split(placeholder).join(String(next));
      var list = fieldset.querySelector(":scope > ol.row-list");
      list.insertAdjacentHTML("beforeend", html);
      var added = list.lastElementChild;
      added.querySelectorAll("input[data-autoid]").forEach(function (input) {
        if (!input.value && input.closest("fieldset.rows") === fieldset) {
          input.value = uniqueId(fieldset, input);
        }
      });
      var first = added.querySelector("input:not([type=hidden]):not([data-autoid]), textarea, select");
      if (first) { first.focus(); }
    } else if (button.classList.contains("remove-row")) {
      var row = button.closest("li.row");
      var owner = row.closest("fieldset.rows");
      row.remove();
      var focus = owner.querySelector(".add-row");
      if (focus) { focus.focus(); }
    }
  });

  // Blank rows the server offered get ids as soon as the trainer starts typing in them.
  form.addEventListener("input", function (event) {
    var row = event.target.closest("li.row");
    if (!row) { return; }
    var fieldset = row.closest("fieldset.rows");
    row.querySelectorAll("input[data-autoid]").forEach(function (input) {
      if (!input.value && input.closest("fieldset.rows") === fieldset && input !== event.target) {
        input.value = uniqueId(fieldset, input);
      }
    });
  });

  // The outcome picker: filter by code or text; checked outcomes always stay in view.
  var search = document.getElementById("outcome-search");
  var picker = document.getElementById("outcome-picker");
  var level = document.getElementById("f-eqf_level");
  var bands = {"4-5": ["4", "5"], "6": ["6"], "7": ["7"]};
  function checked() {
    return picker ? Array.prototype.slice.call(picker.querySelectorAll("input[type=checkbox]:checked")) : [];
  }
  function filter() {
    var needle = (search.value || "").trim().toLowerCase();
    picker.querySelectorAll("li[data-outcome]").forEach(function (li) {
      var box = li.querySelector("input");
      var match = !needle || li.getAttribute("data-search").indexOf(needle) !== -1;
      li.hidden = !(match || box.checked);
    });
    picker.querySelectorAll("li.area").forEach(function (area) {
      area.hidden = !area.querySelector("li[data-outcome]:not([hidden])");
    });
  }
  function limitLevels() {
    if (!level) { return; }
    var allowed = null;
    checked().forEach(function (box) {
      var levels = bands[box.getAttribute("data-band")] || [];
      allowed = allowed === null ? levels.slice() : allowed.filter(function (l) { return levels.indexOf(l) !== -1; });
    });
    Array.prototype.forEach.call(level.options, function (option) {
      option.disabled = allowed !== null && option.value !== "" && allowed.indexOf(option.value) === -1;
    });
    if (level.selectedOptions.length && level.selectedOptions[0].disabled) {
      var first = Array.prototype.find.call(level.options, function (o) { return !o.disabled && o.value; });
      if (first) { level.value = first.value; }
    }
    var summary = document.getElementById("outcomes-chosen");
    if (summary) {
      summary.textContent = checked().map(function (box) { return box.value; }).join(", ") || summary.getAttribute("data-none");
    }
  }
  if (search && picker) {
    search.addEventListener("input", filter);
    search.addEventListener("keydown", function (event) { if (event.key === "Enter") { event.preventDefault(); } });
    picker.addEventListener("change", function () { limitLevels(); });
    filter();
    limitLevels();
  }

  // One submission per click: a double click must not post twice.
  form.addEventListener("submit", function (event) {
    if (form.getAttribute("data-sent")) { event.preventDefault(); return; }
    form.setAttribute("data-sent", "1");
    window.setTimeout(function () { form.removeAttribute("data-sent"); }, 4000);
  });
}());
