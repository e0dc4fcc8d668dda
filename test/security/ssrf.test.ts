// The SSRF guard (src/integrations/net/ssrf.ts): the address classifier over every blocked range and the
// odd ways to write an address; then, end to end over a real network, a "public" HTTP server in its own
// network namespace (a TEST-NET-3 address over a veth pair), a private server on 127.0.0.1 on the same
// port, and a hand-rolled DNS server that rebinds names. Needs root for `ip netns` (the CI machine is).
import assert from "node:assert/strict";
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { randomInt } from "node:crypto";
import { createSocket, type Socket } from "node:dgram";
import { Resolver } from "node:dns/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, test } from "node:test";
import { ChannelError } from "#app/ports.ts";
import { ManualClock } from "#domain/time.ts";
import {
  allowEntryProblem,
  allowsAddress,
  blockedRange,
  embeddedIPv4,
  parseAllowList,
} from "#integrations/net/addresses.ts";
import { createGuardedFetch, OutboundRefusedError } from "#integrations/net/ssrf.ts";
import { postJson } from "#integrations/webhook/channel.ts";

describe("address classifier", () => {
  const blocked: [string, string][] = [
    ["0.0.0.0", "0.0.0.0/8"],
    ["0.255.1.1", "0.0.0.0/8"],
    ["10.1.2.3", "10.0.0.0/8"],
    ["100.64.0.1", "100.64.0.0/10"],
    ["100.127.255.254", "100.64.0.0/10"],
    ["127.0.0.1", "127.0.0.0/8"],
    ["127.255.255.254", "127.0.0.0/8"],
    ["169.254.169.254", "169.254.169.254/32"],
    ["169.254.1.1", "169.254.0.0/16"],
    ["172.16.0.1", "172.16.0.0/12"],
    ["172.31.255.255", "172.16.0.0/12"],
    ["192.0.0.8", "192.0.0.0/24"],
    ["192.168.1.1", "192.168.0.0/16"],
    ["198.18.0.1", "198.18.0.0/15"],
    ["198.19.255.255", "198.18.0.0/15"],
    ["224.0.0.1", "224.0.0.0/4"],
    ["239.255.255.250", "224.0.0.0/4"],
    ["240.0.0.1", "240.0.0.0/4"],
    ["255.255.255.255", "240.0.0.0/4"],
    ["::", "::/128"],
    ["::1", "::1/128"],
    ["0:0:0:0:0:0:0:1", "::1/128"],
    ["fc00::1", "fc00::/7"],
    ["fd00:ec2::254", "fc00::/7"],
    ["fe80::1", "fe80::/10"],
    ["fe80::1%eth0", "fe80::/10"],
    ["febf::1", "fe80::/10"],
    ["ff02::1", "ff00::/8"],
    // IPv6 forms carrying an IPv4 address are judged by it.
    ["::ffff:127.0.0.1", "127.0.0.0/8"],
    ["::ffff:7f00:1", "127.0.0.0/8"],
    ["::ffff:a9fe:a9fe", "169.254.169.254/32"],
    ["::ffff:10.0.0.1", "10.0.0.0/8"],
    ["::127.0.0.1", "127.0.0.0/8"],
    ["::a00:1", "10.0.0.0/8"],
    ["64:ff9b::10.0.0.1", "10.0.0.0/8"],
    ["64:ff9b::7f00:1", "127.0.0.0/8"],
    ["64:ff9b::a9fe:a9fe", "169.254.169.254/32"],
    ["64:ff9b:1::c0a8:101", "192.168.0.0/16"],
    ["2002:7f00:1::", "127.0.0.0/8"],
    ["2002:c0a8:101::1", "192.168.0.0/16"],
  ];
  for (const [address, range] of blocked)
    test(`${address} is blocked (${range})`, () => {
      assert.equal(blockedRange(address)?.range, range);
    });

  const open = [
    "1.1.1.1",
    "8.8.8.8",
    "9.255.255.255",
    "11.0.0.0",
    "100.63.255.255",
    "100.128.0.0",
    "126.255.255.255",
    "128.0.0.0",
    "169.253.255.255",
    "169.255.0.0",
    "172.15.255.255",
    "172.32.0.0",
    "192.0.1.1",
    "192.167.255.255",
    "192.169.0.0",
    "198.17.255.255",
    "198.20.0.0",
    "223.255.255.255",
    // Documentation ranges: nothing routes them; the end-to-end tests below use 203.0.113.0/24.
    "192.0.2.1",
    "198.51.100.7",
    "203.0.113.10",
    "2001:db8::1",
    "2606:4700:4700::1111",
    "::ffff:8.8.8.8",
    "64:ff9b::808:808",
    "2002:808:808::",
    "fbff:ffff::1",
    "2a00:1450::1",
  ];
  for (const address of open)
    test(`${address} is public`, () => {
      assert.equal(blockedRange(address), undefined);
    });

  test("site-local fec0::/10 and text that is not an address are blocked", () => {
    assert.equal(blockedRange("fec0::1")?.range, "fec0::/10");
    assert.equal(blockedRange("localhost")?.what, "not an IP address");
  });

  test("embedded IPv4 addresses are found in every IPv6 form that carries one", () => {
    assert.equal(embeddedIPv4("::ffff:1.2.3.4"), "1.2.3.4");
    assert.equal(embeddedIPv4("::1.2.3.4"), "1.2.3.4");
    assert.equal(embeddedIPv4("64:ff9b::102:304"), "1.2.3.4");
    assert.equal(embeddedIPv4("2002:102:304::"), "1.2.3.4");
    assert.equal(embeddedIPv4("::1"), undefined);
    assert.equal(embeddedIPv4("2001:db8::1"), undefined);
  });

  test("odd notations are normalised by WHATWG URL, then refused without a connection", async () => {
    const guarded = createGuardedFetch({
      resolve: async () => assert.fail("an IP literal is never looked up"),
    });
    for (const [url, address] of [
      ["http://2130706433/", "127.0.0.1"],
      ["http://0x7f.1/", "127.0.0.1"],
      ["http://0177.0.0.1/", "127.0.0.1"],
      ["http://127.1/", "127.0.0.1"],
      ["http://0x7f000001/", "127.0.0.1"],
      ["http://[::ffff:127.0.0.1]/", "::ffff:7f00:1"],
      ["http://[::ffff:169.254.169.254]/latest/meta-data/", "::ffff:a9fe:a9fe"],
      ["http://[0:0:0:0:0:0:0:1]:8080/", "::1"],
      ["http://0/", "0.0.0.0"],
      ["http://169.254.169.254/latest/meta-data/", "169.254.169.254"],
      ["http://[64:ff9b::a00:1]/", "64:ff9b::a00:1"],
    ] as const) {
      await assert.rejects(guarded(url), (error: unknown) => {
        assert.ok(error instanceof OutboundRefusedError, `${url}: ${String(error)}`);
        assert.ok(error.message.startsWith(`${address} is `), `${url}: ${error.message}`);
        assert.match(error.message, /add it to security\.outboundAllow to allow it/);
        return true;
      });
    }
    for (const url of ["ftp://example.com/", "file:///etc/passwd", "gopher://127.0.0.1/"])
      await assert.rejects(guarded(url), /only http and https can be called/);
  });

  test("allowlist entries: addresses, CIDRs (mapped forms too) and host names; nonsense is refused", () => {
    const list = parseAllowList(["10.20.0.0/16", "127.0.0.1", "fd00::/8", "grafana.internal", "*.svc.local"]);
    assert.ok(allowsAddress(list, "10.20.3.4"));
    assert.ok(allowsAddress(list, "::ffff:10.20.3.4"));
    assert.ok(allowsAddress(list, "127.0.0.1"));
    assert.ok(!allowsAddress(list, "127.0.0.2"));
    assert.ok(allowsAddress(list, "fd12::1"));
    assert.ok(!allowsAddress(list, "10.21.0.1"));
    for (const bad of ["10.0.0.0/33", "10.0.0", "300.1.1.1", "http://x/", "fd00::/129", "a b"])
      assert.ok(allowEntryProblem(bad), bad);
    assert.throws(() => parseAllowList(["10.0.0.0/33"]), /security\.outboundAllow: "10\.0\.0\.0\/33"/);
  });
});

