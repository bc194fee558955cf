/** The contact store: one versioned JSON file, read and written whole, under a lock. */
export * from './types.ts';
export { createStore, openStore, readStore, readStorePart, refuseSnapshot, StoreAdapter, writeStore, type StoreFileOptions } from './store-file.ts';
export { acquireStoreLock, type LockInfo, type LockOptions, type StoreLock } from './lock.ts';
export { ContactIndex } from './contact-index.ts';
export { addSuppression, contactIdForEmail, normalizeEmail, suppressedHashes, suppressionHash } from './suppression.ts';
export { actorFrom, auditEntry, auditId, auditIds } from './audit.ts';
export { storePaths, type StorePaths } from './paths.ts';
export { lineLayoutChunks, parseLineLayout, type ElementSelector } from './line-json.ts';
export { writeFileAtomic } from './atomic-write.ts';
export { exportState, fieldsReadBy, isPersonalField, snapshotGaps, type ExportStateOptions } from './export-state.ts';
