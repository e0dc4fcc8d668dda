// examples/incident-to-backlog.yml: its trigger, permissions and concurrency as GitHub reads them, and its
// shell steps run for real in a scratch git repository (a fake `npx` records what the sync receives).
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";

const WORKFLOW = fileURLToPath(new URL("../../examples/incident-to-backlog.yml", import.meta.url));
const SEED_PATH = ".scraut/sprint/001/incidents/2026-05-24-api-timeout/action-items.md";
const SEED_INCIDENT = ".scraut/sprint/001/incidents/2026-05-24-api-timeout/incident.md";
const OTHER_PATH = ".scraut/sprint/002/incidents/2026-06-03-login-loop/action-items.md";

interface Step {
  id?: string;
  name?: string;
  uses?: string;
  with?: Record<string, unknown>;
  if?: string;
  env?: Record<string, string>;
  run?: string;
}

interface Workflow {
  on: { push: { paths: string[]; branches?: string[] }; workflow_dispatch?: unknown };
  permissions: Record<string, string>;
  concurrency: { group: string; "cancel-in-progress": boolean };
  jobs: Record<string, { "runs-on": string; steps: Step[] }>;
}

// parse() returns an untyped document; the tests below assert every field they rely on.
const workflow = parse(readFileSync(WORKFLOW, "utf8")) as Workflow;
const steps = Object.values(workflow.jobs)[0]?.steps ?? [];
const findStep = (test: (s: Step) => boolean, what: string): Step => {
  const step = steps.find(test);
  assert.ok(step, `the workflow has a step that ${what}`);
  return step;
};
const changedStep = findStep((s) => s.id === "changed", "finds the changed files (id: changed)");
const installStep = findStep((s) => s.name === "Install Foghorn", "installs Foghorn");
const syncStep = findStep((s) => /foghorn backlog sync/.test(s.run ?? ""), "runs foghorn backlog sync");

/** A GitHub Actions expression as written in the workflow: `${{ secrets.GITHUB_TOKEN }}`. */
const expression = (text: string) => `\${{ ${text} }}`;

