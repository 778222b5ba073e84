// /cross-entropy: entropy, cross-entropy and KL divergence of two draggable distributions, and
// PyTorch's cross_entropy for a small logits matrix taken apart step by step.
import { createCache, postJson } from "../shared/api.js";
import { createUrlState } from "../shared/url-state.js";
import { attachHandles, attachSlider } from "../shared/drag.js";
import { createController } from "../shared/controller.js";
import { baseLayout, createPainter, mergeDeep, plotConfigFor, OKABE_ITO } from "../shared/plot-theme.js";
import { axisAnchorTraces, barShape, grabDotShape, legendLabel } from "../shared/bar-shapes.js";
import { addDownloads } from "../shared/download.js";
import { onPanelArrangementChange, panelTitle, twoPanelLayout } from "../shared/panels.js";
import { formatFixed, setFixedReadout } from "../shared/format-fixed.js";

const ENTROPY_EXAMPLE = [0.7, 0.2, 0.1];
const DEFAULT_Q = [0.5, 0.3, 0.2];
const ARTICLE_LOGITS = [1.4746, 0.7613, -0.5468, 1.131, 0.2323, 0.553];
const ARTICLE_TARGETS = [0, 1];
const CLASSES = 3;
const MAX_ROWS = 4;
const MAX_OUTCOMES = 8;
const COLORS = {
  p: OKABE_ITO.blue,
  q: OKABE_ITO.orange,
  entropy: OKABE_ITO.bluishGreen,
  kl: OKABE_ITO.vermillion,
  crossEntropy: OKABE_ITO.reddishPurple,
};

const schema = [
  { name: "p", type: "numbers", default: ENTROPY_EXAMPLE, min: 0, max: 1, length: [2, MAX_OUTCOMES] },
  { name: "q", type: "numbers", default: DEFAULT_Q, min: 0, max: 1, length: [2, MAX_OUTCOMES] },
  { name: "unit", type: "choice", default: "nats", choices: ["nats", "bits"] },
  { name: "logits", type: "numbers", default: ARTICLE_LOGITS, min: -50, max: 50, length: [CLASSES, CLASSES * MAX_ROWS] },
  { name: "targets", type: "numbers", default: ARTICLE_TARGETS, min: 0, max: CLASSES - 1, length: [1, MAX_ROWS] },
  { name: "weights", type: "numbers", default: [1, 1, 1], min: 0, max: 10, length: [CLASSES, CLASSES] },
  { name: "ignore", type: "choice", default: "-100", choices: ["-100", "0", "1", "2"] },
  { name: "smoothing", type: "number", default: 0, min: 0, max: 1 },
  { name: "reduction", type: "choice", default: "mean", choices: ["mean", "sum", "none"] },
];

const sum = (values) => values.reduce((total, value) => total + value, 0);

/** Scale to sum 1; null when the values cannot be a distribution. */
function normalised(values) {
  const total = sum(values);
  if (!(total > 0)) return null;
  return values.map((value) => value / total);
}

/**
 * Make a URL-read state consistent: p and q the same length and (nearly) summing to 1, targets
 * whole class indices, logits rows × 3. Anything else falls back to its default, silently.
 */
function consistent(state) {
  const fixed = { ...state };
  const near = (values) => Math.abs(sum(values) - 1) < 1e-3;
  if (fixed.p.length !== fixed.q.length || !near(fixed.p) || !near(fixed.q)) {
    fixed.p = ENTROPY_EXAMPLE.slice();
    fixed.q = DEFAULT_Q.slice();
  } else {
    // Rescale only what is visibly off: 0.7 + 0.2 + 0.1 is 0.9999999999999999 in float64.
    if (Math.abs(sum(fixed.p) - 1) > 1e-12) fixed.p = normalised(fixed.p);
    if (Math.abs(sum(fixed.q) - 1) > 1e-12) fixed.q = normalised(fixed.q);
  }
  if (!fixed.targets.every(Number.isInteger) || fixed.logits.length !== fixed.targets.length * CLASSES) {
    fixed.logits = ARTICLE_LOGITS.slice();
    fixed.targets = ARTICLE_TARGETS.slice();
  }
  return fixed;
}

