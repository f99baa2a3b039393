"""Where the server listens, in the forms a browser sends and a person types.

Host names and addresses are compared in one canonical spelling (``canonical``): an IP
address as ``ipaddress`` writes it (so ``127.1``, ``0x7f.0.0.1`` and ``127.0.0.1`` are
one address, as browsers and the C library read them), a name in lower case without a
trailing dot. Names are resolved with the standard library; for a wildcard (``0.0.0.0``,
``::``) the machine's own addresses are read from its interfaces.
"""

from __future__ import annotations

import contextlib
import fcntl
import ipaddress
import re
import socket
import struct
from pathlib import Path

Address = ipaddress.IPv4Address | ipaddress.IPv6Address

LOCALHOST = "localhost"
# Only digits, hex and dots may be read as a legacy IPv4 spelling (inet_aton would
# also take "1.2.3.4 anything", which is no address).
IPV4_LEGACY = re.compile(r"(0x[0-9a-f]+|[0-9]+)(\.(0x[0-9a-f]+|[0-9]+)){0,3}", re.IGNORECASE)
SIOCGIFADDR = 0x8915  # Linux: an interface's IPv4 address
IF_INET6 = Path("/proc/net/if_inet6")  # Linux: every interface's IPv6 addresses
UNROUTED = {socket.AF_INET: "192.0.2.1", socket.AF_INET6: "2001:db8::1"}  # documentation nets


def address(text: str) -> Address | None:
    """The IP address ``text`` spells (brackets allowed), or None for a name."""
    bare = text[1:-1] if text.startswith("[") and text.endswith("]") else text
    with contextlib.suppress(ValueError):
        return ipaddress.ip_address(bare)
    if IPV4_LEGACY.fullmatch(bare):
        with contextlib.suppress(OSError):
            return ipaddress.IPv4Address(socket.inet_aton(bare))
    return None


def canonical(host: str) -> str:
    """One spelling per host: an address as ``ipaddress`` writes it, a name in lower
    case without the root's dot."""
    ip = address(host)
    return str(ip) if ip is not None else host.lower().rstrip(".")


def is_wildcard(host: str) -> bool:
    """``0.0.0.0`` or ``::``: every address of the machine."""
    ip = address(host)
    return ip is not None and ip.is_unspecified


def resolve(host: str) -> list[Address]:
    """The addresses a name or an address stands for ([] if it resolves to none)."""
    ip = address(host)
    if ip is not None:
        return [ip]
    try:
        found = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        return []
    # The scope of a link-local IPv6 address (fe80::1%eth0) is not part of the address.
    spelled = (str(info[4][0]).split("%")[0] for info in found)
    return list(dict.fromkeys(ip for text in spelled if (ip := address(text)) is not None))


def is_loopback(host: str) -> bool:
    """True when every address ``host`` stands for is this machine's loopback
    (``localhost``, ``127.1``, ``::1``, a name resolving to those)."""
    if canonical(host) == LOCALHOST:
        return True
    found = resolve(host)
    return bool(found) and all(ip.is_loopback for ip in found)


def machine_addresses() -> list[Address]:
    """This machine's addresses, loopback and link-local left out (a browser cannot
    reach a link-local address without its interface)."""
    found = [*_interface_ipv4(), *_interface_ipv6(), *_routed(), *resolve(socket.gethostname())]
    usable = (ip for ip in found if not (ip.is_loopback or ip.is_link_local))
    return list(dict.fromkeys(usable))


def machine_names() -> list[str]:
    """The names this machine calls itself (a student may type them), and its mDNS
    name on a local network (``name.local``)."""
    name = socket.gethostname()
    return [name] if "." in name else [name, f"{name}.local"]


def listening(host: str) -> list[Address]:
    """The addresses a server given ``host`` listens on (a wildcard: the machine's own,
    of the wildcard's family, and loopback)."""
    if not is_wildcard(host):
        return resolve(host)
    version = 4 if address(host) == ipaddress.IPv4Address(0) else 6
    loopback = ipaddress.ip_address("127.0.0.1" if version == 4 else "::1")
    return [ip for ip in [*machine_addresses(), loopback] if ip.version == version]


def url_host(host: str) -> str:
    """``host`` as a URL writes it: an IPv6 address in brackets."""
    ip = address(host)
    if ip is None:
        return canonical(host)
    return f"[{ip}]" if ip.version == 6 else str(ip)


def urls(host: str, port: int) -> list[str]:
    """The addresses to open, one per way in: the name or address given, or for a
    wildcard each of the machine's addresses (loopback when it has no other)."""
    if not is_wildcard(host):
        return [f"http://{url_host(host)}:{port}/"]
    found = listening(host)
    shown = [ip for ip in found if not ip.is_loopback] or found
    return [f"http://{url_host(str(ip))}:{port}/" for ip in shown]


def _interface_ipv4() -> list[Address]:
    """Each interface's IPv4 address (Linux's ioctl; nothing elsewhere)."""
    found: list[Address] = []
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        for _, name in socket.if_nameindex():
            request = struct.pack("256s", name.encode()[:15])
            with contextlib.suppress(OSError):  # no address, or not Linux
                answer = fcntl.ioctl(probe.fileno(), SIOCGIFADDR, request)
                found.append(ipaddress.IPv4Address(answer[20:24]))
    return found


def _interface_ipv6() -> list[Address]:
    """Each interface's IPv6 addresses, from /proc (Linux; nothing elsewhere)."""
    try:
        lines = IF_INET6.read_text().splitlines()
    except OSError:
        return []
    return [ipaddress.IPv6Address(bytes.fromhex(line.split()[0])) for line in lines if line]


def _routed() -> list[Address]:
    """The address each family's default route leaves from (a UDP socket's connect
    sends nothing): the machine's main address where interfaces cannot be listed."""
    found: list[Address] = []
    for family, target in UNROUTED.items():
        with contextlib.suppress(OSError), socket.socket(family, socket.SOCK_DGRAM) as probe:
            probe.connect((target, 9))
            found.append(ipaddress.ip_address(probe.getsockname()[0]))
    return found
