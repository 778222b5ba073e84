// Numbers on the page: full value in data-value (for tests and copy), rounded text for people.

/**
 * Rounded text for a number: `digits` significant digits (exponent form when asked, or
 * for very large and very small magnitudes); "∞", "−∞", "NaN" for non-finite values.
 */
export function formatNumber(value, digits = 4, { exponential = false } = {}) {
  if (value === null || value === undefined) return "–";
  if (Number.isNaN(value)) return "NaN";
  if (value === Infinity) return "∞";
  if (value === -Infinity) return "−∞";
  if (value === 0) return "0";
  const magnitude = Math.abs(value);
  const useExponent = exponential || magnitude >= 1e6 || magnitude < 1e-4;
  const text = useExponent ? value.toExponential(Math.max(digits - 1, 0)) : String(Number(value.toPrecision(digits)));
  return text.replace("-", "−");
}

/** A percentage with one decimal, e.g. "42.5 %". */
export function formatPercent(fraction) {
  if (!Number.isFinite(fraction)) return formatNumber(fraction);
  return `${(fraction * 100).toFixed(1)} %`;
}

/**
 * Put `value` into every [data-readout="key"] (under `root`, default the document):
 * data-value gets the full number, the text the rounded one (formatNumber(value, digits,
 * {exponential})) or `text` when given.
 */
export function setReadout(key, value, digits = 4, { exponential = false, text, root = document } = {}) {
  const shown = text === undefined ? formatNumber(value, digits, { exponential }) : text;
  for (const element of root.querySelectorAll(`[data-readout="${key}"]`)) {
    // Writing only what changed keeps a drag from invalidating the style of every readout.
    if (element.dataset.value !== String(value)) element.dataset.value = String(value);
    if (element.textContent !== shown) element.textContent = shown;
  }
}
