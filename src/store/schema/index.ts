export * from "./alerts.ts";
export * from "./auth.ts";
export * from "./incidents.ts";
export * from "./jobs.ts";
export * from "./oncall.ts";
export * from "./records.ts";
export * from "./services.ts";
export * from "./timeline.ts";
