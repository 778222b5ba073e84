// Draggable handles on Plotly plots, each also a keyboard slider; and range-input sliders.
//
// A handle is {id, label, axis: "x"|"y", min, max, step, bigStep, get(), format(value)}
// plus where it is drawn, one of:
//   {trace, point}   a point of a trace (its x and y come from the plot's data),
//   {shape}          a layout shape: a vertical line (axis "x") or horizontal line (axis "y"),
//   {position()}     a function returning {x, y} in data units (null = the whole axis).
// and optionally {xaxis: "x2", yaxis: "y2"} for a subplot, and dragStep (default step).
// Pointer events (mouse, pen, touch with pointer capture) move the nearest handle; each
// handle also gets a focusable role="slider" element moved by the keyboard.

const GRAB_RADIUS = { mouse: 22, pen: 26, touch: 34 };

function axisOf(plotElement, name) {
  const layout = plotElement._fullLayout;
  if (!layout) return null;
  const key = `${name[0]}axis${name.slice(1)}`;
  return layout[key] || null;
}

function dataToPixel(axis, value) {
  return axis._offset + axis.l2p(axis.d2l(value));
}

function pixelToData(axis, pixel) {
  return axis.l2d(axis.p2l(pixel - axis._offset));
}

function decimalsOf(step) {
  const text = String(step);
  if (text.includes("e-")) return Number(text.split("e-")[1]);
  const dot = text.indexOf(".");
  return dot < 0 ? 0 : text.length - dot - 1;
}

/** Clamp `value` to [min, max] and round it to the handle's grid of `step` from `min`. */
export function snapValue(value, { min, max, step }) {
  let snapped = value;
  if (step) {
    const base = Number.isFinite(min) ? min : 0;
    snapped = base + Math.round((value - base) / step) * step;
    snapped = Number(snapped.toFixed(Math.min(decimalsOf(step) + decimalsOf(base), 15)));
  }
  if (Number.isFinite(min)) snapped = Math.max(min, snapped);
  if (Number.isFinite(max)) snapped = Math.min(max, snapped);
  return snapped;
}

/** The handle's data position {x, y}; null for a coordinate it spans (a line). */
function handleDataPosition(plotElement, handle) {
  if (typeof handle.position === "function") return handle.position();
  if (handle.shape !== undefined) {
    const value = handle.get();
    return handle.axis === "x" ? { x: value, y: null } : { x: null, y: value };
  }
  const trace = plotElement.data && plotElement.data[handle.trace];
  if (!trace) return null;
  return { x: trace.x[handle.point], y: trace.y[handle.point] };
}

/** The handle's pixel position inside the plot element, or null before the plot is drawn. */
function handlePixelPosition(plotElement, handle) {
  const xAxis = axisOf(plotElement, handle.xaxis || "x");
  const yAxis = axisOf(plotElement, handle.yaxis || "y");
  const position = handleDataPosition(plotElement, handle);
  if (!xAxis || !yAxis || !position) return null;
  const x = position.x === null || position.x === undefined ? null : dataToPixel(xAxis, position.x);
  const y = position.y === null || position.y === undefined ? null : dataToPixel(yAxis, position.y);
  return { x, y, xAxis, yAxis };
}

function distanceTo(pixel, pointerX, pointerY) {
  const dx = pixel.x === null ? 0 : pointerX - pixel.x;
  const dy = pixel.y === null ? 0 : pointerY - pixel.y;
  return Math.hypot(dx, dy);
}

function insidePlotArea(xAxis, yAxis, pointerX, pointerY) {
  return pointerX >= xAxis._offset && pointerX <= xAxis._offset + xAxis._length
    && pointerY >= yAxis._offset && pointerY <= yAxis._offset + yAxis._length;
}

/**
 * Make `handles` draggable on `plotElement` (a Plotly graph div) and keyboard-operable.
 * Calls onMove(id, value) with the new, clamped and snapped value.
 * Returns {refresh(), elements, destroy()}; refresh() re-reads each handle's value and
 * position (it also runs after every Plotly redraw).
 */