/** Set bar `index` of a distribution to `value` and rescale the others so the total stays 1. */
export function setBar(distribution, index, value) {
  const clamped = Math.min(1, Math.max(0, value));
  const rest = 1 - clamped;
  const othersTotal = sum(distribution) - distribution[index];
  return distribution.map((old, position) => {
    if (position === index) return clamped;
    if (othersTotal > 0) return (old * rest) / othersTotal;
    return rest / (distribution.length - 1);
  });
}

/** Split the flat logits into rows of CLASSES. */
const logitRows = (state) => state.targets.map((_, row) => state.logits.slice(row * CLASSES, (row + 1) * CLASSES));

// The pipeline's answers depend only on the pipeline's inputs: dragging p or q re-uses them.
const pipelineCache = createCache(16);

async function compute(state, { signal }) {
  const rows = logitRows(state);
  const ignoreIndex = Number(state.ignore);
  const [information, logSoftmax, crossEntropy] = await Promise.all([
    postJson("/api/v1/information", { p: state.p, q: state.q, base: state.unit === "bits" ? "2" : "e" }, { signal }),
    pipelineCache.postJson("/api/v1/activations/log_softmax", { input: rows, dim: -1, dtype: "float32" }),
    pipelineCache.postJson("/api/v1/losses/cross_entropy/evaluate", {
      input: rows,
      target: state.targets,
      weight: state.weights,
      ignore_index: ignoreIndex,
      label_smoothing: state.smoothing,
      reduction: state.reduction,
      dtype: "float32",
    }),
  ]);
  return { information, logSoftmax, pipeline: pipelineSteps(state, logSoftmax.output), crossEntropy };
}

/**
 * PyTorch's cross_entropy with class-index targets, redone from log_softmax in the browser.
 * Returns the per-row pieces and the reduced loss (a list for reduction "none").
 */
export function pipelineSteps(state, logProbabilities) {
  const ignoreIndex = Number(state.ignore);
  const epsilon = state.smoothing;
  const rows = state.targets.map((target, row) => {
    const logRow = logProbabilities[row];
    const ignored = target === ignoreIndex;
    const picked = -logRow[target];
    const weight = ignored ? 0 : state.weights[target];
    const smooth = ignored ? 0 : -sum(logRow.map((value, column) => value * state.weights[column]));
    const loss = ignored ? 0 : (1 - epsilon) * weight * picked + (epsilon / CLASSES) * smooth;
    return { logRow, target, ignored, picked, weight, smooth, loss };
  });
  const total = sum(rows.map((row) => row.loss));
  const weightTotal = sum(rows.map((row) => row.weight));
  let loss;
  if (state.reduction === "mean") loss = total / weightTotal;
  else if (state.reduction === "sum") loss = total;
  else loss = rows.map((row) => row.loss);
  return { rows, total, weightTotal, loss };
}

function unitName(state) {
  return state.unit === "bits" ? "bits" : "nats";
}

function fillInformation(state, data) {
  const { information } = data;
  const unit = ` ${unitName(state)}`;
  setFixedReadout("entropy", information.entropy, 4, { suffix: unit });
  setFixedReadout("cross-entropy", information.cross_entropy, 4, { suffix: unit });
  setFixedReadout("kl-divergence", information.kl_divergence, 4, { suffix: unit });
  setFixedReadout("entropy-plus-kl", information.entropy + information.kl_divergence, 4, { suffix: unit });
  const body = document.getElementById("outcome-table-body");
  if (body.children.length !== state.p.length) {
    body.innerHTML = state.p.map((_, index) => `<tr><th scope="row">${index}</th>
      <td><span data-readout="p-${index}"></span></td><td><span data-readout="q-${index}"></span></td>
      <td><span data-readout="surprise-${index}"></span></td></tr>`).join("");
  }
  state.p.forEach((value, index) => {
    setFixedReadout(`p-${index}`, value, 3);
    setFixedReadout(`q-${index}`, state.q[index], 3);
    setFixedReadout(`surprise-${index}`, information.information_content[index], 4);
  });
}

