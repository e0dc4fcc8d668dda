import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  BUILT_IN_REDACTION_NAMES,
  builtInRedactions,
  parseRedactionPattern,
  Redactor,
  redactionPatterns,
  redactText,
} from "./redaction.ts";

const all = builtInRedactions(BUILT_IN_REDACTION_NAMES);
const redact = (text: string, patterns: readonly RegExp[] = all) => redactText(text, patterns);

describe("built-in redactions", () => {
  test("email addresses", () => {
    assert.deepEqual(redact("Mail nina.k+oncall@example.co.uk and bob@corp.io about it."), {
      text: "Mail [redacted] and [redacted] about it.",
      count: 2,
    });
  });

  test("bearer tokens and Authorization headers keep their label", () => {
    assert.deepEqual(redact("curl -H 'Authorization: Bearer eyJhbGciOi.abc-def_123' failed"), {
      text: "curl -H 'Authorization: Bearer [redacted]' failed",
      count: 1,
    });
    assert.equal(redact("Authorization: Basic dXNlcjpwYXNzd29yZA==").text, "Authorization: Basic [redacted]");
  });

  test("vendor API keys: OpenAI, Stripe, Slack, GitHub, GitLab, AWS", () => {
    const keys = [
      "sk-proj-Abc123Def456Ghi789Jkl0",
      "sk_live_51HbQ2aKZvKYlo2C0aBcDeFgH",
      "xoxb-1234567890-0987654321-AbCdEfGhIjKl",
      "ghp_16C7e42F292c6912E7710c838347Ae178B4a",
      "glpat-xxxxxxxxxxxxxxxxxxxx",
      "AKIAIOSFODNN7EXAMPLE",
    ];
    for (const key of keys) {
      assert.deepEqual(redact(`key ${key} leaked`), { text: "key [redacted] leaked", count: 1 }, key);
    }
  });

  test("password=, token:, api_key= values and URL passwords; the host stays readable", () => {
    assert.equal(
      redact('password=hunter22 api_key: "abcd1234" token=zzzz9999').text,
      'password=[redacted] api_key: "[redacted]" token=[redacted]',
    );
    assert.deepEqual(redact("DATABASE_URL=postgres://app:s3cr3t@db.internal.example.com:5432/app"), {
      text: "DATABASE_URL=postgres://app:[redacted]@db.internal.example.com:5432/app",
      count: 1,
    });
  });

  test("a key already caught is counted once, not again by the key=value rule", () => {
    assert.deepEqual(redact("api_key=sk-abcdefghijklmnopqrstuvwx."), {
      text: "api_key=[redacted].",
      count: 1,
    });
  });

  test("IPv4 addresses, but not longer dotted numbers or plain numbers", () => {
    assert.deepEqual(redact("db at 10.0.12.7, gateway 192.168.1.1."), {
      text: "db at [redacted], gateway [redacted].",
      count: 2,
    });
    assert.equal(
      redact("OID 1.3.6.1.4.1 and 300.1.1.1 and p99 31.5 s").text,
      "OID 1.3.6.1.4.1 and 300.1.1.1 and p99 31.5 s",
    );
  });

  test("ordinary incident prose is left alone", () => {
    const prose =
      "Export API p99 rose to 31 s after deploy v2.14; the token rotation job and basic functionality were fine. " +
      "Rolled back at 09:42, error rate back to 0.2%.";
    assert.deepEqual(redact(prose), { text: prose, count: 0 });
  });

  test("each set can be turned off on its own", () => {
    const text = "nina@example.com from 10.1.2.3 with sk-abcdefghijklmnopqrstu";
    assert.equal(
      redact(text, builtInRedactions(["emails"])).text,
      "[redacted] from 10.1.2.3 with sk-abcdefghijklmnopqrstu",
    );
    assert.equal(redact(text, builtInRedactions([])).text, text);
  });
});

describe("configured patterns", () => {
  test("plain text is a case-sensitive regular expression; /…/i adds flags", () => {
    const patterns = redactionPatterns([], ["\\bACME-\\d{6}\\b", "/customer [a-z]+/i"]);
    assert.deepEqual(redact("ACME-123456 and acme-123456 for Customer Globex", patterns), {
      text: "[redacted] and acme-123456 for [redacted]",
      count: 2,
    });
  });

  test("an invalid or empty-matching pattern is refused with the reason", () => {
    const broken = parseRedactionPattern("(unclosed");
    assert.equal(broken.ok, false);
    assert.match(
      broken.ok ? "" : broken.error,
      /^is not a valid regular expression \(.*Unterminated group\)$/,
    );
    const empty = parseRedactionPattern("x*");
    assert.equal(empty.ok, false);
    assert.match(empty.ok ? "" : empty.error, /matches empty text/);
    assert.throws(
      () => redactionPatterns([], ["[a-"]),
      /redaction pattern "\[a-" is not a valid regular expression/,
    );
  });

  test("a redactor counts over every text it redacts; non-global patterns replace every match too", () => {
    const redactor = new Redactor([/secret/]);
    assert.equal(redactor.redact("secret, secret"), "[redacted], [redacted]");
    assert.equal(redactor.redact("no match"), "no match");
    assert.equal(redactor.redact("secret"), "[redacted]");
    assert.equal(redactor.count, 3);
  });
});
