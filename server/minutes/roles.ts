/**
 * Who may do what in the justering, on top of the role table in server/auth/roles.ts:
 * the role table says which token roles may mark ready, approve or correct; here an
 * approval is also tied to the approver it is made as. A token invited for a
 * participant approves only as that participant; an organiser token may act for anyone
 * (the organiser runs the meeting's paperwork when an adjuster approves on paper).
 */
import { can } from '../../src/lib/protocol/roles.ts';

export type ApprovalAction = 'ready' | 'approve' | 'correct';

/** The caller, as its token says: role and, for a personal invitation, the participant. */
export interface Actor {
	role: string;
	participantId: string | null;
}

export function mayAct(actor: Actor, action: ApprovalAction, approver: { id: string; role: string } | null = null): boolean {
	if (!can(actor.role, `minutes.${action}`)) return false;
	if (action !== 'approve' || actor.role === 'organiser') return true;
	if (approver === null || approver.role !== actor.role) return false;
	return actor.participantId === null || actor.participantId === approver.id;
}
