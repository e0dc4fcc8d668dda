import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { DEFAULT_SEVERITY_POLICY, type SeverityPolicy } from "#domain/incident/severity.ts";
import { ConfigError, loadConfig } from "./load.ts";

const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** A fresh working directory, with foghorn.config.yaml holding `yaml` when given. */
function workdir(yaml?: string): string {
  const dir = mkdtempSync(join(tmpdir(), "foghorn-config-"));
  dirs.push(dir);
  if (yaml !== undefined) writeFileSync(join(dir, "foghorn.config.yaml"), yaml);
  return dir;
}

function configError(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
    assert.equal(error.name, "ConfigError");
    return error;
  }
  assert.fail("expected loadConfig to throw");
}

describe("loadConfig", () => {
  test("defaults when there is no file and no env", () => {
    const cwd = workdir();
    const config = loadConfig({ env: {}, cwd });
    assert.deepEqual(config.server, {
      host: "127.0.0.1",
      port: 8080,
      bodyLimitBytes: 1048576,
      trustProxy: false,
      corsOrigins: [],
      statusWorkers: "auto",
    });
    assert.deepEqual(config.storage, { dataDir: join(cwd, "data"), poolSize: 10 });
    assert.deepEqual(config.log, { level: "info", pretty: false });
    assert.deepEqual(config.auth, { localPasswords: true, sessionIdleMinutes: 720 });
    assert.equal(config.incidents.priorityScheme, "p1-p4");
    const policy: SeverityPolicy = config.incidents.severityPolicy;
    assert.deepEqual(policy, DEFAULT_SEVERITY_POLICY);
  });

  test("reads values from foghorn.config.yaml", () => {
    const cwd = workdir(
      [
        "server:",
        "  host: 0.0.0.0",
        "  port: 9000",
        "  publicUrl: https://foghorn.example.com/",
        "storage:",
        "  dataDir: ./var/db",
        "log:",
        "  level: debug",
        "incidents:",
        "  priorityScheme: p0-p3",
      ].join("\n"),
    );
    const config = loadConfig({ env: {}, cwd });
    assert.equal(config.server.host, "0.0.0.0");
    assert.equal(config.server.port, 9000);
    assert.equal(config.server.publicUrl, "https://foghorn.example.com");
    assert.equal(config.storage.dataDir, join(cwd, "var/db"));
    assert.equal(config.log.level, "debug");
    assert.equal(config.incidents.priorityScheme, "p0-p3");
  });

  test("a group with every key commented out reads as empty", () => {
    const cwd = workdir("server:\n  # port: 9000\nlog:\n");
    assert.equal(loadConfig({ env: {}, cwd }).server.port, 8080);
  });

  test("environment variables beat the file; empty ones are ignored", () => {
    const cwd = workdir("server:\n  port: 9000\n  host: 0.0.0.0\nlog:\n  pretty: false\n");
    const env = { PORT: "9100", HOST: "", FOGHORN_LOG_PRETTY: "yes", FOGHORN_TRUST_PROXY: "1" };
    const config = loadConfig({ env, cwd });
    assert.equal(config.server.port, 9100);
    assert.equal(config.server.host, "0.0.0.0");
    assert.equal(config.log.pretty, true);
    assert.equal(config.server.trustProxy, true);
  });

  test("the config file can be named by FOGHORN_CONFIG or configPath, relative to cwd", () => {
    const cwd = workdir();
    mkdirSync(join(cwd, "etc"));
    writeFileSync(join(cwd, "etc", "a.yaml"), "server:\n  port: 1111\n");
    writeFileSync(join(cwd, "etc", "b.yaml"), "server:\n  port: 2222\n");
    assert.equal(loadConfig({ env: { FOGHORN_CONFIG: "etc/a.yaml" }, cwd }).server.port, 1111);
    const both = { env: { FOGHORN_CONFIG: "etc/a.yaml" }, cwd, configPath: "etc/b.yaml" };
    assert.equal(loadConfig(both).server.port, 2222);
  });

  test("an unknown key is rejected, naming its path, file and line", () => {
    const cwd = workdir("server:\n  port: 9000\n  prot: 9001\nextra: true\n");
    const error = configError(() => loadConfig({ env: {}, cwd }));
    const file = join(cwd, "foghorn.config.yaml");
    assert.deepEqual(error.issues, [
      { key: "server.prot", source: `${file}:3`, message: 'unknown key; did you mean "port"?' },
      {
        key: "extra",
        source: `${file}:4`,
        message:
          "unknown key; remove it or use one of: server, storage, log, auth, incidents, alerts, oncall, slack, email, twilio, webhook, templates, ai, github, metrics, monitoring, security",
      },
    ]);
  });

  test("a bad environment value names the variable and what it expected", () => {
    const error = configError(() => loadConfig({ env: { PORT: "eighty" }, cwd: workdir() }));
    assert.match(
      error.message,
      /^ {2}server\.port \(env PORT\): expected an integer between 0 and 65535, got "eighty"$/m,
    );
  });

  test("every problem is reported at once, one per line", () => {
    const cwd = workdir("log:\n  level: loud\nstorage:\n  poolSize: 0\n  dataDir: ./d\n");
    const env = { PORT: "70000", FOGHORN_LOG_PRETTY: "maybe", FOGHORN_PRIORITY_SCHEME: "p2-p5" };
    const error = configError(() => loadConfig({ env, cwd }));
    assert.deepEqual(
      error.issues.map((i) => `${i.key} (${i.source.replace(cwd, "<cwd>")})`),
      [
        "server.port (env PORT)",
        "storage.poolSize (<cwd>/foghorn.config.yaml:4)",
        "log.level (<cwd>/foghorn.config.yaml:2)",
        "log.pretty (env FOGHORN_LOG_PRETTY)",
        "incidents.priorityScheme (env FOGHORN_PRIORITY_SCHEME)",
      ],
    );
    assert.equal(error.message.split("\n").length, 1 + error.issues.length);
    assert.match(error.message, /log\.level .*: expected one of "fatal", .*"silent", got "loud"/);
    assert.match(
      error.message,
      /server\.port \(env PORT\): expected an integer between 0 and 65535, got "70000"/,
    );
  });

  test("secrets are never echoed in errors", () => {
    const env = { DATABASE_URL: "mysql://root:hunter2@db/app", FOGHORN_BOOTSTRAP_TOKEN: "tooshort" };
    const error = configError(() => loadConfig({ env, cwd: workdir() }));
    assert.equal(error.issues.length, 2);
    assert.doesNotMatch(error.message, /hunter2|tooshort/);
    assert.match(
      error.message,
      /auth\.bootstrapToken \(env FOGHORN_BOOTSTRAP_TOKEN\): .*got a 8-character value/,
    );
  });

  test("an explicit data folder together with a database URL is refused", () => {
    const cwd = workdir("storage:\n  dataDir: /var/lib/foghorn\n");
    const env = { DATABASE_URL: "postgres://foghorn@db:5432/foghorn" };
    const error = configError(() => loadConfig({ env, cwd }));
    assert.equal(error.issues[0]?.key, "storage.dataDir");
    assert.match(error.message, /storage\.databaseUrl \(env DATABASE_URL\)/);
    const config = loadConfig({ env, cwd: workdir() });
    assert.equal(config.storage.databaseUrl, "postgres://foghorn@db:5432/foghorn");
  });
});

