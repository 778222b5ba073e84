"""Serve /static: content-hashed URLs that cache forever, gzip done once per file version.

`StaticAssets` is a small ASGI app mounted at /static. At start-up it hashes every file
under its directory, so templates can ask for `url_for("js/pages/home.js")` and get
`/static/js/pages/home.js?v=<sha256[:12]>`. A request carrying `?v=` is answered with
`Cache-Control: public, max-age=31536000, immutable`; one without it (ES modules import
each other by plain relative URLs) with `no-cache` and an ETag, so the browser revalidates
and gets a 304 when nothing changed. Text files are gzip-compressed once per file version
and kept in memory, never on every request.
"""

from __future__ import annotations

import gzip
import hashlib
import mimetypes
import os
from dataclasses import dataclass
from pathlib import Path

from starlette._utils import get_route_path
from starlette.datastructures import Headers, QueryParams
from starlette.responses import PlainTextResponse, Response
from starlette.types import Receive, Scope, Send

HASH_LENGTH = 12
IMMUTABLE_CACHE_CONTROL = "public, max-age=31536000, immutable"
REVALIDATE_CACHE_CONTROL = "no-cache"
COMPRESSIBLE_SUFFIXES = {".js", ".mjs", ".css", ".json", ".svg", ".txt", ".html", ".map"}
MINIMUM_COMPRESS_BYTES = 512
CONTENT_TYPES = {
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json",
    ".svg": "image/svg+xml",
    ".txt": "text/plain; charset=utf-8",
    ".png": "image/png",
    ".ico": "image/x-icon",
}


@dataclass(frozen=True)
class StaticFile:
    """One version of one file: its bytes, their gzip form (if worth it) and its hash."""

    body: bytes
    gzipped: bytes | None
    digest: str
    content_type: str
    modified_ns: int
    size: int


def file_digest(body: bytes) -> str:
    """The first HASH_LENGTH hex digits of the SHA-256 of `body`."""
    return hashlib.sha256(body).hexdigest()[:HASH_LENGTH]


def content_type_for(path: Path) -> str:
    """The Content-Type to send for `path`, from its suffix."""
    suffix = path.suffix.lower()
    if suffix in CONTENT_TYPES:
        return CONTENT_TYPES[suffix]
    guessed, _ = mimetypes.guess_type(path.name)
    return guessed or "application/octet-stream"


def load_static_file(path: Path) -> StaticFile:
    """Read `path` and prepare the answer for it (gzip only for text worth compressing)."""
    stat = path.stat()
    body = path.read_bytes()
    gzipped = None
    if path.suffix.lower() in COMPRESSIBLE_SUFFIXES and len(body) >= MINIMUM_COMPRESS_BYTES:
        # mtime=0 keeps the compressed bytes identical across restarts.
        gzipped = gzip.compress(body, compresslevel=9, mtime=0)
    return StaticFile(
        body=body,
        gzipped=gzipped,
        digest=file_digest(body),
        content_type=content_type_for(path),
        modified_ns=stat.st_mtime_ns,
        size=stat.st_size,
    )


class StaticAssets:
    """ASGI app serving files under `directory` with hashed URLs, ETags and gzip."""

    def __init__(self, directory: Path, mount_path: str = "/static") -> None:
        self.directory = directory.resolve()
        self.mount_path = mount_path.rstrip("/")
        self._files: dict[str, StaticFile] = {}
        # Hashes are fixed at start-up: a page links the version that existed then.
        self.start_up_digests: dict[str, str] = {}
        for root, _dirs, names in os.walk(self.directory):
            for name in names:
                relative = (Path(root) / name).relative_to(self.directory).as_posix()
                self.start_up_digests[relative] = self._get(relative).digest  # type: ignore[union-attr]

    def url_for(self, path: str) -> str:
        """The URL of static file `path` (relative to the directory), with `?v=<hash>`.

        Raises:
            KeyError: no such file existed at start-up (a template typo should fail loudly).
        """
        relative = path.lstrip("/")
        if relative not in self.start_up_digests:
            static_file = self._get(relative)  # a file added after start-up (development)
            if static_file is None:
                raise KeyError(f"static file {path!r} does not exist under {self.directory}")
            self.start_up_digests[relative] = static_file.digest
        return f"{self.mount_path}/{relative}?v={self.start_up_digests[relative]}"

    def _resolve(self, relative: str) -> Path | None:
        """The real file for a request path, or None when it is missing or escapes the directory."""
        if not relative or "\x00" in relative:
            return None
        candidate = (self.directory / relative).resolve()
        if not candidate.is_relative_to(self.directory) or not candidate.is_file():
            return None
        return candidate

    def _get(self, relative: str) -> StaticFile | None:
        """The cached StaticFile for `relative`, re-read when the file changed on disk."""
        path = self._resolve(relative)
        if path is None:
            self._files.pop(relative, None)
            return None
        stat = path.stat()
        cached = self._files.get(relative)
        if cached is None or cached.modified_ns != stat.st_mtime_ns or cached.size != stat.st_size:
            cached = load_static_file(path)
            self._files[relative] = cached
        return cached

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":  # pragma: no cover - only HTTP is mounted here
            raise RuntimeError("StaticAssets only serves HTTP")
        if scope["method"] not in ("GET", "HEAD"):
            response: Response = PlainTextResponse("Method Not Allowed", status_code=405, headers={"Allow": "GET, HEAD"})
            await response(scope, receive, send)
            return
        # Inside a Mount, root_path ends with the mount path; the rest names the file.
        relative = get_route_path(scope).lstrip("/")
        static_file = self._get(relative)
        if static_file is None:
            await PlainTextResponse("Not Found", status_code=404)(scope, receive, send)
            return
        request_headers = Headers(scope=scope)
        query = QueryParams(scope.get("query_string", b""))
        etag = f'"{static_file.digest}"'
        cache_control = IMMUTABLE_CACHE_CONTROL if "v" in query else REVALIDATE_CACHE_CONTROL
        headers = {"ETag": etag, "Cache-Control": cache_control, "Vary": "Accept-Encoding"}
        if etag in [tag.strip() for tag in request_headers.get("if-none-match", "").split(",")]:
            await Response(status_code=304, headers=headers)(scope, receive, send)
            return
        body = static_file.body
        accepts_gzip = "gzip" in request_headers.get("accept-encoding", "").lower()
        if static_file.gzipped is not None and accepts_gzip:
            body = static_file.gzipped
            headers["Content-Encoding"] = "gzip"
        response = Response(
            content=b"" if scope["method"] == "HEAD" else body,
            media_type=static_file.content_type,
            headers=headers,
        )
        if scope["method"] == "HEAD":
            response.headers["content-length"] = str(len(body))
        await response(scope, receive, send)
