// Shared JSON Schemas, registered once with $id and referenced with $ref by routes and OpenAPI.
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';

export const ErrorSchema = Type.Object(
  {
    statusCode: Type.Integer(),
    code: Type.String({ description: 'a code from the error catalog (README, "Errors")' }),
    error: Type.String(),
    message: Type.String(),
  },
  { $id: 'Error' },
);
export type ErrorResponse = Static<typeof ErrorSchema>;

export const ErrorRef = Type.Ref('Error');

/** The error responses every authenticated route can give. */
export const authErrors = { 401: ErrorRef, 403: ErrorRef };

const registered: { $id: string }[] = [ErrorSchema as { $id: string }];

/** Modules call this at import time; buildApp registers them all once. */
export function shareSchema<T extends { $id?: string }>(schema: T): T {
  if (!schema.$id) throw new Error('a shared schema needs an $id');
  if (!registered.some((s) => s.$id === schema.$id)) registered.push(schema as { $id: string });
  return schema;
}

export function registerSchemas(app: FastifyInstance): void {
  for (const s of registered) app.addSchema(s);
}
