// /learning: one sigmoid neuron trained from a saturated start with the quadratic cost and
// with cross-entropy (POST /api/v1/train/neuron); the gradient factors (a − y)·σ′(z) and
// (a − y) against z; and the Bernoulli likelihood of clickable coin tosses against p.
//
// Training runs once per start (w₀, b₀, y, learning rate, epochs) and is cached, so the epoch
// marker costs nothing to drag. The factor curve comes from binary_cross_entropy_with_logits,
// whose derivative along the logit is exactly a − y; the likelihood curve is n times the
// binary_cross_entropy curve with the sample mean as target.

import { createCache } from "../shared/api.js";
import { attachHandles, attachSlider, snapValue } from "../shared/drag.js";
import { createController } from "../shared/controller.js";
import { addDownloads } from "../shared/download.js";
import { OKABE_ITO, baseLayout, createPainter, createRenderGate, lossColor, markerDotShape, markerLineShape, plotConfigFor } from "../shared/plot-theme.js";
import { formatNumber, setReadout } from "../shared/readout.js";
import { createUrlState } from "../shared/url-state.js";

const INPUT_X = 1;
const Z_CURVE = { start: -8, stop: 8, num: 1601 }; // step 0.01
const P_CURVE = { start: 0.001, stop: 0.999, num: 999 }; // step 0.001
const MAX_TOSSES = 30;
const DEFAULT_COINS = [1, 1, 0, 1, 1, 1, 0, 1, 0, 1];
const COLORS = { mse: lossColor("mse"), ce: OKABE_ITO.vermillion, nll: OKABE_ITO.bluishGreen };

const urlState = createUrlState([
  { name: "w0", type: "number", default: 2, min: -5, max: 5 },
  { name: "b0", type: "number", default: 2, min: -8, max: 8 },
  { name: "lr", type: "number", default: 0.15, min: 0.01, max: 2 },
  { name: "epochs", type: "integer", default: 300, min: 20, max: 1000 },
  { name: "y", type: "choice", default: 0, choices: [0, 1] },
  { name: "e", type: "integer", default: 100, min: 0, max: 1000 },
  { name: "coins", type: "numbers", default: DEFAULT_COINS, min: 0, max: 1, length: [1, MAX_TOSSES] },
  { name: "p", type: "number", default: 0.5, min: 0.01, max: 0.99 },
]);

const api = createCache(32);
const elements = {
  trainingPlot: document.getElementById("training-plot"),
  factorPlot: document.getElementById("factor-plot"),
  nllPlot: document.getElementById("nll-plot"),
  coins: document.getElementById("coins"),
};

function startZ(state) {
  return Number((state.w0 * INPUT_X + state.b0).toFixed(2));
}

function sampleMean(coins) {
  return coins.reduce((total, coin) => total + coin, 0) / coins.length;
}

function gridIndex(curve, grid, x) {
  const step = (grid.stop - grid.start) / (grid.num - 1);
  const index = Math.round((x - grid.start) / step);
  return index >= 0 && index < curve.x.length && Math.abs(curve.x[index] - x) < 1e-9 ? index : -1;
}

async function compute(state) {
  const [training, factorCurve, bceCurve] = await Promise.all([
    api.postJson("/api/v1/train/neuron", { x: INPUT_X, y: state.y, w0: state.w0, b0: state.b0, learning_rate: state.lr, epochs: state.epochs }),
    api.getJson("/api/v1/losses/binary_cross_entropy_with_logits/curve", { ...Z_CURVE, target: state.y }),
    api.getJson("/api/v1/losses/binary_cross_entropy/curve", { ...P_CURVE, target: sampleMean(state.coins) }),
  ]);
  // d BCE-with-logits / dz = σ(z) − y = a − y; the quadratic cost's factor multiplies in σ′(z) = a(1 − a).
  const factorCe = factorCurve.grad;
  const factorMse = factorCe.map((error) => {
    const output = error + state.y;
    return error * output * (1 - output);
  });
  const tosses = state.coins.length;
  const nll = bceCurve.loss.map((value) => tosses * value);
  let argmin = 0;
  nll.forEach((value, index) => { if (value < nll[argmin]) argmin = index; });
  const zIndex = gridIndex(factorCurve, Z_CURVE, startZ(state));
  const pIndex = gridIndex(bceCurve, P_CURVE, state.p);
  return {
    training, factorCurveAnswer: factorCurve, bceCurveAnswer: bceCurve, z: factorCurve.x, factorCe, factorMse, p: bceCurve.x, nll,
    nllArgmin: bceCurve.x[argmin],
    atStart: zIndex < 0 ? { ce: NaN, mse: NaN } : { ce: factorCe[zIndex], mse: factorMse[zIndex] },
    nllAtMarker: pIndex < 0 ? NaN : nll[pIndex],
  };
}

