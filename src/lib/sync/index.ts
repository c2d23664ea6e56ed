/** The browser's sync layer and the device's offline store. See README.md and docs/offline.md. */
export { MeetingSession, type MeetingSessionOptions, type SessionStatus, type SessionError, type ConnectionState } from './session.ts';
export { readCopyEarly } from './local-copy.ts';
export { openSyncSocketEarly, syncSocketUrl } from './early-socket.ts';
export { LocalStore, deviceStore, DATABASE_NAME, type LocalMeeting, type SyncState, type DeviceFile, type RoomSnapshot } from './local-store.ts';
export { SnapshotKeeper, captureView, dropSnapshotView, APP_ROOT_SELECTOR, SNAPSHOT_BLANK_ATTRIBUTE } from './room-snapshot.ts';
export { listLocalMeetings, listDeviceMeetings, deviceCopy, removeFromDevice, meetingPath, takeLinkToken, tokenFromHash, type DeviceMeeting } from './meeting-list.ts';
export { checkMeeting, type MeetingCheck, type MeetingInfo } from './meeting-check.ts';
export {
	DeviceFiles,
	DOWNLOAD_POLICIES,
	downloadPolicy,
	setDownloadPolicy,
	opensInline,
	type DeviceFilesStatus,
	type DownloadPolicy,
	type WantedFile
} from './device-files.ts';
