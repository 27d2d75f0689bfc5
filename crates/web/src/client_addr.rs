//! Who the client is, as an address, behind reverse proxies.
//!
//! Throttling and the children's flood limits key on the client's address.
//! Behind a reverse proxy the TCP peer is the proxy for every visitor, so the
//! proxy's `X-Forwarded-For` or RFC 7239 `Forwarded` header must be read; but
//! any client can send those headers, so they are believed only when the TCP
//! peer is one of the operator's `--trusted-proxies`. The chain is then read
//! from the right (each proxy appends the address it saw) and the first
//! address that is not itself a trusted proxy is the client: what lies further
//! left was written by the client and proves nothing.

use std::net::IpAddr;
use std::str::FromStr;

/// An address block, `10.0.0.0/8`, `2001:db8::/32` or one address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cidr {
    net: IpAddr,
    bits: u8,
}

impl FromStr for Cidr {
    type Err = String;

    fn from_str(s: &str) -> Result<Cidr, String> {
        let s = s.trim();
        let (addr, bits) = match s.split_once('/') {
            Some((a, b)) => (a, Some(b)),
            None => (s, None),
        };
        let net: IpAddr = addr
            .parse()
            .map_err(|_| format!("not an IP address: {addr:?}"))?;
        let max = if net.is_ipv4() { 32 } else { 128 };
        let bits = match bits {
            None => max,
            Some(b) => b
                .parse::<u8>()
                .ok()
                .filter(|b| *b <= max)
                .ok_or_else(|| format!("not a prefix length (0–{max}): {b:?}"))?,
        };
        Ok(Cidr { net, bits })
    }
}

impl Cidr {
    pub fn contains(&self, ip: IpAddr) -> bool {
        // An IPv4 peer may arrive as ::ffff:a.b.c.d on a dual-stack socket.
        let ip = match ip {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map(IpAddr::V4).unwrap_or(ip),
            v4 => v4,
        };
        match (self.net, ip) {
            (IpAddr::V4(n), IpAddr::V4(a)) => prefix_eq(&n.octets(), &a.octets(), self.bits),
            (IpAddr::V6(n), IpAddr::V6(a)) => prefix_eq(&n.octets(), &a.octets(), self.bits),
            _ => false,
        }
    }
}

fn prefix_eq(a: &[u8], b: &[u8], bits: u8) -> bool {
    let full = usize::from(bits / 8);
    let rest = bits % 8;
    if a[..full] != b[..full] {
        return false;
    }
    if rest == 0 {
        return true;
    }
    let mask = 0xffu8 << (8 - rest);
    (a[full] & mask) == (b[full] & mask)
}

/// A comma-separated list, as `--trusted-proxies` takes it (empty: none).
pub fn parse_list(s: &str) -> Result<Vec<Cidr>, String> {
    s.split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(Cidr::from_str)
        .collect()
}

/// One node of `Forwarded: for=…` or `X-Forwarded-For`: an address, possibly
/// quoted, bracketed (IPv6) or with a port. `None` for `unknown`, `_hidden`…
fn node(s: &str) -> Option<IpAddr> {
    let s = s.trim().trim_matches('"');
    if let Some(rest) = s.strip_prefix('[') {
        return rest.split(']').next()?.parse().ok();
    }
    if let Ok(ip) = s.parse() {
        return Some(ip);
    }
    // IPv4 with a port.
    let (a, _) = s.rsplit_once(':')?;
    a.parse::<std::net::Ipv4Addr>().ok().map(IpAddr::V4)
}

/// The hops the proxies recorded, left (first) to right (last). `Forwarded`
/// wins over `X-Forwarded-For` when both are present. An entry that cannot be
/// read is kept as `None`.
fn chain(headers: &axum::http::HeaderMap) -> Vec<Option<IpAddr>> {
    let forwarded: Vec<&str> = headers
        .get_all(axum::http::header::FORWARDED)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect();
    if !forwarded.is_empty() {
        return forwarded
            .iter()
            .flat_map(|v| v.split(','))
            .filter_map(|element| {
                element.split(';').find_map(|pair| {
                    let (k, v) = pair.split_once('=')?;
                    k.trim().eq_ignore_ascii_case("for").then(|| node(v))
                })
            })
            .collect();
    }
    headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(node)
        .collect()
}

