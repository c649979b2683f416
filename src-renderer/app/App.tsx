/** The app: routes to a screen inside the shell; sounds and notifications for engine alerts. */
import { useEffect, type ReactNode } from 'react';
import { DraftQuestion } from '../components/ImpactDialog';
import { useRoute } from '../lib/route';
import { Activity } from '../screens/Activity';
import { Connections } from '../screens/Connections';
import { Dashboard } from '../screens/Dashboard';
import { Groups } from '../screens/Groups';
import { Risk } from '../screens/Risk';
import { Settings } from '../screens/Settings';
import { useServices } from './hooks';
import { Shell } from './Shell';
import { alarm, notify } from './notify';

export function App(): ReactNode {
  const route = useRoute();
  useAlertEffects();
  let screen: ReactNode;
  switch (route.screen) {
    case 'connections':
      screen = <Connections />;
      break;
    case 'groups':
      screen = <Groups selected={route.parts[0]} />;
      break;
    case 'dashboard':
      screen = <Dashboard groupId={route.parts[0]} />;
      break;
    case 'risk':
      screen = <Risk parts={route.parts} />;
      break;
    case 'activity':
      screen = <Activity />;
      break;
    case 'settings':
      screen = <Settings />;
      break;
  }
  return (
    <Shell screen={route.screen}>
      {screen}
      <DraftQuestion />
    </Shell>
  );
}

function useAlertEffects(): void {
  const { alerts, snapshot } = useServices();
  useEffect(
    () =>
      alerts.onAlert((t) => {
        const settings = snapshot.store.getState().snapshot?.settings;
        if (!settings) return;
        if (t.topic === 'lock' && settings.soundOnLock) alarm();
        if ((t.topic === 'lock' && settings.notifyOnLock) || (t.topic === 'rejection' && settings.notifyOnRejection)) notify(t.title, t.body);
      }),
    [alerts, snapshot],
  );
}
