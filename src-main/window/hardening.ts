/**
 * The renderer is locked down (architecture practice 3) beyond its window options: it cannot leave
 * the app's own origin, open windows, attach webviews, or be granted any permission (camera,
 * geolocation, notifications…: desktop notifications come from main, not the page).
 */
import type { MainLog } from '../log/mainLog';
import type { SessionSeam, WebContentsSeam } from '../seams';
import { APP_HOST, APP_SCHEME } from './appProtocol';
import { isSignInUrl } from './signInLinks';

export function isAppUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST;
  } catch {
    return false;
  }
}

/**
 * Applied to every WebContents Electron creates (`app.on('web-contents-created')`). The one
 * window the page may ask for is Tradovate's sign-in page, opened in the system browser.
 */
export function hardenWebContents(contents: WebContentsSeam, log: MainLog, openExternal?: (url: string) => void): void {
  const stayHome = (event: { preventDefault(): void }, url: string): void => {
    if (isAppUrl(url)) return;
    event.preventDefault();
    log.warn('navigation blocked', { url: url.slice(0, 200) });
  };
  contents.on('will-navigate', stayHome);
  contents.on('will-redirect', stayHome);
  contents.setWindowOpenHandler(({ url }) => {
    if (openExternal && isSignInUrl(url)) {
      log.info('sign-in page opened in the system browser', { host: new URL(url).host });
      openExternal(url);
      return { action: 'deny' };
    }
    log.warn('window.open blocked', { url: url.slice(0, 200) });
    return { action: 'deny' };
  });
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
    log.warn('webview blocked');
  });
}

export function denyAllPermissions(session: SessionSeam): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
}
