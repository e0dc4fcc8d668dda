import { useEffect } from "react";

/** Sets the tab title: "INC-7 Checkout errors · Foghorn". */
export function useDocumentTitle(title: string | null): void {
  useEffect(() => {
    document.title = title ? `${title} · Foghorn` : "Foghorn";
  }, [title]);
}
