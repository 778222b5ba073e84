// /bce: the two-step sigmoid -> binary_cross_entropy recipe in float32 and float64 against
// binary_cross_entropy_with_logits, and PyTorch's clamp of each log term at -100.
// Curves are fetched when the target or pos_weight change; dragging the logit marker only
// asks the API for the values at the marker.
import { postJson } from "../shared/api.js";
import { createUrlState } from "../shared/url-state.js";
import { attachHandles, attachSlider } from "../shared/drag.js";
import { createController } from "../shared/controller.js";
import { baseLayout, plotConfigFor, OKABE_ITO, lossColor } from "../shared/plot-theme.js";
import { addDownloads } from "../shared/download.js";
import { formatFixed, setFixedReadout } from "../shared/format-fixed.js";

const LOGIT_LIMIT = 120;
const FLOAT32_SATURATION = 24 * Math.LN2; // 1 + e^-x rounds to 1 in float32 past 24 ln 2
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

/** Logit grid: fine (0.05) where float32/float64 saturate, coarse (0.5) in the long tails. */
function logitGrid() {
  const values = [];
  for (let k = -LOGIT_LIMIT * 2; k < -80; k += 1) values.push(k / 2);
  for (let k = -800; k < 800; k += 1) values.push(k / 20);
  for (let k = 80; k <= LOGIT_LIMIT * 2; k += 1) values.push(k / 2);
  return values;
}
const LOGITS = logitGrid();
/** q from 1e-60 to 1, ten points per decade, for the clamp plot. */
const CLAMP_Q = Array.from({ length: 601 }, (_, index) => 10 ** (-60 + index / 10));

const isHardTarget = (target) => target === 0 || target === 1;
/** binary_cross_entropy has no pos_weight; for the target 1 it equals the element weight. */
const naiveWeight = (state) => (state.target === 1 ? state.pos_weight : 1);

/** d sigmoid / dx from sigmoid's output s, in the given dtype, as torch's sigmoid_backward: g·(1−s)·s. */
function sigmoidBackward(upstream, s, dtype) {
  if (dtype === "float32") {
    const f = Math.fround;
    return f(f(f(upstream) * f(1 - s)) * s);
  }
  return upstream * (1 - s) * s;
}

/** The naive pipeline for a list of logits in one dtype: sigmoid, then BCE ("none"). */
async function naivePipeline(logits, state, dtype, signal) {
  const sigmoid = await postJson("/api/v1/activations/sigmoid", { input: logits, dtype }, { signal });
  const bce = await postJson("/api/v1/losses/binary_cross_entropy/evaluate", {
    input: sigmoid.output,
    target: logits.map(() => state.target),
    weight: logits.map(() => naiveWeight(state)),
    reduction: "none",
    dtype,
  }, { signal });
  const grad = bce.grad.map((gradP, index) => sigmoidBackward(gradP, sigmoid.output[index], dtype));
  return { sigmoid: sigmoid.output, loss: bce.loss, grad };
}

async function withLogits(logits, state, dtype, signal) {
  const answer = await postJson("/api/v1/losses/binary_cross_entropy_with_logits/evaluate", {
    input: logits,
    target: logits.map(() => state.target),
    pos_weight: state.pos_weight,
    reduction: "none",
    dtype,
  }, { signal });
  return { loss: answer.loss, grad: answer.grad };
}

/** Everything for the given logits: naive and with-logits, float32 and float64. */
async function allFour(logits, state, signal) {
  const [naive32, naive64, logits32, logits64] = await Promise.all([
    naivePipeline(logits, state, "float32", signal),
    naivePipeline(logits, state, "float64", signal),
    withLogits(logits, state, "float32", signal),
    withLogits(logits, state, "float64", signal),
  ]);
  return { naive32, naive64, logits32, logits64 };
}

/** The probability given to the observed outcome, in the form that does not round to 0. */
const observedSign = (state) => (state.target >= 0.5 ? 1 : -1);

async function clampPoint(state, signal) {
  const sigmoid = await postJson("/api/v1/activations/sigmoid",
    { input: [observedSign(state) * state.logit], dtype: "float64" }, { signal });
  const q = sigmoid.output[0];
  const term = await postJson("/api/v1/losses/binary_cross_entropy/evaluate",
    { input: [q], target: [1], reduction: "none", dtype: "float64" }, { signal });
  return { q, torch: term.loss[0], unclamped: -Math.log(q) };
}

let clampCurve = null;
async function fetchClampCurve(signal) {
  if (clampCurve) return clampCurve;
  const answer = await postJson("/api/v1/losses/binary_cross_entropy/evaluate",
    { input: CLAMP_Q, target: CLAMP_Q.map(() => 1), reduction: "none", dtype: "float64" }, { signal });
  clampCurve = { q: CLAMP_Q, torch: answer.loss, unclamped: CLAMP_Q.map((q) => -Math.log(q)) };
  return clampCurve;
}

