"""What keeps the workspace to its clerk: the Host header checked (DNS rebinding), a password or
token when it is served beyond this computer, a CSRF token on every change, request bodies capped.
"""

from __future__ import annotations

import hmac
import ipaddress
import secrets
from dataclasses import dataclass, field

from starlette.middleware.base import BaseHTTPMiddleware
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


class GuardMiddleware(BaseHTTPMiddleware):
    def __init__(self, app, guard: Guard):
        super().__init__(app)
        self.guard = guard

    async def dispatch(self, request: Request, call_next) -> Response:
        guard = self.guard
        if not guard.host_ok(request.headers.get("host")):
            return PlainTextResponse("Tên máy (Host) không hợp lệ cho vanban serve: yêu cầu bị từ chối.", status_code=400)
        unsafe = request.method not in ("GET", "HEAD", "OPTIONS")
        if unsafe:
            length = request.headers.get("content-length")
            if length is None or not length.isdigit():
                return PlainTextResponse("Thiếu độ dài nội dung (Content-Length): yêu cầu bị từ chối.", status_code=411)
            if int(length) > MAX_BODY:
                return PlainTextResponse(f"Tệp quá lớn: tối đa {MAX_UPLOAD // (1024 * 1024)} MB.", status_code=413)
        if request.url.path == LOGIN or request.url.path.startswith("/tai-nguyen/"):
            return await call_next(request)
        if not guard.logged_in(request):
            if unsafe:
                return PlainTextResponse("Chưa đăng nhập.", status_code=401)
            return RedirectResponse(LOGIN, status_code=303)
        if unsafe and not guard.csrf_ok(request):
            return PlainTextResponse("Thiếu hoặc sai mã chống giả mạo (CSRF); hãy tải lại trang.", status_code=403)
        response = await call_next(request)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; script-src 'self'; "
            "frame-ancestors 'none'; form-action 'self'")
        return response
