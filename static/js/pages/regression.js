// /regression: L1, smooth-L1, Huber and L2 against the residual; five draggable predictions
// with per-sample loss, gradient and the worst sample's share; a line fit per loss.
//
// Curves depend only on beta/delta and the fit only on the points, so both are cached.
// The readouts at the marker and for each sample are read off the API's curves, whose grid
// holds every marker position and sample residual: dragging the marker or a prediction costs
// no request (a residual off the grid, from a hand-edited URL, is asked for with evaluate);
// dragging a fit point costs one /fit request.

import { createCache } from "../shared/api.js";
import { attachHandles, attachSlider, snapValue } from "../shared/drag.js";
import { createController } from "../shared/controller.js";
import { addDownloads } from "../shared/download.js";
import { baseLayout, createPainter, createRenderGate, lossStyle, markerDotShape, markerLineShape, plotConfigFor } from "../shared/plot-theme.js";
import { formatNumber, formatPercent, setReadout } from "../shared/readout.js";
import { createUrlState } from "../shared/url-state.js";

const LOSSES = [
  { key: "l1", api: "l1_loss", label: "L1", options: () => ({}) },
  { key: "smooth_l1", api: "smooth_l1_loss", label: "smooth-L1", options: (state) => ({ beta: state.beta }) },
  { key: "huber", api: "huber_loss", label: "Huber", options: (state) => ({ delta: state.delta }) },
  { key: "mse", api: "mse_loss", label: "L2", options: () => ({}) },
];
// Grid step 0.01: every marker position and every sample residual (targets on a 0.1 grid,
// predictions on a 0.05 grid) is a grid point, so the curve answers them all.
const CURVE = { start: -8, stop: 8, num: 1601 };
const RESIDUAL_STEP = 0.01;
const MARKER_RANGE = [-3, 3];
const TARGETS = [1.2, -0.8, 2.0, 0.4, -1.5];
const PREDICTION_RANGE = [-5, 5];
const FIT_X = [0, 1, 2, 3, 4, 5, 6, 7];
const FIT_Y_RANGE = [-2, 14];
const PREDICTION_COLOR = "#0072B2";

