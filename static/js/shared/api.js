// The JSON API client: fetch, decode the non-finite encoding, raise one error type.
//
// The API encodes non-finite numbers as the strings "NaN", "Infinity" and "-Infinity"
// (strict JSON has no token for them); decodeNonFinite turns them back into numbers.

const NON_FINITE = { NaN: NaN, Infinity: Infinity, "-Infinity": -Infinity };

/** An API answer that was not 2xx, or a request that never got an answer (status 0). */
export class ApiError extends Error {
  constructor(message, { status = 0, code = "network_error", details = [] } = {}) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

/** Replace the strings "NaN", "Infinity", "-Infinity" anywhere in a decoded value with numbers. */
export function decodeNonFinite(value) {
  if (typeof value === "string") return value in NON_FINITE ? NON_FINITE[value] : value;
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index += 1) value[index] = decodeNonFinite(value[index]);
    return value;
  }
  if (value !== null && typeof value === "object") {
    for (const key of Object.keys(value)) value[key] = decodeNonFinite(value[key]);
  }
  return value;
}

function parseBody(text) {
  const value = JSON.parse(text);
  // Walk the answer only when it can hold an encoded non-finite number (fast path for the rest).
  return /"(NaN|-?Infinity)"/.test(text) ? decodeNonFinite(value) : value;
}

async function send(url, init) {
  let response;
  try {
    response = await fetch(url, init);
  } catch (error) {
    if (error && error.name === "AbortError") throw error;
    throw new ApiError(`Could not reach the server (${error && error.message ? error.message : error}).`);
  }
  const text = await response.text();
  if (!response.ok) {
    let body = null;
    try {
      body = JSON.parse(text);
    } catch {
      body = null;
    }
    const error = body && body.error ? body.error : {};
    throw new ApiError(error.message || `The server answered ${response.status} ${response.statusText}.`, {
      status: response.status,
      code: error.code || "http_error",
      details: Array.isArray(error.details) ? error.details : [],
    });
  }
  try {
    return parseBody(text);
  } catch {
    throw new ApiError("The server's answer was not valid JSON.", { status: response.status, code: "bad_json" });
  }
}

/** Build "/api/v1/..." + query string, leaving out null/undefined parameters. */
export function buildUrl(path, params = {}) {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params || {})) {
    if (value === null || value === undefined) continue;
    search.append(name, String(value));
  }
  const query = search.toString();
  return query ? `${path}?${query}` : path;
}

/** GET `path` with query `params`; resolves to the decoded JSON, throws ApiError. */
export async function getJson(path, params = {}, { signal } = {}) {
  return send(buildUrl(path, params), { method: "GET", headers: { Accept: "application/json" }, signal });
}

/** POST `body` as JSON to `path`; resolves to the decoded JSON, throws ApiError. */
export async function postJson(path, body, { signal } = {}) {
  return send(path, {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify(body),
    signal,
  });
}

/**
 * Memoise answers by URL (GET) or URL + body (POST), keeping the `size` most recent.
 * Curves that depend only on sliders then cost nothing while a marker is dragged.
 */
export function createCache(size = 64) {
  const entries = new Map();
  function remember(key, promise) {
    entries.set(key, promise);
    if (entries.size > size) entries.delete(entries.keys().next().value);
    // A failed request is not kept: the next call asks again.
    promise.catch(() => entries.delete(key));
    return promise;
  }
  function lookup(key) {
    if (!entries.has(key)) return undefined;
    const promise = entries.get(key);
    entries.delete(key);
    entries.set(key, promise);
    return promise;
  }
  return {
    getJson(path, params = {}) {
      const key = buildUrl(path, params);
      return lookup(key) || remember(key, getJson(path, params));
    },
    postJson(path, body) {
      const key = `${path} ${JSON.stringify(body)}`;
      return lookup(key) || remember(key, postJson(path, body));
    },
  };
}
