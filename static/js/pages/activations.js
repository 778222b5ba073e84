// /activations: sigmoid against softmax over draggable logit bars.
// State lives in the URL (schema below); every number shown comes from the API except the
// naive softmax of the overflow table, which is computed here on purpose (the API is stable).
import { postJson } from "../shared/api.js";
import { createUrlState } from "../shared/url-state.js";
import { attachHandles, attachSlider } from "../shared/drag.js";
import { createController } from "../shared/controller.js";
import { baseLayout, createPainter, mergeDeep, plotConfigFor, OKABE_ITO, lossColor } from "../shared/plot-theme.js";
import { axisAnchorTraces, barShape, grabDotShape, legendLabel } from "../shared/bar-shapes.js";
import { addDownloads } from "../shared/download.js";
import { onPanelArrangementChange, panelTitle, twoPanelLayout } from "../shared/panels.js";
import { formatFixed, setFixedReadout } from "../shared/format-fixed.js";

const ARTICLE_LOGITS = [3, 1, -3];
const LOGIT_LIMIT = 10;
const MIN_CLASSES = 2;
const MAX_CLASSES = 10;
const PAD_LOGIT = -1e4; // (pad − max) / T ≤ −1996 for |z + c| ≤ 20 and T ≤ 5: far below exp's underflow at −745

const schema = [
  { name: "logits", type: "numbers", default: ARTICLE_LOGITS, min: -LOGIT_LIMIT, max: LOGIT_LIMIT, length: [MIN_CLASSES, MAX_CLASSES] },
  { name: "temperature", type: "number", default: 1, min: 0.1, max: 5 },
  { name: "shift", type: "number", default: 0, min: -10, max: 10 },
  { name: "offset", type: "number", default: 1000, min: 0, max: 1000 },
  { name: "dtype", type: "choice", default: "float64", choices: ["float64", "float32"] },
];

/** Logits with the common shift c added: the input of both activations. */
function shiftedLogits(state) {
  return state.logits.map((logit) => logit + state.shift);
}

/** softmax(logits / T) written literally, in float64: overflows to NaN for large logits. */
export function naiveSoftmaxFloat64(logits, temperature) {
  const exponentials = logits.map((logit) => Math.exp(logit / temperature));
  const total = exponentials.reduce((sum, value) => sum + value, 0);
  return exponentials.map((value) => value / total);
}

/** The same naive softmax with every intermediate rounded to float32 (Math.fround). */
export function naiveSoftmaxFloat32(logits, temperature) {
  const f = Math.fround;
  const exponentials = logits.map((logit) => f(Math.exp(f(f(logit) / f(temperature)))));
  const total = exponentials.reduce((sum, value) => f(sum + value), 0);
  return exponentials.map((value) => f(value / total));
}

/** Ask the API for everything the page shows for one state. */
async function compute(state, { signal }) {
  const shifted = shiftedLogits(state);
  const overflowInput = state.logits.map((logit) => logit + state.offset);
  const difference = shifted[0] - shifted[1];
  const options = { dim: -1, temperature: state.temperature, dtype: state.dtype };
  // The two-class softmax rides in the same request as a row padded with -10^4: after the
  // maximum is subtracted those entries are e^(-10^4) = 0 exactly, so the row's first two
  // outputs are softmax([θ1, θ2]) and one request serves all four rows.
  const pairRow = [shifted[0], shifted[1], ...Array(shifted.length - 2).fill(PAD_LOGIT)];
  const [softmaxRows, sigmoidValues] = await Promise.all([
    // Rows: shifted logits, unshifted logits (for the shift comparison), logits + offset, the pair.
    postJson("/api/v1/activations/softmax", { input: [shifted, state.logits, overflowInput, pairRow], ...options }, { signal }),
    postJson("/api/v1/activations/sigmoid", { input: [...shifted, ...state.logits, difference], ...options }, { signal }),
  ]);
  const classes = state.logits.length;
  const [softmaxShifted, softmaxUnshifted, softmaxOverflow, pairSoftmax] = softmaxRows.output;
  return {
    shifted,
    softmax: softmaxShifted,
    softmaxUnshifted,
    sigmoid: sigmoidValues.output.slice(0, classes),
    sigmoidUnshifted: sigmoidValues.output.slice(classes, 2 * classes),
    binaryDifference: difference / state.temperature,
    binarySigmoid: sigmoidValues.output[2 * classes],
    binarySoftmax: pairSoftmax[0],
    overflowInput,
    stableOverflow: softmaxOverflow,
    naiveOverflow64: naiveSoftmaxFloat64(overflowInput, state.temperature),
    naiveOverflow32: naiveSoftmaxFloat32(overflowInput, state.temperature),
  };
}

