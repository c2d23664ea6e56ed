/**
 * Who may do what in the justering. The one place the approval endpoints ask; the
 * invitations/roles work replaces the rule here (e.g. tie a token to its participant).
 *
 * Now: a token's role must be the role acted in ('secretary' marks ready, 'adjuster' or
 * 'chair' approves, 'organiser' or 'secretary' starts a correction); an 'organiser'
 * token may act in any role.
 */
export type ApprovalAction = 'ready' | 'approve' | 'correct';

export function mayAct(tokenRole: string, action: ApprovalAction, actingRole: string | null): boolean {
	if (tokenRole === 'organiser') return true;
	switch (action) {
		case 'ready':
			return tokenRole === 'secretary';
		case 'approve':
			return actingRole !== null && tokenRole === actingRole && (actingRole === 'adjuster' || actingRole === 'chair');
		case 'correct':
			return tokenRole === 'secretary';
	}
}
