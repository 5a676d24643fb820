"""Run the workbench: uvicorn on 127.0.0.1 at a free port, print the address with the token, open the browser."""

from __future__ import annotations

import socket
import threading
import time
import webbrowser
from collections.abc import Callable
from pathlib import Path

from .security import LOCAL_HOSTS, new_token


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


def serve(folder: Path | None, *, host: str = "127.0.0.1", port: int | None = None, open_browser: bool = True,
          say: Callable[[str], None] = print, token: str | None = None) -> None:
    """Serve until Ctrl+C. ``say`` prints the address (the CLI passes click.echo)."""
    import uvicorn

    from .app import create_app

    token = token or new_token()
    port = port or free_port(host if host not in ("0.0.0.0", "::") else "127.0.0.1")
    allowed = set(LOCAL_HOSTS)
    if host not in ("127.0.0.1", "localhost", "::1"):
        allowed.add(host.lower())
        allowed.update(_own_addresses())
    app = create_app(folder, token=token, allowed_hosts=allowed)
    shown = "127.0.0.1" if host in ("0.0.0.0", "::", "127.0.0.1") else host
    url = f"http://{shown}:{port}/?token={token}"
    config = uvicorn.Config(app, host=host, port=port, log_level="warning", access_log=False, lifespan="off",
                            timeout_graceful_shutdown=2)
    server = uvicorn.Server(config)
    _check_port(host, port)  # a Chinese message now rather than uvicorn's English log line

    def announce() -> None:  # once the server is listening, so the browser never finds it closed
        while not server.started and not server.should_exit:
            time.sleep(0.05)
        if server.started:
            say(f"申报工作台已启动：{url}")
            say("请用浏览器打开上面的地址（含 token）；按 Ctrl+C 停止。")
            if open_browser:
                webbrowser.open(url)

    threading.Thread(target=announce, name="skilldoc-announce", daemon=True).start()
    server.run()


def _check_port(host: str, port: int) -> None:
    """OSError when ``host:port`` cannot be listened on (taken, not an address of this computer)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        if hasattr(socket, "SO_REUSEADDR") and not hasattr(socket, "SO_EXCLUSIVEADDRUSE"):
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn does (not on Windows)
        s.bind((host, port))


def _own_addresses() -> set[str]:
    """This computer's names and addresses (a colleague's browser sends one of them as Host)."""
    names = {socket.gethostname().lower()}
    try:
        for info in socket.getaddrinfo(socket.gethostname(), None):
            names.add(str(info[4][0]).lower())
    except OSError:
        pass
    return names


class BackgroundServer:
    """The workbench served from a thread (tests, screenshots, benchmarks): ``with BackgroundServer(...) as url``."""

    def __init__(self, folder: Path | None, *, token: str, config_dir: Path | None = None) -> None:
        import uvicorn

        from .app import create_app

        self.port = free_port()
        self.app = create_app(folder, token=token, config_dir=config_dir)
        self.token = token
        self.server = uvicorn.Server(uvicorn.Config(self.app, host="127.0.0.1", port=self.port, log_level="warning",
                                                    access_log=False, lifespan="off"))
        self.thread = threading.Thread(target=self.server.run, name="skilldoc-ui", daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> BackgroundServer:
        import time

        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("workbench server did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def main() -> None:
    """``skilldoc-ui [文件夹]``: the workbench for a double-click (a console window shows the address)."""
    import sys

    from ..cli import cli

    cli(["ui", *sys.argv[1:]], prog_name="skilldoc")
