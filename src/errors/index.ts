export * from './modgate-error.js';
