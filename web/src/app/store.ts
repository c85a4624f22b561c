import { combineReducers, configureStore, createListenerMiddleware } from '@reduxjs/toolkit';
import { setupListeners } from '@reduxjs/toolkit/query';
import { schedulerApi } from '../api/schedulerApi';
import { API_KEY_STORAGE, authSlice, signedIn, signedOut, storedApiKey } from '../features/auth/authSlice';

const rootReducer = combineReducers({
  auth: authSlice.reducer,
  [schedulerApi.reducerPath]: schedulerApi.reducer,
});

export type RootState = ReturnType<typeof rootReducer>;

/** The key lives only as long as the browser tab's session; signing out forgets it and every cached answer. */
function sessionKeyListener() {
  const listener = createListenerMiddleware();
  listener.startListening({
    actionCreator: signedIn,
    effect: (action) => {
      window.sessionStorage.setItem(API_KEY_STORAGE, action.payload);
    },
  });
  listener.startListening({
    actionCreator: signedOut,
    effect: (_action, api) => {
      window.sessionStorage.removeItem(API_KEY_STORAGE);
      api.dispatch(schedulerApi.util.resetApiState());
    },
  });
  return listener;
}

export function makeStore(preloadedState?: Partial<RootState>) {
  const state: Partial<RootState> = {
    auth: { apiKey: storedApiKey(), reason: null },
    ...preloadedState,
  };
  const store = configureStore({
    reducer: rootReducer,
    preloadedState: state,
    middleware: (getDefault) => getDefault().prepend(sessionKeyListener().middleware).concat(schedulerApi.middleware),
  });
  setupListeners(store.dispatch);
  return store;
}

export type AppStore = ReturnType<typeof makeStore>;
export type AppDispatch = AppStore['dispatch'];
