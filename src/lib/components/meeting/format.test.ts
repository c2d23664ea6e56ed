import { describe, expect, it } from 'vitest';
import { breakTime, itemTime } from '$lib/meeting';
import { breakText, overText, spentText } from './format';

describe('the room’s one time format: whole minutes', () => {
	it('says spent against planned, and over time in words', () => {
		const over = itemTime(11 * 60_000 + 40_000, 3);
		expect(spentText(over)).toBe('11 av 3 min');
		expect(overText(over)).toBe('8 min över tiden');
		expect(overText(itemTime(3 * 60_000 + 50_000, 3))).toBeNull();
		expect(spentText(itemTime(7 * 60_000, null))).toBe('7 min');
	});

	it('counts a break down in the same minutes', () => {
		const pause = { startedAt: '2026-12-01T13:00:00Z', plannedMinutes: 10 };
		expect(breakText(breakTime(pause, new Date('2026-12-01T13:06:10Z'))!)).toBe('Kort paus pågår – 4 min kvar.');
		expect(breakText(breakTime(pause, new Date('2026-12-01T13:10:30Z'))!)).toBe('Kort paus pågår – den planerade tiden är slut.');
		expect(breakText(breakTime(pause, new Date('2026-12-01T13:12:00Z'))!)).toBe('Kort paus pågår – 2 min över den planerade tiden.');
	});
});
