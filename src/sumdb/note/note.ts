/** A text together with its signatures. */
export interface Note {
  /** The signed text; it ends with a newline. */
  readonly text: string;
  /** Signatures verified with a known key, in message order. */
  readonly sigs: readonly Signature[];
  /** Signatures by keys the reader does not know, in message order, duplicates dropped. */
  readonly unverifiedSigs: readonly Signature[];
}

/** One signature line of a note, verified or not. */
export interface Signature {
  /** Name of the key that made the signature. */
  readonly name: string;
  /** Its 32-bit key hash (unsigned). */
  readonly hash: number;
  /** The signature as written: base64 of the 4-byte big-endian key hash and the signature. */
  readonly base64: string;
}
