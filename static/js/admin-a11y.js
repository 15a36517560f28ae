/* Accessible names for the admin's table-laid fields.
 *
 * A tabular inline labels its fields by the column headers only, and a search-as-you-type
 * box (select2) is named after its current choice, so an empty one has no name. Each field
 * here gets the name of its column and its row ("Count, row 2"), and each search box the
 * name of its field. Runs when the page is read, and again whenever a search box or a row
 * is added ("Add another"). No inline script: loaded from a file under the CSP.
 */
(function () {
  "use strict";

  function columnName(table, td) {
    var name = null;
    td.classList.forEach(function (cls) {
      if (cls.indexOf("field-") === 0) {
        var th = table.querySelector("thead th.column-" + cls.slice(6));
        if (th) name = th.textContent.trim();
      }
    });
    if (!name && td.classList.contains("delete")) name = "Delete";
    return name;
  }

  function labelInlines(root) {
    root.querySelectorAll(".tabular table").forEach(function (table) {
      var rows = table.querySelectorAll("tbody tr.form-row");
      rows.forEach(function (tr, index) {
        tr.querySelectorAll("td").forEach(function (td) {
          var name = columnName(table, td);
          if (!name) return;
          var full = name + ", row " + (index + 1);
          td.querySelectorAll("input:not([type=hidden]), select, textarea").forEach(function (el) {
            if (!el.labels || el.labels.length === 0) el.setAttribute("aria-label", full);
          });
          td.querySelectorAll(
            ".select2-selection[role=combobox], .select2-selection__rendered[role=textbox]"
          ).forEach(function (box) {
            box.setAttribute("aria-label", full);
            box.removeAttribute("aria-labelledby");
          });
        });
      });
    });
  }

  function labelSearchBoxes(root) {
    root.querySelectorAll("select.admin-autocomplete").forEach(function (select) {
      var label = select.id && document.querySelector("label[for='" + select.id + "']");
      var box = select.parentNode.querySelector(".select2-selection[role=combobox]");
      if (!label || !box || box.hasAttribute("aria-label")) return;
      if (!label.id) label.id = select.id + "-label";
      var shown = box.querySelector(".select2-selection__rendered");
      if (shown && shown.id) {
        // "Speaker: Alice Example": the field's name, then the current choice
        box.setAttribute("aria-labelledby", label.id + " " + shown.id);
        shown.setAttribute("aria-labelledby", label.id);
      } else {
        box.setAttribute("aria-labelledby", label.id);
      }
    });
  }

  function run() {
    labelInlines(document);
    labelSearchBoxes(document);
  }

  // Django's own scripts build the search boxes when jQuery is ready, which may come after
  // this file runs: the names are given again whenever a search box or a row appears.
  function watch() {
    run();
    new MutationObserver(function (changes) {
      var added = changes.some(function (change) {
        return change.addedNodes.length > 0;
      });
      if (added) run();
    }).observe(document.body, { childList: true, subtree: true });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", watch);
  } else {
    watch();
  }
})();
