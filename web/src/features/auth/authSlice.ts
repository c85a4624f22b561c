import { createSlice, type PayloadAction } from '@reduxjs/toolkit';

export const API_KEY_STORAGE = 'scheduler.apiKey';

export interface AuthState {
  apiKey: string | null;
  /** Why the user was sent back to sign-in, when it was not their own choice. */
  reason: string | null;
}

export function storedApiKey(): string | null {
  try {
    return window.sessionStorage.getItem(API_KEY_STORAGE);
  } catch {
    return null;
  }
}

const initialState: AuthState = { apiKey: null, reason: null };

export const authSlice = createSlice({
  name: 'auth',
  initialState,
  reducers: {
    signedIn(state, action: PayloadAction<string>) {
      state.apiKey = action.payload;
      state.reason = null;
    },
    signedOut(state, action: PayloadAction<{ reason?: string } | undefined>) {
      state.apiKey = null;
      state.reason = action.payload?.reason ?? null;
    },
  },
});

export const { signedIn, signedOut } = authSlice.actions;
