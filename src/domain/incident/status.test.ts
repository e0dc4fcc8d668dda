import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  allowedNextStatuses,
  decideTransition,
  defaultPublicStatus,
  INCIDENT_STATUSES,
  type IncidentStatus,
  isIncidentStatus,
  isOpenStatus,
  type StageTimestamps,
} from "./status.ts";

// SPEC §1, written out by hand: forward moves may skip stages up to resolved, postmortem only follows
// resolved, resolved may reopen to investigating, postmortem is final, and no status moves to itself.
const ALLOWED: Record<IncidentStatus, IncidentStatus[]> = {
  triggered: ["acknowledged", "investigating", "mitigating", "resolved"],
  acknowledged: ["investigating", "mitigating", "resolved"],
  investigating: ["mitigating", "resolved"],
  mitigating: ["resolved"],
  resolved: ["investigating", "postmortem"],
  postmortem: [],
};

const t = (iso: string) => new Date(iso);
const NOW = t("2026-03-02T10:00:00.000Z");
const EARLIER = t("2026-03-02T09:05:00.000Z");
const noStamps: StageTimestamps = {
  acknowledgedAt: null,
  mitigatedAt: null,
  resolvedAt: null,
  closedAt: null,
};

describe("lifecycle transitions", () => {
  test("the six statuses in lifecycle order", () => {
    assert.deepEqual(
      [...INCIDENT_STATUSES],
      ["triggered", "acknowledged", "investigating", "mitigating", "resolved", "postmortem"],
    );
  });

  for (const from of INCIDENT_STATUSES) {
    test(`allowed next statuses from ${from}`, () => {
      assert.deepEqual(allowedNextStatuses(from), ALLOWED[from]);
    });

    for (const to of INCIDENT_STATUSES) {
      const allowed = ALLOWED[from].includes(to);
      test(`${from} → ${to} is ${allowed ? "allowed" : "refused"}`, () => {
        const decision = decideTransition(from, to, noStamps, NOW);
        assert.equal(decision.ok, allowed);
        assert.equal(decision.from, from);
        assert.equal(decision.to, to);
        if (decision.ok) return;
        assert.deepEqual(decision.allowed, ALLOWED[from], "a refusal lists the allowed next statuses");
        if (from === to) assert.match(decision.reason, new RegExp(`already ${from}`));
        else if (ALLOWED[from].length === 0) assert.match(decision.reason, /final/);
        else for (const next of ALLOWED[from]) assert.ok(decision.reason.includes(next), decision.reason);
      });
    }
  }

  test("only resolved → investigating is a reopen", () => {
    for (const from of INCIDENT_STATUSES) {
      for (const to of ALLOWED[from]) {
        const decision = decideTransition(from, to, noStamps, NOW);
        assert.ok(decision.ok);
        assert.equal(decision.reopened, from === "resolved" && to === "investigating", `${from} → ${to}`);
      }
    }
  });

  test("status names are recognised exactly", () => {
    for (const s of INCIDENT_STATUSES) assert.equal(isIncidentStatus(s), true);
    for (const s of ["open", "closed", "Triggered", "resolved ", "", "ack"])
      assert.equal(isIncidentStatus(s), false);
  });

  test("triggered to mitigating are open; resolved and postmortem are not", () => {
    assert.deepEqual(
      INCIDENT_STATUSES.filter((s) => isOpenStatus(s)),
      ["triggered", "acknowledged", "investigating", "mitigating"],
    );
  });
});

