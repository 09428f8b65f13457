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

// Copy buttons (progressive enhancement): hidden in the HTML, shown only where the clipboard can be written;
// without JavaScript the text stays selectable. The result is announced through the page's aria-live region.
for (const button of document.querySelectorAll("[data-copy-target]")) {
  const source = document.getElementById(button.dataset.copyTarget);
  const status = document.getElementById("copy-status");
  if (!source || !navigator.clipboard) continue;
  button.hidden = false;
  button.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(source.textContent.trim());
      if (status) status.textContent = button.dataset.copiedText || "Copied";
    } catch {
      if (status) status.textContent = "Your browser did not allow copying: select the address and copy it.";
    }
  });
}
sortableTables(document);
// htmx 4 names its events htmx:after:settle; the search swaps in a new officer table.
document.addEventListener("htmx:after:settle", () => sortableTables(document));