export function attachHandles(plotElement, handles, onMove) {
  const container = plotElement.parentElement;
  container.classList.add("plot-wrap");
  const layer = document.createElement("div");
  layer.className = "handle-layer";
  container.appendChild(layer);
  if (handles.every((handle) => handle.axis === "x")) plotElement.classList.add("plot--drag-x");
  else plotElement.classList.add("plot--drag-xy");

  const elements = new Map();
  for (const handle of handles) {
    const element = document.createElement("div");
    element.className = "handle-focus";
    element.tabIndex = 0;
    element.setAttribute("role", "slider");
    element.setAttribute("aria-label", handle.label);
    element.setAttribute("aria-valuemin", String(handle.min));
    element.setAttribute("aria-valuemax", String(handle.max));
    element.setAttribute("aria-orientation", handle.axis === "x" ? "horizontal" : "vertical");
    element.dataset.handle = handle.id;
    element.addEventListener("keydown", (event) => onKey(event, handle));
    layer.appendChild(element);
    elements.set(handle.id, element);
  }

  function move(handle, value) {
    const snapped = snapValue(value, { min: handle.min, max: handle.max, step: handle.dragStep || handle.step });
    if (snapped === handle.get()) return;
    onMove(handle.id, snapped);
    refresh();
  }

  function onKey(event, handle) {
    const step = handle.step || (handle.max - handle.min) / 100;
    const bigStep = handle.bigStep || step * 10;
    const current = handle.get();
    let value;
    switch (event.key) {
      case "ArrowRight":
      case "ArrowUp":
        value = current + step;
        break;
      case "ArrowLeft":
      case "ArrowDown":
        value = current - step;
        break;
      case "PageUp":
        value = current + bigStep;
        break;
      case "PageDown":
        value = current - bigStep;
        break;
      case "Home":
        value = handle.min;
        break;
      case "End":
        value = handle.max;
        break;
      default:
        return;
    }
    event.preventDefault();
    const snapped = snapValue(value, { min: handle.min, max: handle.max, step });
    if (snapped !== current) {
      onMove(handle.id, snapped);
      refresh();
    }
  }

  let active = null;

  function pointerPosition(event) {
    const rect = plotElement.getBoundingClientRect();
    return { x: event.clientX - rect.left, y: event.clientY - rect.top };
  }

  function valueAtPointer(handle, pointer) {
    const axis = handle.axis === "x" ? axisOf(plotElement, handle.xaxis || "x") : axisOf(plotElement, handle.yaxis || "y");
    return pixelToData(axis, handle.axis === "x" ? pointer.x : pointer.y);
  }

  function onPointerDown(event) {
    if (event.button !== undefined && event.button > 0) return;
    const pointer = pointerPosition(event);
    const radius = GRAB_RADIUS[event.pointerType] || GRAB_RADIUS.mouse;
    let nearest = null;
    let nearestDistance = Infinity;
    let nearestPixel = null;
    for (const handle of handles) {
      const pixel = handlePixelPosition(plotElement, handle);
      if (!pixel) continue;
      const distance = distanceTo(pixel, pointer.x, pointer.y);
      if (distance < nearestDistance) {
        nearest = handle;
        nearestDistance = distance;
        nearestPixel = pixel;
      }
    }
    if (!nearest) return;
    let offset = 0;
    if (nearestDistance <= radius) {
      // Keep the grab point under the pointer: the value does not jump on press.
      offset = nearest.get() - valueAtPointer(nearest, pointer);
    } else {
      // A press elsewhere in the plot area moves a lone line handle (e.g. a marker) there.
      const isLine = nearestPixel.x === null || nearestPixel.y === null;
      if (!(handles.length === 1 && isLine && insidePlotArea(nearestPixel.xAxis, nearestPixel.yAxis, pointer.x, pointer.y))) return;
    }
    event.preventDefault();
    event.stopPropagation();
    active = { handle: nearest, pointerId: event.pointerId, offset };
    try {
      plotElement.setPointerCapture(event.pointerId);
    } catch {
      // Synthetic events may have no active pointer to capture; dragging still works.
    }
    plotElement.classList.add("is-dragging");
    const element = elements.get(nearest.id);
    if (element) element.focus({ preventScroll: true });
    if (offset === 0) move(nearest, valueAtPointer(nearest, pointer));
  }

  function onPointerMove(event) {
    if (!active || event.pointerId !== active.pointerId) return;
    event.preventDefault();
    event.stopPropagation();
    const pointer = pointerPosition(event);
    move(active.handle, valueAtPointer(active.handle, pointer) + active.offset);
  }

  function onPointerUp(event) {
    if (!active || event.pointerId !== active.pointerId) return;
    active = null;
    plotElement.classList.remove("is-dragging");
    try {
      plotElement.releasePointerCapture(event.pointerId);
    } catch {
      // Already released.
    }
  }

  plotElement.addEventListener("pointerdown", onPointerDown, { capture: true });
  plotElement.addEventListener("pointermove", onPointerMove, { capture: true });
  plotElement.addEventListener("pointerup", onPointerUp, { capture: true });
  plotElement.addEventListener("pointercancel", onPointerUp, { capture: true });

  let hookedAfterPlot = false;

  // The plot's offset inside its wrapper, read once (and again after a resize): reading it on
  // every refresh would force a synchronous layout of the whole page during a drag.
  let plotOffset = null;
  const forgetOffset = () => { plotOffset = null; };
  window.addEventListener("resize", forgetOffset);

  function setIfChanged(element, name, text) {
    if (element.getAttribute(name) !== text) element.setAttribute(name, text);
  }

  function refresh() {
    if (!hookedAfterPlot && typeof plotElement.on === "function") {
      plotElement.on("plotly_afterplot", refresh);
      hookedAfterPlot = true;
    }
    for (const handle of handles) {
      const element = elements.get(handle.id);
      const value = handle.get();
      // min and max may be getters (e.g. an epoch marker whose end follows a slider).
      setIfChanged(element, "aria-valuemin", String(handle.min));
      setIfChanged(element, "aria-valuemax", String(handle.max));
      setIfChanged(element, "aria-valuenow", String(value));
      setIfChanged(element, "aria-valuetext", handle.format ? handle.format(value) : String(value));
      const pixel = handlePixelPosition(plotElement, handle);
      if (!pixel) continue;
      if (plotOffset === null) plotOffset = { left: plotElement.offsetLeft, top: plotElement.offsetTop };
      const x = pixel.x === null ? pixel.xAxis._offset + pixel.xAxis._length / 2 : pixel.x;
      const y = pixel.y === null ? pixel.yAxis._offset + pixel.yAxis._length / 2 : pixel.y;
      const left = `${plotOffset.left + x}px`;
      const top = `${plotOffset.top + y}px`;
      if (element.style.left !== left) element.style.left = left;
      if (element.style.top !== top) element.style.top = top;
    }
  }

  function destroy() {
    plotElement.removeEventListener("pointerdown", onPointerDown, { capture: true });
    plotElement.removeEventListener("pointermove", onPointerMove, { capture: true });
    plotElement.removeEventListener("pointerup", onPointerUp, { capture: true });
    plotElement.removeEventListener("pointercancel", onPointerUp, { capture: true });
    // A page that re-attaches handles (e.g. after the number of bars changed) must not keep
    // the old set's refresh running after every redraw.
    if (hookedAfterPlot && typeof plotElement.removeListener === "function") {
      plotElement.removeListener("plotly_afterplot", refresh);
    }
    window.removeEventListener("resize", forgetOffset);
    layer.remove();
  }

  refresh();
  return { refresh, elements, destroy };
}

/**
 * Wire an <input type="range"> to onInput(value) and keep its <output> showing the value.
 * The output is <output for="<input id>"> or the first <output> beside the input.
 * Returns {set(value)} to show a value that came from elsewhere (the URL).
 */
export function attachSlider(inputElement, onInput, { format = String } = {}) {
  const output = (inputElement.id && document.querySelector(`output[for~="${inputElement.id}"]`))
    || inputElement.parentElement.querySelector("output");
  function show(value) {
    if (output) output.textContent = format(value);
    inputElement.setAttribute("aria-valuetext", format(value));
  }
  inputElement.addEventListener("input", () => {
    const value = Number(inputElement.value);
    show(value);
    onInput(value);
  });
  return {
    set(value) {
      inputElement.value = String(value);
      show(value);
    },
  };
}
