// /margins: 0-1, hinge, squared hinge, perceptron, logistic and exponential losses against
// the margin m = y·f(x), with derivatives and a draggable margin marker.
//
// The six curves never change, so they are fetched once; the marker's readouts are read off
// the API's curves, whose grid (step 0.01) holds every marker position.

import { getJson } from "../shared/api.js";
import { attachHandles, snapValue } from "../shared/drag.js";
import { createController } from "../shared/controller.js";
import { addDownloads } from "../shared/download.js";
import { baseLayout, createPainter, lossStyle, markerDotShape, markerLineShape, plotConfigFor } from "../shared/plot-theme.js";
import { formatNumber, setReadout } from "../shared/readout.js";
import { createUrlState } from "../shared/url-state.js";

const LOSSES = [
  { key: "zero_one", api: "zero_one", label: "0-1", style: "zero_one" },
  { key: "hinge", api: "hinge", label: "hinge", style: "hinge" },
  { key: "squared_hinge", api: "squared_hinge", label: "squared hinge", style: "squared_hinge" },
  { key: "perceptron", api: "perceptron", label: "perceptron", style: "perceptron" },
  { key: "logistic", api: "soft_margin_loss", label: "logistic", style: "soft_margin" },
  { key: "exponential", api: "exponential", label: "exponential", style: "exponential" },
];
const CURVE = { start: -3, stop: 3, num: 601 };
const MARGIN_STEP = 0.01;

const urlState = createUrlState([{ name: "m", type: "number", default: 0.5, min: CURVE.start, max: CURVE.stop }]);
const plotElement = document.getElementById("margin-plot");
let curvesPromise = null;
// A marker move changes shapes only: the painter then skips Plotly.react.
const paint = createPainter(plotElement, plotConfigFor("margin-losses"));

function curves() {
  if (!curvesPromise) {
    curvesPromise = Promise.all(LOSSES.map((loss) => getJson(`/api/v1/losses/${loss.api}/curve`, CURVE)));
    curvesPromise.catch(() => { curvesPromise = null; });
  }
  return curvesPromise;
}

function gridIndex(curve, x) {
  const index = Math.round((x - CURVE.start) / MARGIN_STEP);
  return index >= 0 && index < curve.x.length && Math.abs(curve.x[index] - x) < 1e-9 ? index : -1;
}

async function compute(state) {
  const curveList = await curves();
  const marker = curveList.map((curve) => {
    const index = gridIndex(curve, state.m);
    return index < 0 ? { loss: NaN, grad: NaN } : { loss: curve.loss[index], grad: curve.grad[index] };
  });
  return { curveList, marker };
}

function render(state, data) {
  const traces = [];
  LOSSES.forEach((loss, index) => {
    const style = lossStyle(loss.style);
    const curve = data.curveList[index];
    const line = { color: style.color, dash: style.dash, width: 2.5, shape: loss.key === "zero_one" ? "hv" : "linear" };
    traces.push({ type: "scatter", mode: "lines", x: curve.x, y: curve.loss, name: loss.label, legendgroup: loss.key, line, hovertemplate: `${loss.label}: %{y:.4g}<extra></extra>` });
    traces.push({ type: "scatter", mode: "lines", x: curve.x, y: curve.grad, name: loss.label, legendgroup: loss.key, showlegend: false, yaxis: "y2", line, hovertemplate: `${loss.label}′: %{y:.4g}<extra></extra>` });
  });
  // The values at the marker are shapes: moving the marker then redraws shapes only.
  const dots = LOSSES.flatMap((loss, index) => [
    markerDotShape(state.m, data.marker[index].loss, lossStyle(loss.style).color),
    markerDotShape(state.m, data.marker[index].grad, lossStyle(loss.style).color, { yref: "y2" }),
  ]).filter(Boolean);
  const layout = baseLayout({
    height: 500,
    xaxis: { range: [CURVE.start, CURVE.stop], anchor: "y2", title: { text: "margin m = y·f(x)" } },
    yaxis: { domain: [0.5, 1], range: [-0.2, 5], title: { text: "loss" } },
    yaxis2: { domain: [0, 0.42], range: [-4.2, 0.6], title: { text: "d loss / d m" }, fixedrange: true, gridcolor: "#e6e6e6", zerolinecolor: "#9a9a9a", automargin: true },
    shapes: [
      markerLineShape(state.m),
      ...dots,
      { type: "rect", xref: "x", yref: "paper", x0: CURVE.start, x1: 0, y0: 0, y1: 1, fillcolor: "rgba(213, 94, 0, 0.06)", line: { width: 0 }, layer: "below" },
    ],
    annotations: [
      { xref: "x", yref: "paper", x: -1.5, y: 0.985, text: "misclassified (m < 0)", showarrow: false, font: { size: 11, color: "#8a3b00" } },
      { xref: "x", yref: "paper", x: 1.5, y: 0.985, text: "correct (m > 0)", showarrow: false, font: { size: 11, color: "#1d4d2b" } },
    ],
  });
  return paint([...data.curveList], traces, layout);
}

function fillReadouts(state, data) {
  setReadout("margin", state.m, 3);
  LOSSES.forEach((loss, index) => {
    setReadout(`loss-${loss.key}`, data.marker[index].loss);
    setReadout(`grad-${loss.key}`, data.marker[index].grad);
  });
}

function readoutText(state, data) {
  const parts = LOSSES.map((loss, index) => `${loss.label} ${formatNumber(data.marker[index].loss, 3)}`);
  return `At margin ${formatNumber(state.m, 3)}: ${parts.join(", ")}.`;
}

let latest = null;
let handles = null;

async function renderAll(state, data) {
  latest = { state, data };
  await render(state, data);
  fillReadouts(state, data);
  if (!handles) {
    handles = attachHandles(plotElement, [{
      id: "margin", label: "Margin marker m", axis: "x", shape: 0,
      min: CURVE.start, max: CURVE.stop, step: MARGIN_STEP, bigStep: 0.25,
      get: () => controller.state.m, format: (value) => `margin ${formatNumber(value, 3)}`,
    }], (_id, value) => controller.set({ m: value }));
  } else {
    handles.refresh();
  }
}

const initial = urlState.read();
initial.m = snapValue(initial.m, { min: CURVE.start, max: CURVE.stop, step: MARGIN_STEP });
const controller = createController({ state: initial, urlState, compute, render: renderAll, readout: readoutText });
addDownloads(document.querySelector('[data-downloads-for="margin-plot"]'), () => {
  const columns = { margin: latest.data.curveList[0].x };
  LOSSES.forEach((loss, index) => {
    columns[`loss_${loss.key}`] = latest.data.curveList[index].loss;
    columns[`dloss_dm_${loss.key}`] = latest.data.curveList[index].grad;
  });
  return columns;
}, "margin-losses");
