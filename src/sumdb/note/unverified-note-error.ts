import { ModgateError } from '../../errors/index.js';
import type { Note } from './note.js';

/**
 * The note is well-formed but no known key signed it. The parsed note travels with the
 * error (all its signatures unverified) so a caller can report who did sign it.
 */
export class UnverifiedNoteError extends ModgateError {
  readonly note: Note;

  constructor(note: Note) {
    super('checksum', 'note has no verifiable signatures');
    this.name = 'UnverifiedNoteError';
    this.note = note;
  }
}
