/**
 * The group document's schema (layout: docs/groups.md), in the language of
 * src/lib/meeting/schema-language.ts. The sync server checks every update to a group
 * against it, as it checks meetings against the meeting schema.
 */
import type { DocumentSchema, FieldSpec, NodeSpec, ValueSpec } from '../meeting/schema-language.js';
import { ENTITY_ID, MEETING_ID, OUTSTANDING_KEY } from '../meeting/schema.js';
import { ITEM_KINDS, PARTICIPANT_ROLES } from '../meeting/types.js';
import { LIMITS } from './doc.js';
import { TEMPLATE_ROLES } from './group.js';

const value = (spec: ValueSpec): FieldSpec => ({ value: spec });
const shortOrNull: ValueSpec = { t: 'string', max: LIMITS.title, nullable: true };

const entityKeys = {
	order: value({ t: 'order' }),
	createdAt: value({ t: 'time' }),
	deletedAt: value({ t: 'time', nullable: true })
};

const rosterEntry: NodeSpec = {
	y: 'map',
	fields: {
		name: value({ t: 'string', max: LIMITS.name }),
		organisation: value(shortOrNull),
		role: value({ t: 'enum', values: PARTICIPANT_ROLES }),
		...entityKeys
	}
};

const templateItem: NodeSpec = {
	y: 'map',
	fields: {
		title: value({ t: 'string', max: LIMITS.title }),
		kind: value({ t: 'enum', values: ITEM_KINDS, nullable: true }),
		plannedMinutes: value({ t: 'int', min: 0, max: 24 * 60, nullable: true }),
		role: value({ t: 'enum', values: TEMPLATE_ROLES, nullable: true }),
		...entityKeys
	}
};

export const GROUP_SCHEMA: DocumentSchema = {
	name: 'group',
	write: 'any',
	roots: {
		group: {
			y: 'map',
			fields: {
				schemaVersion: value({ t: 'int', min: 1, max: 1_000 }),
				createdAt: value({ t: 'time' }),
				name: value({ t: 'string', max: LIMITS.name, nonEmpty: true })
			}
		},
		roster: { y: 'entities', key: ENTITY_ID, of: rosterEntry },
		template: { y: 'entities', key: ENTITY_ID, of: templateItem },
		meetings: {
			y: 'values',
			key: MEETING_ID,
			of: {
				t: 'object',
				fields: {
					sequence: { t: 'int', min: 1, max: 1_000_000 },
					title: { t: 'string', max: LIMITS.title },
					date: { t: 'string', max: 40, nullable: true },
					createdAt: { t: 'string', max: 40, nullable: true }
				}
			}
		},
		closures: {
			y: 'values',
			key: OUTSTANDING_KEY,
			of: { t: 'object', fields: { at: { t: 'time' }, note: { t: 'string', max: LIMITS.text, nullable: true } } }
		}
	}
};