const sum = (values) => values.reduce((total, value) => total + value, 0);
const classNames = (count) => Array.from({ length: count }, (_, index) => `class ${index}`);
const classPositions = (count) => Array.from({ length: count }, (_, index) => index);
/** Numeric x positions (so drag handles find each bar) labelled with the class names. */
const classAxis = (count) => ({
  tickmode: "array", tickvals: classPositions(count), ticktext: classPositions(count).map(String),
  range: [-0.6, count - 0.4], zeroline: false, title: { text: "class" },
});
const OFFSET = 0.2; // half the gap between the softmax and sigmoid bars of a class
const PLOT_CONFIG = plotConfigFor("activations");

/** The logit bars and their grab dots (panel 1, axes x/y), as shapes. */
function logitShapes(state) {
  const color = OKABE_ITO.reddishPurple;
  return state.logits.flatMap((logit, index) => [
    barShape(index - 0.3, index + 0.3, 0, logit, color),
    grabDotShape(index, logit, color),
  ]);
}

/** The softmax and sigmoid bars (panel 2, axes x2/y2), side by side per class, as shapes. */
function outputShapes(state, data) {
  const onPanel2 = { xref: "x2", yref: "y2" };
  return state.logits.flatMap((_, index) => [
    barShape(index - 2 * OFFSET, index, 0, data.softmax[index], lossColor("softmax"), onPanel2),
    barShape(index, index + 2 * OFFSET, 0, data.sigmoid[index], lossColor("sigmoid"), onPanel2),
  ]);
}

function fillClassTable(state, data) {
  const body = document.getElementById("class-table-body");
  const rows = state.logits.map((_, index) => `
    <tr><th scope="row">${index}</th>
      <td><span data-readout="shifted-${index}"></span></td>
      <td><span data-readout="softmax-${index}"></span></td>
      <td><span data-readout="sigmoid-${index}"></span></td></tr>`);
  if (body.children.length !== state.logits.length) body.innerHTML = rows.join("");
  state.logits.forEach((_, index) => {
    setFixedReadout(`shifted-${index}`, data.shifted[index], 2);
    setFixedReadout(`softmax-${index}`, data.softmax[index], 4);
    setFixedReadout(`sigmoid-${index}`, data.sigmoid[index], 4);
  });
  setFixedReadout("softmax-sum", sum(data.softmax), 4);
  setFixedReadout("sigmoid-sum", sum(data.sigmoid), 4);
}

function fillOverflowTable(state, data) {
  const body = document.getElementById("overflow-table-body");
  if (body.children.length !== state.logits.length) {
    body.innerHTML = state.logits.map((_, index) => `
      <tr><th scope="row">${index}</th>
        <td><span data-readout="overflow-input-${index}"></span></td>
        <td><span data-readout="naive64-${index}"></span></td>
        <td><span data-readout="naive32-${index}"></span></td>
        <td><span data-readout="stable-${index}"></span></td></tr>`).join("");
  }
  state.logits.forEach((_, index) => {
    setFixedReadout(`overflow-input-${index}`, data.overflowInput[index], 2);
    setFixedReadout(`naive64-${index}`, data.naiveOverflow64[index], 4);
    setFixedReadout(`naive32-${index}`, data.naiveOverflow32[index], 4);
    setFixedReadout(`stable-${index}`, data.stableOverflow[index], 4);
  });
}

function fillReadouts(state, data) {
  fillClassTable(state, data);
  fillOverflowTable(state, data);
  setFixedReadout("binary-difference", data.binaryDifference, 4);
  setFixedReadout("binary-sigmoid", data.binarySigmoid, 6);
  setFixedReadout("binary-softmax", data.binarySoftmax, 6);
  setFixedReadout("binary-gap", Math.abs(data.binarySigmoid - data.binarySoftmax), 2, { exponential: true });
  const softmaxChange = Math.max(...data.softmax.map((value, index) => Math.abs(value - data.softmaxUnshifted[index])));
  setFixedReadout("shift-softmax-change", softmaxChange, 2, { exponential: true });
  setFixedReadout("shift-sigmoid-sum-unshifted", sum(data.sigmoidUnshifted), 4);
}

/** The sentence the aria-live region reads after each change. */
function readout(state, data) {
  const softmaxText = data.softmax.map((value) => formatFixed(value, 3)).join(", ");
  const sigmoidText = data.sigmoid.map((value) => formatFixed(value, 3)).join(", ");
  return `softmax ${softmaxText} (sum ${formatFixed(sum(data.softmax), 3)}); `
    + `sigmoid ${sigmoidText} (sum ${formatFixed(sum(data.sigmoid), 3)})`;
}

// One figure, two panels: the draggable logits (axes x/y) and the outputs (axes x2/y2).
const activationPlot = document.getElementById("activation-plot");
const paint = createPainter(activationPlot, PLOT_CONFIG);
const AXIS_ANCHORS = axisAnchorTraces([["x", "y"], ["x2", "y2"]]);
let handles = null;
let handleCount = 0;
let latest = null;

function logitHandles(count) {
  return Array.from({ length: count }, (_, index) => ({
    id: `logit-${index}`,
    label: `Logit of class ${index}`,
    axis: "y",
    position: () => ({ x: index, y: controller.state.logits[index] }),
    min: -LOGIT_LIMIT,
    max: LOGIT_LIMIT,
    step: 0.1,
    bigStep: 1,
    get: () => controller.state.logits[index],
    format: (value) => `class ${index} logit ${formatFixed(value, 2)}`,
  }));
}

