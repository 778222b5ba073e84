// Fixed-decimal number text, for readouts whose digits should not jump while a handle moves.
import { formatNumber, setReadout } from "./readout.js";

/**
 * Text for `value` with `decimals` decimals; exponent notation (at most 4 decimals) for magnitudes below 10^-decimals
 * (that would show as 0.000…) or from 10^7 up, or always when `exponential` is set.
 * NaN and infinities read "NaN", "∞", "−∞"; the minus sign is U+2212.
 *
 * @param {number} value
 * @param {number} decimals
 * @param {{exponential?: boolean}} options
 * @returns {string}
 */
export function formatFixed(value, decimals = 4, { exponential = false } = {}) {
  if (!Number.isFinite(value)) return formatNumber(value);
  const magnitude = Math.abs(value);
  const useExponent = exponential || (magnitude !== 0 && (magnitude < 10 ** -decimals || magnitude >= 1e7));
  // Exponent form keeps at most 4 decimals: 9.3576e−14, not 9.3576229688e−14.
  const text = useExponent && magnitude !== 0 ? value.toExponential(Math.min(decimals, 4)) : value.toFixed(decimals);
  return text.replace("-", "−");
}

/**
 * setReadout with fixed-decimal text (see formatFixed) and an optional unit suffix.
 *
 * @param {string} key data-readout name
 * @param {number} value full value, kept in data-value
 * @param {number} decimals
 * @param {{exponential?: boolean, suffix?: string, root?: ParentNode}} options
 */
export function setFixedReadout(key, value, decimals = 4, { exponential = false, suffix = "", root = document } = {}) {
  setReadout(key, value, decimals, { text: formatFixed(value, decimals, { exponential }) + suffix, root });
}
