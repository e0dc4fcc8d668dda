/**
 * When Foghorn's engine counts as stuck: one rule for `/readyz` (http/routes/system.ts), the outbound
 * heartbeat (engine/heartbeat-out.ts) and the engine metrics.
 */

/** One background loop of the engine, as /readyz, /metrics and the heartbeat see it. */
export interface RunnerProbe {
  /** Label in metrics: "jobs" (the job runner), "alerts" (the alert processor). */
  name: string;
  /** Seconds since its last completed cycle; an idle runner still cycles every poll interval. */
  cycleAgeSeconds(): number;
  /** The work due and unclaimed for it (store/jobs.ts dueBacklog); absent: its age alone says nothing. */
  backlog?(): Promise<{ due: number; oldestSeconds: number }>;
}

export interface EngineProbe {
  runners: readonly RunnerProbe[];
  /** How old a runner's last cycle may be while it has due work (60 s by default). */
  stuckAfterSeconds?: number;
}

/**
 * Why the engine is stuck, or undefined: a runner whose last cycle is older than the threshold while work
 * is due for it. An idle runner cycles every poll interval (1 s), so its age stays small; one that is old
 * with nothing due (e.g. a long handler on an empty queue) is not called stuck.
 */
export async function engineProblem(engine: EngineProbe): Promise<string | undefined> {
  const limit = engine.stuckAfterSeconds ?? 60;
  for (const runner of engine.runners) {
    const age = runner.cycleAgeSeconds();
    if (age <= limit || !runner.backlog) continue;
    const { due, oldestSeconds } = await runner.backlog();
    if (due > 0)
      return `job engine stuck: the ${runner.name} runner's last cycle was ${Math.round(age)} s ago (limit ${limit} s) with ${due} job(s) due, the oldest waiting ${Math.round(oldestSeconds)} s`;
  }
  return undefined;
}
