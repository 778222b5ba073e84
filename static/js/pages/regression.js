// /regression: L1, smooth-L1, Huber and L2 against the residual; five draggable predictions
// with per-sample loss, gradient and the worst sample's share; a line fit per loss.
//
// Curves depend only on beta/delta and the fit only on the points, so both are cached:
// dragging the residual marker costs no request at all (its readouts are read off the
// API's curve, whose grid holds every marker position), and dragging a prediction costs
// one evaluate request per loss.

import { createCache } from "../shared/api.js";
import { attachHandles, attachSlider, snapValue } from "../shared/drag.js";
import { createController } from "../shared/controller.js";
import { addDownloads } from "../shared/download.js";
import { baseLayout, lossStyle, plotConfigFor } from "../shared/plot-theme.js";
import { formatNumber, formatPercent, setReadout } from "../shared/readout.js";
import { createUrlState } from "../shared/url-state.js";

const LOSSES = [
  { key: "l1", api: "l1_loss", label: "L1", options: () => ({}) },
  { key: "smooth_l1", api: "smooth_l1_loss", label: "smooth-L1", options: (state) => ({ beta: state.beta }) },
  { key: "huber", api: "huber_loss", label: "Huber", options: (state) => ({ delta: state.delta }) },
  { key: "mse", api: "mse_loss", label: "L2", options: () => ({}) },
];
const CURVE = { start: -3, stop: 3, num: 601 }; // grid step 0.01, the marker's step
const RESIDUAL_STEP = 0.01;
const TARGETS = [1.2, -0.8, 2.0, 0.4, -1.5];
const PREDICTION_RANGE = [-5, 5];
const FIT_X = [0, 1, 2, 3, 4, 5, 6, 7];
const FIT_Y_RANGE = [-2, 14];

const urlState = createUrlState([
  { name: "r", type: "number", default: 1.5, min: CURVE.start, max: CURVE.stop },
  { name: "beta", type: "number", default: 1, min: 0, max: 3 },
  { name: "delta", type: "number", default: 1, min: 0.05, max: 3 },
  { name: "pred", type: "numbers", default: [1.5, -1.1, 1.6, 0.9, 1.5], min: PREDICTION_RANGE[0], max: PREDICTION_RANGE[1], length: [5, 5] },
  { name: "fy", type: "numbers", default: [1.2, 1.6, 2.9, 3.2, 4.4, 4.8, 10.5, 6.7], min: FIT_Y_RANGE[0], max: FIT_Y_RANGE[1], length: [8, 8] },
]);

const api = createCache(48);
const elements = {
  curvePlot: document.getElementById("curve-plot"),
  samplesPlot: document.getElementById("samples-plot"),
  sharePlot: document.getElementById("share-plot"),
  fitPlot: document.getElementById("fit-plot"),
  samplesBody: document.getElementById("samples-body"),
};

function curves(state) {
  return Promise.all(LOSSES.map((loss) => api.getJson(`/api/v1/losses/${loss.api}/curve`, { ...CURVE, ...loss.options(state) })));
}

function samples(state) {
  return Promise.all(LOSSES.map((loss) => api.postJson(`/api/v1/losses/${loss.api}/evaluate`, {
    input: state.pred, target: TARGETS, reduction: "none", ...loss.options(state),
  })));
}

function fit(state) {
  return api.postJson("/api/v1/fit", { x: FIT_X, y: state.fy, losses: LOSSES.map((loss) => loss.api), beta: state.beta, delta: state.delta });
}

/** Index of `x` on the curve's grid, or -1 when it is not a grid point. */
function gridIndex(curve, x) {
  const index = Math.round((x - CURVE.start) / RESIDUAL_STEP);
  return index >= 0 && index < curve.x.length && Math.abs(curve.x[index] - x) < 1e-9 ? index : -1;
}

