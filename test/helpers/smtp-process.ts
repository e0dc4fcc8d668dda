/**
 * Runs a real SMTP server (smtp-server-child.mjs) in a child `node` process on a free port and
 * collects what it receives, so the email channel is tested over a real SMTP session with another
 * process, as in production.
 */
import { type ChildProcess, fork } from "node:child_process";
import { fileURLToPath } from "node:url";

export interface ReceivedMail {
  envelope: { mailFrom: string | null; rcptTo: string[] };
  /** The message source as received. */
  raw: string;
  /** The message as a mail client would show it (mailparser). */
  parsed: {
    subject: string | null;
    messageId: string | null;
    text: string | null;
    html: string | null;
    /** Lower-case header names. */
    headers: Record<string, string>;
  };
}

export interface SmtpProcessOptions {
  /** Require AUTH with these credentials (offered without TLS). */
  auth?: { user: string; pass: string };
  /** Answer RCPT TO for these addresses with an SMTP error (e.g. 550, or 451 for a temporary one). */
  reject?: Record<string, { code: number; message: string }>;
}

export interface SmtpProcess {
  host: string;
  port: number;
  pid: number | undefined;
  received: ReceivedMail[];
  /** Resolves with the `index`-th message received (0-based), waiting for it if needed. */
  message(index: number, timeoutMs?: number): Promise<ReceivedMail>;
  close(): Promise<void>;
}

const CHILD = fileURLToPath(new URL("./smtp-server-child.mjs", import.meta.url));

type ChildMessage = { type: "listening"; port: number } | ({ type: "message"; id: number } & ReceivedMail);

function isChildMessage(value: unknown): value is ChildMessage {
  return typeof value === "object" && value !== null && "type" in value;
}

export async function startSmtpProcess(options: SmtpProcessOptions = {}): Promise<SmtpProcess> {
  const child: ChildProcess = fork(CHILD, [JSON.stringify(options)], {
    stdio: ["ignore", "inherit", "inherit", "ipc"],
    // The child is plain JavaScript: no tsx loader or test runner flags.
    execArgv: [],
  });
  const received: ReceivedMail[] = [];
  const waiters = new Set<() => void>();

  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("the SMTP child did not start within 10 s")), 10_000);
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`the SMTP child exited with ${code} before listening`)));
    child.on("message", (msg: unknown) => {
      if (!isChildMessage(msg)) return;
      if (msg.type === "listening") {
        clearTimeout(timer);
        resolve(msg.port);
      } else {
        received.push({ envelope: msg.envelope, raw: msg.raw, parsed: msg.parsed });
        // The child answers the client's DATA with 250 only after this: a sent message is already here.
        child.send({ type: "ack", id: msg.id });
        for (const wake of waiters) wake();
      }
    });
  });

  return {
    host: "127.0.0.1",
    port,
    pid: child.pid,
    received,
    message(index, timeoutMs = 5_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const mail = received[index];
          if (!mail) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(mail);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no message #${index} within ${timeoutMs} ms (received ${received.length})`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.removeAllListeners("exit");
        child.once("exit", () => resolve());
        child.send({ type: "close" });
        // A child that does not stop in time is ended (it is ours, by its own handle).
        setTimeout(() => child.kill("SIGKILL"), 3_000).unref();
      }),
  };
}