const curveCache = new Map();
async function fetchCurves(state, signal) {
  const key = `${state.target}|${state.pos_weight}`;
  if (!curveCache.has(key)) {
    const curves = await allFour(LOGITS, state, signal);
    curveCache.set(key, curves);
    if (curveCache.size > 8) curveCache.delete(curveCache.keys().next().value); // oldest first
  }
  return curveCache.get(key);
}

async function compute(state, { signal }) {
  const [curves, point, clamp, clampPointValues] = await Promise.all([
    fetchCurves(state, signal),
    allFour([state.logit], state, signal),
    fetchClampCurve(signal),
    clampPoint(state, signal),
  ]);
  return { curves, point, clamp, clampPoint: clampPointValues };
}

const first = (values) => values[0];

function fillReadouts(state, data) {
  const { point } = data;
  setFixedReadout("sigmoid-float32", first(point.naive32.sigmoid), 8);
  setFixedReadout("sigmoid-float64", first(point.naive64.sigmoid), 10);
  for (const [key, part] of Object.entries({ "naive": ["naive32", "naive64"], "logits": ["logits32", "logits64"] })) {
    DTYPES.forEach((dtype, index) => {
      const values = point[part[index]];
      setFixedReadout(`${key}-loss-${dtype}`, first(values.loss), 4);
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

function curveTraces(data, field, state) {
  const traces = CURVES.map((curve) => ({
    type: "scatter",
    mode: "lines",
    name: curve.name,
    x: LOGITS,
    y: data.curves[curve.key][field],
    line: { color: COLORS[curve.key], dash: curve.dash, width: curve.width },
    hovertemplate: `x = %{x}<br>${field} = %{y:.4g}<extra>${curve.name}</extra>`,
  }));
  traces.push({
    type: "scatter",
    mode: "markers",
    name: "at the marker",
    showlegend: false,
    x: CURVES.map(() => state.logit),
    y: CURVES.map((curve) => first(data.point[curve.key][field])),
    marker: { color: CURVES.map((curve) => COLORS[curve.key]), size: 9, line: { color: "#fff", width: 1 } },
    hoverinfo: "skip",
  });
  return traces;
}

function markerShapes(state) {
  return [
    { type: "line", xref: "x", yref: "paper", x0: state.logit, x1: state.logit, y0: 0, y1: 1,
      line: { color: "#444", width: 2 } },
    { type: "line", xref: "x", yref: "paper", x0: FLOAT32_SATURATION, x1: FLOAT32_SATURATION, y0: 0, y1: 1,
      line: { color: COLORS.naive32, width: 1, dash: "dot" } },
  ];
}

const lossPlot = document.getElementById("loss-plot");
const gradPlot = document.getElementById("grad-plot");
const clampPlot = document.getElementById("clamp-plot");
let handles = null;
let latest = null;

async function render(state, data) {
  latest = { state, data };
  const saturationNote = {
    x: FLOAT32_SATURATION, y: 0.62, xref: "x", yref: "paper", xanchor: "right", yanchor: "middle", showarrow: false,
    text: "float32 σ = 1 → ", font: { size: 11, color: COLORS.naive32 },
  };
  await Promise.all([
    Plotly.react(lossPlot, curveTraces(data, "loss", state), baseLayout({
      xaxis: { title: { text: "logit x" }, range: [-LOGIT_LIMIT, LOGIT_LIMIT] },
      yaxis: { title: { text: "loss" }, range: [-2, 125] },
      shapes: markerShapes(state),
      annotations: [saturationNote],
      dragmode: false,
    }), plotConfigFor("bce")),
    Plotly.react(gradPlot, curveTraces(data, "grad", state), baseLayout({
      xaxis: { title: { text: "logit x" }, range: [-LOGIT_LIMIT, LOGIT_LIMIT] },
      yaxis: { title: { text: "d loss / d x" } },
      shapes: markerShapes(state),
      dragmode: false,
    }), plotConfigFor("bce")),
    Plotly.react(clampPlot, clampTraces(data), baseLayout({
      xaxis: { title: { text: "probability q given to the observed outcome" }, type: "log",
        exponentformat: "e", dtick: 10 },
      yaxis: { title: { text: "−log q" }, range: [0, 140] },
      dragmode: false,
    }), plotConfigFor("bce")),
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

function clampTraces(data) {
  const point = data.clampPoint;
  return [
    { type: "scatter", mode: "lines", name: "−log q, unclamped (browser)", x: data.clamp.q, y: data.clamp.unclamped,
      line: { color: COLORS.unclamped, dash: "dot", width: 2 } },
    { type: "scatter", mode: "lines", name: "PyTorch: −max(log q, −100) (API)", x: data.clamp.q, y: data.clamp.torch,
      line: { color: COLORS.clamped, width: 3 } },
    { type: "scatter", mode: "markers", name: "marker", showlegend: false,
      x: point.q > 0 ? [point.q, point.q] : [], y: point.q > 0 ? [point.torch, point.unclamped] : [],
      marker: { color: [COLORS.clamped, COLORS.unclamped], size: 9 }, hoverinfo: "skip" },
  ];
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

