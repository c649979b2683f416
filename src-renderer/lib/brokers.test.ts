/** The Tradovate form's two methods: Sign in with Tradovate asks for no API key and no secret. */
import { describe, expect, it } from 'vitest';
import { checkConnectionForm, settingsFieldsFor, TRADOVATE_HOSTS } from './brokers';

describe('Tradovate connection form', () => {
  it('Sign in with Tradovate: name, hosts and device id only', () => {
    expect(settingsFieldsFor('tradovate', true).map((f) => f.key)).toEqual(['restUrl', 'wsUrl', 'mdUrl', 'deviceId']);
    expect(checkConnectionForm('tradovate', 'Funded', { ...TRADOVATE_HOSTS.live, deviceId: 'd1' }, {}, false, true)).toEqual([]);
    expect(checkConnectionForm('tradovate', '', { ...TRADOVATE_HOSTS.live, deviceId: '' }, {}, false, true)).toEqual([
      { field: 'name', message: 'must not be empty' },
      { field: 'settings.deviceId', message: 'required' },
    ]);
  });

  it('API key: the user, app and cid fields and both secrets are required', () => {
    const issues = checkConnectionForm('tradovate', 'Own key', { ...TRADOVATE_HOSTS.demo, deviceId: 'd1' }, {}, true);
    expect(issues.map((i) => i.field)).toEqual(['settings.username', 'settings.appId', 'settings.appVersion', 'settings.cid', 'secret.password', 'secret.sec']);
  });
});
