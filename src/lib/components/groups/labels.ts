/** UI words for the model's enums, through the group messages. */
import { m } from '$lib/paraglide/messages.js';
import type { ParticipantRole } from '$lib/meeting';

export function roleLabel(role: ParticipantRole): string {
	const labels: Record<ParticipantRole, () => string> = {
		chair: m.groups_role_chair,
		secretary: m.groups_role_secretary,
		adjuster: m.groups_role_adjuster,
		member: m.groups_role_member,
		guest: m.groups_role_guest,
		presenter: m.groups_role_presenter,
		observer: m.groups_role_observer
	};
	return labels[role]();
}
