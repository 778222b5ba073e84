// Home: one small, static preview plot per page, drawn from the same API the pages use.

import { getJson, postJson } from "../shared/api.js";
import { createController } from "../shared/controller.js";
import { OKABE_ITO, baseLayout, lossColor, thumbnailConfig } from "../shared/plot-theme.js";

const curve = (name, params) => getJson(`/api/v1/losses/${name}/curve`, params);
const line = (x, y, color, extra = {}) => ({ type: "scatter", mode: "lines", x, y, line: { color, width: 2 }, hoverinfo: "skip", ...extra });
const logitGrid = Array.from({ length: 121 }, (_, index) => -6 + index * 0.1);

/** Each preview: the API calls it needs and the traces it draws from their answers. */
const PREVIEWS = {
  regression: {
    fetch: () => Promise.all(["l1_loss", "huber_loss", "mse_loss"].map((name) => curve(name, { start: -3, stop: 3, num: 121 }))),
    traces: ([l1, huber, mse]) => [line(l1.x, l1.loss, lossColor("l1")), line(huber.x, huber.loss, lossColor("huber")), line(mse.x, mse.loss, lossColor("mse"))],
    layout: { yaxis: { range: [0, 4] } },
  },
  activations: {
    fetch: () => Promise.all([
      postJson("/api/v1/activations/sigmoid", { input: logitGrid }),
      postJson("/api/v1/activations/softmax", { input: logitGrid.map((x) => [x, 0, 1]) }),
    ]),
    traces: ([sigmoid, softmax]) => [
      line(logitGrid, sigmoid.output, lossColor("sigmoid")),
      line(logitGrid, softmax.output.map((row) => row[0]), lossColor("softmax")),
    ],
    layout: { yaxis: { range: [0, 1] } },
  },
  bce: {
    fetch: () => Promise.all([
      curve("binary_cross_entropy", { start: 0.001, stop: 0.999, num: 200, target: 1 }),
      curve("binary_cross_entropy_with_logits", { start: -6, stop: 6, num: 121, target: 1 }),
    ]),
    traces: ([bce]) => [line(bce.x, bce.loss, lossColor("binary_cross_entropy"))],
    layout: { yaxis: { range: [0, 7] } },
  },
  cross_entropy: {
    fetch: () => Promise.all([
      curve("cross_entropy", { start: -6, stop: 6, num: 121, target: 1 }),
      curve("kl_div", { start: 0.001, stop: 0.999, num: 200, target: 0.3 }),
    ]),
    traces: ([crossEntropy]) => [line(crossEntropy.x, crossEntropy.loss, lossColor("cross_entropy"))],
    layout: { yaxis: { range: [0, 6] } },
  },
  margins: {
    fetch: () => Promise.all(["zero_one", "hinge", "soft_margin_loss", "exponential"].map((name) => curve(name, { start: -2, stop: 3, num: 101 }))),
    traces: ([zeroOne, hinge, logistic, exponential]) => [
      line(zeroOne.x, zeroOne.loss, lossColor("zero_one"), { line: { color: lossColor("zero_one"), width: 2, shape: "hv" } }),
      line(hinge.x, hinge.loss, lossColor("hinge")),
      line(logistic.x, logistic.loss, lossColor("soft_margin")),
      line(exponential.x, exponential.loss, lossColor("exponential")),
    ],
    layout: { yaxis: { range: [0, 4] } },
  },
  learning: {
    fetch: () => postJson("/api/v1/train/neuron", { x: 1, y: 0, w0: 2, b0: 2, learning_rate: 0.15, epochs: 300 }),
    traces: (training) => [
      line(training.epoch, training.mse.loss.map((value) => value / training.mse.loss[0]), lossColor("mse")),
      line(training.epoch, training.cross_entropy.loss.map((value) => value / training.cross_entropy.loss[0]), OKABE_ITO.vermillion),
    ],
    layout: { yaxis: { range: [0, 1.05] } },
  },
};

async function compute() {
  const names = Object.keys(PREVIEWS);
  const answers = await Promise.allSettled(names.map((name) => PREVIEWS[name].fetch()));
  return Object.fromEntries(names.map((name, index) => [name, answers[index]]));
}

async function render(_state, data) {
  const drawings = [];
  for (const [name, answer] of Object.entries(data)) {
    const element = document.getElementById(`thumb-${name}`);
    if (!element) continue;
    if (answer.status !== "fulfilled") {
      element.textContent = "Preview unavailable.";
      continue;
    }
    const preview = PREVIEWS[name];
    const layout = baseLayout({ height: 150, margin: { l: 28, r: 8, t: 6, b: 22 }, showlegend: false, font: { size: 10 }, ...preview.layout });
    drawings.push(Plotly.react(element, preview.traces(answer.value), layout, thumbnailConfig));
  }
  await Promise.all(drawings);
}

createController({ state: {}, urlState: null, compute, render, readout: () => "" });
