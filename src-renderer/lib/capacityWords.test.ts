import { describe, expect, it } from 'vitest';
import { capacitySentence } from './capacityWords';

describe('capacity in words', () => {
  it('says the issue\'s own example', () => {
    expect(capacitySentence('tradovate', { followers: 20, perMinute: 80, perHour: 5_000, fillsPerMinute: 4, limitedBy: 'minute' })).toBe(
      '20 followers on one Tradovate login: about 4 leader fills a minute copied at once; more wait, exits first',
    );
  });

  it('speaks of one follower, of less than a fill a minute, and of the hour when it decides', () => {
    expect(capacitySentence('projectx', { followers: 1, perMinute: 200, fillsPerMinute: 200, limitedBy: 'minute' })).toBe('1 follower on one ProjectX API key: about 200 leader fills a minute copied at once; more wait, exits first');
    expect(capacitySentence('tradovate', { followers: 90, perMinute: 80, fillsPerMinute: 0, limitedBy: 'minute' })).toMatch(/^90 followers on one Tradovate login: less than one leader fill a minute copied at once/);
    expect(capacitySentence('tradovate', { followers: 4, perMinute: 80, perHour: 1_200, fillsPerMinute: 5, limitedBy: 'hour' })).toContain('about 5 leader fills a minute copied at once (the hourly limit decides)');
  });

  it('says when no follower is copied through the login', () => {
    expect(capacitySentence('tradovate', { followers: 0, perMinute: 80, fillsPerMinute: undefined, limitedBy: undefined })).toBe('No follower is copied through this login');
  });
});
