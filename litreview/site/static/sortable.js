// Tables with the class "sortable" (the comparison tables of the theme pages): each column heading
// becomes a button that sorts the rows by that column, and a search box above the table hides the
// rows that do not contain its words. No network, works from file://; without JavaScript the table
// is a plain table.
document.addEventListener("DOMContentLoaded", () => {
  const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: "base" });
  document.querySelectorAll("table.sortable").forEach((table, number) => {
    const body = table.tBodies[0];
    if (!table.tHead || !body) return;
    const rows = Array.from(body.rows);
    const headings = Array.from(table.tHead.rows[0].cells);
    headings.forEach((heading, column) => {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "sort-button";
      button.append(...heading.childNodes);
      heading.append(button);
      button.addEventListener("click", () => {
        const ascending = heading.getAttribute("aria-sort") !== "ascending";
        headings.forEach((other) => other.removeAttribute("aria-sort"));
        heading.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        const text = (row) => row.cells[column].textContent.trim();
        const sorted = Array.from(body.rows).sort((a, b) => (ascending ? 1 : -1) * collator.compare(text(a), text(b)));
        body.append(...sorted);
      });
    });
    const label = document.createElement("label");
    label.className = "table-filter";
    label.textContent = "Show only rows containing ";
    const input = document.createElement("input");
    input.type = "search";
    input.id = `table-filter-${number}`;
    const count = document.createElement("output");
    count.setAttribute("aria-live", "polite");
    label.append(input, " ", count);
    const apply = () => {
      const words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
      let shown = 0;
      for (const row of rows) {
        row.hidden = !words.every((word) => row.textContent.toLowerCase().includes(word));
        if (!row.hidden) shown += 1;
      }
      count.textContent = `${shown} of ${rows.length} rows`;
    };
    input.addEventListener("input", apply);
    (table.closest(".table-wrapper") || table).before(label);
    apply();
  });
});
