"""Accessibility audit: axe-core (from axe-playwright-python) on every page, desktop and phone width.

A page passes when axe finds no violation of serious or critical impact under the
WCAG 2.0/2.1 A and AA rules and axe's best practices, after its first render (plots
drawn, readouts filled), so Plotly's markup and the draggable handles are audited too.
"""

import pytest
from axe_playwright_python.sync_playwright import Axe

PAGE_PATHS = ["/", "/regression", "/activations", "/bce", "/cross-entropy", "/margins", "/learning"]
VIEWPORTS = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 375, "height": 740}}
BLOCKING_IMPACTS = ("serious", "critical")
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]},
    "resultTypes": ["violations"],
}

axe = Axe()


def describe(violations: list[dict]) -> str:
    """One line per violation and up to three offending elements, for the failure message."""
    lines = []
    for violation in violations:
        targets = [" ".join(map(str, node["target"])) for node in violation["nodes"][:3]]
        lines.append(f"{violation['impact']}: {violation['id']} ({violation['help']}) at {targets}")
    return "\n".join(lines)


@pytest.mark.browser
@pytest.mark.parametrize("viewport", list(VIEWPORTS))
@pytest.mark.parametrize("path", PAGE_PATHS)
def test_page_has_no_serious_or_critical_axe_violation(page, open_page, path, viewport):
    page.set_viewport_size(VIEWPORTS[viewport])
    open_page(path)
    violations = axe.run(page, options=AXE_OPTIONS).response["violations"]
    blocking = [violation for violation in violations if violation["impact"] in BLOCKING_IMPACTS]
    assert not blocking, f"{path} at {viewport} width:\n{describe(blocking)}"
    # axe ran for real: it reports the rules it applied.
    assert axe.run(page, options={"runOnly": {"type": "rule", "values": ["document-title"]}}).response["passes"]
