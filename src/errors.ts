// The coded error catalog. Every code has an HTTP status and a message template;
// tests check that each one is documented in the README.

export const ERRORS = {
  YPQ_UNAUTHORIZED: { status: 401, message: 'Missing or invalid bearer token: %s' },
  YPQ_FORBIDDEN: { status: 403, message: 'Not allowed: %s' },
  YPQ_CSRF: { status: 403, message: 'A page action without a valid anti-forgery token was refused: %s' },
  YPQ_NOT_FOUND: { status: 404, message: '%s not found' },
  YPQ_ROUTE_NOT_FOUND: { status: 404, message: 'Route %s not found' },
  YPQ_BAD_REQUEST: { status: 400, message: 'Bad request: %s' },
  YPQ_VALIDATION: { status: 400, message: 'Invalid request: %s' },
  YPQ_UNSUPPORTED_MEDIA: { status: 415, message: 'Unsupported content type %s' },
  YPQ_PAYLOAD_TOO_LARGE: { status: 413, message: 'Payload too large: %s' },
  YPQ_UNKNOWN_FEED: { status: 404, message: 'Unknown feed "%s"' },
  YPQ_UNPARSEABLE: { status: 422, message: 'The file cannot be read: %s' },
  YPQ_CONFLICT: { status: 409, message: 'Conflict: %s' },
  YPQ_UNKNOWN_AGENCY: { status: 403, message: '"%s" is not a registered member agency' },
  YPQ_FEED_NOT_ALLOWED: { status: 403, message: 'Agency "%s" is not registered to send the %s feed (it may send: %s)' },
  YPQ_INPUT_ABORTED: { status: 400, message: 'The upload ended before it was complete: %s' },
  YPQ_INTAKE_INTERRUPTED: { status: 500, message: 'The import was interrupted before it committed: %s' },
  YPQ_CASE_STATE: { status: 409, message: 'Case %s is %s: %s' },
  YPQ_UNKNOWN_RULE: { status: 400, message: 'Unknown rule "%s"' },
  YPQ_CASE_PAYLOAD: { status: 400, message: 'Case payload for rule %s: %s' },
  YPQ_CASE_ROUTING: { status: 400, message: 'Cannot route the case: %s' },
  YPQ_COORD_NOT_MEMBER: { status: 403, message: 'Unit %s is not a member unit of the coordination group%s' },
  YPQ_COORD_ITEM_STATE: { status: 409, message: 'Business item %s is %s: %s' },
  YPQ_LOGIN_FAILED: { status: 401, message: 'Login failed: %s' },
  YPQ_LOGIN_LOCKED: { status: 423, message: 'The account is locked until %s after repeated failed logins' },
  YPQ_PASSWORD_POLICY: { status: 400, message: 'The password does not meet the policy: %s' },
  YPQ_REVIEW_STATE: { status: 409, message: 'Review item %s is %s' },
  YPQ_LINK_REFUSED: { status: 409, message: 'Cannot link to %s: %s' },
  YPQ_DB_UNAVAILABLE: { status: 503, message: 'The database is not answering: %s' },
  YPQ_DB_ERROR: { status: 500, message: 'Database error: %s' },
  YPQ_INTERNAL: { status: 500, message: 'Internal error: %s' },
} as const;

export type ErrorCode = keyof typeof ERRORS;

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found',
  409: 'Conflict', 413: 'Payload Too Large', 415: 'Unsupported Media Type',
  422: 'Unprocessable Entity', 423: 'Locked', 500: 'Internal Server Error', 503: 'Service Unavailable',
};

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly statusCode: number;
  constructor(code: ErrorCode, args: string[] = [], options?: { cause?: unknown }) {
    let i = 0;
    super(ERRORS[code].message.replace(/%s/g, () => args[i++] ?? ''), options);
    this.name = 'AppError';
    this.code = code;
    this.statusCode = ERRORS[code].status;
  }
  toJSON(): ErrorBody {
    return errorBody(this.statusCode, this.code, this.message);
  }
}

export interface ErrorBody {
  statusCode: number;
  code: string;
  error: string;
  message: string;
}

export function errorBody(statusCode: number, code: string, message: string): ErrorBody {
  return { statusCode, code, error: STATUS_TEXT[statusCode] ?? 'Error', message };
}

export function appError(code: ErrorCode, ...args: string[]): AppError {
  return new AppError(code, args);
}

/**
 * Translate a PostgreSQL error into the catalog, keeping the original as `cause`.
 * Only class-level mapping: the caller decides what a unique violation means.
 */
export function fromDatabaseError(err: unknown): AppError {
  const code = (err as { code?: string })?.code ?? '';
  const msg = (err as Error)?.message ?? String(err);
  if (code === '23505') return new AppError('YPQ_CONFLICT', [msg], { cause: err });
  if (code.startsWith('08') || code === '57P01' || code === 'ECONNREFUSED') {
    return new AppError('YPQ_DB_UNAVAILABLE', [msg], { cause: err });
  }
  if (code.startsWith('22') || code.startsWith('23')) return new AppError('YPQ_BAD_REQUEST', [msg], { cause: err });
  return new AppError('YPQ_DB_ERROR', [code || msg], { cause: err });
}
