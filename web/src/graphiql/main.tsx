// The GraphQL IDE that GET /graphql serves: GraphiQL, built with its editor's workers into
// files the API ships (service/entrypoints/graphql_ide.py), so the page needs no other host.
import 'graphiql/setup-workers/vite';
import 'graphiql/style.css';
import './page.css';
import { createGraphiQLFetcher } from '@graphiql/toolkit';
import { GraphiQL } from 'graphiql';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { INITIAL_QUERY } from './initialQuery';

// The API on the page's own origin; every operation carries the key set in Headers.
const fetcher = createGraphiQLFetcher({ url: new URL('/graphql', window.location.href).href });

createRoot(document.getElementById('graphiql')!).render(
  <StrictMode>
    <GraphiQL fetcher={fetcher} defaultQuery={INITIAL_QUERY} defaultEditorToolsVisibility="headers" />
  </StrictMode>,
);
