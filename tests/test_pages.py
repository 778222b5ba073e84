"""app/pages.py: every page renders, formulas are MathML, static URLs carry content hashes."""

import re

import pytest
from fastapi.testclient import TestClient

from app.main import create_app
from app.pages import PAGES, TEMPLATE_DIRECTORY, latex_to_mathml, loss_catalog, mathml_filter


@pytest.fixture(scope="module")
def client():
    with TestClient(create_app()) as test_client:
        yield test_client


@pytest.mark.parametrize("page", PAGES, ids=[page.path for page in PAGES])
def test_every_page_renders_with_one_module_and_the_vendored_plotly(client, page):
    answer = client.get(page.path)
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/html")
    html = answer.text
    modules = re.findall(r'<script type="module" async src="([^"]+)"', html)
    if (TEMPLATE_DIRECTORY / page.template).is_file():
        assert modules == [f"/static/js/pages/{page.module}.js?v={modules[0].rsplit('=', 1)[1]}"]
    assert re.search(r'<script async id="plotly-script" src="/static/vendor/plotly-basic-[0-9.]+\.min\.js\?v=[0-9a-f]{12}"></script>', html)
    assert "<script>" not in html and " onclick=" not in html  # no inline scripts or handlers
    assert 'id="live-readout" class="visually-hidden" role="status" aria-live="polite"' in html
    assert 'id="error-banner" class="error-banner" role="alert" hidden' in html
    assert f'href="{page.path}" aria-current="page"' in html


def test_static_urls_in_pages_resolve_and_cache_forever(client):
    html = client.get("/regression").text
    urls = re.findall(r'(?:src|href)="(/static/[^"]+\?v=[0-9a-f]{12})"', html)
    assert len(urls) >= 3  # stylesheet, Plotly, page module
    for url in urls:
        answer = client.get(url)
        assert answer.status_code == 200, url
        assert answer.headers["cache-control"] == "public, max-age=31536000, immutable"


def test_home_lists_the_registry_catalogue_with_typeset_formulas(client):
    html = client.get("/").text
    catalog = loss_catalog()
    assert len(catalog) >= 10
    for entry in catalog:
        assert f'data-loss="{entry["name"]}"' in html
    table = html[html.index('id="catalog"') :]
    assert table.count("<math") >= len(catalog)


def test_mathml_filter_typesets_inline_and_display_math():
    inline = latex_to_mathml(r"\frac{1}{2}(y-\hat y)^2")
    assert inline.startswith("<math") and 'display="inline"' in inline and "<mfrac>" in inline
    assert 'display="block"' in mathml_filter("x^2", display=True)


def test_mathml_filter_shows_unparseable_latex_as_escaped_code():
    shown = mathml_filter("<b>x^")
    assert shown == '<code class="latex">&lt;b&gt;x^</code>'


def test_unknown_page_is_a_404(client):
    assert client.get("/no-such-page").status_code == 404
