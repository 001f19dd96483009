/**
 * An error answer of the dashboard API with its status and machine-readable code (docs/api.md
 * "Errors"): `{ "api": 1, "error": { "code", "message" } }`. The message is shown to people.
 */
export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiProblem';
  }
}

export const notFoundProblem = (what: string): ApiProblem =>
  new ApiProblem(404, 'not-found', `not found: ${what}`);

export const badRequest = (message: string): ApiProblem => new ApiProblem(400, 'invalid', message);
