// /bce: the two-step sigmoid -> binary_cross_entropy recipe in float32 and float64 against
// binary_cross_entropy_with_logits, and PyTorch's clamp of each log term at -100.
// Curves are fetched when the target or pos_weight change; dragging the logit marker only
// asks the API for the values at the marker.
import { postJson } from "../shared/api.js";
import { createUrlState } from "../shared/url-state.js";
import { attachHandles, attachSlider } from "../shared/drag.js";
import { createController } from "../shared/controller.js";
import { baseLayout, createPainter, plotConfigFor, OKABE_ITO } from "../shared/plot-theme.js";
import { addDownloads } from "../shared/download.js";
import { formatFixed, setFixedReadout } from "../shared/format-fixed.js";

const LOGIT_LIMIT = 120;
const FLOAT32_SATURATION = 24 * Math.LN2; // 1 + e^-x rounds to 1 in float32 past 24 ln 2
const FLOAT32_MAX = 3.4028234663852886e38;
const FLOAT32_ZERO_BELOW = -Math.log(FLOAT32_MAX); // e^-x overflows float32 below about -88.72: sigmoid is 0
const DTYPES = ["float32", "float64"];
const COLORS = {
  naive32: OKABE_ITO.vermillion,
  naive64: OKABE_ITO.orange,
  logits32: OKABE_ITO.blue,
  logits64: OKABE_ITO.skyBlue,
  clamped: OKABE_ITO.vermillion,
  unclamped: OKABE_ITO.black,
};

const schema = [
  { name: "logit", type: "number", default: 20, min: -LOGIT_LIMIT, max: LOGIT_LIMIT },
  { name: "target", type: "number", default: 0, min: 0, max: 1 },
  { name: "pos_weight", type: "number", default: 1, min: 0.1, max: 10 },
];

/**
 * Logit grid: every multiple of 0.1 from -120 to 120 (the marker's keyboard and drag step),
 * and every multiple of 0.05 in [-40, 40], where float32 and float64 saturate.
 */
function logitGrid() {
  const values = [];
  for (let k = -LOGIT_LIMIT * 10; k < -400; k += 1) values.push(k / 10);
  for (let k = -800; k < 800; k += 1) values.push(k / 20);
  for (let k = 400; k <= LOGIT_LIMIT * 10; k += 1) values.push(k / 10);
  return values;
}
const LOGITS = logitGrid();
const gridKey = (logit) => Math.round(logit * 100);
const GRID_INDEX = new Map(LOGITS.map((logit, index) => [gridKey(logit), index]));
/** q from 1e-60 to 1, ten points per decade, for the clamp plot. */
const CLAMP_Q = Array.from({ length: 601 }, (_, index) => 10 ** (-60 + index / 10));

const isHardTarget = (target) => target === 0 || target === 1;
/** binary_cross_entropy has no pos_weight; for the target 1 it equals the element weight. */
const naiveWeight = (state) => (state.target === 1 ? state.pos_weight : 1);
/** The probability of the observed outcome is sigmoid(sign * x): no rounding of 1 - sigmoid(x) to 0. */
const observedSign = (state) => (state.target >= 0.5 ? 1 : -1);

/** d sigmoid / dx from sigmoid's output s, in the given dtype, as torch's sigmoid_backward: g·(1−s)·s. */
function sigmoidBackward(upstream, s, dtype) {
  if (dtype === "float32") {
    const f = Math.fround;
    return f(f(f(upstream) * f(1 - s)) * s);
  }
  return upstream * (1 - s) * s;
}

const post = (path, body, signal) => postJson(`/api/v1/${path}`, body, { signal });
const filled = (length, value) => Array(length).fill(value);

/**
 * Everything the page shows for a list of logits, from the API in two rounds of requests:
 * sigmoid (float32; float64 of x and of -x) and BCE with logits, then BCE of the sigmoids.
 * Returns {naive32, naive64: {sigmoid, loss, grad}, logits32, logits64: {loss, grad},
 * clamp: {q, torch}} with one entry per logit in each list.
 */
