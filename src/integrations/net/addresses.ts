/**
 * Which IP addresses an outbound request to a user-configured URL must not reach, and the allowlist
 * (`security.outboundAllow`) that lets named ones through. Pure functions over address text; the guard
 * that uses them is ssrf.ts.
 *
 * Blocked: loopback, private, link-local (the cloud metadata address 169.254.169.254 among them),
 * carrier-grade NAT, "this network", IETF protocol assignments, benchmarking, multicast, reserved and
 * broadcast; IPv6 unspecified, loopback, unique local, link-local, site-local and multicast; and any IPv6
 * form that carries one of the blocked IPv4 addresses inside it: IPv4-mapped (::ffff:a.b.c.d),
 * IPv4-compatible (::a.b.c.d), NAT64 (64:ff9b::/96, 64:ff9b:1::/48) and 6to4 (2002::/16).
 *
 * Documentation ranges (192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24, 2001:db8::/32) are not blocked:
 * nothing on the internet routes them, so blocking them protects nothing, and the SSRF tests use one as
 * their "public" network.
 */
import { isIPv4, isIPv6 } from "node:net";

/** Why an address is blocked: the range it is in and what that range is, in words. */
export interface BlockedRange {
  /** The range in CIDR notation, e.g. "10.0.0.0/8". */
  range: string;
  /** "a private address", "the cloud metadata address", … */
  what: string;
  /** The IPv4 address an IPv6 form carries, when that is what was judged. */
  carries?: string;
}

interface Net {
  version: 4 | 6;
  /** The network address as a number (32 or 128 bits). */
  base: bigint;
  prefix: number;
}

const V4_BLOCKED: readonly (readonly [string, string])[] = [
  ["169.254.169.254/32", "the cloud metadata address"],
  ["0.0.0.0/8", "a 'this network' address"],
  ["10.0.0.0/8", "a private address"],
  ["100.64.0.0/10", "a shared (carrier-grade NAT) address"],
  ["127.0.0.0/8", "a loopback address"],
  ["169.254.0.0/16", "a link-local address"],
  ["172.16.0.0/12", "a private address"],
  ["192.0.0.0/24", "an IETF protocol assignment address"],
  ["192.168.0.0/16", "a private address"],
  ["198.18.0.0/15", "a benchmarking address"],
  ["224.0.0.0/4", "a multicast address"],
  ["240.0.0.0/4", "a reserved or broadcast address"],
];

const V6_BLOCKED: readonly (readonly [string, string])[] = [
  ["::/128", "the unspecified address"],
  ["::1/128", "a loopback address"],
  ["fc00::/7", "a unique local (private) address"],
  ["fe80::/10", "a link-local address"],
  ["fec0::/10", "a site-local address"],
  ["ff00::/8", "a multicast address"],
];

/** 32-bit number of a dotted IPv4 address (as net.isIPv4 accepts it). */
function v4ToBigInt(address: string): bigint {
  return address.split(".").reduce((acc, part) => (acc << 8n) | BigInt(Number(part)), 0n);
}

function bigIntToV4(value: bigint): string {
  return [24n, 16n, 8n, 0n].map((shift) => String((value >> shift) & 0xffn)).join(".");
}

