/** What the IDE's first tab holds: how to give the key, and a query to run. */
export const INITIAL_QUERY = `# Scheduler's GraphQL API. Each operation needs
# an API key: write it in Headers below as
#   {"Authorization": "Bearer <your API key>"}
# (\`make run\` prints the local one), then run
# this query with the play button (Ctrl-Enter).
# For completion and the docs panel, re-fetch the
# schema once the key is set (Shift-Ctrl-R).

query Schedules {
  schedules(first: 10) {
    nodes {
      jobId
      payload
      recurring
      state
      runAt
      timezone
    }
    pageInfo {
      hasNextPage
      endCursor
    }
  }
}
`;