/**
 * Fixed margins instead of Plotly's automargin: automargin measures the tick labels and then
 * redraws the whole figure a second time.
 */
const AXIS_STYLE = { ...baseLayout().xaxis, automargin: false };

async function render(state, data) {
  latest = { state, data };
  const count = state.logits.length;
  const panels = twoPanelLayout(activationPlot, { firstShare: 0.5 });
  const layout = baseLayout(mergeDeep({
    margin: { l: 64, r: 16, t: 40, b: 48 },
    hovermode: false,
    xaxis: { ...AXIS_STYLE, ...classAxis(count) },
    yaxis: { ...AXIS_STYLE, title: { text: "logit z" }, range: [-LOGIT_LIMIT - 0.5, LOGIT_LIMIT + 0.5] },
    xaxis2: { ...AXIS_STYLE, ...classAxis(count) },
    yaxis2: { ...AXIS_STYLE, title: { text: "probability" }, range: [0, 1.05] },
    annotations: [
      panelTitle("logits z: drag the bars", "x"), panelTitle("outputs", "x2"),
      legendLabel("sigmoid", lossColor("sigmoid"), "x2"), legendLabel("softmax", lossColor("softmax"), "x2", 78),
    ],
    shapes: [...logitShapes(state), ...outputShapes(state, data)].filter(Boolean),
  }, panels));
  // The bars are shapes: while the class count and the arrangement stay, a change repaints
  // with Plotly.relayout({shapes}) instead of a full Plotly.react.
  await paint([count, panels.height], AXIS_ANCHORS, layout);
  if (handleCount !== state.logits.length) {
    handles?.destroy?.();
    handles = attachHandles(activationPlot, logitHandles(state.logits.length), onLogitMove);
    handleCount = state.logits.length;
  } else {
    handles.refresh();
  }
  fillReadouts(state, data);
  syncControls(state);
}

function onLogitMove(id, value) {
  const index = Number(id.split("-")[1]);
  const logits = controller.state.logits.slice();
  logits[index] = Math.round(value * 100) / 100;
  controller.set({ logits });
}

/** Put the sliders and select in line with the state (after a URL read or a preset). */
function syncControls(state) {
  const setValue = (id, value) => {
    const element = document.getElementById(id);
    if (element && String(element.value) !== String(value)) element.value = String(value);
  };
  setValue("classes-input", state.logits.length);
  setValue("temperature-input", state.temperature);
  setValue("shift-input", state.shift);
  setValue("offset-input", state.offset);
  setValue("dtype-select", state.dtype);
  const outputs = {
    "classes-output": String(state.logits.length),
    "temperature-output": formatFixed(state.temperature, 2),
    "shift-output": formatFixed(state.shift, 1),
    "offset-output": formatFixed(state.offset, 0),
  };
  for (const [id, text] of Object.entries(outputs)) {
    const element = document.getElementById(id);
    if (element) element.textContent = text;
  }
}

/** Grow (with zeros) or shrink the logit vector to the chosen number of classes. */
function resizeLogits(logits, count) {
  if (count <= logits.length) return logits.slice(0, count);
  return [...logits, ...Array(count - logits.length).fill(0)];
}

const urlState = createUrlState(schema);
const controller = createController({ state: urlState.read(), urlState, compute, render, readout });

attachSlider(document.getElementById("classes-input"), (value) =>
  controller.set({ logits: resizeLogits(controller.state.logits, Math.round(Number(value))) }));
attachSlider(document.getElementById("temperature-input"), (value) => controller.set({ temperature: Number(value) }));
attachSlider(document.getElementById("shift-input"), (value) => controller.set({ shift: Number(value) }));
attachSlider(document.getElementById("offset-input"), (value) => controller.set({ offset: Number(value) }));
document.getElementById("dtype-select").addEventListener("change", (event) => controller.set({ dtype: event.target.value }));
document.getElementById("reset-button").addEventListener("click", () =>
  controller.set({ logits: ARTICLE_LOGITS.slice(), shift: 0, temperature: 1 }));

addDownloads(document.querySelector('[data-downloads-for="activation-plot"]'), () => ({
  class: classNames(latest.state.logits.length),
  logit: latest.state.logits,
  shifted_logit: latest.data.shifted,
  softmax: latest.data.softmax,
  sigmoid: latest.data.sigmoid,
}), "activations");
onPanelArrangementChange(activationPlot, () => controller.refresh());
addDownloads(document.getElementById("overflow-downloads"), () => ({
  class: classNames(latest.state.logits.length),
  logit_plus_offset: latest.data.overflowInput,
  naive_softmax_float64: latest.data.naiveOverflow64,
  naive_softmax_float32: latest.data.naiveOverflow32,
  stable_softmax: latest.data.stableOverflow,
}), "activations-overflow");

