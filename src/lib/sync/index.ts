/** The browser's sync layer and the device's offline store. See README.md and docs/offline.md. */
export { MeetingSession, type MeetingSessionOptions, type SessionStatus, type SessionError, type ConnectionState } from './session.ts';
export { LocalStore, deviceStore, DATABASE_NAME, type LocalMeeting, type SyncState } from './local-store.ts';
export { listLocalMeetings, listDeviceMeetings, deviceCopy, removeFromDevice, meetingPath, takeLinkToken, tokenFromHash, type DeviceMeeting } from './meeting-list.ts';
export { checkMeeting, type MeetingCheck, type MeetingInfo } from './meeting-check.ts';