function sigmoid(z) {
  return 1 / (1 + Math.exp(-z));
}

function renderTraining(state, data) {
  const { training } = data;
  const epoch = Math.min(state.e, state.epochs);
  const line = (color) => ({ color, width: 2.5 });
  const traces = [
    { type: "scatter", mode: "lines", x: training.epoch, y: training.mse.loss, name: "quadratic cost", line: line(COLORS.mse), hovertemplate: "epoch %{x}: %{y:.4g}<extra></extra>" },
    { type: "scatter", mode: "lines", x: training.epoch, y: training.cross_entropy.loss, name: "cross-entropy", yaxis: "y2", line: line(COLORS.ce), hovertemplate: "epoch %{x}: %{y:.4g}<extra></extra>" },
  ];
  const dots = [
    markerDotShape(epoch, training.mse.loss[epoch], COLORS.mse),
    markerDotShape(epoch, training.cross_entropy.loss[epoch], COLORS.ce, { yref: "y2" }),
  ].filter(Boolean);
  const layout = baseLayout({
    height: 420,
    xaxis: { range: [0, state.epochs], anchor: "y2", title: { text: "epoch" } },
    // Explicit ranges (½(a − y)² never exceeds ½; cross-entropy rounded up to a half) spare
    // Plotly an autorange pass on every redraw.
    yaxis: { domain: [0.55, 1], range: [0, 0.52], title: { text: "½(a − y)²" } },
    yaxis2: { domain: [0, 0.43], range: [0, Math.ceil(Math.max(...training.cross_entropy.loss) * 1.05 * 2) / 2], title: { text: "cross-entropy" }, fixedrange: true, gridcolor: "#e6e6e6", automargin: true },
    shapes: [markerLineShape(epoch), ...dots],
  });
  return painters.training([data.training, state.epochs], traces, layout);
}

function renderFactors(state, data) {
  const z = startZ(state);
  const traces = [
    { type: "scatter", mode: "lines", x: data.z, y: data.factorMse, name: "quadratic: (a − y)·σ′(z)", line: { color: COLORS.mse, width: 2.5 }, hovertemplate: "z %{x}: %{y:.4g}<extra></extra>" },
    { type: "scatter", mode: "lines", x: data.z, y: data.factorCe, name: "cross-entropy: a − y", line: { color: COLORS.ce, width: 2.5 }, hovertemplate: "z %{x}: %{y:.4g}<extra></extra>" },
  ];
  const dots = [markerDotShape(z, data.atStart.mse, COLORS.mse), markerDotShape(z, data.atStart.ce, COLORS.ce)].filter(Boolean);
  const layout = baseLayout({
    height: 330,
    xaxis: { range: [Z_CURVE.start, Z_CURVE.stop], title: { text: "z = w·x + b" } },
    yaxis: { range: [-1.08, 1.08], title: { text: "gradient factor" } },
    shapes: [markerLineShape(z), ...dots],
  });
  return painters.factors([data.factorCurveAnswer], traces, layout);
}

function renderLikelihood(state, data) {
  const minimum = Math.min(...data.nll);
  const top = minimum + Math.max(6, state.coins.length * 1.2);
  const traces = [
    { type: "scatter", mode: "lines", x: data.p, y: data.nll, name: "−ln L(p)", line: { color: COLORS.nll, width: 2.5 }, hovertemplate: "p %{x}: %{y:.4g}<extra></extra>" },
  ];
  const mean = sampleMean(state.coins);
  const layout = baseLayout({
    height: 320,
    xaxis: { range: [0, 1], title: { text: "p, the probability of a 1" } },
    yaxis: { range: [0, top], title: { text: "−ln L" } },
    shapes: [
      markerLineShape(state.p),
      markerLineShape(mean, { color: OKABE_ITO.bluishGreen, width: 1.5, dash: "dot" }),
      markerDotShape(state.p, data.nllAtMarker, COLORS.nll, { size: 11 }),
    ].filter(Boolean),
    annotations: [{ xref: "x", yref: "paper", x: mean, y: 1, yanchor: "bottom", text: `sample mean ${formatNumber(mean, 3)}`, showarrow: false, font: { size: 11, color: "#1d4d2b" } }],
  });
  return painters.likelihood([data.bceCurveAnswer, state.coins.length], traces, layout);
}

