// @vitest-environment node
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildSchema, parse, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import { INITIAL_QUERY } from '../graphiql/initialQuery';
import * as documents from './documents';

// The API's schema snapshot, which tests/api/test_graphql_schema_file.py compares with the schema
// the running API serves: a document the server would refuse fails here first.
const schema = buildSchema(
  readFileSync(fileURLToPath(new URL('../../../docs/schema.graphql', import.meta.url)), 'utf8'),
);

describe('GraphQL documents', () => {
  it.each(Object.entries(documents))('%s is valid against docs/schema.graphql', (_name, document) => {
    expect(validate(schema, parse(document)).map((error) => error.message)).toEqual([]);
  });

  it("the GraphQL IDE's first query is valid against docs/schema.graphql", () => {
    expect(validate(schema, parse(INITIAL_QUERY)).map((error) => error.message)).toEqual([]);
  });
});
