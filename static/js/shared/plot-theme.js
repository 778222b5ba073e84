// The plot look shared by every page: Okabe–Ito colours keyed by loss, base layout, config.
//
// Okabe & Ito's palette stays distinguishable with the common colour-vision deficiencies;
// its yellow is left out of lines because it is too light on white.
//
// CSP: Plotly turns <sub>, <sup>, <b>, <i> in trace names, titles and annotations into
// elements with style attributes, which the Content-Security-Policy blocks (a console
// error). Write plot text with Unicode instead: "ŷ", "σ′(z)", "x²", "w₊", "−".

export const OKABE_ITO = {
  black: "#000000",
  orange: "#E69F00",
  skyBlue: "#56B4E9",
  bluishGreen: "#009E73",
  yellow: "#F0E442",
  blue: "#0072B2",
  vermillion: "#D55E00",
  reddishPurple: "#CC79A7",
};

/** Line colour and dash per loss (long and short names alike). */
const LOSS_STYLES = {
  l1: { color: OKABE_ITO.orange, dash: "solid" },
  smooth_l1: { color: OKABE_ITO.bluishGreen, dash: "solid" },
  huber: { color: OKABE_ITO.reddishPurple, dash: "dash" },
  mse: { color: OKABE_ITO.blue, dash: "solid" },
  zero_one: { color: OKABE_ITO.black, dash: "solid" },
  hinge: { color: OKABE_ITO.orange, dash: "solid" },
  squared_hinge: { color: OKABE_ITO.skyBlue, dash: "solid" },
  perceptron: { color: OKABE_ITO.reddishPurple, dash: "dash" },
  logistic: { color: OKABE_ITO.bluishGreen, dash: "solid" },
  soft_margin: { color: OKABE_ITO.bluishGreen, dash: "solid" },
  exponential: { color: OKABE_ITO.vermillion, dash: "solid" },
  binary_cross_entropy: { color: OKABE_ITO.blue, dash: "solid" },
  binary_cross_entropy_with_logits: { color: OKABE_ITO.vermillion, dash: "solid" },
  cross_entropy: { color: OKABE_ITO.blue, dash: "solid" },
  nll: { color: OKABE_ITO.skyBlue, dash: "solid" },
  kl_div: { color: OKABE_ITO.reddishPurple, dash: "solid" },
  sigmoid_focal: { color: OKABE_ITO.orange, dash: "dot" },
  sigmoid: { color: OKABE_ITO.orange, dash: "solid" },
  softmax: { color: OKABE_ITO.blue, dash: "solid" },
  entropy: { color: OKABE_ITO.bluishGreen, dash: "solid" },
};

/** Colours in a fixed order, for series that are not a named loss. */
export const SERIES_COLORS = [
  OKABE_ITO.blue, OKABE_ITO.orange, OKABE_ITO.bluishGreen, OKABE_ITO.vermillion,
  OKABE_ITO.reddishPurple, OKABE_ITO.skyBlue, OKABE_ITO.black,
];

function shortName(name) {
  return String(name).replace(/_loss$/, "");
}

/** {color, dash} for a loss name such as "mse_loss", "mse" or "smooth_l1_loss". */
export function lossStyle(name) {
  return LOSS_STYLES[shortName(name)] || { color: OKABE_ITO.black, dash: "solid" };
}

/** The line colour for a loss name. */
export function lossColor(name) {
  return lossStyle(name).color;
}

export const PALETTE = Object.fromEntries(Object.entries(LOSS_STYLES).map(([name, style]) => [name, style.color]));

