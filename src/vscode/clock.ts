// Imported first by extension.ts: the time the bundle started evaluating, for the activation figure.
export const LOAD_START = performance.now();
