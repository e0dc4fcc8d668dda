/**
 * Secrets the server must keep in plain form to use them (Grafana HMAC secrets, webhook URLs that carry
 * keys, subscribers' signing secrets) are stored encrypted: AES-256-GCM under a key from
 * `security.secretKey`, or from the key file made on first start in the data folder. docs/security.md
 * "Secrets" lists the columns.
 *
 * Sealing is deterministic: the 96-bit IV is an HMAC of the plaintext (a synthetic IV, as in SIV modes),
 * so the same secret seals to the same text. That keeps the unique indexes and the equality look-ups on
 * these columns working; what it gives away is only that two rows hold the same secret. Stored form:
 * `fhsec1:` + base64url(iv ‖ tag ‖ ciphertext). A value without the prefix is legacy plaintext: read as
 * is, and sealed at start-up (sealLegacySecrets).
 *
 * The key is process-wide (one installation per process): main.ts installs it before anything reads;
 * until then (unit tests) a random key of this process is used.
 */
import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync, randomBytes } from "node:crypto";
import { chmodSync, existsSync, linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { type Db, withTransaction } from "./db.ts";
import { executeRows } from "./rows.ts";

export const SEALED_PREFIX = "fhsec1:";
/** The key file made on first start when security.secretKey is not set: `<dataDir>/secret.key`, 0600. */
export const KEY_FILE_NAME = "secret.key";

interface Keys {
  enc: Buffer;
  iv: Buffer;
  /** First 8 hex digits of sha256(master): tells which key sealed what, in errors. */
  id: string;
}

function deriveKeys(master: Buffer): Keys {
  const derive = (info: string) => Buffer.from(hkdfSync("sha256", master, "foghorn secret box", info, 32));
  return {
    enc: derive("aes-256-gcm"),
    iv: derive("synthetic iv"),
    id: createHash("sha256").update(master).digest("hex").slice(0, 8),
  };
}

let keys: Keys = deriveKeys(randomBytes(32));

/** Installs the key every later seal/open uses. `secret` is any string of at least 32 characters. */
export function setSecretKey(secret: string): void {
  if (secret.length < 32) throw new Error("the secret key must be at least 32 characters");
  keys = deriveKeys(Buffer.from(secret, "utf8"));
}

/**
 * The key file of a data folder: read, or created with 32 random bytes (hex) and mode 0600 on first start.
 * Returns its content for setSecretKey.
 *
 * Several processes may start at once on a fresh data folder (replicas, or `foghorn migrate` beside the
 * server): the key is written whole to a file of this process and then hard-linked into place, which
 * fails if another process got there first; that process's key is then read. So every process ends up
 * with the one key on disk, and no one ever reads a half-written file.
 */
export function loadOrCreateKeyFile(dataDir: string): { key: string; created: boolean; path: string } {
  const path = join(dataDir, KEY_FILE_NAME);
  const existing = () => {
    const key = readFileSync(path, "utf8").trim();
    if (key.length < 32)
      throw new Error(`${path} holds no key (expected 64 hex digits); restore it from a backup`);
    return { key, created: false, path };
  };
  if (existsSync(path)) return existing();
  mkdirSync(dataDir, { recursive: true });
  const key = randomBytes(32).toString("hex");
  const draft = `${path}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  writeFileSync(draft, `${key}\n`, { mode: 0o600, flag: "wx" });
  try {
    chmodSync(draft, 0o600);
    linkSync(draft, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return existing();
    throw error;
  } finally {
    rmSync(draft, { force: true });
  }
  return { key, created: true, path };
}

export function isSealed(value: string): boolean {
  return value.startsWith(SEALED_PREFIX);
}

/** The stored form of a secret (idempotent: a sealed value stays as it is). */
export function seal(plain: string): string {
  if (isSealed(plain)) return plain;
  const iv = createHmac("sha256", keys.iv).update(plain, "utf8").digest().subarray(0, 12);
  const cipher = createCipheriv("aes-256-gcm", keys.enc, iv);
  const body = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
  return SEALED_PREFIX + Buffer.concat([iv, cipher.getAuthTag(), body]).toString("base64url");
}

/** The plain secret of a stored value; legacy plaintext (no prefix) is returned as is. */
export function unseal(stored: string): string {
  if (!isSealed(stored)) return stored;
  const raw = Buffer.from(stored.slice(SEALED_PREFIX.length), "base64url");
  try {
    const decipher = createDecipheriv("aes-256-gcm", keys.enc, raw.subarray(0, 12));
    decipher.setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString("utf8");
  } catch {
    throw new Error(
      "a stored secret cannot be decrypted with this key: every replica needs the same " +
        "security.secretKey (or, with PGlite, the data folder's secret.key) as the one that wrote it",
    );
  }
}

export const sealNullable = (v: string | null | undefined) => (v == null ? v : seal(v));
export const unsealNullable = (v: string | null | undefined) => (v == null ? v : unseal(v));

// ---------------------------------------------------------------------------------------------------
// Which columns hold sealed secrets (store modules call these on their rows)

/** Contact methods: a webhook's URL (it may carry a key); other kinds' addresses are not secrets. */
export const sealsAddress = (kind: string) => kind === "webhook";

/** Status subscribers: webhook and Slack URLs (a Slack incoming webhook URL is itself the key). */
export const sealsTarget = (kind: string) => kind === "webhook" || kind === "slack";

/** Integration settings: every `*secret` key (Grafana's hmac_secret). */
export function sealConfig<T>(config: T): T {
  return mapSecretKeys(config, seal);
}
export function unsealConfig<T>(config: T): T {
  return mapSecretKeys(config, unseal);
}
function mapSecretKeys<T>(config: T, fn: (v: string) => string): T {
  if (!config || typeof config !== "object" || Array.isArray(config)) return config;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(config as Record<string, unknown>))
    out[k] = k.endsWith("secret") && typeof v === "string" ? fn(v) : v;
  return out as T;
}

/**
 * Seals the secrets written before encryption at rest (or by a replica without it), in one transaction.
 * Returns how many rows changed. Run at start-up; idempotent.
 */
export async function sealLegacySecrets(db: Db): Promise<number> {
  return withTransaction(db, async (tx) => {
    let changed = 0;
    const integrations = await executeRows(
      tx,
      sql`select id, config from integrations where config::text like '%secret"%' for update`,
    );
    for (const row of integrations) {
      const config = (typeof row.config === "string" ? JSON.parse(row.config) : row.config) as unknown;
      const sealed = sealConfig(config);
      if (JSON.stringify(sealed) === JSON.stringify(config)) continue;
      await tx.execute(
        sql`update integrations set config = ${JSON.stringify(sealed)}::jsonb where id = ${String(row.id)}`,
      );
      changed++;
    }
    const methods = await executeRows(
      tx,
      sql`select id, address from contact_methods
          where kind = 'webhook' and address not like ${`${SEALED_PREFIX}%`} for update`,
    );
    for (const row of methods) {
      await tx.execute(
        sql`update contact_methods set address = ${seal(String(row.address))} where id = ${String(row.id)}`,
      );
      changed++;
    }
    const subscribers = await executeRows(
      tx,
      sql`select id, kind, target, secret from status_subscribers
          where (kind in ('webhook', 'slack') and target not like ${`${SEALED_PREFIX}%`})
             or (secret is not null and secret not like ${`${SEALED_PREFIX}%`})
          for update`,
    );
    for (const row of subscribers) {
      const target = sealsTarget(String(row.kind)) ? seal(String(row.target)) : String(row.target);
      const secret = row.secret == null ? null : seal(String(row.secret));
      await tx.execute(
        sql`update status_subscribers set target = ${target}, secret = ${secret} where id = ${String(row.id)}`,
      );
      changed++;
    }
    return changed;
  });
}

/** A contact method row as stored (webhook URL sealed) → as the app uses it, and back. */
export function openContactRow<T extends { kind: string; address: string } | undefined>(row: T): T {
  return row && sealsAddress(row.kind) ? { ...row, address: unseal(row.address) } : row;
}
export function sealContactRow<T extends { kind: string; address: string }>(row: T): T {
  return sealsAddress(row.kind) ? { ...row, address: seal(row.address) } : row;
}
