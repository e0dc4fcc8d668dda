import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { escapeText, foldLine, renderICalendar } from "./ical.ts";

const octets = (s: string) => Buffer.byteLength(s, "utf8");
/** RFC 5545 unfolding: a CRLF followed by one space or tab is removed. */
const unfold = (s: string) => s.replace(/\r\n[ \t]/g, "");

describe("renderICalendar", () => {
  const feed = renderICalendar({
    name: "On call: Payments, primary",
    timeZone: "Europe/Berlin",
    now: new Date("2026-03-01T12:00:00Z"),
    events: [
      {
        uid: "shift-1@foghorn",
        start: new Date("2026-03-29T01:00:00Z"),
        end: new Date("2026-03-30T07:00:00.500Z"),
        summary: "On call: alice",
        description: "Primary layer\nEscalation: call bob; then carol, dave",
        url: "https://foghorn.example/schedules/payments?at=2026-03-29",
      },
    ],
  });
  const lines = feed.split("\r\n");

  test("uses CRLF line endings only, and ends with one", () => {
    assert.ok(feed.endsWith("END:VCALENDAR\r\n"));
    assert.equal(feed.replace(/\r\n/g, "").includes("\n"), false);
    assert.equal(feed.replace(/\r\n/g, "").includes("\r"), false);
  });

  test("has the calendar header: version, product id, name and zone hint", () => {
    assert.deepEqual(lines.slice(0, 7), [
      "BEGIN:VCALENDAR",
      "VERSION:2.0",
      "PRODID:-//Foghorn//On-call//EN",
      "CALSCALE:GREGORIAN",
      "METHOD:PUBLISH",
      "X-WR-CALNAME:On call: Payments\\, primary",
      "X-WR-TIMEZONE:Europe/Berlin",
    ]);
  });

  test("writes the event in UTC with a stamp, escaping its text", () => {
    const event = unfold(feed).split("\r\n");
    const from = event.indexOf("BEGIN:VEVENT");
    assert.deepEqual(event.slice(from, event.indexOf("END:VEVENT") + 1), [
      "BEGIN:VEVENT",
      "UID:shift-1@foghorn",
      "DTSTAMP:20260301T120000Z",
      "DTSTART:20260329T010000Z",
      "DTEND:20260330T070000Z",
      "SUMMARY:On call: alice",
      "DESCRIPTION:Primary layer\\nEscalation: call bob\\; then carol\\, dave",
      "URL:https://foghorn.example/schedules/payments?at=2026-03-29",
      "TRANSP:OPAQUE",
      "END:VEVENT",
    ]);
  });

  test("an empty feed is still a valid calendar, without a zone hint when none is given", () => {
    const empty = renderICalendar({ name: "Nobody", events: [], now: new Date("2026-01-01T00:00Z") });
    assert.equal(empty.includes("X-WR-TIMEZONE"), false);
    assert.equal(empty.includes("BEGIN:VEVENT"), false);
    assert.ok(empty.startsWith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"));
  });
});

describe("escapeText", () => {
  // [input, escaped, why]
  const cases: [string, string, string][] = [
    ["a;b,c", "a\\;b\\,c", "semicolon and comma"],
    ["C:\\temp", "C:\\\\temp", "backslash doubled"],
    ["one\ntwo\r\nthree\rfour", "one\\ntwo\\nthree\\nfour", "every kind of line break becomes \\n"],
    ["a\\;", "a\\\\\\;", "backslash before a semicolon: both escaped, once"],
    ["bell\u0007 tab\t", "bell tab\t", "control characters dropped, tab kept"],
    ["Zoë ☎ 🚨", "Zoë ☎ 🚨", "non-ASCII kept as is"],
  ];
  for (const [input, expected, why] of cases)
    test(`${JSON.stringify(input)} (${why})`, () => assert.equal(escapeText(input), expected));
});

describe("foldLine", () => {
  test("a line of 75 octets is not folded; 76 are", () => {
    assert.equal(foldLine("x".repeat(75)), "x".repeat(75));
    assert.equal(foldLine("x".repeat(76)), `${"x".repeat(75)}\r\n x`);
  });

  test("continuation lines hold 74 octets after their leading space", () => {
    const folded = foldLine("y".repeat(75 + 74 + 10));
    assert.deepEqual(
      folded.split("\r\n").map((l) => l.length),
      [75, 75, 11],
    );
  });

  test("never splits a multibyte character, and every line stays within 75 octets", () => {
    const text = `SUMMARY:${"Bereitschaft für Jürgen ☎ 🚨 ".repeat(12)}`;
    const folded = foldLine(text);
    const physical = folded.split("\r\n");
    assert.ok(physical.length > 3);
    for (const line of physical) {
      assert.ok(octets(line) <= 75, `${octets(line)} octets: ${line}`);
      // A split inside a UTF-8 sequence would leave an invalid sequence at a line edge.
      assert.doesNotThrow(() => new TextDecoder("utf-8", { fatal: true }).decode(Buffer.from(line, "utf8")));
      assert.equal(/[\ud800-\udbff]$|^ ?[\udc00-\udfff]/.test(line), false, "a surrogate pair was split");
    }
    assert.equal(unfold(folded), text);
  });

  test("a 4-octet character that would cross the limit moves whole to the next line", () => {
    const folded = foldLine(`${"z".repeat(73)}🚨`);
    assert.equal(folded, `${"z".repeat(73)}\r\n 🚨`);
  });
});

test("long event text is folded inside the feed and unfolds to the escaped text", () => {
  const description = "Handover notes; ".repeat(20);
  const feed = renderICalendar({
    name: "x",
    now: new Date("2026-01-01T00:00Z"),
    events: [{ uid: "u", start: new Date(0), end: new Date(1000), summary: "s", description }],
  });
  for (const line of feed.split("\r\n")) assert.ok(octets(line) <= 75);
  assert.ok(unfold(feed).includes(`DESCRIPTION:${escapeText(description)}\r\n`));
});
