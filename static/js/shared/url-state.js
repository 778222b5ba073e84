// A page's state in the query string, from one declarative table. The only code that
// reads or writes location.search.
//
// schema: [{name, type: "number"|"integer"|"choice"|"boolean"|"numbers", default,
//           min, max, choices, length: [minLength, maxLength]}]
// Bad or unknown values fall back to the default silently; unknown keys are ignored.

const TRUE_TEXTS = new Set(["1", "true", "yes", "on"]);
const FALSE_TEXTS = new Set(["0", "false", "no", "off"]);

function inRange(value, field) {
  if (!Number.isFinite(value)) return false;
  if (field.min !== undefined && value < field.min) return false;
  if (field.max !== undefined && value > field.max) return false;
  return true;
}

function parseNumber(text, field) {
  if (text.trim() === "") return undefined;
  const value = Number(text);
  if (!inRange(value, field)) return undefined;
  if (field.type === "integer" && !Number.isInteger(value)) return undefined;
  return value;
}

/** Parse one query-string value for `field`; undefined when it is not acceptable. */
export function parseField(text, field) {
  switch (field.type) {
    case "number":
    case "integer":
      return parseNumber(text, field);
    case "choice":
      return field.choices.map(String).includes(text) ? field.choices[field.choices.map(String).indexOf(text)] : undefined;
    case "boolean": {
      const lower = text.toLowerCase();
      if (TRUE_TEXTS.has(lower)) return true;
      if (FALSE_TEXTS.has(lower)) return false;
      return undefined;
    }
    case "numbers": {
      const parts = text.split(",");
      const [minLength, maxLength] = field.length || [0, Infinity];
      if (parts.length < minLength || parts.length > maxLength) return undefined;
      const values = parts.map((part) => parseNumber(part, field));
      return values.some((value) => value === undefined) ? undefined : values;
    }
    default:
      throw new Error(`url-state: unknown field type ${field.type} for ${field.name}`);
  }
}

/** Text for one value in the query string (numbers keep full precision). */
export function formatField(value, field) {
  if (field.type === "numbers") return value.map((item) => String(item)).join(",");
  if (field.type === "boolean") return value ? "1" : "0";
  return String(value);
}

function sameValue(left, right) {
  if (Array.isArray(left) || Array.isArray(right)) {
    return Array.isArray(left) && Array.isArray(right) && left.length === right.length
      && left.every((item, index) => item === right[index]);
  }
  return left === right;
}

function copyDefault(field) {
  return Array.isArray(field.default) ? field.default.slice() : field.default;
}

/** Build {read, write, defaults, schema} for a page's state table. */
export function createUrlState(schema) {
  const names = new Set();
  for (const field of schema) {
    if (names.has(field.name)) throw new Error(`url-state: duplicate field ${field.name}`);
    names.add(field.name);
  }

  function defaults() {
    return Object.fromEntries(schema.map((field) => [field.name, copyDefault(field)]));
  }

  function read() {
    const search = new URLSearchParams(window.location.search);
    const state = defaults();
    for (const field of schema) {
      if (!search.has(field.name)) continue;
      const value = parseField(search.get(field.name), field);
      if (value !== undefined) state[field.name] = value;
    }
    return state;
  }

  function write(state) {
    const search = new URLSearchParams();
    for (const field of schema) {
      const value = state[field.name];
      if (value === undefined || sameValue(value, field.default)) continue;
      search.set(field.name, formatField(value, field));
    }
    const query = search.toString().replace(/%2C/g, ",");
    const url = `${window.location.pathname}${query ? `?${query}` : ""}${window.location.hash}`;
    if (url !== `${window.location.pathname}${window.location.search}${window.location.hash}`) {
      window.history.replaceState(window.history.state, "", url);
    }
  }

  return { read, write, defaults, schema };
}
