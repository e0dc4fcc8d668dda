import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { promisify } from "node:util";
import { sql } from "drizzle-orm";
import { findIntegrationById, insertIntegration } from "./alerts.ts";
import { findContactMethodById, insertContactMethod } from "./directory.ts";
import { executeRows } from "./rows.ts";
import { contactMethods, integrations, services, statusSubscribers, users } from "./schema/index.ts";
import {
  isSealed,
  KEY_FILE_NAME,
  loadOrCreateKeyFile,
  SEALED_PREFIX,
  seal,
  sealLegacySecrets,
  setSecretKey,
  unseal,
} from "./secret-box.ts";
import { findSubscriber, insertSubscriberIfNew, lockSubscriberByTarget } from "./status-subscribers.ts";
import { openTestDb, type TestDatabase, testBackends } from "./testing.ts";

const run = promisify(execFile);
const AT = new Date("2026-03-02T09:00:00.000Z");
const KEY = "k".repeat(16) + randomBytes(16).toString("hex");

describe("secret box", () => {
  before(() => setSecretKey(KEY));

  test("seals to a prefixed text without the secret, and opens it again", () => {
    const secret = "https://hooks.slack.com/services/T000/B000/abcdefSECRET";
    const sealed = seal(secret);
    assert.ok(sealed.startsWith(SEALED_PREFIX));
    assert.ok(!sealed.includes("SECRET") && !sealed.includes("hooks.slack.com"));
    assert.equal(unseal(sealed), secret);
    assert.equal(unseal(seal("ünïcødé ✓")), "ünïcødé ✓");
  });

  test("is deterministic (unique indexes and look-ups keep working) and idempotent", () => {
    assert.equal(seal("same"), seal("same"));
    assert.notEqual(seal("same"), seal("Same"));
    assert.equal(seal(seal("x")), seal("x"));
  });

  test("legacy plaintext reads as itself", () => {
    assert.equal(unseal("https://example.com/hook"), "https://example.com/hook");
    assert.equal(isSealed("https://example.com/hook"), false);
  });

  test("another key cannot open it, and says what to do", () => {
    const sealed = seal("top secret");
    setSecretKey("another key of at least thirty-two characters!");
    try {
      assert.throws(() => unseal(sealed), /same security\.secretKey/);
    } finally {
      setSecretKey(KEY);
    }
  });

  test("a tampered value is refused", () => {
    const sealed = seal("top secret");
    // Change the second-to-last character (every one of its bits counts) to a different one.
    const flipped = sealed.slice(0, -2) + (sealed.at(-2) === "A" ? "B" : "A") + sealed.slice(-1);
    assert.notEqual(flipped, sealed);
    assert.throws(() => unseal(flipped), /cannot be decrypted/);
  });

  test("a short key is refused", () => {
    assert.throws(() => setSecretKey("short"), /at least 32 characters/);
  });

  test("the key file is made once, mode 0600, and read back", () => {
    const dir = mkdtempSync(join(tmpdir(), "foghorn-key-"));
    try {
      const first = loadOrCreateKeyFile(join(dir, "data"));
      assert.equal(first.created, true);
      assert.equal(statSync(first.path).mode & 0o777, 0o600);
      assert.match(readFileSync(first.path, "utf8"), /^[0-9a-f]{64}\n$/);
      const second = loadOrCreateKeyFile(join(dir, "data"));
      assert.deepEqual(second, { ...first, created: false });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("processes starting at once on a fresh data folder all end up with the one key on disk", async () => {
    // Three rounds of eight processes that race for the file: each signals it is ready, spins until the
    // go file appears, then loads or creates the key. (Before the fix, a round failed two times in three.)
    for (let round = 0; round < 3; round++) {
      const dir = mkdtempSync(join(tmpdir(), "foghorn-key-"));
      try {
        const data = join(dir, "data");
        const go = join(dir, "go");
        const script = [
          `import { existsSync, writeFileSync } from "node:fs";`,
          `import { loadOrCreateKeyFile } from ${JSON.stringify(join(import.meta.dirname, "secret-box.ts"))};`,
          `writeFileSync(${JSON.stringify(dir)} + "/ready-" + process.pid, "");`,
          `while (!existsSync(${JSON.stringify(go)}));`,
          `console.log(JSON.stringify(loadOrCreateKeyFile(${JSON.stringify(data)})));`,
        ].join("\n");
        const processes = Promise.all(
          Array.from({ length: 8 }, () =>
            run(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script]),
          ),
        );
        while (readdirSync(dir).filter((f) => f.startsWith("ready-")).length < 8) await sleep(20);
        writeFileSync(go, "");
        // execFile rejects on a non-zero exit, with the process's stderr in the error.
        const loaded = (await processes).map(
          (r) => JSON.parse(r.stdout) as { key: string; created: boolean },
        );
        const onDisk = readFileSync(join(data, KEY_FILE_NAME), "utf8").trim();
        assert.deepEqual(
          new Set(loaded.map((l) => l.key)),
          new Set([onDisk]),
          "every process has the key on disk",
        );
        assert.equal(loaded.filter((l) => l.created).length, 1, "one process made it");
        assert.deepEqual(readdirSync(data), [KEY_FILE_NAME], "no draft file is left behind");
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  });
});

for (const backend of await testBackends()) {
  describe(`secrets at rest (${backend.kind})`, { skip: backend.skip }, () => {
    let database: TestDatabase;
    let serviceId: string;
    let userId: string;
    before(async () => {
      setSecretKey(KEY);
      database = await openTestDb(backend.kind);
      serviceId = randomUUID();
      userId = randomUUID();
      await database.db.insert(services).values({ id: serviceId, name: "checkout", createdAt: AT });
      await database.db
        .insert(users)
        .values({ id: userId, username: "alice", role: "admin", createdAt: AT } as typeof users.$inferInsert);
    });
    after(async () => {
      await database?.close();
    });

    const dump = async (table: string) =>
      JSON.stringify(await executeRows(database.db, sql.raw(`select * from ${table}`)));

    test("integration secrets, webhook URLs and subscriber secrets are stored sealed and read plain", async () => {
      const integration = await insertIntegration(database.db, {
        id: randomUUID(),
        serviceId,
        kind: "grafana",
        name: "g",
        routingKey: randomBytes(24).toString("base64url"),
        config: { hmac_secret: "HMAC-CANARY-1", timestamp_header: "X-T" },
        createdBy: "t",
        createdAt: AT,
      });
      assert.equal((integration.config as { hmac_secret: string }).hmac_secret, "HMAC-CANARY-1");
      assert.deepEqual((await findIntegrationById(database.db, integration.id))?.config, {
        hmac_secret: "HMAC-CANARY-1",
        timestamp_header: "X-T",
      });
      const method = await insertContactMethod(database.db, {
        id: randomUUID(),
        userId,
        kind: "webhook",
        address: "https://hooks.example.com/URL-CANARY-2",
        label: "",
        createdAt: AT,
      });
      assert.equal(method?.address, "https://hooks.example.com/URL-CANARY-2");
      assert.equal((await findContactMethodById(database.db, method?.id ?? ""))?.address, method?.address);
      const again = await insertContactMethod(database.db, {
        id: randomUUID(),
        userId,
        kind: "webhook",
        address: "https://hooks.example.com/URL-CANARY-2",
        label: "",
        createdAt: AT,
      });
      assert.equal(again, undefined, "the unique index still sees the duplicate");
      const sub = await insertSubscriberIfNew(database.db, {
        id: randomUUID(),
        kind: "slack",
        target: "https://hooks.slack.com/services/SLACK-CANARY-3",
        componentIds: [],
        secret: "SUB-SECRET-CANARY-4",
        unsubscribeTokenHash: randomBytes(32).toString("hex"),
        confirmedAt: AT,
        createdAt: AT,
        updatedAt: AT,
      });
      assert.equal(sub?.target, "https://hooks.slack.com/services/SLACK-CANARY-3");
      assert.equal((await findSubscriber(database.db, sub?.id ?? ""))?.secret, "SUB-SECRET-CANARY-4");
      const found = await lockSubscriberByTarget(
        database.db,
        "slack",
        "https://hooks.slack.com/services/SLACK-CANARY-3",
      );
      assert.equal(found?.id, sub?.id);

      const stored = [
        await dump("integrations"),
        await dump("contact_methods"),
        await dump("status_subscribers"),
      ].join("\n");
      for (const canary of ["HMAC-CANARY-1", "URL-CANARY-2", "SLACK-CANARY-3", "SUB-SECRET-CANARY-4"])
        assert.ok(!stored.includes(canary), `${canary} is not readable in the tables`);
    });

    test("plaintext rows written before are sealed at start-up, once, and keep working", async () => {
      const integrationId = randomUUID();
      await database.db.insert(integrations).values({
        id: integrationId,
        serviceId,
        kind: "grafana",
        name: "legacy",
        routingKey: randomBytes(24).toString("base64url"),
        config: { hmac_secret: "LEGACY-HMAC" },
        createdBy: "t",
        createdAt: AT,
      });
      const methodId = randomUUID();
      await database.db.insert(contactMethods).values({
        id: methodId,
        userId,
        kind: "webhook",
        address: "https://legacy.example.com/LEGACY-URL",
        label: "",
        createdAt: AT,
      });
      const email = randomUUID();
      await database.db.insert(contactMethods).values({
        id: email,
        userId,
        kind: "email",
        address: "alice@example.com",
        label: "",
        createdAt: AT,
      });
      const subId = randomUUID();
      await database.db.insert(statusSubscribers).values({
        id: subId,
        kind: "webhook",
        target: "https://legacy.example.com/LEGACY-SUB",
        componentIds: [],
        secret: "LEGACY-SUB-SECRET",
        unsubscribeTokenHash: randomBytes(32).toString("hex"),
        createdAt: AT,
        updatedAt: AT,
      });
      assert.equal(
        (await findContactMethodById(database.db, methodId))?.address,
        "https://legacy.example.com/LEGACY-URL",
        "legacy plaintext reads before it is sealed",
      );
      assert.equal(await sealLegacySecrets(database.db), 3);
      assert.equal(await sealLegacySecrets(database.db), 0, "idempotent");
      const stored = [
        await dump("integrations"),
        await dump("contact_methods"),
        await dump("status_subscribers"),
      ].join("\n");
      for (const legacy of ["LEGACY-HMAC", "LEGACY-URL", "LEGACY-SUB"]) assert.ok(!stored.includes(legacy));
      assert.ok(stored.includes("alice@example.com"), "an email address is no secret and stays plain");
      assert.deepEqual((await findIntegrationById(database.db, integrationId))?.config, {
        hmac_secret: "LEGACY-HMAC",
      });
      assert.equal(
        (await findContactMethodById(database.db, methodId))?.address,
        "https://legacy.example.com/LEGACY-URL",
      );
      const sub = await findSubscriber(database.db, subId);
      assert.equal(sub?.target, "https://legacy.example.com/LEGACY-SUB");
      assert.equal(sub?.secret, "LEGACY-SUB-SECRET");
    });
  });
}