// ---------------------------------------------------------------------------------------------------------
// End to end in a network namespace.

/** A DNS server (UDP, A records only) whose answers a test changes per name; counts the queries. */
class RebindingDns {
  readonly queries = new Map<string, number>();
  constructor(
    readonly socket: Socket,
    readonly answers: Map<string, string[][]>,
  ) {}

  static async start(answers: Map<string, string[][]>): Promise<RebindingDns> {
    const socket = createSocket("udp4");
    const dns = new RebindingDns(socket, answers);
    socket.on("message", (query, peer) => socket.send(dns.answer(query), peer.port, peer.address));
    await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
    return dns;
  }

  get port(): number {
    return this.socket.address().port;
  }

  /** The answer packet: the n-th query of a name gets its n-th answer (the last one repeats). */
  answer(query: Buffer): Buffer {
    const labels: string[] = [];
    let at = 12;
    while (query[at] !== 0 && at < query.length) {
      const length = query[at] ?? 0;
      labels.push(query.subarray(at + 1, at + 1 + length).toString("ascii"));
      at += length + 1;
    }
    const questionEnd = at + 5; // the zero label, QTYPE, QCLASS
    const name = labels.join(".").toLowerCase();
    const qtype = query.readUInt16BE(at + 1);
    const count = this.queries.get(name) ?? 0;
    if (qtype === 1) this.queries.set(name, count + 1);
    const series = this.answers.get(name);
    const addresses = qtype === 1 && series ? (series[Math.min(count, series.length - 1)] ?? []) : [];
    const header = Buffer.alloc(12);
    query.copy(header, 0, 0, 2); // id
    header.writeUInt16BE(series ? 0x8180 : 0x8183, 2); // response, recursion available; NXDOMAIN if unknown
    header.writeUInt16BE(1, 4);
    header.writeUInt16BE(addresses.length, 6);
    const records = addresses.map((address) => {
      const record = Buffer.alloc(16);
      record.writeUInt16BE(0xc00c, 0); // the name, by pointer to the question
      record.writeUInt16BE(1, 2); // A
      record.writeUInt16BE(1, 4); // IN
      record.writeUInt32BE(0, 6); // TTL 0: ask again every time
      record.writeUInt16BE(4, 10);
      address.split(".").forEach((octet, i) => {
        record[12 + i] = Number(octet);
      });
      return record;
    });
    return Buffer.concat([header, query.subarray(12, questionEnd), ...records]);
  }
}