function renderCoins(state) {
  const coins = elements.coins;
  if (coins.children.length !== state.coins.length) {
    coins.replaceChildren(...state.coins.map((_, index) => {
      const item = document.createElement("li");
      const button = document.createElement("button");
      button.type = "button";
      button.className = "coin";
      button.dataset.coin = String(index);
      button.setAttribute("aria-label", `Toss ${index + 1}`);
      button.addEventListener("click", () => {
        const next = controller.state.coins.slice();
        next[index] = 1 - next[index];
        controller.set({ coins: next });
        renderCoins(controller.state);
      });
      item.appendChild(button);
      return item;
    }));
  }
  state.coins.forEach((coin, index) => {
    const button = coins.children[index].firstChild;
    button.setAttribute("aria-pressed", coin === 1 ? "true" : "false");
    button.textContent = String(coin);
  });
  document.getElementById("add-toss").disabled = state.coins.length >= MAX_TOSSES;
  document.getElementById("remove-toss").disabled = state.coins.length <= 1;
}

function fillReadouts(state, data) {
  const epoch = Math.min(state.e, state.epochs);
  const { training } = data;
  setReadout("epoch", epoch, 4, { text: String(epoch) });
  for (const [key, run] of [["mse", training.mse], ["ce", training.cross_entropy]]) {
    setReadout(`loss-${key}`, run.loss[epoch]);
    setReadout(`w-${key}`, run.w[epoch]);
    setReadout(`b-${key}`, run.b[epoch]);
    setReadout(`output-${key}`, sigmoid(run.w[epoch] * INPUT_X + run.b[epoch]));
  }
  setReadout("start-z", startZ(state), 3);
  setReadout("factor-mse", data.atStart.mse);
  setReadout("factor-ce", data.atStart.ce);
  const heads = state.coins.reduce((total, coin) => total + coin, 0);
  setReadout("heads", heads, 4, { text: String(heads) });
  setReadout("tosses", state.coins.length, 4, { text: String(state.coins.length) });
  setReadout("sample-mean", sampleMean(state.coins));
  setReadout("p", state.p, 3);
  setReadout("nll", data.nllAtMarker);
  setReadout("nll-argmin", data.nllArgmin);
}

function readoutText(state, data) {
  const epoch = Math.min(state.e, state.epochs);
  return `Epoch ${epoch}: quadratic cost ${formatNumber(data.training.mse.loss[epoch], 3)}, `
    + `cross-entropy ${formatNumber(data.training.cross_entropy.loss[epoch], 3)}. `
    + `Tosses: mean ${formatNumber(sampleMean(state.coins), 3)}, −ln L at p ${formatNumber(state.p, 3)} is ${formatNumber(data.nllAtMarker, 4)}.`;
}

let latest = null;
let handleSets = null;
// Marker moves change shapes only: the painters then skip Plotly.react.
const painters = {
  training: createPainter(elements.trainingPlot, plotConfigFor("neuron-training")),
  factors: createPainter(elements.factorPlot, plotConfigFor("gradient-factors")),
  likelihood: createPainter(elements.nllPlot, plotConfigFor("bernoulli-likelihood")),
};
const gate = createRenderGate();