/** 128-bit number of an IPv6 address (as net.isIPv6 accepts it; a zone "%eth0" is dropped). */
function v6ToBigInt(address: string): bigint {
  let text = address.split("%")[0] ?? address;
  // A dotted IPv4 tail (::ffff:1.2.3.4) becomes two groups.
  const tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (tail?.[1]) {
    const v4 = v4ToBigInt(tail[1]);
    text = `${text.slice(0, -tail[1].length)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const [head = "", rest] = text.split("::", 2) as [string, string | undefined];
  const headGroups = head === "" ? [] : head.split(":");
  const tailGroups = rest === undefined || rest === "" ? [] : rest.split(":");
  const missing = 8 - headGroups.length - tailGroups.length;
  const groups =
    rest === undefined ? headGroups : [...headGroups, ...Array(missing).fill("0"), ...tailGroups];
  return groups.reduce((acc, group) => (acc << 16n) | BigInt(Number.parseInt(group, 16)), 0n);
}

/** Parses "10.0.0.0/8", "fd00::/8" or a single address (a /32 or /128); undefined when it is neither. */
export function parseCidr(text: string): Net | undefined {
  const [address = "", prefixText, extra] = text.trim().split("/");
  if (extra !== undefined) return undefined;
  const bare = address.replace(/^\[(.*)\]$/, "$1");
  const version = isIPv4(bare) ? 4 : isIPv6(bare) ? 6 : undefined;
  if (!version) return undefined;
  const bits = version === 4 ? 32 : 128;
  if (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText)) return undefined;
  const prefix = prefixText === undefined ? bits : Number(prefixText);
  if (prefix > bits) return undefined;
  const value = version === 4 ? v4ToBigInt(bare) : v6ToBigInt(bare);
  const hostBits = BigInt(bits - prefix);
  return { version, base: (value >> hostBits) << hostBits, prefix };
}

function contains(net: Net, version: 4 | 6, value: bigint): boolean {
  if (net.version !== version) return false;
  const hostBits = BigInt((version === 4 ? 32 : 128) - net.prefix);
  return value >> hostBits === net.base >> hostBits;
}

const blocked4 = V4_BLOCKED.map(([range, what]) => ({ net: parseCidr(range) as Net, range, what }));
const blocked6 = V6_BLOCKED.map(([range, what]) => ({ net: parseCidr(range) as Net, range, what }));

/**
 * The IPv4 address an IPv6 address carries and would reach: IPv4-mapped ::ffff:a.b.c.d, IPv4-compatible
 * ::a.b.c.d, NAT64 64:ff9b::a.b.c.d (and the local-use 64:ff9b:1::/48), 6to4 2002:AABB:CCDD::.
 */
export function embeddedIPv4(address: string): string | undefined {
  if (!isIPv6(address)) return undefined;
  const value = v6ToBigInt(address);
  const top96 = value >> 32n;
  const low32 = value & 0xffffffffn;
  if (top96 === 0xffffn) return bigIntToV4(low32); // ::ffff:0:0/96
  if (top96 === 0n && low32 > 1n) return bigIntToV4(low32); // ::/96 (not :: or ::1)
  if (top96 === 0x0064ff9b0000000000000000n) return bigIntToV4(low32); // 64:ff9b::/96
  if (value >> 80n === 0x0064ff9b0001n) return bigIntToV4(low32); // 64:ff9b:1::/48
  if (value >> 112n === 0x2002n) return bigIntToV4((value >> 80n) & 0xffffffffn); // 2002::/16
  return undefined;
}

/**
 * Why `address` (an IPv4 or IPv6 address, as DNS or a URL gives it) must not be reached, or undefined
 * when it is a public address. IPv6 forms carrying an IPv4 address are judged by that IPv4 address.
 * Text that is not an IP address is blocked: the guard only ever connects to addresses.
 */
export function blockedRange(address: string): BlockedRange | undefined {
  const bare = address.replace(/^\[(.*)\]$/, "$1");
  if (isIPv4(bare)) {
    const value = v4ToBigInt(bare);
    return blocked4.find((b) => contains(b.net, 4, value));
  }
  if (!isIPv6(bare)) return { range: bare, what: "not an IP address" };
  const inner = embeddedIPv4(bare);
  if (inner !== undefined) {
    const found = blockedRange(inner);
    return found ? { ...found, carries: inner } : undefined;
  }
  const value = v6ToBigInt(bare);
  return blocked6.find((b) => contains(b.net, 6, value));
}

/** The parsed `security.outboundAllow`: networks (CIDR or single addresses) and host names. */
export interface OutboundAllowList {
  readonly nets: readonly Net[];
  /** Lower-case host names; "*.example.com" allows every name below example.com. */
  readonly hosts: readonly string[];
}

const HOST_NAME =
  /^(\*\.)?([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)(\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*\.?$/i;

/** Why an allowlist entry is unusable, or undefined when it is an address, a CIDR or a host name. */
export function allowEntryProblem(entry: string): string | undefined {
  const text = entry.trim();
  if (text.includes("/") || text.includes(":") || /^[\d.]+$/.test(text))
    return parseCidr(text)
      ? undefined
      : `${JSON.stringify(entry)} is not an IP address or CIDR such as 10.0.0.0/8, 10.1.2.3 or fd00::/8`;
  return HOST_NAME.test(text)
    ? undefined
    : `${JSON.stringify(entry)} is not a host name (grafana.internal, *.svc.cluster.local), an IP address or a CIDR`;
}

/** Parses the allowlist; throws on an entry allowEntryProblem refuses (config validation reports those first). */
export function parseAllowList(entries: readonly string[] = []): OutboundAllowList {
  const nets: Net[] = [];
  const hosts: string[] = [];
  for (const entry of entries) {
    const problem = allowEntryProblem(entry);
    if (problem) throw new Error(`security.outboundAllow: ${problem}`);
    const net = parseCidr(entry);
    if (net) nets.push(net);
    else hosts.push(entry.trim().toLowerCase().replace(/\.$/, ""));
  }
  return { nets, hosts };
}

/** Whether the allowlist names `hostname` (a URL's host name, not an address). */
export function allowsHost(list: OutboundAllowList, hostname: string): boolean {
  const name = hostname.toLowerCase().replace(/\.$/, "");
  return list.hosts.some((host) =>
    host.startsWith("*.") ? name.endsWith(host.slice(1)) && name.length > host.length - 1 : host === name,
  );
}

/** Whether a network of the allowlist contains `address` (or the IPv4 address an IPv6 form carries). */
export function allowsAddress(list: OutboundAllowList, address: string): boolean {
  const bare = address.replace(/^\[(.*)\]$/, "$1");
  const candidates: [4 | 6, bigint][] = [];
  if (isIPv4(bare)) candidates.push([4, v4ToBigInt(bare)]);
  else if (isIPv6(bare)) {
    candidates.push([6, v6ToBigInt(bare)]);
    const inner = embeddedIPv4(bare);
    if (inner !== undefined) candidates.push([4, v4ToBigInt(inner)]);
  }
  return list.nets.some((net) => candidates.some(([version, value]) => contains(net, version, value)));
}
