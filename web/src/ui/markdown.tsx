import { type MouseEvent, useMemo } from "react";
import { writeClipboard } from "./copy.tsx";
import { renderMarkdown } from "./markdown-render.ts";
import { toast } from "./toast.tsx";

export { isSafeUrl, renderMarkdown } from "./markdown-render.ts";

// Safe markdown for runbooks and postmortems. Raw HTML is never passed through (it shows as
// text), links are limited to http(s), mailto and relative addresses, and every code block gets
// a Copy button that copies the exact code text.

const copiedTimers = new WeakMap<HTMLButtonElement, number>();

/** Renders markdown safely; Copy buttons on code blocks copy the block's exact text. */
export function Markdown({ text, className }: { text: string; className?: string }) {
  const html = useMemo(() => renderMarkdown(text), [text]);
  const onClick = async (event: MouseEvent<HTMLDivElement>) => {
    const target = event.target as HTMLElement;
    const button = target.closest<HTMLButtonElement>("button.md-copy");
    if (!button || !event.currentTarget.contains(button)) return;
    const code = button.parentElement?.querySelector("pre > code");
    if (!code) return;
    const label = button.querySelector(".md-copy-label");
    if (await writeClipboard(code.textContent ?? "")) {
      if (label) label.textContent = "Copied";
      window.clearTimeout(copiedTimers.get(button));
      copiedTimers.set(
        button,
        window.setTimeout(() => {
          if (label) label.textContent = "Copy";
        }, 2000),
      );
      toast("Copied");
    } else toast("Could not copy; select the text and copy it by hand", "error");
  };
  return (
    // biome-ignore lint/a11y/useKeyWithClickEvents: the clicks come from real <button>s inside (delegation), which are keyboard operable
    // biome-ignore lint/a11y/noStaticElementInteractions: same, event delegation for the code blocks' Copy buttons
    <div
      className={className ? `markdown ${className}` : "markdown"}
      onClick={onClick}
      // biome-ignore lint/security/noDangerouslySetInnerHtml: markdown-it with html disabled and links restricted
      dangerouslySetInnerHTML={{ __html: html }}
    />
  );
}
