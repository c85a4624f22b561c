// @vitest-environment node
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildSchema, parse, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import * as documents from './documents';

// The API's schema snapshot: a document the server would refuse fails here first.
const schema = buildSchema(
  readFileSync(fileURLToPath(new URL('../../../docs/schema.graphql', import.meta.url)), 'utf8'),
);

describe('GraphQL documents', () => {
  it.each(Object.entries(documents))('%s is valid against docs/schema.graphql', (_name, document) => {
    expect(validate(schema, parse(document)).map((error) => error.message)).toEqual([]);
  });
});
