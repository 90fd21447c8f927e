"""What came back over the wire, and a failed exchange told in a tech's words."""

from __future__ import annotations

import ipaddress
import json
import re
import socket
import ssl
import urllib.request
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx

from rf_tui.api.errors import ApiError
from rf_tui.doctor.model import secs
from rf_tui.text import one_line, shown_url


@dataclass
class Answer:
    response: httpx.Response
    body: bytes
    seconds: float
    #: This machine's time halfway through the exchange, to set against ``Date``.
    middle: datetime

    @property
    def status(self) -> int:
        return self.response.status_code

    @property
    def content_type(self) -> str:
        return str(self.response.headers.get("content-type", "")).split(";")[0].strip().lower()

    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def is_json(self) -> bool:
        try:
            self.json()
        except ValueError:
            return False
        return True

    @property
    def is_html(self) -> bool:
        head = self.body[:512].lstrip().lower()
        return "html" in self.content_type or head.startswith((b"<!doctype", b"<html"))

    def detail(self) -> str:
        """The server's ``detail``, shown literally (sanitised), or ``""``."""
        try:
            data = self.json()
        except ValueError:
            return ""
        detail = data.get("detail") if isinstance(data, dict) else None
        if isinstance(detail, dict):
            detail = detail.get("message")
        return one_line(str(detail), 120) if detail else ""


def host_port(url: str) -> str:
    """host:port, never the user name or password an address may carry."""
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    return f"{parts.hostname}:{port}"


def env_proxy(url: str) -> str | None:
    """The proxy httpx will send ``url`` through (HTTPS_PROXY and the like), if any."""
    parts = urlsplit(url)
    proxies = urllib.request.getproxies_environment()
    proxy = proxies.get(parts.scheme) or proxies.get("all")
    host = parts.hostname or ""
    bypass = [e.strip().lstrip(".") for e in proxies.get("no", "").split(",") if e.strip()]
    if not proxy or any(e == "*" or host == e or host.endswith("." + e) for e in bypass):
        return None
    return shown_url(proxy)


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def with_scheme(url: str, scheme: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((scheme, parts.netloc, parts.path, "", ""))


def html_title(body: bytes) -> str:
    found = re.search(rb"<title[^>]*>(.*?)</title>", body[:65536], re.I | re.S)
    return one_line(found.group(1).decode("utf-8", "replace"), 60) if found else ""


def error_chain(exc: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    item: BaseException | None = exc
    while item is not None and item not in seen:
        seen.append(item)
        item = item.__cause__ or item.__context__
    return seen


def transport_problem(
    exc: BaseException, server: str, ca_bundle: str | None, wait: float, connect: float = 5.0
) -> tuple[str, str]:
    """A failed exchange as (finding, advice), told as precisely as the error allows."""
    parts = urlsplit(server)
    host = parts.hostname or "the server"
    where = host_port(server)
    chain = error_chain(exc)
    proxy = env_proxy(server)
    first_hop = (socket.gaierror, ConnectionRefusedError, httpx.ConnectTimeout)
    if proxy and any(isinstance(e, first_hop) for e in chain):
        # The first hop is the proxy: a refusal or a name that does not resolve is its.
        why = "did not answer" if isinstance(exc, httpx.ConnectTimeout) else "could not be reached"
        return (
            f"the proxy {proxy} (HTTPS_PROXY or HTTP_PROXY) {why}",
            f"Check the proxy settings, or bypass the proxy for this host with NO_PROXY={host}.",
        )
    verify = next((e for e in chain if isinstance(e, ssl.SSLCertVerificationError)), None)
    if verify is not None:
        why = one_line(verify.verify_message or str(verify), 100)
        if "expired" in why:
            return (
                f"the TLS certificate of {host} has expired ({why})",
                "Its owner must renew it; rf-tui always verifies TLS.",
            )
        if "mismatch" in why.lower() or "not valid for" in why:
            return (
                f"the TLS certificate is not for the name {host} ({why})",
                "Use the name the certificate was issued for, or ask its owner to add this one.",
            )
        if ca_bundle:
            return (
                f"the TLS certificate of {host} could not be verified ({why}), "
                f"even with the CA bundle {ca_bundle}",
                "Check that the bundle holds the CA that signed the server's certificate "
                "(and any intermediate).",
            )
        return (
            f"the TLS certificate of {host} could not be verified ({why})",
            "If your company uses a private CA, pass its certificate: --ca-bundle PATH "
            "(or ca_bundle = in the profile). rf-tui never turns verification off.",
        )
    tls = next((e for e in chain if isinstance(e, ssl.SSLError)), None)
    if tls is not None:
        reason = str(getattr(tls, "reason", "") or tls)
        if any(k in reason.upper() for k in ("WRONG_VERSION", "RECORD_LAYER", "PACKET_LENGTH")):
            plain = with_scheme(server, "http")
            return (
                f"{where} does not speak TLS: https:// went to a plain-HTTP port",
                f"Use the server's https port, or {shown_url(plain)} on a trusted network only.",
            )
        return (f"TLS with {where} failed ({one_line(reason, 80)})", "Ask the server's owner.")
    if any(isinstance(e, socket.gaierror) for e in chain):
        return (
            f"the name {host} does not resolve (DNS)",
            "Check the spelling. If it is an internal name, connect the VPN or use the DNS "
            "server that knows it.",
        )
    if any(isinstance(e, ConnectionRefusedError) for e in chain):
        return (
            f"{where} refused the connection: nothing listens there",
            "Is the server running, and is the port right? (https is 443 unless the address "
            "names a port, http 80.)",
        )
    if isinstance(exc, httpx.ConnectTimeout):
        return (
            f"no connection to {where} within {connect:g} s",
            "Is this machine allowed through to it (VPN, firewall)? Is the address right?",
        )
    if isinstance(exc, TimeoutError | httpx.TimeoutException):
        return (
            f"{where} accepted the connection but did not answer within {secs(wait)} s",
            "The server or a proxy in front of it is stuck or very slow; try again, then "
            "tell whoever runs it.",
        )
    if isinstance(exc, httpx.RemoteProtocolError | httpx.ReadError) and parts.scheme == "http":
        secure = with_scheme(server, "https")
        return (
            f"{where} closed the connection without an HTTP answer",
            f"If that port speaks https, use {shown_url(secure)}.",
        )
    if isinstance(exc, httpx.ProxyError):
        return (
            f"the proxy refused to reach {where} ({one_line(str(exc), 60)})",
            "Check the proxy settings (HTTPS_PROXY, HTTP_PROXY), or bypass it for this "
            f"host with NO_PROXY={host}.",
        )
    if isinstance(exc, ApiError):
        return (exc.message, "")
    return (f"the connection to {where} broke ({type(exc).__name__})", "Try again.")
