import assert from "node:assert/strict";
import { test } from "node:test";
import { inferItemType } from "./item-type.ts";

test("wording that says something is wrong makes a bug; planned work is a task", () => {
  const cases: [string, "bug" | "task"][] = [
    ["Fix the retry loop in the exporter", "bug"],
    ["Hotfix the login page", "bug"],
    ["Bug in pagination of /exports", "bug"],
    ["Dashboard is broken after deploy", "bug"],
    ["Handle the error when S3 is down", "bug"],
    ["Worker crashes on empty payload", "bug"],
    ["Investigate regression in p95 latency", "bug"],
    ["Plug the memory leak in the cache", "bug"],
    ["Retry failed webhook deliveries", "bug"],
    ["Wrong timezone in reports", "bug"],
    ["Add index to `exports` table on `user_id` column", "task"],
    ["Add load test for bulk export endpoint to CI", "task"],
    ["Add query timeout < 5s to API middleware", "task"],
    ["Write runbook for bulk export rollback procedure", "task"],
    ["Add a prefix to debug logs", "task"],
    ["Add `error_count` to the dashboard", "task"],
  ];
  for (const [action, expected] of cases) assert.equal(inferItemType(action), expected, action);
});