/** GitHub's path filter glob as a regular expression: `*` stays within a folder, `**` crosses folders. */
function globToRegExp(glob: string): RegExp {
  let source = "";
  for (let i = 0; i < glob.length; i++) {
    const ch = glob.charAt(i);
    if (glob.startsWith("**/", i)) {
      source += "(?:.*/)?";
      i += 2;
    } else if (glob.startsWith("**", i)) {
      source += ".*";
      i += 1;
    } else if (ch === "*") source += "[^/]*";
    else source += ch.replace(/[.+?^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${source}$`);
}

describe("incident-to-backlog workflow: what GitHub reads", () => {
  test("runs on pushes to action-items.md under .scraut/sprint/*/incidents/", () => {
    assert.deepEqual(workflow.on.push.paths, [".scraut/sprint/*/incidents/**/action-items.md"]);
    const [pattern = ""] = workflow.on.push.paths;
    assert.match(SEED_PATH, globToRegExp(pattern), "seed 000's example path triggers the workflow");
    assert.match(OTHER_PATH, globToRegExp(pattern));
    for (const path of [
      SEED_INCIDENT,
      ".scraut/sprint/001/notes/action-items.md",
      "docs/sprint/001/incidents/2026-05-24-api-timeout/action-items.md",
    ]) {
      assert.doesNotMatch(path, globToRegExp(pattern), `${path} does not trigger it`);
    }
  });

  test("may write issues and only read contents", () => {
    assert.deepEqual(workflow.permissions, { issues: "write", contents: "read" });
  });

  test("one sync per repository at a time, queued rather than cancelled", () => {
    assert.equal(workflow.concurrency.group, `incident-to-backlog-${expression("github.repository")}`);
    assert.equal(workflow.concurrency["cancel-in-progress"], false);
  });

  test("checks out two commits and sets up Node 20", () => {
    const checkout = findStep((s) => s.uses?.startsWith("actions/checkout@") === true, "checks out");
    assert.equal(checkout.with?.["fetch-depth"], 2);
    const node = findStep((s) => s.uses?.startsWith("actions/setup-node@") === true, "sets up node");
    assert.equal(node.with?.["node-version"], 20);
  });

  test("the sync gets GITHUB_TOKEN from secrets and the optional Slack and AI settings", () => {
    assert.equal(syncStep.env?.GITHUB_TOKEN, expression("secrets.GITHUB_TOKEN"));
    assert.equal(syncStep.env?.SLACK_BOT_TOKEN, expression("secrets.SLACK_BOT_TOKEN"));
    assert.equal(syncStep.env?.SLACK_BACKLOG_CHANNEL, expression("vars.SLACK_BACKLOG_CHANNEL"));
    assert.equal(syncStep.env?.OPENAI_API_KEY, expression("secrets.OPENAI_API_KEY"));
    assert.equal(syncStep.env?.FOGHORN_AI_BASE_URL, expression("vars.FOGHORN_AI_BASE_URL"));
    assert.equal(syncStep.env?.FOGHORN_AI_MODEL, expression("vars.FOGHORN_AI_MODEL"));
    assert.equal(syncStep.if, "steps.changed.outputs.count != '0'", "skipped when nothing changed");
  });

  test("no expression is pasted into a shell script (values go through env)", () => {
    for (const step of steps) assert.doesNotMatch(step.run ?? "", /\$\{\{/, `step "${step.name}"`);
  });
});

/** A scratch repository: commit 1 a README, commit 2 seed 000's incident, commit 3 another sprint's items. */
function git(cwd: string, ...args: string[]): string {
  return execFileSync("git", args, {
    cwd,
    encoding: "utf8",
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: "Bob",
      GIT_AUTHOR_EMAIL: "bob@example.com",
      GIT_COMMITTER_NAME: "Bob",
      GIT_COMMITTER_EMAIL: "bob@example.com",
      GIT_CONFIG_NOSYSTEM: "1",
      HOME: cwd,
    },
  }).trim();
}

function write(root: string, path: string, text: string) {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
}

describe("incident-to-backlog workflow: its scripts", () => {
  let dir: string;
  let repo: string;
  const commits: string[] = [];
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "foghorn-workflow-"));
    repo = join(dir, "repo");
    mkdirSync(repo);
    git(repo, "init", "-q");
    write(repo, "README.md", "# shop\n");
    git(repo, "add", ".");
    git(repo, "commit", "-q", "-m", "init");
    commits.push(git(repo, "rev-parse", "HEAD"));
    write(repo, SEED_INCIDENT, "# Incident: API Timeout on Bulk Requests — 2026-05-24\n");
    write(repo, SEED_PATH, "- Add index to `exports` table on `user_id` column — Bob — p:high\n");
    write(repo, "docs/notes.md", "notes\n");
    git(repo, "add", ".");
    git(repo, "commit", "-q", "-m", "API timeout incident");
    commits.push(git(repo, "rev-parse", "HEAD"));
    write(repo, OTHER_PATH, "- Fix login redirect loop — Alice — p:high\n");
    git(repo, "rm", "-q", "docs/notes.md");
    git(repo, "add", ".");
    git(repo, "commit", "-q", "-m", "login loop incident");
    commits.push(git(repo, "rev-parse", "HEAD"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  /** Runs the "changed" step as Actions would; returns the listed files and the `count` output. */
  function findChanged(env: { EVENT_NAME: string; BEFORE: string; sha: string }) {
    const temp = mkdtempSync(join(dir, "runner-"));
    const output = join(temp, "output");
    writeFileSync(output, "");
    git(repo, "checkout", "-q", env.sha);
    execFileSync("bash", ["-e", "-c", changedStep.run ?? ""], {
      cwd: repo,
      encoding: "utf8",
      env: {
        ...process.env,
        ...changedStep.env,
        EVENT_NAME: env.EVENT_NAME,
        BEFORE: env.BEFORE,
        GITHUB_SHA: env.sha,
        RUNNER_TEMP: temp,
        GITHUB_OUTPUT: output,
      },
    });
    const files = readFileSync(join(temp, "action-items.txt"), "utf8").split("\n").filter(Boolean);
    return { files, output: readFileSync(output, "utf8"), temp };
  }

  /** The scratch repository's commit n (0: README, 1: seed 000's incident, 2: the login loop). */
  const commit = (n: number): string => commits[n] ?? assert.fail(`commit ${n} was not made`);

  test("a push lists the action-items.md files it changed, nothing else", () => {
    const { files, output } = findChanged({
      EVENT_NAME: "push",
      BEFORE: commit(0),
      sha: commit(1),
    });
    assert.deepEqual(files, [SEED_PATH]);
    assert.equal(output, "count=1\n");
  });

  test("a push of several commits lists every changed file", () => {
    const { files } = findChanged({ EVENT_NAME: "push", BEFORE: commit(0), sha: commit(2) });
    assert.deepEqual(files, [SEED_PATH, OTHER_PATH]);
  });

  test("the first push of a branch (before = zeros) falls back to the pushed commit's changes", () => {
    const { files } = findChanged({ EVENT_NAME: "push", BEFORE: "0".repeat(40), sha: commit(2) });
    assert.deepEqual(files, [OTHER_PATH]);
  });

  test("a force push whose 'before' commit is gone falls back too", () => {
    const { files } = findChanged({ EVENT_NAME: "push", BEFORE: "1".repeat(40), sha: commit(1) });
    assert.deepEqual(files, [SEED_PATH]);
  });

  test("a push that touches no action item lists nothing (count=0 skips the sync)", () => {
    const { files, output } = findChanged({
      EVENT_NAME: "push",
      BEFORE: commit(1),
      sha: commit(1),
    });
    assert.deepEqual(files, []);
    assert.equal(output, "count=0\n");
  });

  test("a run by hand lists every action-items.md in the repository", () => {
    const { files } = findChanged({ EVENT_NAME: "workflow_dispatch", BEFORE: "", sha: commit(2) });
    assert.deepEqual(files, [SEED_PATH, OTHER_PATH]);
  });

  /** Runs the install step with a fake `npm` that records its arguments; returns them, or the failure. */
  function install(packageJson: object | undefined, foghornPackage: string) {
    const work = mkdtempSync(join(dir, "install-"));
    if (packageJson) writeFileSync(join(work, "package.json"), JSON.stringify(packageJson));
    const bin = join(work, ".bin");
    mkdirSync(bin);
    writeFileSync(join(bin, "npm"), `#!/bin/sh\necho "$@" > "${join(work, "npm-args")}"\n`);
    chmodSync(join(bin, "npm"), 0o755);
    try {
      execFileSync("bash", ["-e", "-c", installStep.run ?? ""], {
        cwd: work,
        encoding: "utf8",
        env: { ...process.env, PATH: `${bin}:${process.env.PATH ?? ""}`, FOGHORN_PACKAGE: foghornPackage },
      });
    } catch (error) {
      return { failed: error instanceof Error && "stdout" in error ? String(error.stdout) : String(error) };
    }
    return { npm: readFileSync(join(work, "npm-args"), "utf8").trim() };
  }

  test("Foghorn is installed from package.json when the repository depends on it, else from FOGHORN_PACKAGE", () => {
    assert.deepEqual(install({ devDependencies: { foghorn: "github:acme/foghorn#v0.1.0" } }, ""), {
      npm: "ci",
    });
    assert.deepEqual(install({ dependencies: { react: "19.0.0" } }, "github:acme/foghorn#v0.1.0"), {
      npm: "install --global github:acme/foghorn#v0.1.0",
    });
    assert.deepEqual(install(undefined, "https://example.com/foghorn-0.1.0.tgz"), {
      npm: "install --global https://example.com/foghorn-0.1.0.tgz",
    });
    const missing = install(undefined, "");
    assert.match(missing.failed ?? "", /::error::Set the repository variable FOGHORN_PACKAGE/);
  });

  test("the sync step passes the listed files to `npx foghorn backlog sync`", () => {
    const { temp } = findChanged({ EVENT_NAME: "push", BEFORE: commit(0), sha: commit(2) });
    const bin = join(temp, "bin");
    mkdirSync(bin);
    const argsFile = join(temp, "npx-args");
    writeFileSync(join(bin, "npx"), `#!/bin/sh\nfor a in "$@"; do echo "$a"; done > "${argsFile}"\n`);
    chmodSync(join(bin, "npx"), 0o755);
    execFileSync("bash", ["-e", "-c", syncStep.run ?? ""], {
      cwd: repo,
      env: { ...process.env, PATH: `${bin}:${process.env.PATH ?? ""}`, RUNNER_TEMP: temp },
    });
    const args = readFileSync(argsFile, "utf8").split("\n").filter(Boolean);
    assert.deepEqual(args, ["--no", "foghorn", "backlog", "sync", SEED_PATH, OTHER_PATH]);
  });
});
