import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { ConfigError, loadConfig } from "./load.ts";

const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function load(yaml: string, env: Record<string, string> = {}) {
  const cwd = mkdtempSync(join(tmpdir(), "foghorn-metrics-config-"));
  dirs.push(cwd);
  writeFileSync(join(cwd, "foghorn.config.yaml"), yaml);
  return loadConfig({ env, cwd });
}

function problems(yaml: string, env: Record<string, string> = {}): string[] {
  try {
    load(yaml, env);
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error));
    // The source is the file's absolute path and line; the folder is a temporary one.
    return error.issues.map((i) => `${i.key} (${i.source.replace(/^.*\//, "")}): ${i.message}`);
  }
  assert.fail("expected a ConfigError");
}

const digest = (lines: string[]) =>
  ["metrics:", "  weeklyDigest:", ...lines.map((l) => `    ${l}`), ""].join("\n");

describe("metrics.weeklyDigest", () => {
  test("off by default: Monday 09:00 UTC, nowhere", () => {
    assert.deepEqual(load("").metrics.weeklyDigest, {
      enabled: false,
      weekday: "monday",
      hour: 9,
      timeZone: "UTC",
      email: [],
      slackChannel: null,
    });
  });

  test("on, by email and to Slack, with their settings", () => {
    const config = load(
      digest([
        "enabled: true",
        "weekday: friday",
        "hour: 16",
        "timeZone: Europe/Berlin",
        "email: [leads@example.com]",
        'slackChannel: "#incident-review"',
      ]),
      { SMTP_HOST: "smtp.example.com", SLACK_BOT_TOKEN: "xoxb-test-token" },
    );
    assert.deepEqual(config.metrics.weeklyDigest, {
      enabled: true,
      weekday: "friday",
      hour: 16,
      timeZone: "Europe/Berlin",
      email: ["leads@example.com"],
      slackChannel: "#incident-review",
    });
  });

  test("bad values are named with their line", () => {
    assert.deepEqual(
      problems(digest(["weekday: fri", "hour: 24", "timeZone: Mars/Olympus", "email: [not-an-address]"])),
      [
        'metrics.weeklyDigest.weekday (foghorn.config.yaml:3): expected one of "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", got "fri"',
        "metrics.weeklyDigest.hour (foghorn.config.yaml:4): expected an integer between 0 and 23, got 24",
        'metrics.weeklyDigest.timeZone (foghorn.config.yaml:5): expected an IANA time zone such as UTC or Europe/Berlin, got "Mars/Olympus"',
        'metrics.weeklyDigest.email.0 (foghorn.config.yaml:6): expected an email address such as eng-leads@example.com, got "not-an-address"',
      ],
    );
  });

  test("enabled with nowhere to go, or without the channel's settings, is refused", () => {
    assert.deepEqual(problems(digest(["enabled: true"])), [
      "metrics.weeklyDigest.enabled (foghorn.config.yaml:3): is true but the digest has nowhere to go; set metrics.weeklyDigest.email and/or slackChannel",
    ]);
    assert.deepEqual(problems(digest(["enabled: true", "email: [a@example.com]", "slackChannel: C123"])), [
      "metrics.weeklyDigest.email (foghorn.config.yaml:4): needs SMTP: set email.host (SMTP_HOST), or remove the addresses",
      "metrics.weeklyDigest.slackChannel (foghorn.config.yaml:5): needs Slack: set slack.botToken (SLACK_BOT_TOKEN), or set slackChannel to null",
    ]);
    // Disabled, the destinations may wait for their settings.
    assert.equal(load(digest(["email: [a@example.com]"])).metrics.weeklyDigest.enabled, false);
  });
});
