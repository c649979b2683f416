/**
 * The questions main asks before acting for the user: quitting with open positions, an emergency
 * stop, leaving the demo. Each returns whether to go ahead; Cancel is the default button.
 */
import type { SnapshotView } from '../../src-engine/api/views';
import type { DialogSeam } from '../seams';
import { openPositions } from './openPositions';

async function ask(dialog: DialogSeam, go: string, message: string, detail: string): Promise<boolean> {
  const r = await dialog.showMessageBox({ type: 'warning', buttons: [go, 'Cancel'], defaultId: 1, cancelId: 1, noLink: true, title: 'Mirrorfill', message, detail });
  return r.response === 0;
}

/**
 * Quitting stops copying. With no open position that costs nothing, so no question; with open
 * positions (or when they cannot be counted) the user confirms. `snapshot` is undefined when the
 * engine runs but did not answer.
 */
export async function confirmQuit(dialog: DialogSeam, snapshot: SnapshotView | undefined): Promise<boolean> {
  const detail = 'Quitting stops copying: the leader’s next trades will not be copied, and open follower positions stay open at the broker without Mirrorfill watching them.';
  if (!snapshot) return ask(dialog, 'Quit', 'Mirrorfill could not check for open positions.', detail);
  const { positions, accounts } = openPositions(snapshot);
  if (positions === 0) return true;
  const what = `${positions} position${positions === 1 ? ' is' : 's are'} open${accounts > 1 ? ` in ${accounts} accounts` : ''}.`;
  return ask(dialog, 'Quit anyway', `${what} Quit Mirrorfill?`, detail);
}

export function confirmEmergencyStop(dialog: DialogSeam): Promise<boolean> {
  return ask(
    dialog,
    'Emergency stop',
    'Emergency stop: flatten every account and pause every group?',
    'Every group is paused, working orders are cancelled and every leader and follower position is closed at market. Copying resumes only when you resume the groups.',
  );
}

export function confirmLeaveDemo(dialog: DialogSeam): Promise<boolean> {
  return ask(
    dialog,
    'Leave demo',
    'Leave the demo and use your own accounts?',
    'The simulated brokers stop and the demo’s data is discarded. Mirrorfill restarts its engine with your own data; add your broker connections under Connections. Start with --demo to see the demo again.',
  );
}
