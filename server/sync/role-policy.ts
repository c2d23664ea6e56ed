/**
 * The role policy: which connection may change which part of a meeting document
 * (the table is server/auth/roles.ts, the rules docs/security.md).
 *
 * - `document.write` is needed for any write (observers and frozen meetings are read-only).
 * - An update that inserts into or deletes from a protected place needs its action:
 *   `events` → live.control, `meta` → meta.write, `header.kind` → header.kind,
 *   `participants/<id>/role` → roster.role.
 * - An update that cannot be fully located (it depends on data the server lacks) is
 *   refused for every role that lacks any protected action: it could touch anything.
 *
 * A refused update is not applied, stored or broadcast, and its connection is closed
 * with 4403 after a `forbidden` notice: the client's document now holds a change the
 * meeting will never have, so staying connected would only diverge further.
 */
import { CLOSE } from '../../src/lib/protocol/index.ts';
import { can, type Action } from '../auth/roles.ts';
import type { Refusal, SyncPolicy } from './policy.ts';
import { analyseUpdate, type Touch } from './update-roots.ts';

const PROTECTED: readonly Action[] = ['live.control', 'meta.write', 'header.kind', 'roster.role'];

/** The action a change at this place needs beyond document.write, or null. */
export function actionFor(touch: Pick<Touch, 'root' | 'path'>): Action | null {
	switch (touch.root) {
		case 'events':
			return 'live.control';
		case 'meta':
			return 'meta.write';
		case 'header':
			return touch.path[0] === 'kind' ? 'header.kind' : null;
		case 'participants':
			return touch.path.length >= 2 && touch.path[1] === 'role' ? 'roster.role' : null;
		default:
			return null;
	}
}

function forbidden(message: string): Refusal {
	return { code: 'forbidden', message, closeCode: CLOSE.FORBIDDEN };
}

export const rolePolicy: SyncPolicy = {
	canWrite: ({ meeting, role }) => meeting.frozenAt === null && can(role, 'document.write'),
	inspectUpdate({ role, doc, update }) {
		if (PROTECTED.every((action) => can(role, action))) return null;
		const { touches, unresolved } = analyseUpdate(doc, update);
		for (const touch of touches) {
			const action = actionFor(touch);
			if (action && !can(role, action)) {
				return forbidden(`Your role (${role}) may not change ${[touch.root, ...touch.path.filter((p) => p !== null)].join('/')}.`);
			}
		}
		if (unresolved > 0) return forbidden('The edit depends on data the server does not have; reload the meeting.');
		return null;
	}
};
