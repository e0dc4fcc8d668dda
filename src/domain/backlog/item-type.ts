/** bug or task: the two issue kinds an action item is filed as (seed 000: "Labels: bug (or task)"). */
export type BacklogItemType = "bug" | "task";

// Words that say something is wrong and needs repairing; stems match their inflections ("crashes",
// "leaking", "failed"). Anything else (add, write, document, monitor…) is planned work: a task.
const BUG_WORDS =
  /\b(fix\w*|hotfix\w*|bug\w*|broken|breaks?|breakage|errors?|erroring|crash\w*|regress\w*|leak\w*|fail\w*|incorrect\w*|wrong|deadlock\w*|corrupt\w*|exceptions?|panics?|defects?|faulty|race condition)\b/i;

/**
 * Infers bug or task from an action's wording: fix/bug/broken/error/crash/regression/leak/fail… → bug,
 * else task. Inline code (`error_count`) is ignored: an identifier says nothing about the work.
 */
export function inferItemType(action: string): BacklogItemType {
  const prose = action.replace(/`[^`]*`/g, " ");
  return BUG_WORDS.test(prose) ? "bug" : "task";
}
