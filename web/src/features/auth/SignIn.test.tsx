import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { App } from '../../app/App';
import { fakeGraphql } from '../../test/fakeGraphql';
import { renderWithStore } from '../../test/render';
import { API_KEY_STORAGE } from './authSlice';

const unauthorized = () =>
  Response.json({ error: 'unauthorized', message: 'The API key is missing or not valid.' }, { status: 401 });
const noSchedules = () => ({ schedules: { nodes: [], pageInfo: { hasNextPage: false, endCursor: null } } });

function renderSignedOut() {
  return renderWithStore(<App />, { auth: { apiKey: null, reason: null } });
}

describe('sign-in', () => {
  it('keeps a key the API accepts for the session and shows the schedules', async () => {
    const api = fakeGraphql({ SignInCheck: noSchedules, Schedules: noSchedules });
    renderSignedOut();

    await userEvent.type(screen.getByLabelText('API key'), 'sk-good');
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));

    expect(await screen.findByTestId('schedules-empty')).toBeInTheDocument();
    expect(window.sessionStorage.getItem(API_KEY_STORAGE)).toBe('sk-good');
    expect(api.callsOf('Schedules')[0].authorization).toBe('Bearer sk-good');
  });

  it('refuses a key the API rejects, and keeps nothing', async () => {
    fakeGraphql({ SignInCheck: unauthorized });
    renderSignedOut();

    await userEvent.type(screen.getByLabelText('API key'), 'sk-bad');
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));

    expect(await screen.findByText('This API key was not accepted.')).toBeInTheDocument();
    expect(window.sessionStorage.getItem(API_KEY_STORAGE)).toBeNull();
  });

  it('sends the user back to sign-in, saying why, when the key stops working', async () => {
    window.sessionStorage.setItem(API_KEY_STORAGE, 'sk-revoked');
    fakeGraphql({ Schedules: unauthorized });
    renderWithStore(<App />, { auth: { apiKey: 'sk-revoked', reason: null } });

    expect(await screen.findByText('The API key is missing or not valid.')).toBeInTheDocument();
    expect(screen.getByLabelText('API key')).toBeInTheDocument();
    expect(window.sessionStorage.getItem(API_KEY_STORAGE)).toBeNull();
  });

  it('forgets the key on sign-out', async () => {
    window.sessionStorage.setItem(API_KEY_STORAGE, 'sk-good');
    fakeGraphql({ Schedules: noSchedules });
    const { store } = renderWithStore(<App />, { auth: { apiKey: 'sk-good', reason: null } });
    await screen.findByTestId('schedules-empty');

    await userEvent.click(screen.getByRole('button', { name: 'Sign out' }));

    expect(await screen.findByLabelText('API key')).toBeInTheDocument();
    expect(window.sessionStorage.getItem(API_KEY_STORAGE)).toBeNull();
    expect(store.getState().auth.apiKey).toBeNull();
  });
});
