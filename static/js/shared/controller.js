// One controller per page: owns the state, writes the URL, runs compute → render.
//
// set(patch) merges the patch, writes the URL at once and schedules one update per
// animation frame. At most one update (its API requests) is in flight: input that arrives
// meanwhile is coalesced into one follow-up update with the latest state, and an answer
// older than one already painted is dropped. Each update, from the first input event it
// serves to the repaint, is recorded as the User Timing measure "loss-lab:update".
// For tests and benches: body[data-ready] after the first render, body[data-updates]
// counts renders, body[data-settled] is "true" when no update is pending or in flight.

import { ApiError } from "./api.js";

export const UPDATE_MEASURE = "loss-lab:update";

/**
 * Resolves once the global Plotly exists. base.html loads Plotly with `async` (so it never
 * holds up DOMContentLoaded); the controller waits for it before the first render.
 */
export function whenPlotlyReady() {
  if (window.Plotly) return Promise.resolve(window.Plotly);
  return new Promise((resolve, reject) => {
    const script = document.getElementById("plotly-script");
    const check = () => (window.Plotly ? resolve(window.Plotly) : reject(new Error("Plotly did not load")));
    if (script) {
      script.addEventListener("load", check, { once: true });
      script.addEventListener("error", () => reject(new Error("Plotly did not load")), { once: true });
    } else {
      window.addEventListener("load", check, { once: true });
    }
  });
}

function showError(error) {
  const banner = document.getElementById("error-banner");
  if (!banner) return;
  const details = error instanceof ApiError && error.details.length
    ? ` (${error.details.map((detail) => `${detail.field}: ${detail.message}`).join("; ")})`
    : "";
  banner.textContent = `Could not update: ${error.message}${details}`;
  banner.hidden = false;
}

function clearError() {
  const banner = document.getElementById("error-banner");
  if (banner && !banner.hidden) {
    banner.hidden = true;
    banner.textContent = "";
  }
}

/**
 * createController({state, urlState, compute, render, readout}) -> controller
 *   state:    the initial state (usually urlState.read()).
 *   urlState: from createUrlState; write(state) runs after every set().
 *   compute:  async (state, {signal}) -> data; does the API calls.
 *   render:   async (state, data) -> void; paints (await Plotly.react).
 *   readout:  (state, data) -> text for the aria-live region (optional).
 * The first update runs at once (not measured).
 */
export function createController({ state, urlState, compute, render, readout }) {
  let current = { ...state };
  let generation = 0; // bumped on every set(); an update serves one generation
  let paintedGeneration = -1;
  let inFlight = false;
  let frameRequested = false;
  let pendingStart = null; // time of the first input not yet served by an update
  let abortController = null;
  let updates = 0;
  const body = document.body;

  async function runUpdate(start) {
    const myGeneration = generation;
    const snapshot = current;
    inFlight = true;
    abortController = new AbortController();
    try {
      const [data] = await Promise.all([compute(snapshot, { signal: abortController.signal }), whenPlotlyReady()]);
      if (myGeneration < paintedGeneration) return; // stale: a newer state is already on screen
      await render(snapshot, data);
      paintedGeneration = myGeneration;
      if (start !== null) performance.measure(UPDATE_MEASURE, { start, end: performance.now() });
      clearError();
      const live = document.getElementById("live-readout");
      if (live && readout) live.textContent = readout(snapshot, data);
      if (!body.dataset.ready) performance.mark("loss-lab:first-render");
      updates += 1;
      body.dataset.updates = String(updates);
      body.dataset.ready = "true";
    } catch (error) {
      if (error && error.name === "AbortError") return;
      console.warn("loss-lab: update failed", error);
      showError(error);
      body.dataset.ready = "true";
      body.dataset.errors = String(Number(body.dataset.errors || 0) + 1);
    } finally {
      inFlight = false;
      abortController = null;
      if (generation > myGeneration) scheduleFrame();
      else body.dataset.settled = "true";
    }
  }

  function scheduleFrame() {
    if (frameRequested) return;
    frameRequested = true;
    requestAnimationFrame(() => {
      frameRequested = false;
      if (inFlight) return; // the running update schedules the follow-up when it ends
      const start = pendingStart;
      pendingStart = null;
      runUpdate(start);
    });
  }

  function set(patch) {
    if (pendingStart === null) pendingStart = performance.now();
    body.dataset.settled = "false";
    current = { ...current, ...patch };
    generation += 1;
    if (urlState) urlState.write(current);
    scheduleFrame();
  }

  /** Re-run compute and render for the current state (e.g. after a resize). */
  function refresh() {
    body.dataset.settled = "false";
    generation += 1;
    scheduleFrame();
  }

  body.dataset.updates = "0";
  body.dataset.settled = "false";
  runUpdate(null);

  return {
    set,
    refresh,
    get state() {
      return current;
    },
    /** Abort the request in flight (the page is going away). */
    abort() {
      if (abortController) abortController.abort();
    },
  };
}