async function compute(state) {
  const [curveList, sampleList, fitAnswer] = await Promise.all([curves(state), samples(state), fit(state)]);
  const marker = curveList.map((curve) => {
    const index = gridIndex(curve, state.r);
    return index < 0 ? { loss: NaN, grad: NaN } : { loss: curve.loss[index], grad: curve.grad[index] };
  });
  const perLoss = sampleList.map((answer) => {
    const elementwise = answer.elementwise;
    const sum = elementwise.reduce((total, value) => total + value, 0);
    const worst = Math.max(...elementwise);
    return {
      elementwise,
      grad: answer.grad,
      mean: sum / elementwise.length,
      share: elementwise.map((value) => (sum > 0 ? value / sum : 0)),
      worstShare: sum > 0 ? worst / sum : 0,
    };
  });
  const fits = Object.fromEntries(fitAnswer.fits.map((item) => [item.loss, item]));
  return { curveList, marker, perLoss, fits };
}

function lineTrace(loss, x, y, extra = {}) {
  const style = lossStyle(loss.key);
  return { type: "scatter", mode: "lines", x, y, name: loss.label, legendgroup: loss.key, line: { color: style.color, dash: style.dash, width: 2.5 }, hovertemplate: `${loss.label}: %{y:.4g}<extra></extra>`, ...extra };
}

function renderCurves(state, data) {
  const traces = [];
  LOSSES.forEach((loss, index) => {
    const curve = data.curveList[index];
    traces.push(lineTrace(loss, curve.x, curve.loss));
    traces.push(lineTrace(loss, curve.x, curve.grad, { yaxis: "y2", showlegend: false }));
  });
  const colors = LOSSES.map((loss) => lossStyle(loss.key).color);
  const markerX = LOSSES.map(() => state.r);
  traces.push({ type: "scatter", mode: "markers", x: markerX, y: data.marker.map((item) => item.loss), marker: { color: colors, size: 10, line: { color: "#fff", width: 1.5 } }, showlegend: false, hoverinfo: "skip" });
  traces.push({ type: "scatter", mode: "markers", x: markerX, y: data.marker.map((item) => item.grad), yaxis: "y2", marker: { color: colors, size: 10, line: { color: "#fff", width: 1.5 } }, showlegend: false, hoverinfo: "skip" });
  const layout = baseLayout({
    height: 470,
    xaxis: { range: [CURVE.start, CURVE.stop], anchor: "y2", title: { text: "residual r = y − ŷ" } },
    yaxis: { domain: [0.54, 1], range: [-0.15, 4.6], title: { text: "loss" } },
    yaxis2: { domain: [0, 0.44], range: [-3.3, 3.3], title: { text: "d loss / d r" }, fixedrange: true, zerolinecolor: "#9a9a9a", gridcolor: "#e6e6e6", automargin: true },
    shapes: [{ type: "line", xref: "x", yref: "paper", x0: state.r, x1: state.r, y0: 0, y1: 1, line: { color: "#14213d", width: 2, dash: "dash" } }],
  });
  return Plotly.react(elements.curvePlot, traces, layout, plotConfigFor("regression-losses"));
}

function renderSamples(state, data) {
  const indices = TARGETS.map((_, index) => index + 1);
  const segmentsX = [];
  const segmentsY = [];
  TARGETS.forEach((target, index) => {
    segmentsX.push(index + 1, index + 1, null);
    segmentsY.push(target, state.pred[index], null);
  });
  const traces = [
    { type: "scatter", mode: "lines", x: segmentsX, y: segmentsY, line: { color: "#9a9a9a", width: 2 }, name: "residual", hoverinfo: "skip" },
    { type: "scatter", mode: "markers", x: indices, y: TARGETS, name: "target y", marker: { symbol: "x-thin", size: 14, line: { width: 3, color: "#000" } }, hovertemplate: "target %{y}<extra></extra>" },
    { type: "scatter", mode: "markers", x: indices, y: state.pred, name: "prediction ŷ", marker: { size: 15, color: "#0072B2", line: { color: "#fff", width: 2 } }, hovertemplate: "prediction %{y}<extra></extra>", cliponaxis: false },
  ];
  const layout = baseLayout({
    height: 330,
    xaxis: { range: [0.5, TARGETS.length + 0.5], tickvals: indices, ticktext: indices.map((index) => `#${index}`), title: { text: "sample" }, zeroline: false },
    yaxis: { range: PREDICTION_RANGE, title: { text: "value" } },
  });
  const shares = LOSSES.map((loss, index) => ({
    type: "bar", x: indices, y: data.perLoss[index].share.map((share) => share * 100), name: loss.label,
    marker: { color: lossStyle(loss.key).color }, hovertemplate: `${loss.label}: %{y:.1f} %<extra></extra>`,
  }));
  const shareLayout = baseLayout({
    height: 330, barmode: "group", bargap: 0.25,
    xaxis: { tickvals: indices, ticktext: indices.map((index) => `#${index}`), title: { text: "sample" }, zeroline: false },
    yaxis: { range: [0, 100], title: { text: "share of total (%)" } },
  });
  return Promise.all([
    Plotly.react(elements.samplesPlot, traces, layout, plotConfigFor("regression-samples")),
    Plotly.react(elements.sharePlot, shares, shareLayout, plotConfigFor("regression-shares")),
  ]);
}

