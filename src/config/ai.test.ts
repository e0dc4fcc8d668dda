import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { ConfigError, loadConfig } from "./load.ts";
import { REDACTED, redactConfig } from "./redact.ts";

const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function load(yaml: string, env: Record<string, string> = {}) {
  const cwd = mkdtempSync(join(tmpdir(), "foghorn-ai-config-"));
  dirs.push(cwd);
  writeFileSync(join(cwd, "foghorn.config.yaml"), yaml);
  return loadConfig({ env, cwd });
}

function problems(yaml: string, env: Record<string, string> = {}): string[] {
  try {
    load(yaml, env);
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error));
    return error.issues.map((i) => `${i.key}: ${i.message}`);
  }
  assert.fail("expected a ConfigError");
}

describe("ai settings", () => {
  test("off when nothing is set; the built-in redactions are on by default", () => {
    assert.deepEqual(load("").ai, {
      timeoutSeconds: 60,
      builtInRedactions: ["secrets", "emails", "ip-addresses"],
      redact: [],
    });
  });

  test("on from the environment: base URL, model, key and timeout", () => {
    const { ai } = load("", {
      FOGHORN_AI_BASE_URL: "http://127.0.0.1:11434/v1/",
      FOGHORN_AI_MODEL: "llama3.1",
      OPENAI_API_KEY: "sk-test-abcdefghijklmnop",
      FOGHORN_AI_TIMEOUT_SECONDS: "120",
    });
    assert.equal(ai.baseUrl, "http://127.0.0.1:11434/v1");
    assert.equal(ai.model, "llama3.1");
    assert.equal(ai.apiKey, "sk-test-abcdefghijklmnop");
    assert.equal(ai.timeoutSeconds, 120);
  });

  test("the API key is a secret: redacted in logged config and never echoed in errors", () => {
    const config = load(
      "ai:\n  baseUrl: https://api.openai.com/v1\n  model: gpt-4o-mini\n  apiKey: sk-live-secret-1234\n",
    );
    assert.equal(redactConfig(config).ai.apiKey, REDACTED);
    assert.equal(redactConfig(config).ai.model, "gpt-4o-mini");
    const [problem] = problems("ai:\n  apiKey: 12345\n");
    assert.equal(problem, "ai.apiKey: expected a non-empty string, got a number");
  });

  test("a base URL without a model, or a model without a base URL, is refused", () => {
    assert.deepEqual(problems("ai:\n  baseUrl: http://127.0.0.1:11434/v1\n"), [
      `ai.model: is required when ai.baseUrl (${dirs.at(-1)}/foghorn.config.yaml:2) is set; set both to turn AI drafting on, or neither`,
    ]);
    assert.deepEqual(problems("", { FOGHORN_AI_MODEL: "llama3.1" }), [
      "ai.baseUrl: is required when ai.model (env FOGHORN_AI_MODEL) is set; set both to turn AI drafting on, or neither",
    ]);
  });

  test("a base URL with user:password is refused (the key goes in ai.apiKey)", () => {
    const [problem] = problems("ai:\n  baseUrl: https://me:pw@llm.example.com/v1\n  model: m\n");
    assert.match(
      problem ?? "",
      /^ai\.baseUrl: expected a URL without user:password; put the key in ai\.apiKey/,
    );
  });

  test("redact patterns are checked at load: each invalid one is named by its position", () => {
    const yaml = [
      "ai:",
      "  redact:",
      "    - '\\bACME-\\d{6}\\b'",
      "    - '(unclosed'",
      "    - '/customer [a-z]+/i'",
      "    - 'x*'",
      "  builtInRedactions: [emails, phone-numbers]",
    ].join("\n");
    let error: ConfigError | undefined;
    try {
      load(yaml);
    } catch (e) {
      if (e instanceof ConfigError) error = e;
    }
    const file = `${dirs.at(-1)}/foghorn.config.yaml`;
    const issues = [...(error?.issues ?? [])].sort((a, b) => a.key.localeCompare(b.key));
    assert.deepEqual(
      issues.map((i) => [i.key, i.source]),
      [
        ["ai.builtInRedactions.1", `${file}:7`],
        ["ai.redact.1", `${file}:4`],
        ["ai.redact.3", `${file}:6`],
      ],
    );
    assert.equal(
      issues[0]?.message,
      'expected one of "secrets", "emails", "ip-addresses", got "phone-numbers"',
    );
    assert.match(
      issues[1]?.message ?? "",
      /^is not a valid regular expression \(.*Unterminated group\), got "\(unclosed"$/,
    );
    assert.equal(
      issues[2]?.message,
      'matches empty text, so it would match everywhere; make it match something, got "x*"',
    );
  });

  test("valid patterns and a chosen subset of built-ins load", () => {
    const { ai } = load(
      "ai:\n  redact: ['\\bACME-\\d{6}\\b', '/customer [a-z]+/i']\n  builtInRedactions: []\n",
    );
    assert.deepEqual(ai.redact, ["\\bACME-\\d{6}\\b", "/customer [a-z]+/i"]);
    assert.deepEqual(ai.builtInRedactions, []);
  });
});
