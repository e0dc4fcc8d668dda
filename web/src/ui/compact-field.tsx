import { type ReactNode, useId } from "react";

/** A small inline control with its label before it (toolbars, section tools). */
export function CompactField({
  label,
  className,
  children,
}: {
  label: string;
  className?: string;
  children: (id: string) => ReactNode;
}) {
  const id = useId();
  return (
    <span className={`compact-field${className ? ` ${className}` : ""}`}>
      <label htmlFor={id}>{label}</label>
      {children(id)}
    </span>
  );
}
