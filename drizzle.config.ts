import { defineConfig } from "drizzle-kit";

// Generates append-only SQL migrations from src/store/schema (npm run db:generate). Never edit a merged one.
export default defineConfig({
  dialect: "postgresql",
  schema: "./src/store/schema/index.ts",
  out: "./src/store/migrations",
});
