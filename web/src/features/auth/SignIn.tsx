import { Alert, Button, Center, Paper, PasswordInput, Stack, Text, Title } from '@mantine/core';
import { IconAlertCircle, IconClockHour4 } from '@tabler/icons-react';
import { useState, type FormEvent } from 'react';
import { WHOAMI_QUERY } from '../../api/documents';
import { useAppDispatch, useAppSelector } from '../../app/hooks';
import { signedIn } from './authSlice';

/** Checks a key with the cheapest request that needs one, before keeping it. */
async function checkKey(apiKey: string): Promise<string | null> {
  try {
    const response = await fetch(new URL('/graphql', window.location.href), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${apiKey}` },
      body: JSON.stringify({ query: WHOAMI_QUERY, operationName: 'SignInCheck' }),
    });
    if (response.status === 401) return 'This API key was not accepted.';
    if (!response.ok) return `The API answered ${response.status} ${response.statusText}.`;
    return null;
  } catch {
    return 'The API could not be reached.';
  }
}

export function SignIn() {
  const dispatch = useAppDispatch();
  const reason = useAppSelector((state) => state.auth.reason);
  const [apiKey, setApiKey] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const key = apiKey.trim();
    if (!key) {
      setError('Enter your API key.');
      return;
    }
    setBusy(true);
    const problem = await checkKey(key);
    setBusy(false);
    if (problem) setError(problem);
    else dispatch(signedIn(key));
  };

  return (
    <Center mih="100vh" p="md">
      <Paper withBorder shadow="sm" p="xl" w={420} component="main">
        <form onSubmit={submit} aria-label="Sign in" noValidate>
          <Stack>
            <Stack gap={4} align="center">
              <IconClockHour4 size={40} aria-hidden />
              <Title order={1} size="h2">
                Scheduler
              </Title>
              <Text c="dimmed" size="sm" ta="center">
                Sign in with an API key. It is kept only for this browser tab's session.
              </Text>
            </Stack>
            {reason && !error && (
              <Alert color="yellow" icon={<IconAlertCircle />} title="Signed out">
                {reason}
              </Alert>
            )}
            <PasswordInput
              label="API key"
              value={apiKey}
              onChange={(event) => setApiKey(event.currentTarget.value)}
              error={error}
              autoFocus
              autoComplete="off"
              data-testid="api-key-input"
            />
            <Button type="submit" loading={busy} data-testid="sign-in">
              Sign in
            </Button>
          </Stack>
        </form>
      </Paper>
    </Center>
  );
}
