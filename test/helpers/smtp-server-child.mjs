// A real SMTP server (the smtp-server package) in its own process, for the email channel's tests.
// Started by smtp-process.ts with a JSON config as argv[2]; talks to the parent over IPC:
//   → { type: "listening", port }
//   → { type: "message", id, envelope: { mailFrom, rcptTo }, raw, parsed: { subject, messageId, text, html, headers } }
//   ← { type: "ack", id }                          the message is recorded: answer the client 250
//   ← { type: "close" }                            stop and exit
import { simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";

let nextId = 0;
/** Resolvers waiting for the test process to confirm it recorded message `id`. */
const acks = new Map();
process.on("message", (msg) => {
  if (msg && msg.type === "ack") {
    acks.get(msg.id)?.();
    acks.delete(msg.id);
  }
});

const config = JSON.parse(process.argv[2] ?? "{}");
/** RCPT TO answers by address (lower case): { code, message }. */
const rejections = new Map(
  Object.entries(config.reject ?? {}).map(([address, answer]) => [address.toLowerCase(), answer]),
);

function smtpError(code, message) {
  const error = new Error(message);
  error.responseCode = code;
  return error;
}

const server = new SMTPServer({
  logger: false,
  // No TLS here (the built-in certificate is self-signed): nodemailer would try STARTTLS and fail.
  disabledCommands: config.auth ? ["STARTTLS"] : ["STARTTLS", "AUTH"],
  authOptional: !config.auth,
  allowInsecureAuth: true,
  onAuth(auth, _session, callback) {
    if (auth.username === config.auth?.user && auth.password === config.auth?.pass) {
      callback(null, { user: auth.username });
    } else {
      callback(smtpError(535, "5.7.8 Authentication credentials invalid"));
    }
  },
  onRcptTo(address, _session, callback) {
    const rejection = rejections.get(address.address.toLowerCase());
    callback(rejection ? smtpError(rejection.code, rejection.message) : null);
  },
  onData(stream, session, callback) {
    const chunks = [];
    stream.on("data", (chunk) => chunks.push(chunk));
    stream.on("end", async () => {
      const raw = Buffer.concat(chunks).toString("utf8");
      const mail = await simpleParser(raw);
      const headers = {};
      for (const [key, value] of mail.headers)
        headers[key] = typeof value === "string" ? value : JSON.stringify(value);
      const id = nextId++;
      // 250 only once the test process has recorded the message (it acks): a client that got its 250
      // then finds the message in `received`, in order.
      const recorded = new Promise((resolve) => acks.set(id, resolve));
      process.send?.({
        type: "message",
        id,
        envelope: {
          mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : null,
          rcptTo: session.envelope.rcptTo.map((r) => r.address),
        },
        raw,
        parsed: {
          subject: mail.subject ?? null,
          messageId: mail.messageId ?? null,
          text: mail.text ?? null,
          html: typeof mail.html === "string" ? mail.html : null,
          headers,
        },
      });
      await recorded;
      callback(null, "250 2.0.0 Queued");
    });
  },
});

process.on("message", (msg) => {
  if (msg?.type === "close") server.close(() => process.exit(0));
});
// The parent is gone: do not linger.
process.on("disconnect", () => server.close(() => process.exit(0)));

server.listen(0, "127.0.0.1", () => {
  process.send?.({ type: "listening", port: server.server.address().port });
});
