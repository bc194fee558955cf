/**
 * Type-level checking of `{{placeholder}}` names in template text: a literal subject or body that
 * names a field the contact schema does not have fails to compile. Text built at run time (type
 * `string`) is checked by the compiler's CK118 rule instead.
 */

type Trim<S extends string> = S extends ` ${infer R}` ? Trim<R> : S extends `${infer R} ` ? Trim<R> : S;
type PlaceholderName<P extends string> = Trim<P extends `${infer Name}??${string}` ? Name : P>;

export type Placeholders<S extends string> = S extends `${string}{{${infer P}}}${infer Rest}`
  ? PlaceholderName<P> | Placeholders<Rest>
  : never;

export type CheckedText<S extends string, Allowed extends string, Hint extends string = 'use a contact field or unsubscribeUrl'> = string extends S
  ? S
  : [Exclude<Placeholders<S>, Allowed>] extends [never]
    ? S
    : `Unknown placeholder {{${Exclude<Placeholders<S>, Allowed> & string}}}: ${Hint}`;