/** Build the editable logits/target/weight table once per row count. */
function buildLogitsTable(state) {
  const body = document.getElementById("logits-table-body");
  if (body.children.length === state.targets.length) return;
  body.innerHTML = state.targets.map((_, row) => `<tr><th scope="row">${row}</th>
    ${Array.from({ length: CLASSES }, (__, column) => `<td><input type="number" step="0.0001" min="-50" max="50"
      data-logit="${row * CLASSES + column}" aria-label="logit of row ${row}, class ${column}"></td>`).join("")}
    <td><select data-target="${row}" aria-label="target class of row ${row}">
      ${Array.from({ length: CLASSES }, (__, column) => `<option value="${column}">${column}</option>`).join("")}
    </select></td></tr>`).join("");
  for (let column = 0; column < CLASSES; column += 1) {
    const cell = document.getElementById(`weight-cell-${column}`);
    if (!cell.firstElementChild) {
      cell.innerHTML = `<input type="number" step="0.1" min="0" max="10" data-weight="${column}"
        aria-label="weight of class ${column}">`;
    }
  }
}

function syncPipelineInputs(state) {
  const setIfIdle = (element, value) => {
    if (element !== document.activeElement && String(element.value) !== String(value)) element.value = String(value);
  };
  for (const input of document.querySelectorAll("[data-logit]")) setIfIdle(input, state.logits[Number(input.dataset.logit)]);
  for (const select of document.querySelectorAll("[data-target]")) setIfIdle(select, state.targets[Number(select.dataset.target)]);
  for (const input of document.querySelectorAll("[data-weight]")) setIfIdle(input, state.weights[Number(input.dataset.weight)]);
}

const cell = (text, attributes = "") => `<td ${attributes}>${text}</td>`;

function fillPipeline(state, data) {
  const { pipeline, crossEntropy } = data;
  document.getElementById("step-log-softmax").innerHTML = pipeline.rows.map((row, index) =>
    `<tr><th scope="row">row ${index}</th>${row.logRow.map((value, column) =>
      cell(column === row.target ? `<strong>${formatFixed(value, 4)}</strong>` : formatFixed(value, 4))).join("")}</tr>`).join("");
  document.getElementById("step-pick").innerHTML = pipeline.rows.map((row, index) =>
    `<tr><th scope="row">row ${index}</th>${cell(`target ${row.target}`)}${cell(row.ignored
      ? "ignored (target = ignore_index)" : `−log p = ${formatFixed(row.picked, 4)}`)}</tr>`).join("");
  const elementwise = Array.isArray(crossEntropy.elementwise) ? crossEntropy.elementwise : [];
  document.getElementById("step-weight").innerHTML = `<tr><th scope="col">row</th><th scope="col">w<sub>y</sub></th>
    <th scope="col">ℓ<sub>n</sub> (browser)</th><th scope="col">ℓ<sub>n</sub> (API, reduction none)</th></tr>`
    + pipeline.rows.map((row, index) => `<tr><th scope="row">row ${index}</th>${cell(formatFixed(row.weight, 2))}
      ${cell(`<span data-readout="pipeline-row-${index}"></span>`)}${cell(`<span data-readout="api-row-${index}"></span>`)}</tr>`).join("");
  pipeline.rows.forEach((row, index) => {
    setFixedReadout(`pipeline-row-${index}`, row.loss, 4);
    if (elementwise.length > index) setFixedReadout(`api-row-${index}`, elementwise[index], 4);
  });
  const reduce = document.getElementById("step-reduce");
  if (state.reduction === "mean") {
    reduce.textContent = `mean: Σℓₙ / Σ w_yₙ = ${formatFixed(pipeline.total, 4)} / ${formatFixed(pipeline.weightTotal, 4)}`
      + ` = ${formatFixed(pipeline.loss, 4)} (ignored rows count in neither sum).`;
  } else if (state.reduction === "sum") {
    reduce.textContent = `sum: Σℓₙ = ${formatFixed(pipeline.total, 4)}.`;
  } else {
    reduce.textContent = "none: the per-row losses above are the answer, one per row.";
  }
  if (state.reduction === "none") {
    setListReadout("pipeline-loss", pipeline.loss);
    setListReadout("api-loss", crossEntropy.loss);
  } else {
    setFixedReadout("pipeline-loss", pipeline.loss, 4);
    setFixedReadout("api-loss", crossEntropy.loss, 4);
  }
}

