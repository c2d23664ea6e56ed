/** Names of people and propositions in the formal panels. */
import { m } from '$lib/paraglide/messages.js';
import type { MeetingView, PropositionView } from '$lib/meeting';

export function personName(view: MeetingView, participantId: string): string {
	return (
		view.participants.find((p) => p.id === participantId)?.name ??
		view.removedParticipants.find((p) => p.id === participantId)?.name ??
		'?'
	);
}

export function propositionLabel(proposition: PropositionView | undefined): string {
	if (!proposition) return '?';
	if (proposition.label) return proposition.label;
	return proposition.kind === 'original' ? m.formal_original() : m.formal_motion_by({ name: proposition.mover?.name ?? '?' });
}

/** "1:05" for a remaining time; never negative. */
export function countdown(ms: number): string {
	const seconds = Math.max(0, Math.ceil(ms / 1000));
	return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}
