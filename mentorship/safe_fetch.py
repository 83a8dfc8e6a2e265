"""Fetch an address a user typed, without letting them point the server at itself (SSRF).

Any app may use it (calendar feeds are the first). What it guarantees:

* http and https only; no user:password@ in the address; no cookies, no credentials, no proxy
  from the environment (urllib3 sends none of them on its own).
* The host is resolved once, every address it resolves to is checked, and the connection goes to
  the checked address (the Host header and TLS's SNI and certificate check still name the host):
  a second DNS lookup at connect time could answer differently (DNS rebinding).
* Refused: loopback, private, link-local, shared (CGNAT), reserved, multicast and unspecified
  addresses, IPv4 and IPv6, IPv4-mapped IPv6 (::ffff:127.0.0.1) read as the IPv4 address it maps,
  and anything else Python does not call global.
* Redirects are followed by hand, at most settings.SAFE_FETCH_MAX_REDIRECTS, each target checked
  like the first address.
* The body is streamed and cut at settings.SAFE_FETCH_MAX_BYTES; the whole fetch (every redirect
  included) must finish within settings.SAFE_FETCH_TOTAL_TIMEOUT seconds, each connect within
  SAFE_FETCH_CONNECT_TIMEOUT: a server that dribbles a byte a second is cut off too.

Error reports (Django's) show none of the local variables of these functions (sensitive_variables):
the address, and the host and path taken from it, are secrets of the person who typed them.

settings.SAFE_FETCH_ALLOW_NETWORKS lets listed internal networks through; only the tests set it
(for their local HTTP server). FetchError messages never contain the address: for calendar feeds
the address is itself the secret.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import urllib3
from django.conf import settings
from django.views.decorators.debug import sensitive_variables

USER_AGENT = "MentorshipPlatform-CalendarFetcher/1.0"
_REDIRECTS = (301, 302, 303, 307, 308)


class FetchError(Exception):
    """A fetch that was refused or failed; the message is safe to show and store (no address)."""


@dataclass
class FetchResult:
    status: int  # 200, or 304 (not modified) when conditional headers were sent
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


def _allowed_networks():
    return [ipaddress.ip_network(n, strict=False) for n in settings.SAFE_FETCH_ALLOW_NETWORKS]


def address_refusal(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str | None:
    """Why an address may not be fetched, or None when it may."""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if any(ip in net for net in _allowed_networks()):
        return None
    for attr, words in (("is_unspecified", "an unspecified"), ("is_loopback", "a loopback"),
                        ("is_link_local", "a link-local"), ("is_multicast", "a multicast"),
                        ("is_reserved", "a reserved"), ("is_private", "a private")):
        if getattr(ip, attr):
            return f"The address points to {words} network address, which the server does not fetch."
    if not ip.is_global:
        return "The address points to an internal network address, which the server does not fetch."
    return None


@sensitive_variables()
def _resolve(host: str, port: int) -> str:
    """The one checked IP to connect to: every address the name resolves to must be allowed (a
    name that also resolves to 10.0.0.1 is refused whichever one a connect would pick)."""
    try:
        literal = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        literal = None
    if literal is not None:
        addresses = [literal]
    else:
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError):
            raise FetchError("The address's host name could not be found.") from None
        addresses = [ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos]
        if not addresses:
            raise FetchError("The address's host name could not be found.")
    for ip in addresses:
        refusal = address_refusal(ip)
        if refusal:
            raise FetchError(refusal)
    return str(addresses[0])


@sensitive_variables()
def _check_url(url: str) -> tuple[str, str, int, str]:
    if any(ord(c) <= 32 or ord(c) == 127 for c in url):
        raise FetchError("A web address has no spaces or control characters.")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise FetchError("That is not a valid web address.") from None
    if parts.scheme not in ("http", "https"):
        raise FetchError("Only http and https addresses can be fetched.")
    if not parts.hostname:
        raise FetchError("That is not a valid web address.")
    if parts.username or parts.password:
        raise FetchError("Addresses with a user name or password are not fetched.")
    port = port or (443 if parts.scheme == "https" else 80)
    target = parts.path or "/"
    if parts.query:
        target += "?" + parts.query
    return parts.scheme, parts.hostname, port, target


@sensitive_variables()
def safe_fetch(url: str, *, headers: dict[str, str] | None = None, max_bytes: int | None = None,
               total_timeout: float | None = None) -> FetchResult:
    """GET `url` under the rules above. 200 and 304 are results; any other status is a FetchError."""
    max_bytes = max_bytes or settings.SAFE_FETCH_MAX_BYTES
    deadline = time.monotonic() + (total_timeout or settings.SAFE_FETCH_TOTAL_TIMEOUT)
    extra = dict(headers or {})
    for _hop in range(settings.SAFE_FETCH_MAX_REDIRECTS + 1):
        scheme, host, port, target = _check_url(url)
        ip = _resolve(host, port)
        response = _request(scheme, host, ip, port, target, extra, deadline)
        try:
            if response.status in _REDIRECTS:
                location = response.headers.get("Location")
                if not location:
                    raise FetchError(f"The server answered a redirect ({response.status}) without a target.")
                url = urljoin(url, location)
                continue
            if response.status == 304:
                return FetchResult(304, b"", _headers(response))
            if response.status != 200:
                raise FetchError(f"The server answered {response.status} instead of the calendar.")
            return FetchResult(200, _read_capped(response, max_bytes, deadline), _headers(response))
        finally:
            response.release_conn()
    raise FetchError(f"The address redirected more than {settings.SAFE_FETCH_MAX_REDIRECTS} times.")


def _headers(response) -> dict[str, str]:
    return {k.lower(): v for k, v in response.headers.items()}


def _remaining(deadline: float) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise FetchError("The server took too long to answer.")
    return left


@sensitive_variables()
def _request(scheme, host, ip, port, target, extra, deadline):
    timeout = urllib3.Timeout(connect=min(settings.SAFE_FETCH_CONNECT_TIMEOUT, _remaining(deadline)),
                              read=_remaining(deadline))
    if scheme == "https":
        # Connect to the checked IP; the certificate must still be valid for the host name.
        pool = urllib3.HTTPSConnectionPool(ip, port, timeout=timeout, retries=False, server_hostname=host,
                                           assert_hostname=host, cert_reqs="CERT_REQUIRED")
    else:
        pool = urllib3.HTTPConnectionPool(ip, port, timeout=timeout, retries=False)
    host_header = host if port in (80, 443) else f"{host}:{port}"
    if ":" in host and not host.startswith("["):
        host_header = f"[{host}]" if port in (80, 443) else f"[{host}]:{port}"
    request_headers = {"Host": host_header, "User-Agent": USER_AGENT, "Accept": "text/calendar, */*;q=0.5",
                       "Accept-Encoding": "identity", **extra}
    try:
        return pool.urlopen("GET", target, headers=request_headers, redirect=False, preload_content=False,
                            retries=False, assert_same_host=False)
    except urllib3.exceptions.TimeoutError:
        raise FetchError("The server took too long to answer.") from None
    except urllib3.exceptions.SSLError:
        raise FetchError("The server's secure connection (TLS certificate) could not be verified.") from None
    except (urllib3.exceptions.HTTPError, ValueError, OSError):
        # ValueError: http.client refuses a request target it cannot send (InvalidURL).
        raise FetchError("The server could not be reached.") from None


def _read_capped(response, max_bytes: int, deadline: float) -> bytes:
    declared = response.headers.get("Content-Length")
    if declared and declared.isdigit() and int(declared) > max_bytes:
        raise FetchError(f"The calendar is larger than {max_bytes // (1024 * 1024) or 1} MB.")
    chunks: list[bytes] = []
    size = 0
    try:
        while True:
            _remaining(deadline)
            # read1: at most one read from the socket, so the deadline is checked between the
            # bytes of a server that dribbles them (read(n) would wait for all n).
            chunk = response.read1(64 * 1024, decode_content=True)
            if not chunk:
                break
            size += len(chunk)
            if size > max_bytes:
                raise FetchError(f"The calendar is larger than {max_bytes // (1024 * 1024) or 1} MB.")
            chunks.append(chunk)
    except (TimeoutError, urllib3.exceptions.TimeoutError):
        raise FetchError("The server took too long to answer.") from None
    except urllib3.exceptions.HTTPError:
        raise FetchError("The connection broke while reading the calendar.") from None
    return b"".join(chunks)
