/**
 * Reads a text/event-stream response message by message, for tests that wait on live events without
 * sleeping: `await stream.next((m) => m.event === "incident")` resolves when that message arrives.
 */
export interface SseMessage {
  event: string;
  data: string;
  /** Comment lines (`: keepalive`), without the colon. */
  comments: string[];
}

export class SseReader {
  readonly #reader: ReadableStreamDefaultReader<Uint8Array>;
  readonly #decoder = new TextDecoder();
  #buffer = "";
  readonly seen: SseMessage[] = [];

  constructor(res: Response) {
    if (!res.body) throw new Error("the response has no body");
    this.#reader = res.body.getReader();
  }

  /** The next message that matches (earlier ones are skipped, and kept in `seen`); throws if the stream ends. */
  async next(match: (m: SseMessage) => boolean = () => true): Promise<SseMessage> {
    for (;;) {
      let end = this.#buffer.indexOf("\n\n");
      while (end >= 0) {
        const block = this.#buffer.slice(0, end);
        this.#buffer = this.#buffer.slice(end + 2);
        const message = parse(block);
        this.seen.push(message);
        if (match(message)) return message;
        end = this.#buffer.indexOf("\n\n");
      }
      const { value, done } = await this.#reader.read();
      if (done) throw new Error(`the stream ended; seen: ${JSON.stringify(this.seen)}`);
      this.#buffer += this.#decoder.decode(value, { stream: true });
    }
  }

  /** Resolves true when the server ends the stream (reading on until then). */
  async ended(): Promise<boolean> {
    for (;;) {
      const { done } = await this.#reader.read();
      if (done) return true;
    }
  }

  async cancel(): Promise<void> {
    await this.#reader.cancel().catch(() => {});
  }
}

function parse(block: string): SseMessage {
  const message: SseMessage = { event: "message", data: "", comments: [] };
  const data: string[] = [];
  for (const line of block.split("\n")) {
    if (line.startsWith(":")) message.comments.push(line.slice(1).trim());
    else if (line.startsWith("event:")) message.event = line.slice(6).trim();
    else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
  }
  message.data = data.join("\n");
  return message;
}
