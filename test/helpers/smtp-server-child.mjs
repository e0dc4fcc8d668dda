// A real SMTP server (the smtp-server package) in its own process, for the email channel's tests.
// Started by smtp-process.ts with a JSON config as argv[2]; talks to the parent over IPC:
//   → { type: "listening", port }
//   → { type: "message", envelope: { mailFrom, rcptTo }, raw, parsed: { subject, messageId, text, html, headers } }
//   ← { type: "close" }                            stop and exit
import { simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";

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
      process.send?.({
        type: "message",
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
