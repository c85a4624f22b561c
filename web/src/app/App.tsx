import { SignIn } from '../features/auth/SignIn';
import { SchedulesPage } from '../features/schedules/SchedulesPage';
import { useAppSelector } from './hooks';

export function App() {
  const signedIn = useAppSelector((state) => state.auth.apiKey !== null);
  return signedIn ? <SchedulesPage /> : <SignIn />;
}