/** A readout holding a list (reduction "none"): JSON in data-value, rounded list as text. */
function setListReadout(key, values) {
  for (const element of document.querySelectorAll(`[data-readout="${key}"]`)) {
    element.dataset.value = JSON.stringify(values.map(String));
    element.textContent = `[${values.map((value) => formatFixed(value, 4)).join(", ")}]`;
  }
}

function readout(state, data) {
  const unit = unitName(state);
  const loss = Array.isArray(data.crossEntropy.loss)
    ? data.crossEntropy.loss.map((value) => formatFixed(value, 4)).join(", ")
    : formatFixed(data.crossEntropy.loss, 4);
  return `H(p) ${formatFixed(data.information.entropy, 4)} ${unit}, H(p,q) ${formatFixed(data.information.cross_entropy, 4)} ${unit}, `
    + `KL ${formatFixed(data.information.kl_divergence, 4)} ${unit}; cross_entropy loss ${loss}`;
}

const informationPlot = document.getElementById("information-plot");
const BAR_WIDTH = 0.38; // p and q each take this width, side by side around the outcome's position
const paint = createPainter(informationPlot, plotConfigFor("cross-entropy"));
const AXIS_ANCHORS = axisAnchorTraces([["x", "y"], ["x2", "y2"]]);
let handles = null;
let handleCount = 0;
let latest = null;

function distributionHandles(count) {
  return ["p", "q"].flatMap((name, trace) => Array.from({ length: count }, (_, index) => ({
    id: `${name}-${index}`,
    label: `${name} of outcome ${index}`,
    axis: "y",
    position: () => ({ x: index + (trace === 0 ? -BAR_WIDTH / 2 : BAR_WIDTH / 2), y: controller.state[name][index] }),
    min: 0,
    max: 1,
    step: 0.01,
    bigStep: 0.1,
    get: () => controller.state[name][index],
    format: (value) => `${name} of outcome ${index}: ${formatFixed(value, 3)}`,
  })));
}

function onBarMove(id, value) {
  const [name, position] = id.split("-");
  const rounded = Math.round(value * 1000) / 1000;
  controller.set({ [name]: setBar(controller.state[name], Number(position), rounded) });
}

const AXIS_STYLE = { ...baseLayout().xaxis, automargin: false };
let paintedPipeline = null; // the API answers the pipeline tables show now

/** A y-range top for the decomposition that moves in steps of 0.25, so most drags keep it. */
function decompositionTop(information) {
  const tallest = Number.isFinite(information.cross_entropy) ? information.cross_entropy : information.entropy;
  return Math.max(0.25, Math.ceil((tallest * 1.1) / 0.25) * 0.25);
}

/** p and q bars side by side around each outcome, with grab dots (panel 1), as shapes. */
function distributionShapes(state) {
  return state.p.flatMap((_, index) => [
    barShape(index - BAR_WIDTH, index, 0, state.p[index], COLORS.p),
    barShape(index, index + BAR_WIDTH, 0, state.q[index], COLORS.q),
    grabDotShape(index - BAR_WIDTH / 2, state.p[index], COLORS.p),
    grabDotShape(index + BAR_WIDTH / 2, state.q[index], COLORS.q),
  ]);
}

/** H(p) with KL stacked on it at x = 0, and H(p, q) at x = 1 (panel 2), as labelled shapes. */
function decompositionShapes(information, top) {
  const onPanel2 = { xref: "x2", yref: "y2" };
  const labelIf = (height, text) => (height > 0.08 * top ? text : null);
  const { entropy, kl_divergence: kl, cross_entropy: crossEntropy } = information;
  return [
    barShape(-0.35, 0.35, 0, entropy, COLORS.entropy, { ...onPanel2, label: labelIf(entropy, "H(p)") }),
    barShape(-0.35, 0.35, entropy, entropy + kl, COLORS.kl, { ...onPanel2, label: labelIf(kl, "KL") }),
    barShape(0.65, 1.35, 0, crossEntropy, COLORS.crossEntropy, { ...onPanel2, label: labelIf(crossEntropy, "H(p, q)") }),
  ];
}

