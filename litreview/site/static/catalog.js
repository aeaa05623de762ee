// Client-side filtering of the catalog table: no network, works from file://.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.querySelector("form.catalog-filters");
  const table = document.getElementById("catalog");
  if (!form || !table) return;
  const rows = Array.from(table.tBodies[0].rows);
  const count = form.querySelector("output[name=count]");
  function apply() {
    const theme = form.theme.value;
    const subtheme = form.subtheme.value;
    const year = form.year.value;
    const words = form.text.value.toLowerCase().split(/\s+/).filter(Boolean);
    let shown = 0;
    for (const row of rows) {
      const themes = row.dataset.themes.split(" ").filter(Boolean);
      const subthemes = row.dataset.subthemes.split("|").filter(Boolean);
      const text = row.textContent.toLowerCase();
      const visible =
        (theme === "" || (theme === "-" ? themes.length === 0 : themes.includes(theme))) &&
        (subtheme === "" || subthemes.includes(subtheme)) &&
        (year === "" || row.dataset.year === year) &&
        words.every((word) => text.includes(word));
      row.hidden = !visible;
      if (visible) shown += 1;
    }
    count.textContent = `${shown} of ${rows.length} papers`;
  }
  form.addEventListener("input", apply);
  form.addEventListener("change", apply);
  form.addEventListener("submit", (event) => event.preventDefault());
  apply();
});
