"""`vanban serve [FOLDER]`: the clerk's workspace in the browser (edit, see the totals move, preview,
download), served from this computer only unless --host is given with a password."""

from __future__ import annotations

import secrets
import sys
import threading
import webbrowser
from pathlib import Path

from generator.cli.common import EXIT_BAD_INPUT, EXIT_OK


def register(sub) -> None:
    parser = sub.add_parser(
        "serve", help="mở trang làm việc trên trình duyệt: sửa kế hoạch, xem số liệu, xem trước, tải về"
    )
    parser.add_argument(
        "folder",
        type=Path,
        nargs="?",
        default=Path("."),
        metavar="THƯ_MỤC",
        help="thư mục chứa các tệp kế hoạch (.yaml); mặc định thư mục hiện tại",
    )
    parser.add_argument("--port", type=int, default=8765, help="cổng (mặc định 8765)")
    parser.add_argument(
        "--host",
        default="127.0.0.1",
        help="địa chỉ phục vụ (mặc định 127.0.0.1: chỉ máy này); địa chỉ khác cần mật khẩu",
    )
    parser.add_argument(
        "--password",
        metavar="MẬT_KHẨU",
        help="mật khẩu khi phục vụ cho máy khác (--host); không ghi thì vanban tạo một mã và in ra",
    )
    parser.add_argument("--no-browser", action="store_true", help="không tự mở trình duyệt")
    parser.set_defaults(func=run)


def run(args) -> int:
    import uvicorn

    from generator.web.app import create_app
    from generator.web.security import Guard, is_loopback

    folder = args.folder
    if not folder.is_dir():
        print(f"Không có thư mục {folder}", file=sys.stderr)
        return EXIT_BAD_INPUT
    if not 1 <= args.port <= 65535:
        print(f"Cổng không hợp lệ: {args.port}", file=sys.stderr)
        return EXIT_BAD_INPUT
    password = args.password
    if not is_loopback(args.host) and not password:
        password = secrets.token_urlsafe(9)
        print(f"Phục vụ cho máy khác qua {args.host}: mật khẩu đăng nhập là  {password}")
    guard = Guard(host=args.host, port=args.port, password=password if not is_loopback(args.host) or password else None)
    app = create_app(folder, guard)
    shown = "127.0.0.1" if args.host in ("0.0.0.0", "::") else args.host
    url = f"http://{shown}:{args.port}/"
    print(f"vanban đang phục vụ thư mục {folder.resolve()} tại {url}  (Ctrl-C để dừng)")
    if not args.no_browser:
        threading.Timer(0.8, lambda: webbrowser.open(url)).start()
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning")
    return EXIT_OK
