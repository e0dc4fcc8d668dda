// The detail page's triage checklist and communication templates in Chromium: tick by keyboard, pick a
// template, copy it, post it as a status update; no serious axe violations in light or dark mode.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Browser } from "playwright-core";
import {
  apiJson,
  browserUnavailable,
  CHROMIUM,
  declare,
  launchBrowser,
  seriousAxeViolations,
  signedInContext,
  startUiServer,
  type UiServer,
} from "./harness.ts";

const unavailable = browserUnavailable();
if (unavailable && process.env.CI === "true") {
  test("Chromium is installed for the browser tests", () => {
    assert.fail(`${CHROMIUM} is missing; CI must install Debian's chromium (apt-get install -y chromium)`);
  });
}

interface Checklist {
  tasks: { key: string; done: boolean; done_by: string | null }[];
}
interface Detail {
  status_updates: { message: string; visibility: string; status: string }[];
}
interface Rendered {
  text: string;
}

describe("checklist and templates in Chromium", { skip: unavailable ?? false }, () => {
  let browser: Browser;
  let server: UiServer;
  before(async () => {
    server = await startUiServer();
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test("tick a checklist task with the keyboard; it shows who ticked it and lands on the timeline", async () => {
    const incident = await declare(server, {
      title: "Checklist by keyboard",
      severity: "SEV2",
      assignee: "admin",
    });
    const { context, page } = await signedInContext(browser, server);
    try {
      await page.goto(`${server.url}/incidents/${incident.id}`);
      const section = page.locator("section#checklist");
      await section.getByRole("checkbox").first().waitFor();
      assert.equal(await section.getByRole("checkbox").count(), 5);
      const box = section.getByRole("checkbox", { name: "Assess scope" });
      await box.focus();
      await page.keyboard.press("Space");
      await section.getByText("done by admin").waitFor();
      assert.equal(await box.isChecked(), true);
      await page.locator('.timeline [data-kind="task.completed"]').getByText("Assess scope").waitFor();
      const list = await apiJson<Checklist>(server, `/api/v1/incidents/${incident.id}/checklist`);
      assert.deepEqual(
        list.tasks.filter((t) => t.done).map((t) => [t.key, t.done_by]),
        [["assess-scope", "admin"]],
      );
    } finally {
      await context.close();
    }
  });

  test("pick a template, copy it, and post it as an external status update", async () => {
    const incident = await declare(server, {
      title: "Payments failing",
      severity: "SEV1",
      affected_services: ["payments"],
      assignee: "admin",
    });
    const { context, page } = await signedInContext(browser, server);
    await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: server.url });
    try {
      await page.goto(`${server.url}/incidents/${incident.id}`);
      const comms = page.locator("section#communication");
      await comms.getByLabel("Template").selectOption("status-doc");
      const preview = comms.getByRole("region", { name: "Status doc preview" });
      await preview.getByText("# [SEV1] Payments failing —").waitFor();
      await comms.getByRole("button", { name: "Copy the Status doc text" }).click();
      const doc = await apiJson<Rendered>(server, `/api/v1/incidents/${incident.id}/templates/status-doc`);
      assert.equal(await page.evaluate("navigator.clipboard.readText()"), doc.text);

      await comms.getByLabel("Template").selectOption("status-identified");
      await comms.getByRole("region", { name: "Status page: identified preview" }).waitFor();
      await comms.getByRole("button", { name: "Post as status update" }).click();
      const message = comms.getByLabel("Status update");
      const expected = await apiJson<Rendered>(
        server,
        `/api/v1/incidents/${incident.id}/templates/status-identified`,
      );
      assert.equal(await message.inputValue(), expected.text);
      assert.equal(await comms.getByRole("radio", { name: "External (status page)" }).isChecked(), true);
      assert.equal(await comms.getByLabel("Public status").inputValue(), "identified");
      await comms.getByRole("button", { name: "Publish update" }).click();
      await comms.locator(".updates .update-external").first().waitFor();
      const detail = await apiJson<Detail>(server, `/api/v1/incidents/${incident.id}`);
      assert.deepEqual(detail.status_updates.at(-1), {
        ...detail.status_updates.at(-1),
        message: expected.text,
        visibility: "external",
        status: "identified",
      });
    } finally {
      await context.close();
    }
  });

  test("no serious accessibility violations with the picker open, light and dark", async () => {
    const incident = await declare(server, { title: "Axe on checklist and templates", severity: "SEV3" });
    for (const colorScheme of ["light", "dark"] as const) {
      const { context, page } = await signedInContext(browser, server, { colorScheme });
      try {
        await page.goto(`${server.url}/incidents/${incident.id}`);
        await page.locator("section#checklist").getByRole("checkbox").first().waitFor();
        await page.locator("section#communication").getByLabel("Template").selectOption("executive-brief");
        await page.getByRole("region", { name: "Executive brief preview" }).waitFor();
        const violations = await seriousAxeViolations(page);
        assert.deepEqual(violations, [], `${colorScheme}: ${JSON.stringify(violations, null, 2)}`);
      } finally {
        await context.close();
      }
    }
  });
});
