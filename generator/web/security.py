"""What keeps the workspace to its clerk: the Host header checked (DNS rebinding), a password or
token when it is served beyond this computer, a CSRF token on every change, request bodies capped.
"""

from __future__ import annotations

import hmac
import ipaddress
import secrets
from dataclasses import dataclass, field

from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response

MAX_UPLOAD = 20 * 1024 * 1024
MAX_BODY = MAX_UPLOAD + 64 * 1024  # the file and the form around it
LOCAL_NAMES = ("127.0.0.1", "localhost", "[::1]")
CSRF_HEADER = "x-csrf-token"
AUTH_COOKIE = "vanban_ma"
LOGIN = "/dang-nhap"


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@dataclass
class Guard:
    """The server's secrets and the host names it answers to."""

    host: str = "127.0.0.1"
    port: int = 8000
    password: str | None = None  # required when host is not a loopback address
    csrf: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    session: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    extra_hosts: tuple[str, ...] = ()

    @property
    def needs_login(self) -> bool:
        return self.password is not None

    def allowed_hosts(self) -> set[str]:
        names = set(LOCAL_NAMES) | set(self.extra_hosts)
        if self.host not in ("0.0.0.0", "::"):
            names.add(self.host if ":" not in self.host else f"[{self.host}]")
        return {f"{n}:{self.port}".lower() for n in names} | ({n.lower() for n in names} if self.port == 80 else set())

    def host_ok(self, header: str | None) -> bool:
        if not header:
            return False
        if self.host in ("0.0.0.0", "::") and self.needs_login:
            return True  # every address of the machine; the password guards it
        return header.lower() in self.allowed_hosts()

    def logged_in(self, request: Request) -> bool:
        return not self.needs_login or hmac.compare_digest(request.cookies.get(AUTH_COOKIE, ""), self.session)

    def password_ok(self, given: str) -> bool:
        return self.password is not None and hmac.compare_digest(given.encode("utf-8"), self.password.encode("utf-8"))

    def csrf_ok(self, request: Request) -> bool:
        return hmac.compare_digest(request.headers.get(CSRF_HEADER, ""), self.csrf)


SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (
        b"content-security-policy",
        (
            b"default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; script-src 'self'; "
            b"frame-ancestors 'none'; form-action 'self'"
        ),
    ),
]


class GuardMiddleware:
    """Plain ASGI middleware (no extra task per request): refuses before the application sees it."""

    def __init__(self, app, guard: Guard):
        self.app = app
        self.guard = guard

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        refusal = self.refusal(Request(scope))
        if refusal is not None:
            await refusal(scope, receive, send)
            return

        async def send_with_headers(message) -> None:
            if message["type"] == "http.response.start":
                names = {name for name, _ in message.get("headers", [])}
                message["headers"] = list(message.get("headers", [])) + [
                    h for h in SECURITY_HEADERS if h[0] not in names
                ]
            await send(message)

        await self.app(scope, receive, send_with_headers)

    def refusal(self, request: Request) -> Response | None:
        guard = self.guard
        if not guard.host_ok(request.headers.get("host")):
            return PlainTextResponse(
                "Tên máy (Host) không hợp lệ cho vanban serve: yêu cầu bị từ chối.", status_code=400
            )
        unsafe = request.method not in ("GET", "HEAD", "OPTIONS")
        if unsafe:
            length = request.headers.get("content-length")
            if length is None or not length.isdigit():
                return PlainTextResponse("Thiếu độ dài nội dung (Content-Length): yêu cầu bị từ chối.", status_code=411)
            if int(length) > MAX_BODY:
                return PlainTextResponse(f"Tệp quá lớn: tối đa {MAX_UPLOAD // (1024 * 1024)} MB.", status_code=413)
        if request.url.path == LOGIN or request.url.path.startswith("/tai-nguyen/"):
            return None
        if not guard.logged_in(request):
            if unsafe:
                return PlainTextResponse("Chưa đăng nhập.", status_code=401)
            return RedirectResponse(LOGIN, status_code=303)
        if unsafe and not guard.csrf_ok(request):
            return PlainTextResponse("Thiếu hoặc sai mã chống giả mạo (CSRF); hãy tải lại trang.", status_code=403)
        return None
