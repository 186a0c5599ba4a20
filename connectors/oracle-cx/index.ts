export { default } from './definition.ts';
