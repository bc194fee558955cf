/** How many example contact ids a plan shows per list. */
export const EXAMPLES = 5;

/** A count with the first few contact ids (in store order), for plan impact lists. */
export class Examples {
  count = 0;
  readonly ids: string[] = [];

  add(id: string): void {
    this.count++;
    if (this.ids.length < EXAMPLES) this.ids.push(id);
  }
}
