import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { fileURLToPath } from "node:url";
import { DEFAULT_SEVERITY_POLICY } from "#domain/incident/severity.ts";
import { POLICY_OVERRIDE_EXAMPLE, renderConfigDocs, renderExampleConfig } from "./docs.ts";
import { CONFIG_ENV_VARS, loadConfig } from "./load.ts";
import { REDACTED, redactConfig } from "./redact.ts";

const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function workdir(): string {
  const cwd = mkdtempSync(join(tmpdir(), "foghorn-docs-"));
  dirs.push(cwd);
  return cwd;
}

function loadYaml(yaml: string) {
  const cwd = workdir();
  writeFileSync(join(cwd, "foghorn.config.yaml"), yaml);
  return { cwd, config: loadConfig({ env: {}, cwd }) };
}

test("docs/configuration.md is up to date with the schema", () => {
  const path = fileURLToPath(new URL("../../docs/configuration.md", import.meta.url));
  const committed = readFileSync(path, "utf8");
  assert.equal(
    committed,
    renderConfigDocs(),
    "docs/configuration.md differs from the schema; run: node --import tsx scripts/gen-config-docs.ts",
  );
});

test("the example foghorn.config.yaml loads to the defaults", () => {
  const { cwd, config } = loadYaml(renderExampleConfig());
  writeFileSync(join(cwd, "empty.yaml"), "");
  assert.deepEqual(config, loadConfig({ env: {}, cwd, configPath: "empty.yaml" }));
});

test("the severity policy override example loads", () => {
  const policy = loadYaml(POLICY_OVERRIDE_EXAMPLE).config.incidents.severityPolicy;
  assert.equal(policy.SEV1.escalateIfUnresolvedMinutes, null);
  assert.equal(policy.SEV2.ackWithinMinutes, 10);
  assert.equal(policy.SEV2.updateEveryMinutes, DEFAULT_SEVERITY_POLICY.SEV2.updateEveryMinutes);
});

test("every environment variable is documented with its key", () => {
  const docs = renderConfigDocs();
  for (const v of CONFIG_ENV_VARS) {
    assert.match(docs, new RegExp(`^\\| \`${v.env}\` +\\| \`${v.key}\` +\\|`, "m"), v.env);
  }
});

test("redactConfig hides every secret and nothing else", () => {
  const token = "t".repeat(32);
  const env = { DATABASE_URL: "postgres://u:pw@db/foghorn", FOGHORN_BOOTSTRAP_TOKEN: token, PORT: "9999" };
  const config = loadConfig({ env, cwd: workdir() });
  const redacted = redactConfig(config);
  assert.equal(redacted.storage.databaseUrl, REDACTED);
  assert.equal(redacted.auth.bootstrapToken, REDACTED);
  assert.equal(redacted.server.port, 9999);
  assert.equal(config.auth.bootstrapToken, token, "the original is left alone");
});
