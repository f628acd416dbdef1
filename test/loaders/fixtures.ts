// Helpers shared by the loader specs: the fixture files and a matcher for one-line UserErrors.
import { readFileSync } from 'node:fs';
import { UserError } from '../../src/errors.js';

export const FIXTURES = new URL('../fixtures/', import.meta.url);

export function fixture(name: string): Uint8Array {
  return new Uint8Array(readFileSync(new URL(name, FIXTURES)));
}

export function fixtureText(name: string): string {
  return readFileSync(new URL(name, FIXTURES), 'latin1');
}

export function fixturePath(name: string): string {
  return new URL(name, FIXTURES).pathname;
}

/** assert.throws validator: a UserError whose single-line message matches. */
export function userError(pattern: RegExp): (e: unknown) => boolean {
  return (e) => {
    if (!(e instanceof UserError)) throw e;
    if (e.message.includes('\n')) throw new Error(`message has several lines: ${e.message}`);
    if (!pattern.test(e.message)) throw new Error(`message ${JSON.stringify(e.message)} does not match ${pattern}`);
    return true;
  };
}
