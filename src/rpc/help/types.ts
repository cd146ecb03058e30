/**
 * `help <method>` as plain data, one entry per method, as Core's RPCHelpMan: what each argument
 * is, what comes back, and examples. Kept apart from the method table so adding a method never
 * needs an entry: a method without one still gets a usage line, its arguments and an example.
 */

/** One argument: its JSON type and what it means (default included in the text when optional). */
export interface ArgHelp {
  type: 'string' | 'numeric' | 'boolean' | 'json array' | 'json object' | 'amount' | 'string or numeric';
  text: string;
}

export interface MethodHelp {
  /** Longer than the method's one-line summary; optional. */
  description?: string;
  /** By argument name, as in the method table's args. */
  args?: Record<string, ArgHelp>;
  /** What comes back, in one or a few lines. */
  result?: string;
  /** Each example is the params array of one call; rendered for `powcoin rpc` and curl. */
  examples: readonly (readonly unknown[])[];
}

export type HelpTable = Readonly<Record<string, MethodHelp>>;
