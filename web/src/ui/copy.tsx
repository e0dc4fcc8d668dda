import { useEffect, useRef, useState } from "react";
import { toast } from "./toast.tsx";

// A value people paste elsewhere (webhook URLs, routing keys) with a button that copies it.

export async function writeClipboard(text: string): Promise<boolean> {
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // fall back below
  }
  // Plain-HTTP deployments have no async clipboard: copy through a selected, off-screen textarea.
  const area = document.createElement("textarea");
  area.value = text;
  area.setAttribute("readonly", "");
  area.style.position = "fixed";
  area.style.opacity = "0";
  document.body.append(area);
  area.select();
  let ok = false;
  try {
    ok = document.execCommand("copy");
  } catch {
    ok = false;
  }
  area.remove();
  return ok;
}

export function CopyButton({ value, label }: { value: string; label: string }) {
  const [copied, setCopied] = useState(false);
  const timer = useRef<number | undefined>(undefined);
  useEffect(() => () => window.clearTimeout(timer.current), []);
  const copy = async () => {
    if (await writeClipboard(value)) {
      setCopied(true);
      window.clearTimeout(timer.current);
      timer.current = window.setTimeout(() => setCopied(false), 2000);
      toast("Copied");
    } else toast("Could not copy; select the text and copy it by hand", "error");
  };
  return (
    <button type="button" className="btn btn-secondary btn-xs copy-btn" aria-label={label} onClick={copy}>
      {copied ? "Copied" : "Copy"}
    </button>
  );
}

/** A labelled, selectable value with its copy button. */
export function CopyValue({ label, value, copyLabel }: { label: string; value: string; copyLabel: string }) {
  return (
    <div className="copy-value">
      <span className="copy-label">{label}</span>
      <code className="copy-text">{value}</code>
      <CopyButton value={value} label={copyLabel} />
    </div>
  );
}
