// Starts GOV.UK Frontend's components (kept out of the HTML so the content security policy forbids inline script),
// and the Ministry of Justice sortable table on every table marked data-module="moj-sortable-table".
import { initAll } from "/static/vendor/govuk-frontend.min.js";
import { SortableTable } from "/static/vendor/moj-sortable-table.js";

function sortableTables(scope) {
  for (const table of scope.querySelectorAll('[data-module="moj-sortable-table"]')) {
    // A table htmx swapped in is new; one already started would refuse a second start.
    if (!table.hasAttribute("data-moj-sortable-table-init")) new SortableTable(table);
  }
}

initAll();
sortableTables(document);
// htmx 4 names its events htmx:after:settle; the search swaps in a new officer table.
document.addEventListener("htmx:after:settle", () => sortableTables(document));
