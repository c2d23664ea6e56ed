import { describe, expect, it } from 'vitest';
import { ACTIONS, ROLES, can, isRole, permissionsOf, type Action, type Role } from './roles.ts';

/** The documented table (docs/security.md), written out in full so any change to roles.ts shows here. */
const EXPECTED: Record<Role, readonly Action[]> = {
	organiser: ACTIONS,
	chair: ['document.read', 'document.write', 'notes.write', 'attendance.self', 'ballot.secret', 'record.write', 'minutes.approve', 'documents.upload', 'documents.confidential', 'confidential.read'],
	secretary: ['document.read', 'document.write', 'notes.write', 'attendance.self', 'ballot.secret', 'record.write', 'minutes.ready', 'minutes.correct', 'documents.upload', 'documents.confidential', 'confidential.read'],
	adjuster: ['document.read', 'document.write', 'notes.write', 'attendance.self', 'ballot.secret', 'minutes.approve', 'documents.confidential', 'confidential.read'],
	member: ['document.read', 'document.write', 'notes.write', 'attendance.self', 'ballot.secret', 'documents.confidential', 'confidential.read'],
	guest: ['document.read', 'document.write', 'notes.write', 'attendance.self', 'ballot.secret', 'documents.confidential'],
	observer: ['document.read']
};

describe('roles', () => {
	it.each(ROLES)('%s may do exactly its documented actions', (role) => {
		for (const action of ACTIONS) expect(can(role, action), `${role} ${action}`).toBe(EXPECTED[role].includes(action));
		expect(permissionsOf(role)).toEqual(ACTIONS.filter((a) => EXPECTED[role].includes(a)));
	});

	it('an unknown role may do nothing, not even read', () => {
		for (const role of ['admin', '', 'Organiser', 'presenter', '__proto__', 'constructor']) {
			expect(isRole(role)).toBe(false);
			for (const action of ACTIONS) expect(can(role, action)).toBe(false);
		}
	});

	it('only the organiser manages invitations; only those who run the meeting write the record', () => {
		expect(ROLES.filter((r) => can(r, 'invitations.manage'))).toEqual(['organiser']);
		expect(ROLES.filter((r) => can(r, 'record.write'))).toEqual(['organiser', 'chair', 'secretary']);
	});
});