async function render(state, data) {
  latest = { state, data };
  const positions = state.p.map((_, index) => index);
  const { information } = data;
  const unit = unitName(state);
  const top = decompositionTop(information);
  const finite = Number.isFinite(information.cross_entropy);
  const annotations = [
    panelTitle("H(p, q) = H(p) + KL(p ‖ q)", "x2"),
    legendLabel("q (predicted)", COLORS.q, "x"), legendLabel("p (true)", COLORS.p, "x", 112),
  ];
  if (!finite) {
    annotations.push({
      xref: "x2", yref: "y2 domain", x: 1, y: 0.5, showarrow: false, font: { size: 12, color: COLORS.kl },
      bgcolor: "rgba(255, 255, 255, 0.92)",
      text: "H(p, q) = KL = ∞:<br>q gives probability 0<br>to an outcome that p allows",
    });
  }
  const panels = twoPanelLayout(informationPlot, { firstShare: 0.6 });
  // One figure: the distributions on axes x/y, the decomposition on x2/y2, every bar a shape.
  const layout = baseLayout(mergeDeep({
    margin: { l: 60, r: 16, t: 40, b: 48 },
    hovermode: false,
    xaxis: { ...AXIS_STYLE, tickmode: "array", tickvals: positions, ticktext: positions.map(String),
      range: [-0.6, positions.length - 0.4], zeroline: false, title: { text: "outcome" } },
    yaxis: { ...AXIS_STYLE, title: { text: "probability" }, range: [0, 1.05] },
    xaxis2: { ...AXIS_STYLE, tickmode: "array", tickvals: [0, 1], ticktext: ["H(p) + KL", "H(p, q)"],
      range: [-0.6, 1.6], zeroline: false },
    yaxis2: { ...AXIS_STYLE, title: { text: unit }, range: [0, top] },
    annotations,
    shapes: [...distributionShapes(state), ...decompositionShapes(information, top)].filter(Boolean),
  }, panels));
  // While the axes and annotations stay, a drag repaints with Plotly.relayout({shapes}).
  await paint([positions.length, unit, panels.height, top, finite], AXIS_ANCHORS, layout);
  if (handleCount !== state.p.length) {
    handles?.destroy?.();
    handles = attachHandles(informationPlot, distributionHandles(state.p.length), onBarMove);
    handleCount = state.p.length;
  } else {
    handles.refresh();
  }
  fillInformation(state, data);
  // Dragging p or q leaves the pipeline's (cached) answers as they are: no need to rebuild its tables.
  if (paintedPipeline?.crossEntropy !== data.crossEntropy || paintedPipeline?.logSoftmax !== data.logSoftmax) {
    buildLogitsTable(state);
    syncPipelineInputs(state);
    fillPipeline(state, data);
    paintedPipeline = { crossEntropy: data.crossEntropy, logSoftmax: data.logSoftmax };
  }
  syncControls(state);
}

function syncControls(state) {
  const setValue = (id, value) => {
    const element = document.getElementById(id);
    if (String(element.value) !== String(value)) element.value = String(value);
  };
  setValue("classes-input", state.p.length);
  setValue("rows-input", state.targets.length);
  setValue("smoothing-input", state.smoothing);
  setValue("ignore-select", state.ignore);
  setValue("reduction-select", state.reduction);
  for (const radio of document.querySelectorAll('input[name="unit"]')) radio.checked = radio.value === state.unit;
  document.getElementById("classes-output").textContent = String(state.p.length);
  document.getElementById("rows-output").textContent = String(state.targets.length);
  document.getElementById("smoothing-output").textContent = formatFixed(state.smoothing, 2);
}

/** Change the number of outcomes: drop the last or add one with a small share, then rescale. */
function resizeDistribution(distribution, count) {
  if (count < distribution.length) return normalised(distribution.slice(0, count)) ?? Array(count).fill(1 / count);
  const grown = [...distribution, ...Array(count - distribution.length).fill(1 / count)];
  return normalised(grown);
}