describe("stage timestamps", () => {
  const cases: {
    name: string;
    from: IncidentStatus;
    to: IncidentStatus;
    before: StageTimestamps;
    after: StageTimestamps;
  }[] = [
    {
      name: "acknowledging sets acknowledged_at (MTTA)",
      from: "triggered",
      to: "acknowledged",
      before: noStamps,
      after: { ...noStamps, acknowledgedAt: NOW },
    },
    {
      name: "skipping straight to investigating also counts as the acknowledgement",
      from: "triggered",
      to: "investigating",
      before: noStamps,
      after: { ...noStamps, acknowledgedAt: NOW },
    },
    {
      name: "triggered → mitigating sets acknowledged_at and mitigated_at",
      from: "triggered",
      to: "mitigating",
      before: noStamps,
      after: { ...noStamps, acknowledgedAt: NOW, mitigatedAt: NOW },
    },
    {
      name: "a false alarm (triggered → resolved) sets acknowledged, mitigated and resolved",
      from: "triggered",
      to: "resolved",
      before: noStamps,
      after: { acknowledgedAt: NOW, mitigatedAt: NOW, resolvedAt: NOW, closedAt: null },
    },
    {
      name: "acknowledged_at is set once: a later move keeps it",
      from: "acknowledged",
      to: "investigating",
      before: { ...noStamps, acknowledgedAt: EARLIER },
      after: { ...noStamps, acknowledgedAt: EARLIER },
    },
    {
      name: "investigating → mitigating sets mitigated_at",
      from: "investigating",
      to: "mitigating",
      before: { ...noStamps, acknowledgedAt: EARLIER },
      after: { ...noStamps, acknowledgedAt: EARLIER, mitigatedAt: NOW },
    },
    {
      name: "mitigated_at is set once: resolving keeps it and sets resolved_at (MTTR)",
      from: "mitigating",
      to: "resolved",
      before: { ...noStamps, acknowledgedAt: EARLIER, mitigatedAt: EARLIER },
      after: { acknowledgedAt: EARLIER, mitigatedAt: EARLIER, resolvedAt: NOW, closedAt: null },
    },
    {
      name: "investigating → resolved without mitigating sets mitigated_at then",
      from: "investigating",
      to: "resolved",
      before: { ...noStamps, acknowledgedAt: EARLIER },
      after: { acknowledgedAt: EARLIER, mitigatedAt: NOW, resolvedAt: NOW, closedAt: null },
    },
    {
      name: "reopening clears resolved_at and keeps the others",
      from: "resolved",
      to: "investigating",
      before: { acknowledgedAt: EARLIER, mitigatedAt: EARLIER, resolvedAt: EARLIER, closedAt: null },
      after: { acknowledgedAt: EARLIER, mitigatedAt: EARLIER, resolvedAt: null, closedAt: null },
    },
    {
      name: "resolving again after a reopen sets a new resolved_at",
      from: "investigating",
      to: "resolved",
      before: { acknowledgedAt: EARLIER, mitigatedAt: EARLIER, resolvedAt: null, closedAt: null },
      after: { acknowledgedAt: EARLIER, mitigatedAt: EARLIER, resolvedAt: NOW, closedAt: null },
    },
    {
      name: "resolved → postmortem changes no timestamp (closed_at waits for the published postmortem)",
      from: "resolved",
      to: "postmortem",
      before: { acknowledgedAt: EARLIER, mitigatedAt: EARLIER, resolvedAt: EARLIER, closedAt: null },
      after: { acknowledgedAt: EARLIER, mitigatedAt: EARLIER, resolvedAt: EARLIER, closedAt: null },
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const before = { ...c.before };
      const decision = decideTransition(c.from, c.to, before, NOW);
      assert.ok(decision.ok, `${c.from} → ${c.to} should be allowed`);
      assert.deepEqual(decision.stamps, c.after);
      assert.deepEqual(before, c.before, "the input timestamps are not mutated");
    });
  }

  test("every allowed move, from every combination of set and unset stamps, follows the rules", () => {
    const combos: StageTimestamps[] = [];
    for (let mask = 0; mask < 16; mask++) {
      combos.push({
        acknowledgedAt: mask & 1 ? EARLIER : null,
        mitigatedAt: mask & 2 ? EARLIER : null,
        resolvedAt: mask & 4 ? EARLIER : null,
        closedAt: mask & 8 ? EARLIER : null,
      });
    }
    let checked = 0;
    for (const from of INCIDENT_STATUSES) {
      for (const to of ALLOWED[from]) {
        for (const before of combos) {
          const d = decideTransition(from, to, before, NOW);
          assert.ok(d.ok);
          const where = `${from} → ${to} from ${JSON.stringify(before)}`;
          const reopen = from === "resolved" && to === "investigating";
          // acknowledged_at: set once, by any forward move; never cleared.
          assert.deepEqual(d.stamps.acknowledgedAt, before.acknowledgedAt ?? (reopen ? null : NOW), where);
          // mitigated_at: set once on reaching mitigating or resolved; never cleared.
          const reachesMitigation = to === "mitigating" || to === "resolved";
          assert.deepEqual(
            d.stamps.mitigatedAt,
            before.mitigatedAt ?? (reachesMitigation ? NOW : null),
            where,
          );
          // resolved_at: set on every resolve, cleared on reopen, otherwise untouched.
          assert.deepEqual(
            d.stamps.resolvedAt,
            to === "resolved" ? NOW : reopen ? null : before.resolvedAt,
            where,
          );
          // closed_at: never touched by a status change.
          assert.deepEqual(d.stamps.closedAt, before.closedAt, where);
          checked++;
        }
      }
    }
    assert.equal(checked, 12 * 16);
  });

  test("the decision carries only the four stamps, even when given a whole incident row", () => {
    const row = { ...noStamps, status: "triggered", title: "Checkout down", number: 7 };
    const d = decideTransition("triggered", "acknowledged", row, NOW);
    assert.ok(d.ok);
    assert.deepEqual(d.stamps, { ...noStamps, acknowledgedAt: NOW });
  });

  test("a refused move carries no timestamps to write", () => {
    const d = decideTransition("postmortem", "investigating", noStamps, NOW);
    assert.equal(d.ok, false);
    assert.equal("stamps" in d, false);
  });
});

describe("default public status of a status update", () => {
  const expected: Record<IncidentStatus, string> = {
    triggered: "investigating",
    acknowledged: "investigating",
    investigating: "investigating",
    mitigating: "identified",
    resolved: "resolved",
    postmortem: "resolved",
  };
  for (const s of INCIDENT_STATUSES) {
    test(`${s} → ${expected[s]}`, () => assert.equal(defaultPublicStatus(s), expected[s]));
  }
});
