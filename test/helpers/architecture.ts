// The import-direction rule of ARCHITECTURE.md ("Who may import whom") as a function over source texts,
// so that test/architecture.test.ts can run it on the real src/ tree and on synthetic files.
import { isBuiltin } from "node:module";
import { posix } from "node:path";
import ts from "typescript";

export const LAYERS = ["domain", "store", "app", "engine", "integrations", "http", "cli", "config"] as const;
export type Layer = (typeof LAYERS)[number];

/** What each layer may import from src/ (ARCHITECTURE.md). `src/main.ts` may import everything. */
export const ALLOWED: Record<Layer, readonly Layer[]> = {
  domain: ["domain"],
  store: ["domain", "store"],
  app: ["domain", "store", "app"],
  engine: ["domain", "store", "app", "engine"],
  integrations: ["domain", "app", "integrations"],
  http: ["domain", "app", "integrations", "http"],
  cli: ["domain", "store", "app", "cli", "config"],
  config: ["domain", "config"],
};

export const COMPOSITION_ROOT = "src/main.ts";
/** The only npm packages src/domain may import: it must stay pure. */
export const DOMAIN_PACKAGES: readonly string[] = ["zod"];

/** A source file: `path` is POSIX and relative to the project root ("src/app/incidents/declare.ts"). */
export interface SourceText {
  path: string;
  text: string;
}

function isLayer(name: string): name is Layer {
  return (LAYERS as readonly string[]).includes(name);
}

/** Module specifiers of static imports, `export … from`, `import x = require()`, `import("…")` and `import("…").T`. */
export function importSpecifiers(path: string, text: string): string[] {
  const source = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier) {
      if (ts.isStringLiteral(node.moduleSpecifier)) found.push(node.moduleSpecifier.text);
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      if (ts.isStringLiteral(node.moduleReference.expression))
        found.push(node.moduleReference.expression.text);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [argument] = node.arguments;
      if (argument && ts.isStringLiteralLike(argument)) found.push(argument.text);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      if (ts.isStringLiteral(node.argument.literal)) found.push(node.argument.literal.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** "src/app/x.ts" → "app"; "src/main.ts" → "main.ts"; "src/utils/x.ts" → "utils". */
function topOfSrc(path: string): string | undefined {
  if (!path.startsWith("src/")) return undefined;
  return path.slice("src/".length).split("/")[0];
}

function packageName(specifier: string): string {
  const parts = specifier.split("/");
  return (specifier.startsWith("@") ? parts.slice(0, 2) : parts.slice(0, 1)).join("/");
}

/** Every import that breaks the table, as `src/app/x.ts imports #http/y.ts: app may import only domain, store, app`. */
export function checkLayers(files: readonly SourceText[]): string[] {
  const violations: string[] = [];
  for (const file of files) {
    if (file.path === COMPOSITION_ROOT) continue;
    const layer = topOfSrc(file.path) ?? "";
    if (!isLayer(layer)) {
      violations.push(
        `${file.path} is in no layer: move it under src/<${LAYERS.join("|")}>/ (ARCHITECTURE.md)`,
      );
      continue;
    }
    const isTest = file.path.endsWith(".test.ts");
    const allowed = ALLOWED[layer];
    for (const specifier of importSpecifiers(file.path, file.text)) {
      const broken = (reason: string) => violations.push(`${file.path} imports ${specifier}: ${reason}`);
      const rule = `${layer} may import only ${allowed.join(", ")}`;
      if (specifier.startsWith("#")) {
        const target = specifier.slice(1).split("/")[0] ?? "";
        if (!isLayer(target) || !allowed.includes(target)) broken(rule);
      } else if (specifier.startsWith(".")) {
        const resolved = posix.normalize(posix.join(posix.dirname(file.path), specifier));
        const target = topOfSrc(resolved);
        if (target === undefined) {
          if (!isTest && resolved !== "package.json")
            broken("code under src/ may not import from outside src/");
        } else if (!isLayer(target) || !allowed.includes(target)) broken(rule);
      } else if (specifier.startsWith("/") || specifier.startsWith("file:")) {
        broken("use a relative or #layer/ specifier, not an absolute path");
      } else if (
        !isBuiltin(specifier) &&
        layer === "domain" &&
        !DOMAIN_PACKAGES.includes(packageName(specifier))
      ) {
        broken(`domain must stay pure: of npm packages it may import only ${DOMAIN_PACKAGES.join(", ")}`);
      }
    }
  }
  return violations;
}