/// The client's address: the TCP peer, unless the peer is a trusted proxy;
/// then the right-most forwarded address that is not a trusted proxy (or the
/// last trusted hop when a proxy wrote something unreadable such as `unknown`,
/// or when every hop is trusted).
pub fn client_ip(peer: IpAddr, headers: &axum::http::HeaderMap, trusted: &[Cidr]) -> IpAddr {
    let is_trusted = |ip: IpAddr| trusted.iter().any(|c| c.contains(ip));
    if !is_trusted(peer) {
        return peer;
    }
    let mut last = peer;
    for hop in chain(headers).into_iter().rev() {
        match hop {
            Some(ip) if is_trusted(ip) => last = ip,
            Some(ip) => return ip,
            None => return last,
        }
    }
    last
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::{HeaderMap, HeaderValue};

    fn ip(s: &str) -> IpAddr {
        s.parse().expect("ip")
    }

    fn h(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut m = HeaderMap::new();
        for (k, v) in pairs {
            m.append(*k, HeaderValue::from_str(v).expect("value"));
        }
        m
    }

    #[test]
    fn cidrs() {
        let c: Cidr = "10.0.0.0/8".parse().expect("cidr");
        assert!(c.contains(ip("10.20.30.40")));
        assert!(!c.contains(ip("11.0.0.1")));
        assert!(c.contains(ip("::ffff:10.1.2.3")));
        let one: Cidr = "192.0.2.7".parse().expect("cidr");
        assert!(one.contains(ip("192.0.2.7")) && !one.contains(ip("192.0.2.8")));
        let v6: Cidr = "2001:db8::/33".parse().expect("cidr");
        assert!(v6.contains(ip("2001:db8:7fff::1")));
        assert!(!v6.contains(ip("2001:db8:8000::1")));
        assert!("10.0.0.0/33".parse::<Cidr>().is_err());
        assert!("proxy".parse::<Cidr>().is_err());
        assert_eq!(parse_list(" 10.0.0.0/8, ::1 ").map(|l| l.len()), Ok(2));
        assert_eq!(parse_list("").map(|l| l.len()), Ok(0));
    }

    #[test]
    fn forwarded_headers_are_believed_only_from_trusted_proxies() {
        let trusted = parse_list("10.0.0.0/8").expect("list");
        let xff = h(&[("x-forwarded-for", "6.6.6.6, 203.0.113.9")]);
        // Not from a proxy: the header is the client's own claim.
        assert_eq!(
            client_ip(ip("198.51.100.1"), &xff, &trusted),
            ip("198.51.100.1")
        );
        // From the proxy: the right-most address it did not write itself.
        assert_eq!(client_ip(ip("10.0.0.2"), &xff, &trusted), ip("203.0.113.9"));
        // Two proxies in a row: both skipped.
        let two = h(&[("x-forwarded-for", "6.6.6.6, 203.0.113.9, 10.0.0.5")]);
        assert_eq!(client_ip(ip("10.0.0.2"), &two, &trusted), ip("203.0.113.9"));
        // RFC 7239, quoted IPv6 with a port and IPv4 with a port; it wins over XFF.
        let fwd = h(&[
            (
                "forwarded",
                "for=6.6.6.6;proto=https, for=\"[2001:db8::7]:4711\"",
            ),
            ("x-forwarded-for", "203.0.113.9"),
        ]);
        assert_eq!(client_ip(ip("10.0.0.2"), &fwd, &trusted), ip("2001:db8::7"));
        let port = h(&[("forwarded", "for=\"192.0.2.43:47011\"")]);
        assert_eq!(client_ip(ip("10.0.0.2"), &port, &trusted), ip("192.0.2.43"));
        // A proxy that does not know: its own address stands for the client.
        let unknown = h(&[("forwarded", "for=6.6.6.6, for=unknown")]);
        assert_eq!(
            client_ip(ip("10.0.0.2"), &unknown, &trusted),
            ip("10.0.0.2")
        );
        // No header: the proxy itself.
        assert_eq!(
            client_ip(ip("10.0.0.2"), &HeaderMap::new(), &trusted),
            ip("10.0.0.2")
        );
        // Nothing trusted: headers ignored.
        assert_eq!(client_ip(ip("10.0.0.2"), &xff, &[]), ip("10.0.0.2"));
    }
}
