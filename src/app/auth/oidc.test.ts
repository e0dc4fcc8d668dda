import assert from "node:assert/strict";
import { test } from "node:test";
import { claimAt, groupsOf, roleForGroups, safeReturnTo, usernameFromClaim } from "./oidc.ts";

const mapping = { admins: "admin", sre: "manager", eng: "responder", readers: "viewer" } as const;

test("the highest role of the mapped groups wins; unmapped groups count for nothing", () => {
  const cases: [string[], "viewer" | null, string | null][] = [
    [["eng"], null, "responder"],
    [["readers", "eng", "sre"], null, "manager"],
    [["sre", "admins", "eng"], null, "admin"],
    [["marketing"], null, null],
    [[], null, null],
    [["marketing"], "viewer", "viewer"],
    [["eng"], "viewer", "responder"],
    [["toString", "__proto__", "constructor"], null, null],
  ];
  for (const [groups, fallback, expected] of cases)
    assert.equal(roleForGroups(groups, mapping, fallback), expected, JSON.stringify(groups));
});

test("return_to accepts paths on this site and refuses anything that leaves it", () => {
  assert.equal(safeReturnTo(undefined), "/");
  assert.equal(safeReturnTo(""), "/");
  assert.equal(safeReturnTo("/incidents?status=open#top"), "/incidents?status=open#top");
  assert.equal(safeReturnTo("/incidents/INC-7"), "/incidents/INC-7");
  for (const bad of [
    "//evil.example",
    "///evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "https://evil.example/",
    "javascript:alert(1)",
    "evil.example",
    "/\r\nSet-Cookie: x=1",
    "/\tfoo",
    `/${"a".repeat(2048)}`,
  ])
    assert.equal(safeReturnTo(bad), undefined, JSON.stringify(bad));
});

test("usernames are made from the claim: an email keeps its local part, odd characters become -", () => {
  assert.equal(usernameFromClaim("alice"), "alice");
  assert.equal(usernameFromClaim("alice@example.com"), "alice");
  assert.equal(usernameFromClaim("Alice Smith"), "Alice-Smith");
  assert.equal(usernameFromClaim("..ops!!"), "ops");
  assert.equal(usernameFromClaim("ünïcode"), "n-code");
  assert.equal(usernameFromClaim(""), "user");
  assert.equal(usernameFromClaim(undefined), "user");
  assert.equal(usernameFromClaim(42), "user");
  assert.ok(usernameFromClaim("x".repeat(200)).length <= 56);
});

test("groups come as a list or one string; nested claims are reached by a dotted path", () => {
  assert.deepEqual(groupsOf(["a", "b", 3]), ["a", "b"]);
  assert.deepEqual(groupsOf("a, b c"), ["a", "b", "c"]);
  assert.deepEqual(groupsOf(undefined), []);
  const claims = { groups: ["x"], realm_access: { roles: ["sre"] }, "dotted.name": ["d"] };
  assert.deepEqual(claimAt(claims, "groups"), ["x"]);
  assert.deepEqual(claimAt(claims, "realm_access.roles"), ["sre"]);
  assert.deepEqual(claimAt(claims, "dotted.name"), ["d"]);
  assert.equal(claimAt(claims, "realm_access.missing"), undefined);
  assert.equal(claimAt(claims, "__proto__.constructor"), undefined);
});
