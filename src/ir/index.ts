export * from './types.ts';
export * from './schema.ts';
export * from './canonical.ts';
export * from './durations.ts';
export * from './walk.ts';
export * from './template-text.ts';
export * from './references.ts';
export * from './describe-condition.ts';
