// GitHub's error answers, as Octokit's RequestError carries them, turned into errors a person can act on.

import { AppError } from "#app/errors.ts";

/** What a failed Octokit request tells: the HTTP status (none when GitHub was not reached) and the body. */
export interface GitHubFailure {
  status: number | undefined;
  message: string;
  headers: Record<string, string | undefined>;
  /** GitHub's `errors` array of a 422 (`[{resource, field, code}]`). */
  errors: { field?: string; code?: string; message?: string }[];
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null ? { ...value } : {};
}

/**
 * Reads an Octokit RequestError (or any thrown value) without trusting its shape: the fields are read one
 * by one and checked, so a network error or a proxy's HTML page reads as well as GitHub's JSON.
 */
export function readFailure(error: unknown): GitHubFailure {
  const fields = record(error);
  const response = record(fields.response);
  const data = record(response.data);
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(record(response.headers))) {
    if (value !== undefined && value !== null) headers[name.toLowerCase()] = String(value);
  }
  const status = typeof fields.status === "number" && fields.status > 0 ? fields.status : undefined;
  const message =
    typeof data.message === "string" ? data.message : error instanceof Error ? error.message : String(error);
  const errors = Array.isArray(data.errors) ? data.errors.map((e) => record(e)) : [];
  return {
    // Octokit reports an unreachable host as status 500 with the socket error's message and no response.
    status: Object.keys(response).length === 0 ? undefined : status,
    message,
    headers,
    errors: errors.map((e) => ({
      ...(typeof e.field === "string" ? { field: e.field } : {}),
      ...(typeof e.code === "string" ? { code: e.code } : {}),
      ...(typeof e.message === "string" ? { message: e.message } : {}),
    })),
  };
}

/** A rate limit GitHub kept answering with after every wait the tracker was allowed. */
export function isRateLimited(failure: GitHubFailure): boolean {
  return (
    (failure.status === 403 || failure.status === 429) &&
    (failure.headers["x-ratelimit-remaining"] === "0" || /rate limit/i.test(failure.message))
  );
}

/**
 * One readable error for a failed GitHub call. `doing` says what was being done ("creating the issue
 * 'Add index'"); the message names the likely cause and the setting to check.
 */
export function gitHubError(
  error: unknown,
  doing: string,
  where: { repository: string; apiUrl: string },
): AppError {
  if (error instanceof AppError) return error;
  const failure = readFailure(error);
  const said = failure.message.replace(/\.$/, "");
  switch (failure.status) {
    case undefined:
      return new AppError(
        "UNAVAILABLE",
        `GitHub at ${where.apiUrl} could not be reached while ${doing}: ${said} (check GITHUB_API_URL)`,
      );
    case 401:
      return new AppError(
        "UNAUTHENTICATED",
        `GitHub refused the token (401 ${said}): check GITHUB_TOKEN (github.token); it may be expired or revoked`,
      );
    case 404:
      return new AppError(
        "NOT_FOUND",
        `GitHub has no repository ${where.repository}, or the token cannot see it (404 while ${doing}): check GITHUB_REPOSITORY and the token's access`,
      );
    case 410:
      return new AppError(
        "INVALID_INPUT",
        `Issues are turned off in ${where.repository} (410 while ${doing}): enable them under Settings → Features`,
      );
    case 422: {
      const details = failure.errors
        .map((e) => [e.field, e.code, e.message].filter(Boolean).join(" "))
        .filter(Boolean)
        .join("; ");
      return new AppError(
        "INVALID_INPUT",
        `GitHub refused ${doing} (422 ${said}${details ? `: ${details}` : ""})`,
      );
    }
  }
  if (isRateLimited(failure)) {
    const reset = Number(failure.headers["x-ratelimit-reset"]);
    const when =
      Number.isFinite(reset) && reset > 0 ? `; it resets at ${new Date(reset * 1000).toISOString()}` : "";
    return new AppError(
      "UNAVAILABLE",
      `GitHub rate limit: still limited after waiting, gave up while ${doing}${when}; run the sync again later (it files only what is missing)`,
    );
  }
  if (failure.status === 403) {
    return new AppError(
      "FORBIDDEN",
      `GitHub refused ${doing} (403 ${said}): the token needs issues: write on ${where.repository}`,
    );
  }
  const status = failure.status ?? 0;
  return new AppError(
    status >= 500 ? "UNAVAILABLE" : "INVALID_INPUT",
    `GitHub failed while ${doing} (${status} ${said})`,
  );
}
