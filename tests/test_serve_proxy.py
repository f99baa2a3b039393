"""Two ``backprop-tui --serve`` servers behind nginx, as README's "More than one machine"
recipe sets them up (``docs/nginx-backprop-tui.conf``, with this machine's ports): one
token file, the proxy's address given as ``--public-url``, tabs opened through the
proxy. Skipped when nginx is not installed (``.ci/run`` installs it)."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest

from tests.serving import ROOT, first_screen, free_port, screen_text, serving

aiohttp = pytest.importorskip("aiohttp")
pytest.importorskip("textual_serve")

NGINX = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/sbin")
pytestmark = pytest.mark.skipif(NGINX is None, reason="nginx is not installed")
RECIPE = ROOT / "docs" / "nginx-backprop-tui.conf"
MAIN_CONF = """
daemon off;
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log;
{user}
events {{ worker_connections 256; }}
http {{
    access_log off;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    include {tmp}/site.conf;
}}
"""


def site_conf(port: int, backends: list[int]) -> str:
    """The recipe with this machine's ports: nginx on ``port``, the servers on
    ``backends``."""
    text = RECIPE.read_text()
    servers = "".join(f"    server 127.0.0.1:{b};\n" for b in backends)
    text, found = re.subn(r"(    server \S+:\d+;\n)+", servers, text)
    assert found == 1
    return text.replace("listen 80;", f"listen 127.0.0.1:{port};")


@contextmanager
def nginx(tmp: Path, port: int, backends: list[int]) -> Iterator[None]:
    """nginx with the recipe, in the foreground, until the block ends."""
    assert NGINX is not None
    (tmp / "site.conf").write_text(site_conf(port, backends))
    user = "user root;" if os.geteuid() == 0 else ""  # else its workers are nobody's
    (tmp / "nginx.conf").write_text(MAIN_CONF.format(tmp=tmp, user=user))
    command = [NGINX, "-p", str(tmp), "-c", str(tmp / "nginx.conf")]
    with subprocess.Popen(command, stderr=subprocess.PIPE, text=True) as proc:
        try:
            deadline = time.monotonic() + 10
            while True:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
                except OSError:
                    assert proc.poll() is None, proc.communicate()[1]
                    assert time.monotonic() < deadline, "nginx did not listen"
                    time.sleep(0.05)
            yield
        finally:
            proc.terminate()
            proc.wait(timeout=10)


async def test_tabs_opened_through_nginx_spread_over_two_servers_and_keep_to_one(
    tmp_path: Path,
) -> None:
    port = free_port()
    public = f"http://localhost:{port}"
    token_file = tmp_path / "token"
    flags = ("--token-file", str(token_file), "--public-url", f"{public}/")
    with ExitStack() as stack:
        first = stack.enter_context(serving("xor", *flags))
        token = token_file.read_text().strip()  # the first server wrote it
        second = stack.enter_context(serving("xor", *flags))
        assert first.token == second.token == token
        assert first.urls[0] == second.urls[0] == f"{public}/?token={token}"
        stack.enter_context(nginx(tmp_path, port, [first.port, second.port]))
        ports = {f"backprop-tui-{s.port}": s for s in (first, second)}

        chosen = set()  # each browser's server, named by the cookie it set
        for _ in range(16):
            async with (
                aiohttp.ClientSession() as browser,
                browser.get(f"{public}/?token={token}") as page,
            ):
                assert page.status == 200
                chosen.update(name for name in page.cookies if name in ports)
        assert len(chosen) == 2  # 16 browsers on one server: 1 chance in 32768

        async with aiohttp.ClientSession() as browser:
            async with browser.get(f"{public}/?token={token}") as page:
                (server,) = (ports[name] for name in page.cookies if name in ports)
            async with browser.ws_connect(
                f"{public}/ws?width=100&height=30", headers={"Origin": public}
            ) as ws:  # the token in the cookie only, as the page opens it
                assert "xor 200×2" in screen_text(await first_screen(ws))
                other = second if server is first else first
                assert len(server.apps()) == 1 and other.apps() == []
            async with browser.get(
                f"{public}/ws?width=100&height=30",
                headers={
                    "Origin": "http://elsewhere.example",
                    "Upgrade": "websocket",
                    "Connection": "Upgrade",
                    "Sec-WebSocket-Version": "13",
                    "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
                },
            ) as refused:
                assert refused.status == 403


def test_without_public_url_a_server_refuses_the_proxys_name(tmp_path: Path) -> None:
    port = free_port()
    with serving("xor") as served, nginx(tmp_path, port, [served.port]):
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(f"http://localhost:{port}/?token={served.token}", timeout=10)
        assert refused.value.code == 403
        refused.value.close()