function renderFit(state, data) {
  const lineX = [FIT_X[0] - 0.5, FIT_X[FIT_X.length - 1] + 0.5];
  const traces = LOSSES.map((loss) => {
    const item = data.fits[loss.api];
    return lineTrace(loss, lineX, lineX.map((x) => item.slope * x + item.intercept), { hovertemplate: `${loss.label} line<extra></extra>` });
  });
  traces.push({ type: "scatter", mode: "markers", x: FIT_X, y: state.fy, name: "points", marker: { size: 13, color: "#000", line: { color: "#fff", width: 2 } }, hovertemplate: "(%{x}, %{y})<extra></extra>", cliponaxis: false });
  const layout = baseLayout({
    height: 380,
    xaxis: { range: [lineX[0], lineX[1]], title: { text: "x" } },
    yaxis: { range: FIT_Y_RANGE, title: { text: "y" } },
  });
  return Plotly.react(elements.fitPlot, traces, layout, plotConfigFor("regression-fit"));
}

function buildSampleRows() {
  const cells = (index) => LOSSES.map((loss) => `<td data-readout="sample-${index}-loss-${loss.key}"></td><td data-readout="sample-${index}-grad-${loss.key}"></td>`).join("");
  elements.samplesBody.innerHTML = TARGETS.map((_, index) => `<tr><th scope="row">#${index + 1}</th><td data-readout="sample-${index}-target"></td><td data-readout="sample-${index}-prediction"></td>${cells(index)}</tr>`).join("");
}

function fillReadouts(state, data) {
  setReadout("residual", state.r, 3);
  LOSSES.forEach((loss, index) => {
    setReadout(`loss-${loss.key}`, data.marker[index].loss);
    setReadout(`grad-${loss.key}`, data.marker[index].grad);
    const perLoss = data.perLoss[index];
    setReadout(`total-${loss.key}`, perLoss.mean);
    setReadout(`worst-share-${loss.key}`, perLoss.worstShare, 4, { text: formatPercent(perLoss.worstShare) });
    TARGETS.forEach((_, sample) => {
      setReadout(`sample-${sample}-loss-${loss.key}`, perLoss.elementwise[sample]);
      setReadout(`sample-${sample}-grad-${loss.key}`, perLoss.grad[sample]);
    });
    const item = data.fits[loss.api];
    setReadout(`fit-slope-${loss.key}`, item.slope);
    setReadout(`fit-intercept-${loss.key}`, item.intercept);
    const maxWeight = Math.max(...item.weight);
    setReadout(`fit-max-weight-${loss.key}`, maxWeight, 4, { text: formatPercent(maxWeight) });
  });
  TARGETS.forEach((target, sample) => {
    setReadout(`sample-${sample}-target`, target);
    setReadout(`sample-${sample}-prediction`, state.pred[sample]);
  });
}

function readoutText(state, data) {
  const atMarker = LOSSES.map((loss, index) => `${loss.label} ${formatNumber(data.marker[index].loss, 3)}`).join(", ");
  const shares = LOSSES.map((loss, index) => `${loss.label} ${formatPercent(data.perLoss[index].worstShare)}`).join(", ");
  return `At residual ${formatNumber(state.r, 3)}: ${atMarker}. Worst sample's share of the total: ${shares}.`;
}

