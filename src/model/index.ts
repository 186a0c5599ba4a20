export * from './common.ts';
export * from './identity.ts';
export * from './interaction.ts';
export * from './erasure.ts';
export * from './event.ts';