async function fetchBundle(logits, state, signal) {
  const count = logits.length;
  const targets = filled(count, state.target);
  const withLogits = (dtype) => post("losses/binary_cross_entropy_with_logits/evaluate", {
    input: logits, target: targets, pos_weight: state.pos_weight, reduction: "none", dtype,
  }, signal);
  const [sigmoid32, sigmoid64, logits32, logits64] = await Promise.all([
    post("activations/sigmoid", { input: logits, dtype: "float32" }, signal),
    post("activations/sigmoid", { input: [...logits, ...logits.map((logit) => -logit)], dtype: "float64" }, signal),
    withLogits("float32"),
    withLogits("float64"),
  ]);
  const s32 = sigmoid32.output;
  const s64 = sigmoid64.output.slice(0, count);
  const q = observedSign(state) > 0 ? s64 : sigmoid64.output.slice(count);
  const [bce32, bce64] = await Promise.all([
    post("losses/binary_cross_entropy/evaluate", {
      input: s32, target: targets, weight: filled(count, naiveWeight(state)), reduction: "none", dtype: "float32",
    }, signal),
    // One request for both: the naive float64 losses, then -max(log q, -100) for the clamp section.
    post("losses/binary_cross_entropy/evaluate", {
      input: [...s64, ...q],
      target: [...targets, ...filled(count, 1)],
      weight: [...filled(count, naiveWeight(state)), ...filled(count, 1)],
      reduction: "none",
      dtype: "float64",
    }, signal),
  ]);
  const naive = (sigmoid, loss, grad, dtype) => ({
    sigmoid, loss, grad: grad.map((gradP, index) => sigmoidBackward(gradP, sigmoid[index], dtype)),
  });
  return {
    naive32: naive(s32, bce32.loss, bce32.grad, "float32"),
    naive64: naive(s64, bce64.loss.slice(0, count), bce64.grad.slice(0, count), "float64"),
    logits32: { loss: logits32.loss, grad: logits32.grad },
    logits64: { loss: logits64.loss, grad: logits64.grad },
    clamp: { q, torch: bce64.loss.slice(count) },
  };
}

/** Entry `index` of every list in a bundle, as a bundle of one. */
function pick(bundle, index) {
  const one = (part) => Object.fromEntries(Object.entries(part).map(([key, values]) => [key, [values[index]]]));
  return Object.fromEntries(Object.entries(bundle).map(([name, part]) => [name, one(part)]));
}

let clampCurve = null;
async function fetchClampCurve(signal) {
  if (clampCurve) return clampCurve;
  const answer = await post("losses/binary_cross_entropy/evaluate",
    { input: CLAMP_Q, target: filled(CLAMP_Q.length, 1), reduction: "none", dtype: "float64" }, signal);
  clampCurve = { q: CLAMP_Q, torch: answer.loss, unclamped: CLAMP_Q.map((q) => -Math.log(q)) };
  return clampCurve;
}

const curveCache = new Map();
async function fetchCurves(state, signal) {
  const key = `${state.target}|${state.pos_weight}`;
  if (!curveCache.has(key)) {
    curveCache.set(key, await fetchBundle(LOGITS, state, signal));
    if (curveCache.size > 8) curveCache.delete(curveCache.keys().next().value); // oldest first
  }
  return curveCache.get(key);
}

/**
 * The curves come once per (target, pos_weight); a marker on the grid (every 0.1) reads its
 * values from them, so dragging costs no request. Off-grid logits (typed into the URL) are
 * asked for on their own.
 */