const urlState = createUrlState(schema);
const controller = createController({ state: consistent(urlState.read()), urlState, compute, render, readout });

attachSlider(document.getElementById("classes-input"), (value) => {
  const count = Math.round(Number(value));
  controller.set({ p: resizeDistribution(controller.state.p, count), q: resizeDistribution(controller.state.q, count) });
});
for (const radio of document.querySelectorAll('input[name="unit"]')) {
  radio.addEventListener("change", () => { if (radio.checked) controller.set({ unit: radio.value }); });
}
document.getElementById("preset-entropy").addEventListener("click", () =>
  controller.set({ p: ENTROPY_EXAMPLE.slice(), q: DEFAULT_Q.slice() }));
document.getElementById("preset-onehot").addEventListener("click", () =>
  controller.set({ p: [1, 0, 0], q: ENTROPY_EXAMPLE.slice() }));

attachSlider(document.getElementById("rows-input"), (value) => {
  const rows = Math.round(Number(value));
  const { logits, targets } = controller.state;
  const grownLogits = rows * CLASSES > logits.length
    ? [...logits, ...Array(rows * CLASSES - logits.length).fill(0)] : logits.slice(0, rows * CLASSES);
  const grownTargets = rows > targets.length
    ? [...targets, ...Array(rows - targets.length).fill(0)] : targets.slice(0, rows);
  controller.set({ logits: grownLogits, targets: grownTargets });
});
attachSlider(document.getElementById("smoothing-input"), (value) => controller.set({ smoothing: Number(value) }));
document.getElementById("ignore-select").addEventListener("change", (event) => controller.set({ ignore: event.target.value }));
document.getElementById("reduction-select").addEventListener("change", (event) => controller.set({ reduction: event.target.value }));
document.getElementById("preset-article").addEventListener("click", () => controller.set({
  logits: ARTICLE_LOGITS.slice(), targets: ARTICLE_TARGETS.slice(), weights: [1, 1, 1],
  ignore: "-100", smoothing: 0, reduction: "mean",
}));
const logitsTable = document.getElementById("logits-table");
logitsTable.addEventListener("change", (event) => {
  const element = event.target;
  const value = Number(element.value);
  if (element.dataset.logit !== undefined && Number.isFinite(value)) {
    const logits = controller.state.logits.slice();
    logits[Number(element.dataset.logit)] = Math.min(50, Math.max(-50, value));
    controller.set({ logits });
  } else if (element.dataset.target !== undefined) {
    const targets = controller.state.targets.slice();
    targets[Number(element.dataset.target)] = Number(element.value);
    controller.set({ targets });
  } else if (element.dataset.weight !== undefined && Number.isFinite(value)) {
    const weights = controller.state.weights.slice();
    weights[Number(element.dataset.weight)] = Math.min(10, Math.max(0, value));
    controller.set({ weights });
  }
});

// One row per outcome; the three totals (and their unit) fill the first row only.
addDownloads(document.querySelector('[data-downloads-for="information-plot"]'), () => ({
  outcome: latest.state.p.map((_, index) => index),
  p: latest.state.p,
  q: latest.state.q,
  information_content_q: latest.data.information.information_content,
  entropy: latest.data.information.entropy,
  kl_divergence: latest.data.information.kl_divergence,
  cross_entropy: latest.data.information.cross_entropy,
  unit: unitName(latest.state),
}), "cross-entropy-information");
onPanelArrangementChange(informationPlot, () => controller.refresh());
addDownloads(document.getElementById("pipeline-downloads"), () => ({
  row: latest.data.pipeline.rows.map((_, index) => index),
  target: latest.data.pipeline.rows.map((row) => row.target),
  log_softmax: latest.data.pipeline.rows.map((row) => row.logRow.join(" ")),
  picked_negative_log_probability: latest.data.pipeline.rows.map((row) => row.picked),
  weight: latest.data.pipeline.rows.map((row) => row.weight),
  row_loss: latest.data.pipeline.rows.map((row) => row.loss),
}), "cross-entropy-pipeline");

