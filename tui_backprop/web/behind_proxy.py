"""What a server needs when several serve one class behind a reverse proxy (README, "In
a browser", "More than one machine"): one token for all of them, read from a file each
is given (``--token-file``), and the address students open, the proxy's
(``--public-url``), which the Host and Origin checks then accept too.

Decisions: the token is read from a file, not from an environment variable, because
every tab's app inherits the server's environment (and ``/proc`` shows it); a file
that does not exist yet is created with a new token (readable by its owner only), so
the first server makes the token the others are given. A public address is
``http://`` or ``https://``, a host and an optional port, nothing after the path's
``/``: the proxy serves the app at its root.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from yarl import URL

from tui_backprop.web import access, addresses

# A token must survive a URL unescaped and resist guessing (16 or more characters).
TOKEN_TEXT = re.compile(r"[A-Za-z0-9._~-]{16,128}")
TOKEN_FILE_BYTES = 1024
DEFAULT_PORTS = {"http": 80, "https": 443}


@dataclass(frozen=True)
class PublicUrl:
    """The proxy's address: what students open and what their pages' Origin is."""

    scheme: str
    host: str  # canonical (``addresses.canonical``)
    port: int

    def __str__(self) -> str:
        port = "" if DEFAULT_PORTS[self.scheme] == self.port else f":{self.port}"
        return f"{self.scheme}://{addresses.url_host(self.host)}{port}/"


def read_public_url(text: str) -> PublicUrl:
    """``--public-url``'s value, or ValueError saying what is wrong in one line."""
    try:
        url = URL(text)
        port = url.port
    except ValueError:
        url, port = URL(), None
    if url.scheme not in DEFAULT_PORTS or not url.raw_host or port is None:
        raise ValueError(f"--public-url: {text}: not an address like https://class.example.org/")
    if url.path not in ("", "/") or url.query_string or url.fragment or url.user:
        raise ValueError(f"--public-url: {text}: only a scheme, a host and a port (served at /)")
    return PublicUrl(url.scheme, addresses.canonical(url.raw_host.strip("[]")), port)


def read_token_file(path: Path) -> str:
    """The token in ``path`` (its first line), a new one written there if it does not
    exist; OSError or ValueError in one line otherwise. A new file appears whole or
    not at all (written aside, then linked, which fails if another server was first)."""
    if path.exists():
        return _token_in(path)
    token = access.new_token()
    aside = path.with_name(f".{path.name}.{os.getpid()}.new")
    fd = os.open(aside, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w") as file:
            file.write(token + "\n")
            file.flush()
            os.fsync(file.fileno())
        os.link(aside, path)
    except FileExistsError:
        return _token_in(path)
    finally:
        aside.unlink(missing_ok=True)
    return token


def _token_in(path: Path) -> str:
    with path.open("rb") as file:
        data = file.read(TOKEN_FILE_BYTES + 1)
    lines = data.decode("utf-8", "replace").splitlines()
    token = lines[0].strip() if lines else ""
    if len(data) > TOKEN_FILE_BYTES or not TOKEN_TEXT.fullmatch(token):
        raise ValueError(
            f"--token-file: {path}: its first line must be the token: 16 to 128 letters, "
            "digits and - . _ ~"
        )
    return token
