// A wrong plugin path still "compiles" and yields no messages: this keeps that from slipping by.
import { describe, expect, it } from 'vitest';
import { m } from '../../src/lib/paraglide/messages.js';

describe('interface language', () => {
	it('renders Swedish by default and English on request', () => {
		expect(m.status_saved()).toBe('Sparat');
		expect(m.status_saved({}, { locale: 'en' })).toBe('Saved');
		expect(m.status_pending_work({ parts: '2 anteckningar, 1 beslut' })).toBe('2 anteckningar, 1 beslut väntar');
	});

	it('chooses the plural form by the count', () => {
		expect(m.status_pending_notes({ count: 1 })).toBe('1 anteckning');
		expect(m.status_pending_notes({ count: '2' })).toBe('2 anteckningar');
		expect(m.status_pending_other({ count: 1 }, { locale: 'en' })).toBe('1 other change');
		expect(m.here_unsaved({ count: 1 })).toBe('1 ändring väntar på att sparas på servern');
		expect(m.device_unsaved({ count: 2 })).toBe('2 ändringar är inte sparade på servern');
		expect(m.room_connected_count({ count: 1 })).toBe('1 ansluten');
		expect(m.room_connected_count({ count: 2 })).toBe('2 anslutna');
		expect(m.day_plan_unplanned({ count: 1 })).toBe('1 punkt utan planerad tid är inte medräknad.');
		expect(m.day_plan_unplanned({ count: 3 })).toBe('3 punkter utan planerad tid är inte medräknade.');
	});

	it('has every Swedish message in English too', async () => {
		const { readFileSync, readdirSync, statSync } = await import('node:fs');
		const { join } = await import('node:path');
		const dirs = ['messages', ...readdirSync('messages').map((d) => join('messages', d)).filter((d) => statSync(d).isDirectory())];
		for (const dir of dirs) {
			const sv = Object.keys(JSON.parse(readFileSync(join(dir, 'sv.json'), 'utf8'))).sort();
			const en = Object.keys(JSON.parse(readFileSync(join(dir, 'en.json'), 'utf8'))).sort();
			expect(en, dir).toEqual(sv);
		}
	});
});
