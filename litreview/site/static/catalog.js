// Client-side filtering of the catalog table: no network, works from file://.
// The filters live in the page's address (?theme=&subtheme=&year=&text=): the controls are always set
// from the address and the table from the controls, so Back, reload and a shared link show what the
// controls say. Without this script the form stays hidden and the table lists every paper.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.querySelector("form.catalog-filters");
  const table = document.getElementById("catalog");
  if (!form || !table) return;
  const FIELDS = ["theme", "subtheme", "year", "text"];
  const UNKNOWN_YEAR = "unknown";
  // Case and accents do not matter: "vulic" finds "Vulić".
  const fold = (text) => text.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase();
  const rows = Array.from(table.tBodies[0].rows, (row) => ({
    row,
    themes: row.dataset.themes.split(" ").filter(Boolean),
    subthemes: row.dataset.subthemes.split(" ").filter(Boolean),
    year: row.dataset.year,
    text: fold(row.dataset.text),
  }));
  const groups = Array.from(form.subtheme.querySelectorAll("optgroup"));
  const count = form.querySelector("output[name=count]");

  // Only the chosen theme's sub-themes can be chosen; a sub-theme of another theme is dropped.
  function narrow() {
    const theme = form.theme.value;
    for (const group of groups) {
      const other = theme !== "" && group.dataset.theme !== theme;
      group.hidden = other;
      for (const option of group.children) option.disabled = other;
    }
    const chosen = form.subtheme.selectedOptions[0];
    if (!chosen || chosen.disabled) form.subtheme.value = "";
  }

  function apply() {
    narrow();
    const theme = form.theme.value;
    const subtheme = form.subtheme.value;
    const year = form.year.value;
    const words = fold(form.text.value).split(/\s+/).filter(Boolean);
    let shown = 0;
    for (const { row, themes, subthemes, year: rowYear, text } of rows) {
      const visible =
        (theme === "" || (theme === "-" ? themes.length === 0 : themes.includes(theme))) &&
        (subtheme === "" || subthemes.includes(subtheme)) &&
        (year === "" || (year === UNKNOWN_YEAR ? rowYear === "" : rowYear === year)) &&
        words.every((word) => text.includes(word));
      row.hidden = !visible;
      if (visible) shown += 1;
    }
    count.textContent = `${shown} of ${rows.length} papers`;
  }

  // The address from the controls (other parameters, such as a search's highlight, are kept).
  function saveToAddress() {
    const params = new URLSearchParams(location.search);
    for (const name of FIELDS) {
      const value = form[name].value.trim();
      if (value) params.set(name, value);
      else params.delete(name);
    }
    const query = params.toString();
    const address = location.pathname + (query ? `?${query}` : "") + location.hash;
    if (address === location.pathname + location.search + location.hash) return;
    try {
      history.replaceState(history.state, "", address);
    } catch (error) {
      // Some browsers refuse to change a file:// address; the filters still work, unsaved.
    }
  }

  // The controls from the address; a value the page does not offer (a shared link to a theme that
  // is gone) leaves that control at "all".
  function loadFromAddress() {
    const params = new URLSearchParams(location.search);
    for (const name of FIELDS) {
      const control = form[name];
      const wanted = params.get(name) ?? "";
      control.value = wanted;
      if (control.value !== wanted) control.value = "";
      if (name === "theme") narrow();
    }
  }

  function update() {
    apply();
    saveToAddress();
  }

  form.addEventListener("input", update);
  form.addEventListener("change", update);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    update();
  });
  // "reset" fires before the controls are reset.
  form.addEventListener("reset", () => setTimeout(update));
  window.addEventListener("popstate", () => {
    loadFromAddress();
    apply();
  });
  // A page restored from the back-forward cache keeps its controls and table; read the address
  // again anyway, so that the two cannot disagree.
  window.addEventListener("pageshow", (event) => {
    if (event.persisted) {
      loadFromAddress();
      apply();
    }
  });
  loadFromAddress();
  update();
  form.hidden = false;
});
