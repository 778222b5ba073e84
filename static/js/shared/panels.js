// Two plots in one Plotly figure: side by side on a wide screen, stacked on a narrow one.
//
// One figure with two subplots costs one Plotly.react per update instead of two (about a third
// less time per update than two separate figures in Chromium here), which matters when a
// handle is dragged at 60 Hz.

/** Below this width (CSS px of the plot element) the panels are stacked. */
export const STACK_BELOW_PX = 640;

/**
 * Axis domains and height for two panels (axes x/y and x2/y2).
 *
 * @param {HTMLElement} plotElement the figure's element (its width picks the arrangement)
 * @param {{firstShare?: number, gap?: number, panelHeight?: number}} options
 *   firstShare: the first panel's share of the width when side by side (default 0.5);
 *   gap: the space between panels as a fraction of the figure; panelHeight: px per panel.
 * @returns {object} a partial Plotly layout to deep-merge into the page's layout
 */
export function twoPanelLayout(plotElement, { firstShare = 0.5, gap = 0.12, panelHeight = 300 } = {}) {
  const stacked = plotElement.clientWidth > 0 && plotElement.clientWidth < STACK_BELOW_PX;
  if (stacked) {
    const stackGap = Math.max(gap, 0.16); // room for the upper panel's x-axis title and the lower panel's title
    return {
      height: 2 * panelHeight + 80,
      xaxis: { domain: [0, 1], anchor: "y" },
      yaxis: { domain: [0.5 + stackGap / 2, 0.97], anchor: "x" },
      xaxis2: { domain: [0, 1], anchor: "y2" },
      yaxis2: { domain: [0, 0.5 - stackGap / 2], anchor: "x2" },
    };
  }
  return {
    height: panelHeight + 40,
    xaxis: { domain: [0, firstShare - gap / 2], anchor: "y" },
    yaxis: { domain: [0, 1], anchor: "x" },
    xaxis2: { domain: [firstShare + gap / 2, 1], anchor: "y2" },
    yaxis2: { domain: [0, 1], anchor: "x2" },
  };
}

/** Call `onChange()` when the window crosses the width at which the panels switch arrangement. */
export function onPanelArrangementChange(plotElement, onChange) {
  let stacked = plotElement.clientWidth < STACK_BELOW_PX;
  window.addEventListener("resize", () => {
    const now = plotElement.clientWidth < STACK_BELOW_PX;
    if (now !== stacked) {
      stacked = now;
      onChange();
    }
  });
}

/** A small title at the top left of the panel on axes `xAxis` ("x" or "x2"), as an annotation. */
export function panelTitle(text, xAxis) {
  return {
    text, xref: `${xAxis} domain`, yref: `${xAxis.replace("x", "y")} domain`, x: 0, y: 1,
    xanchor: "left", yanchor: "bottom", showarrow: false, font: { size: 13 },
  };
}
