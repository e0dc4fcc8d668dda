import assert from "node:assert/strict";
import { test } from "node:test";
import { isActionItemOverdue } from "./action-item.ts";
import { isImageEvidence } from "./evidence.ts";

const NOW = new Date("2026-03-02T09:00:00.000Z");
const before = new Date(NOW.getTime() - 1);
const after = new Date(NOW.getTime() + 1);

test("an open action item is overdue only once its due date has passed", () => {
  assert.equal(isActionItemOverdue({ status: "open", dueAt: before }, NOW), true);
  assert.equal(isActionItemOverdue({ status: "open", dueAt: NOW }, NOW), false);
  assert.equal(isActionItemOverdue({ status: "open", dueAt: after }, NOW), false);
  assert.equal(isActionItemOverdue({ status: "open", dueAt: null }, NOW), false);
});

test("a done action item is never overdue", () => {
  assert.equal(isActionItemOverdue({ status: "done", dueAt: before }, NOW), false);
});

test("screenshots and image links show as images; other evidence does not", () => {
  assert.equal(isImageEvidence("screenshot", "https://files.example.com/capture"), true);
  assert.equal(isImageEvidence("link", "https://grafana.example.com/render/panel.PNG?width=800"), true);
  assert.equal(isImageEvidence("metric", "https://cdn.example.com/a.jpeg"), true);
  assert.equal(isImageEvidence("log", "https://logs.example.com/query?q=png"), false);
  assert.equal(isImageEvidence("dashboard", "https://grafana.example.com/d/abc"), false);
});