let latest = null;
let handleSets = null;

function attachAllHandles() {
  const residualHandle = {
    id: "residual", label: "Residual marker r", axis: "x", shape: 0,
    min: CURVE.start, max: CURVE.stop, step: RESIDUAL_STEP, bigStep: 0.25,
    get: () => controller.state.r, format: (value) => `residual ${formatNumber(value, 3)}`,
  };
  const predictionHandles = TARGETS.map((target, index) => ({
    id: `prediction-${index}`, label: `Prediction for sample ${index + 1} (target ${target})`, axis: "y", trace: 2, point: index,
    min: PREDICTION_RANGE[0], max: PREDICTION_RANGE[1], step: 0.05, bigStep: 0.5,
    get: () => controller.state.pred[index], format: (value) => `prediction ${formatNumber(value, 3)}`,
  }));
  const pointHandles = FIT_X.map((x, index) => ({
    id: `point-${index}`, label: `Data point at x = ${x}`, axis: "y", trace: LOSSES.length, point: index,
    min: FIT_Y_RANGE[0], max: FIT_Y_RANGE[1], step: 0.1, bigStep: 1,
    get: () => controller.state.fy[index], format: (value) => `y ${formatNumber(value, 3)}`,
  }));
  return [
    attachHandles(elements.curvePlot, [residualHandle], (_id, value) => controller.set({ r: value })),
    attachHandles(elements.samplesPlot, predictionHandles, (id, value) => {
      const pred = controller.state.pred.slice();
      pred[Number(id.split("-")[1])] = value;
      controller.set({ pred });
    }),
    attachHandles(elements.fitPlot, pointHandles, (id, value) => {
      const fy = controller.state.fy.slice();
      fy[Number(id.split("-")[1])] = value;
      controller.set({ fy });
    }),
  ];
}

async function render(state, data) {
  latest = { state, data };
  await Promise.all([renderCurves(state, data), renderSamples(state, data), renderFit(state, data)]);
  fillReadouts(state, data);
  if (!handleSets) handleSets = attachAllHandles();
  else handleSets.forEach((handles) => handles.refresh());
}

function addAllDownloads() {
  const container = (plotId) => document.querySelector(`[data-downloads-for="${plotId}"]`);
  addDownloads(container("curve-plot"), () => {
    const columns = { residual: latest.data.curveList[0].x };
    LOSSES.forEach((loss, index) => {
      columns[`loss_${loss.key}`] = latest.data.curveList[index].loss;
      columns[`dloss_dr_${loss.key}`] = latest.data.curveList[index].grad;
    });
    return columns;
  }, "regression-losses");
  const sampleColumns = () => {
    const columns = { sample: TARGETS.map((_, index) => index + 1), target: TARGETS, prediction: latest.state.pred };
    LOSSES.forEach((loss, index) => {
      columns[`loss_${loss.key}`] = latest.data.perLoss[index].elementwise;
      columns[`grad_${loss.key}`] = latest.data.perLoss[index].grad;
      columns[`share_${loss.key}`] = latest.data.perLoss[index].share;
    });
    return columns;
  };
  addDownloads(container("samples-plot"), sampleColumns, "regression-samples");
  addDownloads(container("share-plot"), sampleColumns, "regression-shares");
  addDownloads(container("fit-plot"), () => LOSSES.map((loss) => {
    const item = latest.data.fits[loss.api];
    return { loss: loss.api, slope: item.slope, intercept: item.intercept, x: FIT_X.join(" "), y: latest.state.fy.join(" "), weight: item.weight.join(" ") };
  }), "regression-fit");
}

const initial = urlState.read();
initial.r = snapValue(initial.r, { min: CURVE.start, max: CURVE.stop, step: RESIDUAL_STEP });

buildSampleRows();
const controller = createController({ state: initial, urlState, compute, render, readout: readoutText });
const betaSlider = attachSlider(document.getElementById("beta-input"), (value) => controller.set({ beta: value }));
const deltaSlider = attachSlider(document.getElementById("delta-input"), (value) => controller.set({ delta: value }));
betaSlider.set(initial.beta);
deltaSlider.set(initial.delta);
addAllDownloads();
