/**
 * The SSRF guard: the one way Foghorn calls a URL that a user configured (webhook contact methods, status
 * page webhook and Slack subscribers, HTTP health checks, the AI endpoint). Someone who may save a URL
 * must not be able to make Foghorn call its own database, the cloud metadata service or anything else
 * on the private network.
 *
 * `createGuardedFetch(options)` returns a fetch that:
 *
 * 1. accepts only http: and https: URLs, parsed by WHATWG URL, so 2130706433, 0x7f.1 and
 *    [::ffff:127.0.0.1] arrive as the addresses they are;
 * 2. resolves the host once, all its addresses, and refuses when any of them is blocked (addresses.ts)
 *    unless `security.outboundAllow` names the host name or a network containing the address;
 * 3. connects to exactly the addresses it checked: the resolution happens inside the connection's own
 *    lookup, which hands the checked addresses to the socket, so a DNS answer that changes between the
 *    check and the connection (DNS rebinding) cannot move it. The Host header and TLS SNI stay the host
 *    name;
 * 4. never follows a redirect: the 3xx answer is returned as it is (redirect: "manual"), and each caller
 *    treats it as a failure that says the redirect was not followed (a health check may expect a 3xx).
 *
 * It uses the `undici` package's own fetch and Agent (not Node's bundled copy), so the dispatcher and the
 * fetch always match.
 */
import { lookup as dnsLookup } from "node:dns/promises";
import { isIP, type LookupFunction } from "node:net";
import { Agent, fetch as undiciFetch } from "undici";
import {
  allowsAddress,
  allowsHost,
  blockedRange,
  type OutboundAllowList,
  parseAllowList,
} from "./addresses.ts";

/** Resolves a host name to all its addresses (tests inject one that asks a local DNS server). */
export type ResolveHost = (hostname: string) => Promise<string[]>;

export interface OutboundGuardOptions {
  /** `security.outboundAllow`: CIDRs, addresses and host names that may be reached although private. */
  allow?: readonly string[] | undefined;
  /** DNS resolution; the system resolver (getaddrinfo, as everything else uses) by default. */
  resolve?: ResolveHost | undefined;
  /** How long connecting may take. Default 10 s. */
  connectTimeoutMs?: number | undefined;
}

/** The setting that allows a refused address; named in every refusal. */
export const ALLOW_SETTING = "security.outboundAllow";

/** A request the guard refused before any connection was made. Not retryable: the URL must change. */
export class OutboundRefusedError extends Error {
  override readonly name = "OutboundRefusedError";
  readonly code = "ERR_OUTBOUND_REFUSED";
}

const systemResolve: ResolveHost = async (hostname) =>
  (await dnsLookup(hostname, { all: true, verbatim: true })).map((a) => a.address);

const bare = (hostname: string) => hostname.replace(/^\[(.*)\]$/, "$1");

/**
 * Why `address` (reached for `host`) is refused, or undefined when it may be reached: public, or allowed
 * by the allowlist's networks or host names.
 */
function refusal(list: OutboundAllowList, host: string, address: string): string | undefined {
  const range = blockedRange(address);
  if (!range || allowsAddress(list, address) || allowsHost(list, host)) return undefined;
  const subject = bare(host) === address ? `${address} is` : `${host} resolves to ${address},`;
  return (
    `${subject} ${range.what} (${range.range}${range.carries ? `, as it carries ${range.carries}` : ""}), ` +
    "which outbound requests may not reach; " +
    `add it to ${ALLOW_SETTING} to allow it (an address, a CIDR such as ${range.range}, or the host name)`
  );
}

/** The host's addresses, all checked; throws OutboundRefusedError when any is refused. */
async function resolveChecked(
  list: OutboundAllowList,
  resolve: ResolveHost,
  hostname: string,
): Promise<string[]> {
  const host = bare(hostname);
  const addresses = isIP(host) ? [host] : await resolve(host);
  if (addresses.length === 0)
    throw Object.assign(new Error(`host not found (${host})`), { code: "ENOTFOUND" });
  for (const address of addresses) {
    const why = refusal(list, host, address);
    if (why) throw new OutboundRefusedError(why);
  }
  return addresses;
}

/** The socket's lookup: resolves once, checks every address, and hands over exactly those. */
function guardedLookup(list: OutboundAllowList, resolve: ResolveHost): LookupFunction {
  return (hostname, options, callback) => {
    resolveChecked(list, resolve, hostname).then(
      (addresses) => {
        const wanted = options.family === 4 || options.family === 6 ? options.family : 0;
        const usable = addresses
          .map((address) => ({ address, family: isIP(address) }))
          .filter((a) => wanted === 0 || a.family === wanted);
        const first = usable[0];
        if (!first) {
          const error = Object.assign(new Error(`no IPv${wanted} address for ${hostname}`), {
            code: "ENOTFOUND",
            hostname,
          });
          callback(error as NodeJS.ErrnoException, "", 0);
          return;
        }
        if (options.all) (callback as unknown as (e: null, a: typeof usable) => void)(null, usable);
        else callback(null, first.address, first.family);
      },
      (error: NodeJS.ErrnoException) => callback(error, "", 0),
    );
  };
}

/** The refusal inside fetch's "fetch failed" (the lookup's error is its cause), if that is what it was. */
function refusedCause(error: unknown): OutboundRefusedError | undefined {
  let inner: unknown = error;
  for (let depth = 0; depth < 4 && inner instanceof Error; depth++) {
    if (inner instanceof OutboundRefusedError) return inner;
    inner = inner.cause;
  }
  return undefined;
}

/**
 * A fetch for user-configured URLs, guarded as the module comment says. Refusals reject with
 * OutboundRefusedError before anything is sent; other failures are fetch's own ("fetch failed" with the
 * system error as cause).
 */
export function createGuardedFetch(options: OutboundGuardOptions = {}): typeof fetch {
  const list = parseAllowList(options.allow ?? []);
  const resolve = options.resolve ?? systemResolve;
  const agent = new Agent({
    connect: { lookup: guardedLookup(list, resolve), timeout: options.connectTimeoutMs ?? 10_000 },
  });
  const guarded = async (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    const text = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      throw new OutboundRefusedError(
        "the URL is not a valid URL (it is not repeated here: it may hold a key)",
      );
    }
    if (url.protocol !== "http:" && url.protocol !== "https:")
      throw new OutboundRefusedError(`${url.protocol} URLs are refused: only http and https can be called`);
    // An IP literal is never looked up by the socket: check it here (URL already normalised its notation).
    if (isIP(bare(url.hostname))) await resolveChecked(list, resolve, url.hostname);
    const request = input instanceof Request ? input : undefined;
    try {
      const response = await undiciFetch(url, {
        ...(request
          ? { method: request.method, headers: request.headers, body: request.body, duplex: "half" }
          : {}),
        ...(init as Record<string, unknown>),
        redirect: "manual",
        dispatcher: agent,
      } as Parameters<typeof undiciFetch>[1]);
      return response as unknown as Response;
    } catch (error) {
      throw refusedCause(error) ?? error;
    }
  };
  return guarded as typeof fetch;
}

/** One guarded request (a fetch made for this call only); use createGuardedFetch for more than one. */
export function guardedFetch(
  url: string | URL,
  init: RequestInit = {},
  options: OutboundGuardOptions = {},
): Promise<Response> {
  return createGuardedFetch(options)(url, init);
}