function attachAllHandles() {
  const markerLine = (id, label, get, min, max, step, bigStep, onMove, plot, format) => attachHandles(plot, [{
    id, label, axis: "x", shape: 0, get, step, bigStep, format,
    get min() { return typeof min === "function" ? min() : min; },
    get max() { return typeof max === "function" ? max() : max; },
  }], (_id, value) => onMove(value));
  return [
    markerLine("epoch", "Epoch marker", () => Math.min(controller.state.e, controller.state.epochs), 0, () => controller.state.epochs, 1, 10,
      (value) => controller.set({ e: Math.round(value) }), elements.trainingPlot, (value) => `epoch ${value}`),
    markerLine("start-z", "Starting z = w₀·x + b₀ (moves b₀)", () => startZ(controller.state), Z_CURVE.start, Z_CURVE.stop, 0.1, 1,
      (value) => {
        const b0 = snapValue(value - controller.state.w0 * INPUT_X, { min: -8, max: 8, step: 0.1 });
        controller.set({ b0 });
        sliders.b0.set(b0);
      }, elements.factorPlot, (value) => `z ${formatNumber(value, 3)}`),
    markerLine("p", "Probability p", () => controller.state.p, 0.01, 0.99, 0.01, 0.1,
      (value) => controller.set({ p: value }), elements.nllPlot, (value) => `p ${formatNumber(value, 3)}`),
  ];
}

async function render(state, data) {
  latest = { state, data };
  renderCoins(state);
  // Redraw only the plots whose inputs changed (cached answers keep their identity).
  await Promise.all([
    gate("training", [data.training, state.e, state.epochs], () => renderTraining(state, data)),
    gate("factors", [data.factorCurveAnswer, startZ(state)], () => renderFactors(state, data)),
    gate("likelihood", [data.bceCurveAnswer, state.p], () => renderLikelihood(state, data)),
  ]);
  fillReadouts(state, data);
  if (!handleSets) handleSets = attachAllHandles();
  else handleSets.forEach((handles) => handles.refresh());
}

function readInitialState() {
  const state = urlState.read();
  const defaults = urlState.defaults();
  state.w0 = snapValue(state.w0, { min: -5, max: 5, step: 0.1 });
  state.b0 = snapValue(state.b0, { min: -8, max: 8, step: 0.1 });
  state.lr = snapValue(state.lr, { min: 0.01, max: 2, step: 0.01 });
  state.p = snapValue(state.p, { min: 0.01, max: 0.99, step: 0.01 });
  if (!state.coins.every((coin) => coin === 0 || coin === 1)) state.coins = defaults.coins;
  state.e = Math.min(state.e, state.epochs);
  return state;
}

const initial = readInitialState();
const controller = createController({ state: initial, urlState, compute, render, readout: readoutText });
const sliders = {
  w0: attachSlider(document.getElementById("w0-input"), (value) => controller.set({ w0: value })),
  b0: attachSlider(document.getElementById("b0-input"), (value) => controller.set({ b0: value })),
  lr: attachSlider(document.getElementById("lr-input"), (value) => controller.set({ lr: value })),
  epochs: attachSlider(document.getElementById("epochs-input"), (value) => controller.set({ epochs: value, e: Math.min(controller.state.e, value) })),
};
for (const [name, slider] of Object.entries(sliders)) slider.set(initial[name]);
for (const radio of document.querySelectorAll('#target-choice input[name="target"]')) {
  radio.checked = Number(radio.value) === initial.y;
  radio.addEventListener("change", () => { if (radio.checked) controller.set({ y: Number(radio.value) }); });
}
document.getElementById("add-toss").addEventListener("click", () => {
  if (controller.state.coins.length >= MAX_TOSSES) return;
  controller.set({ coins: [...controller.state.coins, 1] });
  renderCoins(controller.state);
});
document.getElementById("remove-toss").addEventListener("click", () => {
  if (controller.state.coins.length <= 1) return;
  controller.set({ coins: controller.state.coins.slice(0, -1) });
  renderCoins(controller.state);
});

const downloadsFor = (plotId) => document.querySelector(`[data-downloads-for="${plotId}"]`);
addDownloads(downloadsFor("training-plot"), () => ({
  epoch: latest.data.training.epoch,
  mse_loss: latest.data.training.mse.loss, mse_w: latest.data.training.mse.w, mse_b: latest.data.training.mse.b,
  cross_entropy_loss: latest.data.training.cross_entropy.loss, cross_entropy_w: latest.data.training.cross_entropy.w, cross_entropy_b: latest.data.training.cross_entropy.b,
}), "neuron-training");
addDownloads(downloadsFor("factor-plot"), () => ({ z: latest.data.z, quadratic_factor: latest.data.factorMse, cross_entropy_factor: latest.data.factorCe }), "gradient-factors");
addDownloads(downloadsFor("nll-plot"), () => ({ p: latest.data.p, negative_log_likelihood: latest.data.nll }), "bernoulli-likelihood");
