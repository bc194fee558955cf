export * from './subject.ts';
export * from './compile-condition.ts';
export * from './segments.ts';
export * from './scoring.ts';
export * from './rescore.ts';
export * from './snapshot.ts';