const urlState = createUrlState([
  { name: "r", type: "number", default: 1.5, min: MARKER_RANGE[0], max: MARKER_RANGE[1] },
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

/** Per-sample loss and d loss / d prediction, read off the curves (or asked for when off-grid). */
async function sampleValues(state, curveList) {
  const indices = TARGETS.map((target, index) => gridIndex(curveList[0], target - state.pred[index]));
  if (indices.every((index) => index >= 0)) {
    // d loss / d prediction = −d loss / d r, since r = y − ŷ.
    return curveList.map((curve) => ({ elementwise: indices.map((index) => curve.loss[index]), grad: indices.map((index) => -curve.grad[index]) }));
  }
  return samples(state);
}

async function compute(state) {
  const [curveList, fitAnswer] = await Promise.all([curves(state), fit(state)]);
  const sampleList = await sampleValues(state, curveList);
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
  return { curveList, marker, perLoss, fits, fitAnswer };
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
  // The values at the marker are shapes: moving the marker then redraws shapes only.
  const dots = LOSSES.flatMap((loss, index) => [
    markerDotShape(state.r, data.marker[index].loss, lossStyle(loss.key).color),
    markerDotShape(state.r, data.marker[index].grad, lossStyle(loss.key).color, { yref: "y2" }),
  ]).filter(Boolean);
  const layout = baseLayout({
    height: 470,
    xaxis: { range: MARKER_RANGE, anchor: "y2", title: { text: "residual r = y − ŷ" } },
    yaxis: { domain: [0.54, 1], range: [-0.15, 4.6], title: { text: "loss" } },
    yaxis2: { domain: [0, 0.44], range: [-3.3, 3.3], title: { text: "d loss / d r" }, fixedrange: true, zerolinecolor: "#9a9a9a", gridcolor: "#e6e6e6", automargin: true },
    shapes: [markerLineShape(state.r), ...dots],
  });
  return painters.curve([...data.curveList], traces, layout);
}

const SAMPLE_INDICES = TARGETS.map((_, index) => index + 1);
const SAMPLE_TICKS = SAMPLE_INDICES.map((index) => `#${index}`);
const SAMPLE_PLOT_TRACES = [
  { type: "scatter", mode: "markers", x: SAMPLE_INDICES, y: TARGETS, name: "target y", marker: { symbol: "x-thin", size: 14, line: { width: 3, color: "#000" } }, hovertemplate: "target %{y}<extra></extra>" },
  // Legend entries only: the predictions and residuals are drawn as shapes (see below).
  { type: "scatter", mode: "markers", x: [null], y: [null], name: "prediction ŷ (drag)", marker: { size: 13, color: PREDICTION_COLOR } },
];
const SHARE_PLOT_TRACES = LOSSES.map((loss) => ({ type: "scatter", mode: "markers", x: [null], y: [null], name: loss.label, marker: { symbol: "square", size: 12, color: lossStyle(loss.key).color } }));
const BAR_WIDTH = 0.19;

// Predictions, residual segments, share bars and fitted lines are layout shapes, not traces:
// a drag then changes shapes only, which Plotly redraws without recomputing any trace.
function renderSamples(state, data) {
  const segments = TARGETS.map((target, index) => ({
    type: "line", xref: "x", yref: "y", x0: index + 1, x1: index + 1, y0: target, y1: state.pred[index], line: { color: "#7a7a7a", width: 2.5 },
  }));
  const dots = state.pred.map((value, index) => markerDotShape(index + 1, value, PREDICTION_COLOR, { size: 15 }));
  const layout = baseLayout({
    height: 330,
    xaxis: { range: [0.5, TARGETS.length + 0.5], tickvals: SAMPLE_INDICES, ticktext: SAMPLE_TICKS, title: { text: "sample" }, zeroline: false },
    yaxis: { range: PREDICTION_RANGE, title: { text: "value" } },
    shapes: [...segments, ...dots],
  });
  const bars = LOSSES.flatMap((loss, lossIndex) => data.perLoss[lossIndex].share.map((share, sample) => {
    const left = sample + 1 - 2 * BAR_WIDTH + lossIndex * BAR_WIDTH;
    return { type: "rect", xref: "x", yref: "y", x0: left, x1: left + BAR_WIDTH * 0.92, y0: 0, y1: share * 100, fillcolor: lossStyle(loss.key).color, line: { width: 0 } };
  }));
  const shareLayout = baseLayout({
    height: 330,
    xaxis: { range: [0.5, TARGETS.length + 0.5], tickvals: SAMPLE_INDICES, ticktext: SAMPLE_TICKS, title: { text: "sample" }, zeroline: false },
    yaxis: { range: [0, 100], title: { text: "share of total (%)" } },
    shapes: bars,
  });
  return Promise.all([
    painters.samples([], SAMPLE_PLOT_TRACES, layout),
    painters.share([], SHARE_PLOT_TRACES, shareLayout),
  ]);
}

const FIT_LINE_X = [FIT_X[0] - 0.5, FIT_X[FIT_X.length - 1] + 0.5];
const FIT_PLOT_TRACES = [
  ...LOSSES.map((loss) => ({ type: "scatter", mode: "lines", x: [null], y: [null], name: loss.label, line: { color: lossStyle(loss.key).color, dash: lossStyle(loss.key).dash, width: 2.5 } })),
  { type: "scatter", mode: "markers", x: [null], y: [null], name: "points (drag)", marker: { size: 12, color: "#000" } },
];

function renderFit(state, data) {
  const lines = LOSSES.map((loss) => {
    const item = data.fits[loss.api];
    const style = lossStyle(loss.key);
    return {
      type: "line", xref: "x", yref: "y", x0: FIT_LINE_X[0], x1: FIT_LINE_X[1],
      y0: item.slope * FIT_LINE_X[0] + item.intercept, y1: item.slope * FIT_LINE_X[1] + item.intercept,
      line: { color: style.color, dash: style.dash, width: 2.5 },
    };
  });
  const points = state.fy.map((value, index) => markerDotShape(FIT_X[index], value, "#000000", { size: 13 }));
  const layout = baseLayout({
    height: 380,
    xaxis: { range: FIT_LINE_X, title: { text: "x" } },
    yaxis: { range: FIT_Y_RANGE, title: { text: "y" } },
    shapes: [...lines, ...points],
  });
  return painters.fit([], FIT_PLOT_TRACES, layout);
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
// Marker and handle moves change shapes only: the painters then skip Plotly.react.
const painters = {
  curve: createPainter(elements.curvePlot, plotConfigFor("regression-losses")),
  samples: createPainter(elements.samplesPlot, plotConfigFor("regression-samples")),
  share: createPainter(elements.sharePlot, plotConfigFor("regression-shares")),
  fit: createPainter(elements.fitPlot, plotConfigFor("regression-fit")),
};
const gate = createRenderGate();

function attachAllHandles() {
  const residualHandle = {
    id: "residual", label: "Residual marker r", axis: "x", shape: 0,
    min: MARKER_RANGE[0], max: MARKER_RANGE[1], step: RESIDUAL_STEP, bigStep: 0.25,
    get: () => controller.state.r, format: (value) => `residual ${formatNumber(value, 3)}`,
  };
  const predictionHandles = TARGETS.map((target, index) => ({
    id: `prediction-${index}`, label: `Prediction for sample ${index + 1} (target ${target})`, axis: "y",
    position: () => ({ x: index + 1, y: controller.state.pred[index] }),
    min: PREDICTION_RANGE[0], max: PREDICTION_RANGE[1], step: 0.05, bigStep: 0.5,
    get: () => controller.state.pred[index], format: (value) => `prediction ${formatNumber(value, 3)}`,
  }));
  const pointHandles = FIT_X.map((x, index) => ({
    id: `point-${index}`, label: `Data point at x = ${x}`, axis: "y",
    position: () => ({ x, y: controller.state.fy[index] }),
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
  // Redraw only the plots whose inputs changed (cached answers keep their identity).
  await Promise.all([
    gate("curves", [...data.curveList, state.r], () => renderCurves(state, data)),
    gate("samples", [state.pred, state.beta, state.delta], () => renderSamples(state, data)),
    gate("fit", [data.fitAnswer, state.fy], () => renderFit(state, data)),
  ]);
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
initial.r = snapValue(initial.r, { min: MARKER_RANGE[0], max: MARKER_RANGE[1], step: RESIDUAL_STEP });

buildSampleRows();
const controller = createController({ state: initial, urlState, compute, render, readout: readoutText });
const betaSlider = attachSlider(document.getElementById("beta-input"), (value) => controller.set({ beta: value }));
const deltaSlider = attachSlider(document.getElementById("delta-input"), (value) => controller.set({ delta: value }));
betaSlider.set(initial.beta);
deltaSlider.set(initial.delta);
addAllDownloads();
