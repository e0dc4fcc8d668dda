import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { MAX_HEAD_BYTES, readRequestHead, scanRequestHead } from "./status-wire.ts";

const head = (text: string) => scanRequestHead(Buffer.from(text, "latin1"));

describe("status page request heads (what the raw server answers itself)", () => {
  test("a plain GET or HEAD with a Host is read: target, kept headers, Connection: close, length", () => {
    const text =
      "GET /api/v2/summary.json?x=1 HTTP/1.1\r\nHost: status.example.com\r\nAccept-Encoding: gzip\r\n" +
      'If-None-Match: "a"\r\nIf-None-Match: "b"\r\nUser-Agent: curl\r\nConnection: keep-alive, close\r\n\r\nGET /next';
    const read = head(text);
    assert.notEqual(typeof read, "string");
    if (typeof read === "string") return;
    assert.equal(read.method, "GET");
    assert.equal(read.url, "/api/v2/summary.json?x=1");
    assert.deepEqual(read.headers, {
      host: "status.example.com",
      "accept-encoding": "gzip",
      "if-none-match": '"a", "b"',
    });
    assert.equal(read.close, true);
    assert.equal(read.length, text.indexOf("GET /next"));
    const headOnly = head("HEAD /status HTTP/1.1\r\nhost: x\r\n\r\n");
    assert.equal(typeof headOnly === "string" ? headOnly : headOnly.method, "HEAD");
  });

  test("a head cut short waits for more bytes, up to the size limit", () => {
    assert.equal(head("GET /status HTTP/1.1\r\nHost: x\r\n"), "incomplete");
    assert.equal(head("GE"), "incomplete");
    assert.equal(head(`GET /status HTTP/1.1\r\nHost: x\r\nX-Long: ${"a".repeat(MAX_HEAD_BYTES)}`), "other");
    assert.equal(
      head(`GET /status HTTP/1.1\r\nX: ${"a".repeat(MAX_HEAD_BYTES)}\r\nHost: x\r\n\r\n`),
      "other",
    );
  });

  const refused: [string, string][] = [
    ["another method", "POST /status HTTP/1.1\r\nHost: x\r\n\r\n"],
    ["HTTP/1.0", "GET /status HTTP/1.0\r\nHost: x\r\n\r\n"],
    ["HTTP/2 preface", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"],
    ["absolute-form target", "GET http://x/status HTTP/1.1\r\nHost: x\r\n\r\n"],
    ["a space in the target", "GET /sta tus HTTP/1.1\r\nHost: x\r\n\r\n"],
    ["no Host", "GET /status HTTP/1.1\r\nAccept: */*\r\n\r\n"],
    ["two Hosts", "GET /status HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"],
    ["a body (Content-Length)", "GET /status HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello"],
    ["a body (chunked)", "GET /status HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"],
    ["Expect", "GET /status HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n\r\n"],
    ["Upgrade", "GET /status HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n"],
    ["a space before the colon", "GET /status HTTP/1.1\r\nHost : x\r\n\r\n"],
    ["a folded line", "GET /status HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n 2\r\n\r\n"],
    ["a bare LF in a header", "GET /status HTTP/1.1\r\nHost: x\nX-Smuggle: 1\r\n\r\n"],
    ["a bare CR in a header", "GET /status HTTP/1.1\r\nHost: x\rX: 1\r\n\r\n"],
    ["a NUL in a value", "GET /status HTTP/1.1\r\nHost: x\u0000y\r\n\r\n"],
    ["a line with no colon", "GET /status HTTP/1.1\r\nHost: x\r\nnonsense\r\n\r\n"],
    ["lower-case method", "get /status HTTP/1.1\r\nHost: x\r\n\r\n"],
  ];
  for (const [what, text] of refused)
    test(`left to node:http: ${what}`, () => {
      assert.equal(head(text), "other");
    });
});

describe("request heads with a body (the alert webhooks the raw server answers)", () => {
  const read = (text: string) => readRequestHead(Buffer.from(text, "latin1"));

  test("a POST with one Content-Length is read, with the body's length", () => {
    const text =
      "POST /v2/enqueue HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 12\r\n\r\n";
    const head = read(`${text}{"a":1}`);
    assert.notEqual(typeof head, "string");
    if (typeof head === "string") return;
    assert.equal(head.method, "POST");
    assert.equal(head.url, "/v2/enqueue");
    assert.equal(head.contentLength, 12);
    assert.equal(head.length, text.length);
    // Without a length the body is empty, as HTTP/1.1 says; a GET with one is not a status page request.
    const bare = read("POST /v2/enqueue HTTP/1.1\r\nHost: x\r\n\r\n");
    assert.equal(typeof bare === "string" ? bare : bare.contentLength, undefined);
    assert.equal(
      scanRequestHead(Buffer.from("GET /status HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n")),
      "other",
    );
  });

  const refused: [string, string][] = [
    [
      "two Content-Lengths, even equal",
      "POST /v2/enqueue HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\n{}",
    ],
    [
      "a Content-Length that is not digits",
      "POST /v2/enqueue HTTP/1.1\r\nHost: x\r\nContent-Length: +2\r\n\r\n{}",
    ],
    ["a list as Content-Length", "POST /v2/enqueue HTTP/1.1\r\nHost: x\r\nContent-Length: 2, 2\r\n\r\n{}"],
    ["chunked", "POST /v2/enqueue HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"],
    [
      "Expect: 100-continue",
      "POST /v2/enqueue HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n",
    ],
    ["PUT", "PUT /v2/enqueue HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}"],
  ];
  for (const [what, text] of refused)
    test(`left to node:http: ${what}`, () => {
      assert.equal(read(text), "other");
    });
});
