"""What keeps the local server safe: the token, the Origin/Host check, paths kept inside the folder.

Pure functions and one ASGI middleware; no third-party imports (the app module imports Starlette).

The model is Jupyter Server's: a random token printed in the URL; the first
request carrying ``?token=`` gets an HttpOnly, SameSite=Strict cookie and is
redirected to the same URL without the token; every later request needs the
cookie (or the token); without it: 403.  Requests that change anything (POST,
PUT, DELETE) must also come from the app's own pages: an ``Origin`` header, when
present, must name the host the request was sent to, and that host must be one
the server listens on (so a page on another site — or a DNS-rebinding name —
cannot drive it).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
import unicodedata
from collections.abc import Awaitable, Callable, Iterable, MutableMapping
from http.cookies import SimpleCookie
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "[::1]", "::1"})


def new_token() -> str:
    return secrets.token_urlsafe(24)


def cookie_name(token: str) -> str:
    """A cookie per server (two workbenches on different ports must not overwrite each other's)."""
    return "skilldoc_" + hashlib.sha256(token.encode()).hexdigest()[:10]


def token_matches(given: str | None, token: str) -> bool:
    """Constant-time comparison."""
    if not given:
        return False
    return hmac.compare_digest(given.encode("utf-8", "replace"), token.encode("utf-8"))


def _headers(scope: Scope) -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in scope.get("headers", []):
        out.setdefault(key.decode("latin-1").lower(), value.decode("latin-1"))
    return out


def _hostname(host: str) -> str:
    host = host.strip().lower()
    if host.startswith("["):
        return host[: host.find("]") + 1]
    return host.rsplit(":", 1)[0] if ":" in host else host


class TokenGuard:
    """ASGI middleware: token (URL once, then cookie), Host, and Origin on state-changing requests."""

    def __init__(self, app: ASGIApp, token: str, *, allowed_hosts: Iterable[str] = LOCAL_HOSTS) -> None:
        self.app = app
        self.token = token
        self.cookie = cookie_name(token)
        self.allowed_hosts = {h.lower() for h in allowed_hosts}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        headers = _headers(scope)
        host = headers.get("host", "")
        if _hostname(host) not in self.allowed_hosts:
            await _refuse(send, "不接受这个地址（Host）。请使用启动时显示的地址。")
            return
        query = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1")))
        cookie = SimpleCookie()
        try:
            cookie.load(headers.get("cookie", ""))
        except Exception:  # a malformed Cookie header: as if there were none
            cookie = SimpleCookie()
        from_cookie = cookie[self.cookie].value if self.cookie in cookie else None
        from_query = query.get("token")
        from_header = headers.get("x-skilldoc-token")
        if not any(token_matches(t, self.token) for t in (from_cookie, from_query, from_header)):
            await _refuse(send, "需要访问令牌。请打开启动 skilldoc ui 时显示的完整地址（含 ?token=…）。")
            return
        method = scope.get("method", "GET")
        if method not in SAFE_METHODS:
            origin = headers.get("origin")
            if origin is not None and not _same_origin(origin, host, scope.get("scheme", "http")):
                await _refuse(send, "拒绝来自其他网页的请求（Origin 不符）。")
                return
            fetch_site = headers.get("sec-fetch-site")
            if fetch_site is not None and fetch_site not in ("same-origin", "none"):
                await _refuse(send, "拒绝来自其他网页的请求。")
                return
        if from_query and method in SAFE_METHODS and token_matches(from_query, self.token) \
                and not token_matches(from_cookie, self.token):
            # the token arrived in the URL: set the cookie and drop the token from the address bar
            rest = urlencode([(k, v) for k, v in parse_qsl(scope.get("query_string", b"").decode("latin-1"))
                              if k != "token"])
            location = scope.get("root_path", "") + scope["path"] + (f"?{rest}" if rest else "")
            await send({"type": "http.response.start", "status": 303, "headers": [
                (b"location", _quote_location(location)),
                (b"set-cookie", f"{self.cookie}={self.token}; Path=/; HttpOnly; SameSite=Strict".encode()),
                (b"cache-control", b"no-store"),
                (b"content-length", b"0"),
            ]})
            await send({"type": "http.response.body", "body": b""})
            return
        await self.app(scope, receive, send)


def _quote_location(location: str) -> bytes:
    from urllib.parse import quote

    return quote(location, safe="/?=&%:-._~").encode("ascii")


def _same_origin(origin: str, host: str, scheme: str) -> bool:
    parts = urlsplit(origin)
    return parts.scheme == scheme and parts.netloc.lower() == host.lower()


async def _refuse(send: Send, message: str) -> None:
    body = (f"<!doctype html><meta charset=utf-8><title>403 拒绝访问</title>"
            f"<h1>403 拒绝访问</h1><p>{message}</p>").encode()
    await send({"type": "http.response.start", "status": 403, "headers": [
        (b"content-type", b"text/html; charset=utf-8"),
        (b"content-length", str(len(body)).encode()),
        (b"cache-control", b"no-store"),
    ]})
    await send({"type": "http.response.body", "body": body})


# --- paths ------------------------------------------------------------------------------


class OutsideFolder(Exception):
    """A path that leads outside the applicant folder (``..``, absolute, a link out)."""


def inside(root: Path, relative: str) -> Path:
    """``root/relative`` if it stays inside ``root`` after following links; else OutsideFolder.

    Rejects absolute paths (POSIX or Windows, with a drive or UNC), ``..`` parts
    and NUL; then resolves links and checks the result is still under ``root``.
    """
    if not relative or "\0" in relative:
        raise OutsideFolder(relative)
    text = relative.replace("\\", "/")
    posix, windows = PurePosixPath(text), PureWindowsPath(relative)
    if posix.is_absolute() or windows.drive or windows.root or text.startswith("/"):
        raise OutsideFolder(relative)
    if any(part == ".." for part in posix.parts):
        raise OutsideFolder(relative)
    root = root.resolve()
    target = (root / Path(*posix.parts)).resolve()
    try:
        target.relative_to(root)
    except ValueError:
        raise OutsideFolder(relative) from None
    return target


_WINDOWS_RESERVED = re.compile(r"^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$", re.IGNORECASE)
_UNSAFE_CHARS = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')
MAX_NAME_BYTES = 200  # well under the 255 bytes most file systems allow


def safe_filename(name: str) -> str:
    """A file name that is safe on Windows, macOS and Linux, keeping Chinese and the extension.

    The last path component only (``../../x`` → ``x``); characters Windows forbids
    and control characters become ``_``; leading dots and trailing dots/spaces go;
    reserved device names (``CON``, ``NUL.txt``) get a ``_`` prefix; long names are
    shortened keeping the extension; an empty result becomes ``未命名文件``.
    """
    name = unicodedata.normalize("NFC", name)
    name = re.split(r"[/\\]", name)[-1]
    name = _UNSAFE_CHARS.sub("_", name)
    name = "".join(ch for ch in name if unicodedata.category(ch) not in ("Cf", "Cs", "Co"))
    name = name.strip().lstrip(".").rstrip(". ")
    if not name or set(name) <= {"_", " ", "."}:
        name = "未命名文件"
    if _WINDOWS_RESERVED.match(name):
        name = "_" + name
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    ext = ext[:16]
    while len((stem + (f".{ext}" if ext else "")).encode("utf-8")) > MAX_NAME_BYTES and stem:
        stem = stem[:-1]
    return stem + (f".{ext}" if ext else "") if stem else f"未命名文件.{ext}" if ext else "未命名文件"


def free_name(folder: Path, name: str) -> Path:
    """``folder/name``, or ``name (2).ext`` … when a file of that name exists (case-insensitively)."""
    existing = {n.lower() for n in os.listdir(folder)} if folder.is_dir() else set()
    stem, ext = os.path.splitext(name)
    candidate, n = name, 2
    while candidate.lower() in existing:
        candidate = f"{stem} ({n}){ext}"
        n += 1
    return folder / candidate
