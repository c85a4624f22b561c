"""Which IP addresses a webhook may reach: public unicast ones only (no SSRF).

A webhook URL is a client's, and the service calls it from inside its own network: an address
of that network, of the machine itself, or of the cloud's metadata service would let a client
read or change what it must never reach. So every special-purpose range of the IANA registries
is refused, each with the reason a client is told, and an IPv6 form that carries an IPv4 address
(mapped, translated, NAT64, 6to4) is judged by the IPv4 address it carries. What is outside the
tables is judged by ``ipaddress``'s own registry (``is_global``), and in IPv6 nothing outside
global unicast (2000::/3) is allowed at all.

The local stack may reach loopback addresses (``allow_loopback``), to deliver to a receiver on
the developer's own machine; the cloud never does.
"""

from __future__ import annotations

from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address

IPAddress = IPv4Address | IPv6Address

_METADATA = "(the instance metadata service)"
_IPV4_RANGES: tuple[tuple[IPv4Network, str], ...] = tuple(
    (IPv4Network(network), reason)
    for network, reason in (
        ("0.0.0.0/32", "unspecified"),
        ("0.0.0.0/8", "in 'this network' (0.0.0.0/8)"),
        ("10.0.0.0/8", "private"),
        ("100.64.0.0/10", "in the shared address space of carrier-grade NAT (100.64.0.0/10)"),
        ("127.0.0.0/8", "loopback"),
        ("169.254.169.254/32", f"link-local {_METADATA}"),
        ("169.254.0.0/16", "link-local"),
        ("172.16.0.0/12", "private"),
        ("192.0.0.0/24", "reserved for IETF protocol assignments (192.0.0.0/24)"),
        ("192.0.2.0/24", "reserved for documentation (192.0.2.0/24)"),
        ("192.88.99.0/24", "a 6to4 relay anycast address (192.88.99.0/24)"),
        ("192.168.0.0/16", "private"),
        ("198.18.0.0/15", "reserved for benchmarking (198.18.0.0/15)"),
        ("198.51.100.0/24", "reserved for documentation (198.51.100.0/24)"),
        ("203.0.113.0/24", "reserved for documentation (203.0.113.0/24)"),
        ("224.0.0.0/4", "multicast"),
        ("255.255.255.255/32", "the broadcast address"),
        ("240.0.0.0/4", "reserved (240.0.0.0/4)"),
    )
)
# IPv6 forms that carry an IPv4 address in their last 32 bits (6to4 carries it in bits 16..48).
_IPV6_CARRIERS: tuple[tuple[IPv6Network, str], ...] = tuple(
    (IPv6Network(network), form)
    for network, form in (
        ("::ffff:0:0/96", "an IPv4-mapped form"),
        ("::ffff:0:0:0/96", "an IPv4-translated form"),
        ("64:ff9b::/96", "a NAT64 form"),
        ("2002::/16", "a 6to4 form"),
    )
)
_IPV6_RANGES: tuple[tuple[IPv6Network, str], ...] = tuple(
    (IPv6Network(network), reason)
    for network, reason in (
        ("::/128", "unspecified"),
        ("::1/128", "loopback"),
        ("::/96", "an IPv4-compatible address (deprecated, ::/96)"),
        ("64:ff9b:1::/48", "reserved for local NAT64 translation (64:ff9b:1::/48)"),
        ("100::/64", "reserved for discarding traffic (100::/64)"),
        ("2001::/32", "a Teredo tunnel address (2001::/32)"),
        ("2001:2::/48", "reserved for benchmarking (2001:2::/48)"),
        ("2001:db8::/32", "reserved for documentation (2001:db8::/32)"),
        ("2001::/23", "reserved for IETF protocol assignments (2001::/23)"),
        ("3fff::/20", "reserved for documentation (3fff::/20)"),
        ("5f00::/16", "reserved for segment routing (5f00::/16)"),
        ("fd00:ec2::254/128", f"unique-local {_METADATA}"),
        ("fc00::/7", "unique-local"),
        ("fe80::/10", "link-local"),
        ("fec0::/10", "site-local (deprecated)"),
        ("ff00::/8", "multicast"),
    )
)
_GLOBAL_UNICAST = IPv6Network("2000::/3")
_SIXTOFOUR = IPv6Network("2002::/16")


def parse_address(text: str) -> IPAddress:
    """An address as a resolver writes it; an IPv6 zone (``fe80::1%eth0``) is dropped, as no
    address with one is ever allowed. Raises ``ValueError`` for anything else."""
    return ip_address(text.split("%", 1)[0])


def refusal(address: IPAddress, *, allow_loopback: bool = False) -> str | None:
    """Why a webhook may not reach ``address``, as the end of a sentence that starts with it
    ("is private"); None: it may."""
    if isinstance(address, IPv6Address):
        for carrier, form in _IPV6_CARRIERS:
            if address in carrier:
                carried = _carried(address, carrier)
                why = refusal(carried, allow_loopback=allow_loopback)
                return None if why is None else f"is {form} of {carried}, which {why}"
    if allow_loopback and address.is_loopback:
        return None
    ranges: tuple[tuple[IPv4Network | IPv6Network, str], ...] = (
        _IPV4_RANGES if isinstance(address, IPv4Address) else _IPV6_RANGES
    )
    for network, reason in ranges:
        if address in network:
            return f"is {reason}"
    if isinstance(address, IPv6Address) and address not in _GLOBAL_UNICAST:
        return "is not a global unicast address (2000::/3)"
    if not address.is_global:
        return "is not a public address"
    return None


def refused_because(address: IPAddress, *, allow_loopback: bool = False) -> str | None:
    """The whole sentence: "169.254.169.254 is link-local (the instance metadata service)"."""
    reason = refusal(address, allow_loopback=allow_loopback)
    return None if reason is None else f"{address_text(address)} {reason}"


def address_text(address: IPAddress) -> str:
    """``address`` as people write it: an IPv4-mapped one as ``::ffff:10.0.0.5`` on every
    Python (3.11 writes ``::ffff:a00:5``)."""
    if isinstance(address, IPv6Address) and address.ipv4_mapped is not None:
        return f"::ffff:{address.ipv4_mapped}"
    return str(address)


def _carried(address: IPv6Address, network: IPv6Network) -> IPv4Address:
    if network == _SIXTOFOUR and address.sixtofour is not None:
        return address.sixtofour
    return IPv4Address(int(address) & 0xFFFFFFFF)
