/**
 * The policy the server runs with: observers and frozen meetings are read-only; every
 * other write is judged place by place against the document's schema and the role table
 * (server/sync/write-rules.ts, src/lib/protocol/roles.ts; rules in docs/security.md).
 */
import { can } from '../../src/lib/protocol/roles.ts';
import type { SyncPolicy } from './policy.ts';
import { judgeWrites } from './write-rules.ts';

export const rolePolicy: SyncPolicy = {
	canWrite: ({ meeting, role }) => meeting.frozenAt === null && can(role, 'document.write'),
	judge: ({ schema, doc, role, participantId, writes }) => judgeWrites(schema, doc, { role, participantId }, writes)
};
