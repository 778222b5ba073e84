// Bars drawn as layout shapes instead of bar traces.
//
// When the bars are shapes, a drag changes layout.shapes only and the page can repaint with
// Plotly.relayout({shapes}) (about 1 ms here) instead of Plotly.react (about 30 ms for a small
// two-panel bar figure on the same machine). The figure keeps one invisible trace per panel
// so that Plotly lays out its axes.

/**
 * A filled rectangle from (x0, y0) to (x1, y1) in data units of the axes xref/yref.
 * Non-finite heights (an infinite loss) give no shape (null, to be filtered out).
 */
export function barShape(x0, x1, y0, y1, color, { xref = "x", yref = "y", label = null } = {}) {
  if (![x0, x1, y0, y1].every(Number.isFinite)) return null;
  const shape = {
    type: "rect", xref, yref, x0, x1, y0, y1, layer: "between", // above the grid lines, below the axes
    fillcolor: color, line: { width: 0 },
  };
  if (label) shape.label = { text: label, textposition: "middle center", font: { size: 12, color: "#ffffff" } };
  return shape;
}

/** A round, white grab dot with a coloured ring at (x, y): where a draggable bar ends. */
export function grabDotShape(x, y, color, { xref = "x", yref = "y", size = 11 } = {}) {
  if (!Number.isFinite(x) || !Number.isFinite(y)) return null;
  const half = size / 2;
  return {
    type: "circle", xref, yref, xsizemode: "pixel", ysizemode: "pixel", xanchor: x, yanchor: y,
    x0: -half, x1: half, y0: -half, y1: half, fillcolor: "#ffffff", line: { color, width: 2.5 },
  };
}

/** One invisible, non-interactive point per [xaxis, yaxis] pair, so each panel's axes are drawn. */
export function axisAnchorTraces(axisPairs) {
  return axisPairs.map(([xaxis, yaxis]) => ({
    type: "scatter", mode: "markers", x: [null], y: [null], xaxis, yaxis,
    showlegend: false, hoverinfo: "skip", marker: { opacity: 0 },
  }));
}

/** A legend entry drawn as coloured text at the top right of a panel, `shiftPx` left of it. */
export function legendLabel(text, color, xAxis, shiftPx = 0) {
  return {
    text: `■ ${text}`, xref: `${xAxis} domain`, yref: `${xAxis.replace("x", "y")} domain`,
    x: 1, y: 1, xshift: -shiftPx, xanchor: "right", yanchor: "bottom", showarrow: false,
    font: { size: 12, color },
  };
}
