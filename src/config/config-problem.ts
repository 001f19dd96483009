/** A problem found in a configuration beyond one value's shape (validateSemantics and its parts). */
export interface ConfigProblem {
  /** The snake_case key path the problem is about. */
  key: string;
  message: string;
}
