/**
 * Golden files: the status page's HTML for the sample data (src/domain/status-page/samples.ts: all well,
 * a major outage, maintenance in progress), one incident page, one maintenance page and a message page,
 * compared with test/golden/status-page/<name>.html. After an intended change to the page, refresh them
 * with `UPDATE_GOLDEN=1 npm test -- --only-tests golden/status-page` and review the diff (open the files in
 * a browser: they are complete pages).
 */
import { describe, test } from "node:test";
import {
  renderIncidentPage,
  renderMaintenancePage,
  renderMessagePage,
  renderStatusPage,
} from "#domain/status-page/render-html.ts";
import { sampleStatusData } from "#domain/status-page/samples.ts";
import { expectGolden as compareGolden } from "./golden.ts";

const GOLDEN_DIR = new URL("./status-page/", import.meta.url);
const expectGolden = (file: string, actual: string) => compareGolden(GOLDEN_DIR, file, actual);

describe("status page HTML golden files", () => {
  for (const scenario of ["normal", "major-outage", "maintenance"] as const) {
    test(`the page: ${scenario}`, () => {
      expectGolden(`${scenario}.html`, renderStatusPage(sampleStatusData(scenario), { base: "" }));
    });
  }

  test("an incident with a published postmortem", () => {
    expectGolden(
      "incident-with-postmortem.html",
      renderIncidentPage(sampleStatusData("normal"), "incapierr001", { base: "" }) ?? "",
    );
  });

  test("a maintenance in progress", () => {
    expectGolden(
      "maintenance-in-progress.html",
      renderMaintenancePage(sampleStatusData("maintenance"), "mntpgupgr001", { base: "" }) ?? "",
    );
  });

  test("a message page (subscription confirmed)", () => {
    expectGolden(
      "message.html",
      renderMessagePage(sampleStatusData("normal").page, {
        base: "",
        title: "Subscription confirmed",
        paragraphs: ["You will get an email when an incident or maintenance is posted on Acme Cloud status."],
      }),
    );
  });
});
