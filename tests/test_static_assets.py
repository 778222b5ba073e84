"""app/static_assets.py: hashed URLs, cache headers, ETag revalidation, gzip, path safety."""

import gzip

import pytest
from fastapi.testclient import TestClient
from starlette.applications import Starlette

from app.static_assets import IMMUTABLE_CACHE_CONTROL, StaticAssets, file_digest


@pytest.fixture
def static_directory(tmp_path):
    (tmp_path / "js").mkdir()
    (tmp_path / "js" / "module.js").write_text("export const answer = 42;\n" * 100)
    (tmp_path / "tiny.css").write_text("a{}")
    (tmp_path.parent / "secret.txt").write_text("not for the web")
    return tmp_path


@pytest.fixture
def assets(static_directory):
    return StaticAssets(static_directory, mount_path="/static")


@pytest.fixture
def client(assets):
    app = Starlette()
    app.mount("/static", assets)
    return TestClient(app)


def test_url_for_appends_the_content_hash(assets, static_directory):
    body = (static_directory / "js" / "module.js").read_bytes()
    assert assets.url_for("js/module.js") == f"/static/js/module.js?v={file_digest(body)}"
    with pytest.raises(KeyError, match="static file 'js/missing.js' does not exist"):
        assets.url_for("js/missing.js")


def test_versioned_url_is_immutable_and_plain_url_revalidates(client, assets):
    versioned = client.get(assets.url_for("js/module.js"))
    assert versioned.status_code == 200
    assert versioned.headers["cache-control"] == IMMUTABLE_CACHE_CONTROL
    assert versioned.headers["content-type"] == "text/javascript; charset=utf-8"
    plain = client.get("/static/js/module.js")
    assert plain.headers["cache-control"] == "no-cache"
    again = client.get("/static/js/module.js", headers={"If-None-Match": plain.headers["etag"]})
    assert again.status_code == 304 and again.content == b""


def test_text_is_sent_gzipped_to_clients_that_accept_it(client, static_directory):
    raw = (static_directory / "js" / "module.js").read_bytes()
    answer = client.get("/static/js/module.js", headers={"Accept-Encoding": "gzip"})
    assert answer.headers["content-encoding"] == "gzip"
    assert int(answer.headers["content-length"]) < len(raw) / 5
    assert answer.content == raw  # httpx decodes the gzip body
    identity = client.get("/static/js/module.js", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in identity.headers and identity.content == raw
    tiny = client.get("/static/tiny.css", headers={"Accept-Encoding": "gzip"})
    assert "content-encoding" not in tiny.headers  # too small to be worth compressing
    assert gzip.decompress(gzip.compress(raw)) == raw


def test_a_changed_file_is_served_fresh(client, static_directory):
    first = client.get("/static/tiny.css")
    (static_directory / "tiny.css").write_text("b{color:red}")
    second = client.get("/static/tiny.css")
    assert second.text == "b{color:red}" and second.headers["etag"] != first.headers["etag"]


@pytest.mark.parametrize("path", ["/static/../secret.txt", "/static/%2e%2e/secret.txt", "/static/js", "/static/", "/static/nope.js"])
def test_missing_or_escaping_paths_are_404(client, path):
    assert client.get(path).status_code == 404


def test_only_get_and_head_are_allowed(client):
    assert client.head("/static/js/module.js").status_code == 200
    answer = client.post("/static/js/module.js")
    assert answer.status_code == 405 and answer.headers["allow"] == "GET, HEAD"