describe("loadConfig: severity policy", () => {
  test("a partial override is merged over the default policy", () => {
    const cwd = workdir(
      [
        "incidents:",
        "  severityPolicy:",
        "    SEV1:",
        "      escalateIfUnresolvedMinutes: null",
        "    SEV3:",
        "      ackWithinMinutes: 30",
        "      postmortem: required",
        "      postmortemDueHours: 72",
      ].join("\n"),
    );
    const policy = loadConfig({ env: {}, cwd }).incidents.severityPolicy;
    assert.deepEqual(policy.SEV1, { ...DEFAULT_SEVERITY_POLICY.SEV1, escalateIfUnresolvedMinutes: null });
    assert.deepEqual(policy.SEV2, DEFAULT_SEVERITY_POLICY.SEV2);
    assert.deepEqual(policy.SEV3, {
      ...DEFAULT_SEVERITY_POLICY.SEV3,
      ackWithinMinutes: 30,
      postmortem: "required",
      postmortemDueHours: 72,
    });
    assert.deepEqual(policy.SEV4, DEFAULT_SEVERITY_POLICY.SEV4);
  });

  test("bad policy values and unknown levels are rejected by path", () => {
    const cwd = workdir(
      [
        "incidents:",
        "  severityPolicy:",
        "    SEV2:",
        "      ackWithinMinutes: 0",
        "      updateEveryMinutes: null",
        "      postmortemDueHours: 1.5",
        "    SEV5: {}",
      ].join("\n"),
    );
    const error = configError(() => loadConfig({ env: {}, cwd }));
    assert.deepEqual(
      error.issues.map((i) => `${i.key}: ${i.message}`),
      [
        "incidents.severityPolicy.SEV2.ackWithinMinutes: expected a whole number greater than 0, got 0",
        "incidents.severityPolicy.SEV2.updateEveryMinutes: expected a whole number greater than 0, got null",
        "incidents.severityPolicy.SEV2.postmortemDueHours: expected a whole number greater than 0, got 1.5",
        "incidents.severityPolicy.SEV5: unknown key; remove it or use one of: SEV1, SEV2, SEV3, SEV4",
      ],
    );
  });
});

describe("loadConfig: the file itself", () => {
  test("a missing explicitly named file is an error; a missing default file is not", () => {
    const cwd = workdir();
    const byEnv = configError(() => loadConfig({ env: { FOGHORN_CONFIG: "nope.yaml" }, cwd }));
    assert.deepEqual(byEnv.issues, [
      {
        key: "",
        source: "env FOGHORN_CONFIG",
        message: `config file ${join(cwd, "nope.yaml")} does not exist; create it or correct the path`,
      },
    ]);
    const byOption = configError(() => loadConfig({ env: {}, cwd, configPath: join(cwd, "nope.yaml") }));
    assert.equal(byOption.issues[0]?.source, "configPath option");
    assert.doesNotThrow(() => loadConfig({ env: {}, cwd }));
  });

  test("a YAML syntax error names the file and the line; env problems are still reported", () => {
    const cwd = workdir("server:\n  port: 9000\n  host: [unclosed\nlog:\n  level: info\n");
    const error = configError(() => loadConfig({ env: { PORT: "x" }, cwd }));
    const file = join(cwd, "foghorn.config.yaml");
    const syntax = error.issues.filter((i) => i.key === "");
    assert.ok(syntax.length >= 1);
    for (const issue of syntax) {
      assert.ok(issue.source.startsWith(`${file}:`), issue.source);
      assert.match(issue.message, /^YAML syntax error at line \d+, column \d+: .+; fix the file$/);
    }
    assert.ok(error.issues.some((i) => i.key === "server.port" && i.source === "env PORT"));
  });

  test("a file that is not a mapping is reported", () => {
    const cwd = workdir("- server\n- port\n");
    const error = configError(() => loadConfig({ env: {}, cwd }));
    assert.match(
      error.message,
      /foghorn\.config\.yaml: expected a mapping of settings at the top level, got a list/,
    );
  });
});
