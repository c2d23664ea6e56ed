import { describe, expect, it } from 'vitest';
import { roleOfParticipant } from '../protocol/roles.js';
import { MeetingError, addParticipant, createMeeting, participantByEmail, readRoster, removeParticipant, updateParticipant } from './index.js';

describe('participant e-mail (signing in by roster)', () => {
	it('is cleared with null, and absent from the view unless set', () => {
		const doc = createMeeting({ title: 'Ledningsgrupp' });
		const anna = addParticipant(doc, { name: 'Anna', email: 'Anna.Andersson@Kommun.example' });
		const bo = addParticipant(doc, { name: 'Bo' });
		expect(readRoster(doc).find((p) => p.id === anna)?.email).toBe('Anna.Andersson@Kommun.example');
		expect('email' in readRoster(doc).find((p) => p.id === bo)!).toBe(false);
		updateParticipant(doc, anna, { email: null });
		expect('email' in readRoster(doc).find((p) => p.id === anna)!).toBe(false);
	});

	it('refuses what is not an address', () => {
		const doc = createMeeting({ title: 'Ledningsgrupp' });
		expect(() => addParticipant(doc, { name: 'Anna', email: 'anna at kommun' })).toThrow(MeetingError);
	});

	it('finds the one live roster entry with the address, never an ambiguous or removed one', () => {
		const doc = createMeeting({ title: 'Ledningsgrupp' });
		const chair = addParticipant(doc, { name: 'Cecilia', email: 'Cecilia@Kommun.example', role: 'chair' });
		expect(participantByEmail(doc, 'CECILIA@kommun.example')?.id).toBe(chair);
		expect(participantByEmail(doc, 'okand@kommun.example')).toBeNull();
		addParticipant(doc, { name: 'Cecilia igen', email: 'cecilia@kommun.example' });
		expect(participantByEmail(doc, 'cecilia@kommun.example')).toBeNull();
		const guest = addParticipant(doc, { name: 'Gäst', email: 'gast@extern.example', role: 'presenter' });
		expect(roleOfParticipant(participantByEmail(doc, 'gast@extern.example')!.role)).toBe('guest');
		removeParticipant(doc, guest);
		expect(participantByEmail(doc, 'gast@extern.example')).toBeNull();
	});

	it('maps roster roles to access roles (an unknown one reads only)', () => {
		expect(['chair', 'secretary', 'adjuster', 'member', 'guest', 'presenter', 'observer', 'organiser', 'x'].map(roleOfParticipant)).toEqual([
			'chair',
			'secretary',
			'adjuster',
			'member',
			'guest',
			'guest',
			'observer',
			'observer',
			'observer'
		]);
	});
});