async function compute(state, { signal }) {
  const [curves, clamp] = await Promise.all([fetchCurves(state, signal), fetchClampCurve(signal)]);
  const index = GRID_INDEX.get(gridKey(state.logit));
  const onGrid = index !== undefined && LOGITS[index] === state.logit;
  const point = onGrid ? pick(curves, index) : await fetchBundle([state.logit], state, signal);
  const q = point.clamp.q[0];
  return { curves, point, clamp, clampPoint: { q, torch: point.clamp.torch[0], unclamped: -Math.log(q) } };
}

const first = (values) => values[0];

function fillReadouts(state, data) {
  const { point } = data;
  setFixedReadout("sigmoid-float32", first(point.naive32.sigmoid), 7);
  setFixedReadout("sigmoid-float64", first(point.naive64.sigmoid), 10);
  for (const [key, part] of Object.entries({ "naive": ["naive32", "naive64"], "logits": ["logits32", "logits64"] })) {
    DTYPES.forEach((dtype, index) => {
      const values = point[part[index]];
      setFixedReadout(`${key}-loss-${dtype}`, first(values.loss), 3);
      setFixedReadout(`${key}-grad-${dtype}`, first(values.grad), 4);
    });
  }
  setFixedReadout("clamp-q", data.clampPoint.q, 3, { exponential: true });
  setFixedReadout("clamp-torch", data.clampPoint.torch, 4);
  setFixedReadout("clamp-unclamped", data.clampPoint.unclamped, 4);
  document.getElementById("marker-verdict").textContent = verdict(state, data);
}

/** One sentence on what the marker shows. */
function verdict(state, data) {
  const naive = first(data.point.naive32.loss);
  const truth = first(data.point.logits64.loss);
  const sigmoid32 = first(data.point.naive32.sigmoid);
  if (sigmoid32 === 1 || sigmoid32 === 0) {
    return `At x = ${formatFixed(state.logit, 2)} the float32 sigmoid is exactly ${sigmoid32}: `
      + `the naive float32 loss is ${formatFixed(naive, 4)} and its gradient `
      + `${formatFixed(first(data.point.naive32.grad), 4)}, while the loss computed from the logit is ${formatFixed(truth, 4)}.`;
  }
  return `At x = ${formatFixed(state.logit, 2)} the float32 sigmoid has not saturated yet: `
    + `naive float32 ${formatFixed(naive, 4)}, with logits ${formatFixed(truth, 4)}.`;
}

function readout(state, data) {
  return `logit ${formatFixed(state.logit, 2)}: naive float32 loss ${formatFixed(first(data.point.naive32.loss), 4)}, `
    + `naive float64 ${formatFixed(first(data.point.naive64.loss), 4)}, `
    + `with logits ${formatFixed(first(data.point.logits64.loss), 4)}`;
}

const CURVES = [
  { key: "naive32", name: "sigmoid → BCE, float32", dash: "solid", width: 3 },
  { key: "naive64", name: "sigmoid → BCE, float64", dash: "dash", width: 2 },
  { key: "logits32", name: "BCE with logits, float32", dash: "solid", width: 2 },
  { key: "logits64", name: "BCE with logits, float64", dash: "dot", width: 2 },
];

/**
 * The curve traces for one set of curves, built once: while the marker moves only the layout
 * shapes change, so Plotly.react redraws the shapes and leaves the 4 × 2,400-point lines alone.
 */
const traceCache = new WeakMap();
function curveTraces(curves, field) {
  if (!traceCache.has(curves)) traceCache.set(curves, {});
  const cached = traceCache.get(curves);
  cached[field] ??= CURVES.map((curve) => ({
    type: "scatter",
    mode: "lines",
    name: curve.name,
    x: LOGITS,
    y: curves[curve.key][field],
    line: { color: COLORS[curve.key], dash: curve.dash, width: curve.width },
    hovertemplate: `x = %{x}<br>${field} = %{y:.4g}<extra>${curve.name}</extra>`,
  }));
  return cached[field];
}