function isPlainObject(value) {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** Deep-merge plain objects (arrays and other values in `extra` replace those in `base`). */
export function mergeDeep(base, extra) {
  const merged = { ...base };
  for (const [key, value] of Object.entries(extra || {})) {
    merged[key] = isPlainObject(value) && isPlainObject(base[key]) ? mergeDeep(base[key], value) : value;
  }
  return merged;
}

const AXIS = {
  fixedrange: true, // no zoom or pan: a press on the plot drags a handle instead
  zeroline: true,
  zerolinecolor: "#9a9a9a",
  gridcolor: "#e6e6e6",
  linecolor: "#6b6b6b",
  ticks: "outside",
  automargin: true,
  title: { standoff: 6 },
};

/** The layout every plot starts from; `overrides` are deep-merged in. */
export function baseLayout(overrides = {}) {
  return mergeDeep({
    autosize: true,
    height: 320,
    margin: { l: 56, r: 16, t: 28, b: 48 },
    font: { family: "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif", size: 13, color: "#1d1d1f" },
    paper_bgcolor: "#ffffff",
    plot_bgcolor: "#ffffff",
    dragmode: false,
    hovermode: "closest",
    showlegend: true,
    // Legend clicks would hide traces outside the URL state: the legend only labels.
    legend: { orientation: "h", x: 0, y: 1.02, xanchor: "left", yanchor: "bottom", font: { size: 12 }, itemclick: false, itemdoubleclick: false },
    xaxis: { ...AXIS },
    yaxis: { ...AXIS },
  }, overrides);
}

/** Plotly config: responsive, a small mode bar whose camera button exports a PNG. */
export const plotConfig = {
  responsive: true,
  displaylogo: false,
  // The mode bar (with the PNG export button) appears on hover or tap, over the legend otherwise.
  displayModeBar: "hover",
  scrollZoom: false,
  doubleClick: false,
  modeBarButtonsToRemove: [
    "zoom2d", "pan2d", "select2d", "lasso2d", "zoomIn2d", "zoomOut2d", "autoScale2d", "resetScale2d",
    "hoverClosestCartesian", "hoverCompareCartesian", "toggleSpikelines",
  ],
  toImageButtonOptions: { format: "png", filename: "loss-lab-plot", scale: 2 },
};

/** plotConfig with the PNG export named `basename`.png. */
export function plotConfigFor(basename) {
  return { ...plotConfig, toImageButtonOptions: { ...plotConfig.toImageButtonOptions, filename: basename } };
}

/** Config for the small, non-interactive thumbnails on the home page. */
export const thumbnailConfig = { staticPlot: true, responsive: true, displayModeBar: false };

/**
 * A dashed vertical marker line at x spanning the whole plot height, as a layout shape.
 * Moving a marker drawn with shapes only redraws shapes (Plotly's "arraydraw"), not traces.
 */
export function markerLineShape(x, { color = "#14213d", xref = "x", dash = "dash", width = 2 } = {}) {
  return { type: "line", xref, yref: "paper", x0: x, x1: x, y0: 0, y1: 1, line: { color, width, dash } };
}

/**
 * A dot of `size` pixels at data point (x, y), as a layout shape (null when y is not finite).
 * Use it for values read at a marker: unlike a trace, it does not make Plotly recompute the lines.
 */
export function markerDotShape(x, y, color, { xref = "x", yref = "y", size = 10 } = {}) {
  if (!Number.isFinite(x) || !Number.isFinite(y)) return null;
  const half = size / 2;
  return {
    type: "circle", xref, yref, xsizemode: "pixel", ysizemode: "pixel", xanchor: x, yanchor: y,
    x0: -half, x1: half, y0: -half, y1: half, fillcolor: color, line: { color: "#ffffff", width: 1.5 },
  };
}

/**
 * Skip redrawing plots whose inputs did not change: gate(key, deps, draw) calls draw() only
 * when some item of `deps` differs (===) from the previous call's, and returns its promise.
 */
export function createRenderGate() {
  const previous = new Map();
  return function gate(key, deps, draw) {
    const last = previous.get(key);
    if (last && last.length === deps.length && last.every((item, index) => item === deps[index])) return Promise.resolve();
    previous.set(key, deps);
    return draw();
  };
}

/**
 * A painter for one plot that takes the fast path when only the shapes changed:
 * paint(deps, traces, layout) runs Plotly.react the first time and whenever an item of
 * `deps` (everything the traces and the rest of the layout depend on) changed; otherwise
 * it only replaces layout.shapes with Plotly.relayout, which costs a fraction of a react
 * (a marker drag moves shapes only). Returns the Plotly promise.
 */
export function createPainter(element, config = plotConfig) {
  let previous = null;
  return function paint(deps, traces, layout) {
    const same = previous !== null && previous.length === deps.length && previous.every((item, index) => item === deps[index]);
    previous = deps;
    if (same) return Plotly.relayout(element, { shapes: layout.shapes || [] });
    return Plotly.react(element, traces, layout, config);
  };
}