/** The "public" server's code, run inside the namespace: logs each request path on stdout. */
const PUBLIC_SERVER = `
const [host, port, privatePort] = process.argv.slice(1);
require("node:http").createServer((req, res) => {
  process.stdout.write("REQ " + req.url + "\\n");
  if (req.url === "/to-loopback") { res.writeHead(302, { location: "http://127.0.0.1:" + privatePort + "/secret" }); return res.end(); }
  if (req.url === "/to-metadata") { res.writeHead(301, { location: "http://169.254.169.254/latest/meta-data/" }); return res.end(); }
  req.resume();
  req.on("end", () => res.end("public ok"));
}).listen(Number(port), host, () => process.stdout.write("READY\\n"));
`;

function ip(...args: string[]): void {
  execFileSync("ip", args, { stdio: ["ignore", "ignore", "pipe"] });
}

describe("the guard over a real network (namespace, veth, rebinding DNS)", () => {
  const tag = `${process.pid % 10000}${randomInt(100, 999)}`;
  const namespace = `fh-ssrf-${tag}`;
  const hostSide = `fhs${tag}a`;
  const nsSide = `fhs${tag}b`;
  const subnet = randomInt(0, 63) * 4;
  const PUBLIC = `203.0.113.${subnet + 2}`;
  const HOST = `203.0.113.${subnet + 1}`;
  let privateServer: Server;
  const privateRequests: string[] = [];
  let port = 0;
  let publicServer: ChildProcess | undefined;
  const publicRequests: string[] = [];
  let dns: RebindingDns;
  let resolver: Resolver;
  const resolve = (hostname: string) => resolver.resolve4(hostname);
  /** The public server's log, once it shows `count` requests (its stdout may trail the HTTP answer). */
  const publicLog = async (count: number) => {
    for (let i = 0; i < 100 && publicRequests.length < count; i++)
      await new Promise((done) => setTimeout(done, 20));
    return publicRequests;
  };

  before(async () => {
    privateServer = createServer((req, res) => {
      privateRequests.push(req.url ?? "");
      res.end("private data");
    });
    await new Promise<void>((done) => privateServer.listen(0, "127.0.0.1", done));
    port = (privateServer.address() as AddressInfo).port;

    ip("netns", "add", namespace);
    ip("link", "add", hostSide, "type", "veth", "peer", "name", nsSide);
    ip("link", "set", nsSide, "netns", namespace);
    ip("addr", "add", `${HOST}/30`, "dev", hostSide);
    ip("link", "set", hostSide, "up");
    ip("-n", namespace, "addr", "add", `${PUBLIC}/30`, "dev", nsSide);
    ip("-n", namespace, "link", "set", nsSide, "up");
    ip("-n", namespace, "link", "set", "lo", "up");
    const child = spawn(
      "ip",
      ["netns", "exec", namespace, process.execPath, "-e", PUBLIC_SERVER, PUBLIC, String(port), String(port)],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    publicServer = child;
    await new Promise<void>((ready, failed) => {
      let buffered = "";
      child.stdout?.setEncoding("utf8");
      child.stdout?.on("data", (chunk: string) => {
        buffered += chunk;
        const lines = buffered.split("\n");
        buffered = lines.pop() ?? "";
        for (const line of lines) {
          if (line === "READY") ready();
          else if (line.startsWith("REQ ")) publicRequests.push(line.slice(4));
        }
      });
      child.on("exit", (code) => failed(new Error(`the public server exited (${code})`)));
    });

    dns = await RebindingDns.start(
      new Map([
        ["public.test", [[PUBLIC]]],
        // Public at the check, loopback from the next question on: a guard that looked up twice would
        // connect to 127.0.0.1.
        ["rebind.test", [[PUBLIC], ["127.0.0.1"]]],
        ["internal.test", [["127.0.0.1"]]],
        ["metadata.test", [["169.254.169.254"]]],
        ["mixed.test", [[PUBLIC, "10.0.0.5"]]],
      ]),
    );
    resolver = new Resolver({ timeout: 1000, tries: 1 });
    resolver.setServers([`127.0.0.1:${dns.port}`]);
  });

  after(async () => {
    publicServer?.kill();
    try {
      ip("netns", "del", namespace); // takes the veth pair with it
    } catch {}
    try {
      ip("link", "del", hostSide);
    } catch {}
    dns?.socket.close();
    privateServer?.closeAllConnections();
    await new Promise((done) => privateServer?.close(done));
  });

  test("a public address is reached, by name and as a literal", async () => {
    const guarded = createGuardedFetch({ resolve });
    const byName = await guarded(`http://public.test:${port}/hello`);
    assert.equal(byName.status, 200);
    assert.equal(await byName.text(), "public ok");
    const literal = await guarded(`http://${PUBLIC}:${port}/literal`, { method: "POST", body: "{}" });
    assert.equal(await literal.text(), "public ok");
    assert.deepEqual((await publicLog(2)).slice(-2), ["/hello", "/literal"]);
  });

  test("DNS rebinding: the name is resolved once and the connection goes to the address checked", async () => {
    privateRequests.length = 0;
    const before = publicRequests.length;
    const first = await createGuardedFetch({ resolve })(`http://rebind.test:${port}/rebind`);
    assert.equal(await first.text(), "public ok");
    assert.equal(dns.queries.get("rebind.test"), 1, "resolved once");
    assert.deepEqual((await publicLog(before + 1)).slice(before), ["/rebind"]);
    // The name now answers 127.0.0.1: a new connection checks that answer and refuses it.
    await assert.rejects(
      createGuardedFetch({ resolve })(`http://rebind.test:${port}/rebind-again`),
      (error: unknown) =>
        error instanceof OutboundRefusedError &&
        /^rebind\.test resolves to 127\.0\.0\.1, a loopback address/.test(error.message),
    );
    assert.deepEqual(privateRequests, [], "the private server saw no request");
  });

  test("a public server's redirect to loopback or the metadata address is not followed", async () => {
    privateRequests.length = 0;
    const guarded = createGuardedFetch({ resolve });
    const toLoopback = await guarded(`http://public.test:${port}/to-loopback`);
    assert.equal(toLoopback.status, 302);
    assert.equal(toLoopback.headers.get("location"), `http://127.0.0.1:${port}/secret`);
    const toMetadata = await guarded(`http://public.test:${port}/to-metadata`, { redirect: "follow" });
    assert.equal(toMetadata.status, 301, "redirect: follow is overridden");
    // A webhook delivery to it fails for good, saying the redirect was not followed.
    await assert.rejects(
      postJson(
        { clock: new ManualClock("2026-11-01T00:00:00Z"), fetch: guarded },
        `http://public.test:${port}/to-loopback`,
        "{}",
        {},
        "webhook",
      ),
      (error: unknown) =>
        error instanceof ChannelError && error.permanent && /redirects are not followed/.test(error.message),
    );
    assert.deepEqual(privateRequests, []);
  });

  test("private, loopback and metadata destinations are refused before any connection", async () => {
    privateRequests.length = 0;
    const guarded = createGuardedFetch({ resolve });
    for (const [url, message] of [
      [`http://127.0.0.1:${port}/`, /^127\.0\.0\.1 is a loopback address \(127\.0\.0\.0\/8\)/],
      [`http://internal.test:${port}/`, /^internal\.test resolves to 127\.0\.0\.1, a loopback address/],
      [`http://metadata.test/latest/`, /resolves to 169\.254\.169\.254, the cloud metadata address/],
      [
        `http://mixed.test:${port}/`,
        /^mixed\.test resolves to 10\.0\.0\.5, a private address \(10\.0\.0\.0\/8\)/,
      ],
      [`http://2130706433:${port}/`, /^127\.0\.0\.1 is a loopback address/],
      [`http://[::ffff:127.0.0.1]:${port}/`, /127\.0\.0\.0\/8, as it carries 127\.0\.0\.1/],
    ] as const)
      await assert.rejects(guarded(url), (error: unknown) => {
        assert.ok(error instanceof OutboundRefusedError, `${url}: ${String(error)}`);
        assert.match(error.message, message);
        assert.match(error.message, /add it to security\.outboundAllow to allow it/);
        return true;
      });
    // Through a real caller: a permanent failure that says what to do.
    await assert.rejects(
      postJson(
        { clock: new ManualClock("2026-11-01T00:00:00Z"), fetch: guarded },
        `http://internal.test:${port}/`,
        "{}",
        {},
        "webhook",
      ),
      (error: unknown) =>
        error instanceof ChannelError && error.permanent && /security\.outboundAllow/.test(error.message),
    );
    assert.deepEqual(privateRequests, []);
  });

  test("security.outboundAllow lets a named private address (or host name) through", async () => {
    privateRequests.length = 0;
    const byAddress = createGuardedFetch({ resolve, allow: ["127.0.0.1"] });
    assert.equal(await (await byAddress(`http://internal.test:${port}/by-address`)).text(), "private data");
    const byName = createGuardedFetch({ resolve, allow: ["internal.test"] });
    assert.equal(await (await byName(`http://internal.test:${port}/by-name`)).text(), "private data");
    // The allowance is for what it names only.
    await assert.rejects(byAddress(`http://metadata.test/`), OutboundRefusedError);
    assert.deepEqual(privateRequests, ["/by-address", "/by-name"]);
  });
});