/** A dot of `radius` pixels at (x, y) in data units (x as log10 for a log axis), as a layout shape. */
function dot(x, y, color, radius = 5) {
  return {
    type: "circle", xref: "x", yref: "y", xsizemode: "pixel", ysizemode: "pixel",
    xanchor: x, yanchor: y, x0: -radius, x1: radius, y0: -radius, y1: radius,
    fillcolor: color, line: { color: "#ffffff", width: 1 },
  };
}

/** Shape 0 is the marker line (the drag handle), then the two float32 thresholds, then the dots. */
function markerShapes(state, data, field) {
  return [
    { type: "line", xref: "x", yref: "paper", x0: state.logit, x1: state.logit, y0: 0, y1: 1,
      line: { color: "#444", width: 2 } },
    { type: "line", xref: "x", yref: "paper", x0: FLOAT32_SATURATION, x1: FLOAT32_SATURATION, y0: 0, y1: 1,
      line: { color: COLORS.naive32, width: 1, dash: "dot" } },
    { type: "line", xref: "x", yref: "paper", x0: FLOAT32_ZERO_BELOW, x1: FLOAT32_ZERO_BELOW, y0: 0, y1: 1,
      line: { color: COLORS.naive32, width: 1, dash: "dot" } },
    ...CURVES.map((curve) => dot(state.logit, first(data.point[curve.key][field]), COLORS[curve.key])),
  ];
}

/** A fixed y-range for the gradient plot (per set of curves), so moving the marker never rescales it. */
const gradRangeCache = new WeakMap();
function gradRange(curves) {
  if (!gradRangeCache.has(curves)) {
    const values = CURVES.flatMap((curve) => curves[curve.key].grad).filter(Number.isFinite);
    const low = Math.min(0, ...values);
    const high = Math.max(0, ...values);
    const pad = 0.08 * (high - low || 1);
    gradRangeCache.set(curves, [low - pad, high + pad]);
  }
  return gradRangeCache.get(curves);
}

const lossPlot = document.getElementById("loss-plot");
const gradPlot = document.getElementById("grad-plot");
const clampPlot = document.getElementById("clamp-plot");
// A marker move changes only the shapes (marker line, dots): the painters then skip Plotly.react.
const paintLoss = createPainter(lossPlot, plotConfigFor("bce-loss"));
const paintGrad = createPainter(gradPlot, plotConfigFor("bce-gradient"));
const paintClamp = createPainter(clampPlot, plotConfigFor("bce-clamp"));
let handles = null;
let latest = null;

async function render(state, data) {
  latest = { state, data };
  const saturationNotes = [
    { x: FLOAT32_SATURATION, y: 0.62, xref: "x", yref: "paper", xanchor: "right", yanchor: "middle", showarrow: false,
      text: "float32 σ = 1 → ", font: { size: 11, color: COLORS.naive32 } },
    { x: FLOAT32_ZERO_BELOW, y: 0.86, xref: "x", yref: "paper", xanchor: "left", yanchor: "middle", showarrow: false,
      text: " ← float32 σ = 0", font: { size: 11, color: COLORS.naive32 } },
  ];
  await Promise.all([
    paintLoss([data.curves], curveTraces(data.curves, "loss"), baseLayout({
      xaxis: { title: { text: "logit x" }, range: [-LOGIT_LIMIT, LOGIT_LIMIT] },
      yaxis: { title: { text: "loss" }, range: [-2, 125] },
      shapes: markerShapes(state, data, "loss"),
      annotations: saturationNotes,
    })),
    paintGrad([data.curves], curveTraces(data.curves, "grad"), baseLayout({
      xaxis: { title: { text: "logit x" }, range: [-LOGIT_LIMIT, LOGIT_LIMIT] },
      yaxis: { title: { text: "d loss / d x" }, range: gradRange(data.curves) },
      shapes: markerShapes(state, data, "grad"),
    })),
    paintClamp([data.clamp], clampTraces(data.clamp), baseLayout({
      xaxis: { title: { text: "probability q given to the observed outcome" }, type: "log",
        exponentformat: "e", dtick: 10, range: [-60, 0] },
      yaxis: { title: { text: "−log q" }, range: [0, 140] },
      shapes: clampShapes(data.clampPoint),
    })),
  ]);
  if (!handles) {
    handles = attachHandles(lossPlot, [{
      id: "logit",
      label: "Logit x",
      axis: "x",
      shape: 0,
      min: -LOGIT_LIMIT,
      max: LOGIT_LIMIT,
      step: 0.1,
      bigStep: 5,
      get: () => controller.state.logit,
      format: (value) => `logit ${formatFixed(value, 2)}`,
    }], (id, value) => controller.set({ logit: Math.round(value * 100) / 100 }));
  } else {
    handles.refresh();
  }
  fillReadouts(state, data);
  syncControls(state);
}

