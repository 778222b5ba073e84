// CSV and JSON download buttons for the data behind a plot.

function encodeNumber(value) {
  if (typeof value === "number" && !Number.isFinite(value)) return Number.isNaN(value) ? "NaN" : (value > 0 ? "Infinity" : "-Infinity");
  return value;
}

function csvCell(value) {
  if (value === undefined || value === null) return "";
  const text = String(encodeNumber(value));
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * CSV text from columns {name: [values]} (shorter columns are padded with empty cells)
 * or from an array of row objects.
 */
export function toCsv(data) {
  if (Array.isArray(data)) {
    const names = [...new Set(data.flatMap((row) => Object.keys(row)))];
    return [names.map(csvCell).join(","), ...data.map((row) => names.map((name) => csvCell(row[name])).join(","))].join("\n") + "\n";
  }
  const names = Object.keys(data);
  const columns = names.map((name) => (Array.isArray(data[name]) ? data[name] : [data[name]]));
  const rows = Math.max(0, ...columns.map((column) => column.length));
  const lines = [names.map(csvCell).join(",")];
  for (let row = 0; row < rows; row += 1) lines.push(columns.map((column) => csvCell(column[row])).join(","));
  return lines.join("\n") + "\n";
}

/** JSON text with non-finite numbers written as the API writes them ("NaN", "Infinity"). */
export function toJson(data) {
  return JSON.stringify(data, (_key, value) => encodeNumber(value), 2) + "\n";
}

function save(text, filename, type) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement("a");
  link.href = url;
  link.download = filename;
  link.hidden = true;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

/**
 * Add "CSV" and "JSON" download buttons to `container`. getData() returns the plot's
 * current data as columns {name: [values]} (or an array of row objects).
 */
export function addDownloads(container, getData, basename) {
  const group = document.createElement("div");
  group.className = "download-buttons";
  group.setAttribute("role", "group");
  group.setAttribute("aria-label", `Download the data of ${basename}`);
  const buttons = [
    ["CSV", "csv", "text/csv", toCsv],
    ["JSON", "json", "application/json", toJson],
  ];
  for (const [label, extension, type, format] of buttons) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "button button--small";
    button.textContent = `Download ${label}`;
    button.dataset.download = extension;
    button.addEventListener("click", () => save(format(getData()), `${basename}.${extension}`, type));
    group.appendChild(button);
  }
  container.appendChild(group);
  return group;
}
