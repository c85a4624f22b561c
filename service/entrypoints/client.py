"""Who is on the other end: the client address that failed key checks are counted against.

* Locally, the socket's peer (uvicorn's ``scope["client"]``).
* On Lambda, API Gateway's ``requestContext.http.sourceIp`` (Mangum puts it in
  ``scope["client"]``): the address that opened the connection to the gateway. For a call
  straight to the gateway's own URL that is the caller; for a call through CloudFront it is
  a CloudFront edge server, shared by every viewer that edge serves.
* So CloudFront's viewer-request function (``infra/web.py``) writes the viewer's address
  (``event.viewer.ip``, which the viewer cannot choose) into ``X-Viewer-Address``, over
  whatever the viewer sent, and the API origin gets ``X-Origin-Verify`` with a secret the
  stack shares with the function's environment. The viewer address is believed only next
  to that secret: anyone can send either header straight to the gateway, nobody can send
  the secret. ``X-Forwarded-For`` is never read: its entries left of the last proxy's are
  whatever the client wrote.

IPv6 addresses count per /64, the block one subscriber is usually given: otherwise each
guess could come from an address of its own.
"""

from __future__ import annotations

import hmac
import ipaddress

from starlette.requests import HTTPConnection

ORIGIN_SECRET_HEADER = "x-origin-verify"
VIEWER_ADDRESS_HEADER = "x-viewer-address"
UNKNOWN = "unknown"


def client_address(connection: HTTPConnection, origin_secret: str | None) -> str:
    if origin_secret:
        presented = connection.headers.get(ORIGIN_SECRET_HEADER, "")
        viewer = _address(connection.headers.get(VIEWER_ADDRESS_HEADER))
        if viewer is not None and hmac.compare_digest(presented.encode(), origin_secret.encode()):
            return viewer
    peer = connection.client
    if peer is None or not peer.host:
        return UNKNOWN
    return _address(peer.host) or peer.host  # a name, such as the test client's


def _address(text: str | None) -> str | None:
    try:
        address = ipaddress.ip_address((text or "").strip())
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is None:
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return str(address.ipv4_mapped)
    return str(address)
