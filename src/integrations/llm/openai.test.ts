import assert from "node:assert/strict";
import { createServer } from "node:net";
import { after, before, beforeEach, describe, test } from "node:test";
import { type FakeOpenAi, startFakeOpenAi } from "../../../test/helpers/fake-openai.ts";
import { createOpenAiClient } from "./openai.ts";

const KEY = "sk-test-0123456789abcdefghij";
const question = [
  { role: "system" as const, content: "You write postmortems." },
  { role: "user" as const, content: "Summarise INC-7." },
];

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof Error);
    return error;
  }
  assert.fail("expected the call to fail");
}

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  assert.ok(address && typeof address === "object");
  return address.port;
}

describe("OpenAI-compatible client", () => {
  let fake: FakeOpenAi;
  before(async () => {
    fake = await startFakeOpenAi({ apiKey: KEY });
  });
  after(async () => {
    assert.deepEqual(fake.unexpected, []);
    await fake.close();
  });
  beforeEach(() => fake.reset());

  const client = (overrides: { apiKey?: string; timeoutMs?: number; maxRetries?: number } = {}) =>
    createOpenAiClient({ baseUrl: fake.url, model: "llama3.1", apiKey: KEY, timeoutMs: 5000, ...overrides });

  test("sends the model and messages with the key as a bearer token, and returns the answer", async () => {
    fake.answerNext({ content: "INC-7 was a slow export." });
    const llm = client();
    assert.equal(llm.model, "llama3.1");
    assert.equal(await llm.complete(question), "INC-7 was a slow export.");
    const [request] = fake.requests;
    assert.equal(request?.headers.authorization, `Bearer ${KEY}`);
    assert.equal(request?.body.model, "llama3.1");
    assert.deepEqual(request?.body.messages, question);
    assert.equal(request?.body.response_format, undefined);
  });

  test("json mode asks for a JSON object and picks it out of prose or a code fence", async () => {
    fake.answerNext({
      content: 'Sure! Here is the draft:\n```json\n{"summary": "slow {export}"}\n```\nAnything else?',
    });
    assert.equal(await client().complete(question, { json: true }), '{"summary": "slow {export}"}');
    assert.deepEqual(fake.requests[0]?.body.response_format, { type: "json_object" });
  });

  test("a server that refuses JSON mode with a 400 is asked again without it", async () => {
    fake.answerNext(
      { status: 400, message: "response_format is not supported by this model" },
      { content: '{"summary": "ok"}' },
    );
    assert.equal(await client().complete(question, { json: true }), '{"summary": "ok"}');
    assert.equal(fake.requests.length, 2);
    assert.equal(fake.requests[1]?.body.response_format, undefined);
  });

  test("without a key no Authorization header is sent (local servers such as Ollama)", async () => {
    const open = await startFakeOpenAi();
    try {
      const llm = createOpenAiClient({ baseUrl: open.url, model: "llama3.1", timeoutMs: 5000 });
      await llm.complete(question);
      assert.equal(open.requests[0]?.headers.authorization, undefined);
    } finally {
      await open.close();
    }
  });

  test("a wrong key: the server's 401 message, naming the endpoint, never the key", async () => {
    const wrong = "sk-wrong-key-abcdefghijklmnop";
    const error = await rejection(client({ apiKey: wrong }).complete(question));
    assert.match(
      error.message,
      /^AI endpoint http:\/\/127\.0\.0\.1:\d+\/v1 answered 401: Incorrect API key provided/,
    );
    assert.ok(!error.message.includes(wrong));
    assert.equal(fake.requests.length, 1, "a 401 is not retried");
  });

  test("a 500 is retried once; a second one is reported with the server's message", async () => {
    fake.answerNext({ status: 500, message: "The server had an error" }, { content: "recovered" });
    assert.equal(await client().complete(question), "recovered");
    assert.equal(fake.requests.length, 2);

    fake.requests.length = 0;
    fake.answerNext({ status: 500, message: "overloaded" }, { status: 503, text: "upstream down" });
    const error = await rejection(client().complete(question));
    assert.match(error.message, /answered 503: upstream down$/);
    assert.equal(fake.requests.length, 2);
  });

  test('Ollama\'s error shape {error: "…"} is read too', async () => {
    const ollama = await startFakeOpenAi();
    try {
      ollama.answerNext({
        status: 404,
        text: '{"error":"model \\"llama9\\" not found, try pulling it first"}',
      });
      const llm = createOpenAiClient({ baseUrl: ollama.url, model: "llama9", timeoutMs: 5000 });
      const error = await rejection(llm.complete(question));
      assert.match(error.message, /answered 404: model "llama9" not found, try pulling it first$/);
    } finally {
      await ollama.close();
    }
  });

  test("a server slower than the timeout: one readable error, within the timeout", async () => {
    fake.defaultAnswer = { content: "too late", delayMs: 5000 };
    const started = Date.now();
    const error = await rejection(client({ timeoutMs: 400 }).complete(question));
    assert.match(error.message, /^AI endpoint http:\/\/127\.0\.0\.1:\d+\/v1 did not answer within 400 ms$/);
    assert.ok(Date.now() - started < 2000, `took ${Date.now() - started} ms`);
  });

  test("an endpoint nobody listens on: could not be reached", async () => {
    const port = await closedPort();
    const llm = createOpenAiClient({
      baseUrl: `http://127.0.0.1:${port}/v1`,
      model: "m",
      timeoutMs: 3000,
      maxRetries: 0,
    });
    const error = await rejection(llm.complete(question));
    assert.equal(
      error.message,
      `AI endpoint http://127.0.0.1:${port}/v1 could not be reached: connect ECONNREFUSED 127.0.0.1:${port}`,
    );
  });

  test("an empty answer is an error, not an empty draft", async () => {
    fake.answerNext({ content: "", finishReason: "length" });
    const error = await rejection(client().complete(question));
    assert.match(error.message, /answered without any text \(finish_reason length\)$/);
  });

  test("the caller can cancel", async () => {
    fake.answerNext({ content: "late", delayMs: 3000 });
    const controller = new AbortController();
    const pending = client().complete(question, { signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    assert.equal((await rejection(pending)).message, "the AI request was cancelled");
  });
});