let clampTraceList = null;
function clampTraces(clamp) {
  clampTraceList ??= [
    { type: "scatter", mode: "lines", name: "−log q, unclamped (browser)", x: clamp.q, y: clamp.unclamped,
      line: { color: COLORS.unclamped, dash: "dot", width: 2 } },
    { type: "scatter", mode: "lines", name: "PyTorch: −max(log q, −100) (API)", x: clamp.q, y: clamp.torch,
      line: { color: COLORS.clamped, width: 3 } },
  ];
  return clampTraceList;
}

/** Dots at the marker's q (a log axis takes log10 of the position); none when q is 0 or off the axis. */
function clampShapes(point) {
  if (!(point.q >= 1e-60)) return [];
  const position = Math.log10(point.q);
  return [dot(position, point.unclamped, COLORS.unclamped), dot(position, point.torch, COLORS.clamped)];
}

function syncControls(state) {
  const kind = isHardTarget(state.target) ? String(state.target) : "soft";
  for (const radio of document.querySelectorAll('input[name="target-kind"]')) radio.checked = radio.value === kind;
  const soft = document.getElementById("soft-target-input");
  soft.disabled = kind !== "soft";
  if (kind === "soft" && String(soft.value) !== String(state.target)) soft.value = String(state.target);
  document.getElementById("soft-target-output").textContent = formatFixed(Number(soft.value), 2);
  const posWeight = document.getElementById("pos-weight-input");
  if (String(posWeight.value) !== String(state.pos_weight)) posWeight.value = String(state.pos_weight);
  document.getElementById("pos-weight-output").textContent = formatFixed(state.pos_weight, 1);
  document.getElementById("pos-weight-note").hidden = !(kind === "soft" && state.pos_weight !== 1);
}

const urlState = createUrlState(schema);
const controller = createController({ state: urlState.read(), urlState, compute, render, readout });

for (const radio of document.querySelectorAll('input[name="target-kind"]')) {
  radio.addEventListener("change", () => {
    if (!radio.checked) return;
    const soft = Number(document.getElementById("soft-target-input").value);
    controller.set({ target: radio.value === "soft" ? soft : Number(radio.value) });
  });
}
attachSlider(document.getElementById("soft-target-input"), (value) => controller.set({ target: Number(value) }));
attachSlider(document.getElementById("pos-weight-input"), (value) => controller.set({ pos_weight: Number(value) }));

const curveRows = (field) => () => {
  const { curves } = latest.data;
  return {
    logit: LOGITS,
    ...Object.fromEntries(CURVES.map((curve) => [curve.key.replace("32", "_float32").replace("64", "_float64"), curves[curve.key][field]])),
  };
};
addDownloads(document.querySelector('[data-downloads-for="loss-plot"]'), curveRows("loss"), "bce-loss");
addDownloads(document.querySelector('[data-downloads-for="grad-plot"]'), curveRows("grad"), "bce-gradient");
addDownloads(document.querySelector('[data-downloads-for="clamp-plot"]'), () => ({
  q: latest.data.clamp.q, torch_term: latest.data.clamp.torch, unclamped: latest.data.clamp.unclamped,
}), "bce-clamp");

