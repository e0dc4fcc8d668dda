import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { PLACEHOLDER_NAMES } from "#domain/templates/placeholders.ts";
import { ConfigError, loadConfig } from "./load.ts";
import { templateSettings } from "./templates.ts";

const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function load(yaml: string) {
  const cwd = mkdtempSync(join(tmpdir(), "foghorn-templates-"));
  dirs.push(cwd);
  writeFileSync(join(cwd, "foghorn.config.yaml"), yaml);
  return loadConfig({ env: {}, cwd });
}

test("template texts and the time zone are read; absent ones keep the built-in text", () => {
  const config = load(
    [
      "templates:",
      "  timeZone: Europe/Berlin",
      "  status-doc: |",
      "    # [{{severity}}] {{title}}",
      "    {{timeline}}",
      "  status-resolved: 'All clear on {{services}}. <script>alert(1)</script> $&'",
    ].join("\n"),
  );
  assert.deepEqual(templateSettings(config.templates), {
    timeZone: "Europe/Berlin",
    overrides: {
      "status-doc": "# [{{severity}}] {{title}}\n{{timeline}}\n",
      "status-resolved": "All clear on {{services}}. <script>alert(1)</script> $&",
    },
  });
  assert.deepEqual(templateSettings(load("log:\n  level: info\n").templates), {
    timeZone: "UTC",
    overrides: {},
  });
});

test("an unknown placeholder is refused at load, naming the template and the known placeholders", () => {
  let error: unknown;
  try {
    load(
      [
        "templates:",
        "  timeZone: Mars/Olympus",
        "  incident-update: 'Owner: {{owner}} {{ title }}'",
        "  status-doc: \"{{constructor.constructor('return process')()}}\"",
        "  no-such-template: hello",
      ].join("\n"),
    );
  } catch (e) {
    error = e;
  }
  assert.ok(error instanceof ConfigError, String(error));
  const message = error.message;
  assert.match(
    message,
    /templates\.incident-update.*unknown placeholder \{\{owner\}\}; known placeholders: id, title,/,
  );
  assert.ok(message.includes(PLACEHOLDER_NAMES.join(", ")), "lists every known placeholder");
  assert.match(
    message,
    /templates\.status-doc.*unknown placeholder \{\{constructor\.constructor\('return process'\)\(\)\}\}/,
  );
  assert.match(message, /templates\.timeZone.*IANA time zone/);
  assert.match(message, /no-such-template/);
});
