/**
 * Fuzzy search for the picker, contacts, history and Ctrl+R: the query is
 * split at whitespace, every token must match (fuzzily, in order of its
 * letters), and results are ranked by fzf's score — best first, ties kept
 * in their original order.
 *
 * @module
 */
import { extendedMatch, Fzf } from "fzf";

/** One match: the item and where the query's letters were found in its text. */
export interface FuzzyMatch<T> {
  /** The matching item. */
  item: T;
  /** Indexes (in UTF-16 units) of the matched characters of the item's text. */
  positions: Set<number>;
}

/**
 * The items whose text matches `query`, best first. An empty query returns
 * every item in its order.
 *
 * @example
 * ```ts
 * fuzzyFilter(["work sip:alice@pbx", "home sip:bob@lan"], "sip bo", (s) => s);
 * // [{ item: "home sip:bob@lan", positions: … }]
 * ```
 */
export function fuzzyFilter<T>(
  items: readonly T[],
  query: string,
  text: (item: T) => string,
): FuzzyMatch<T>[] {
  if (query.trim() === "") return items.map((item) => ({ item, positions: new Set() }));
  const rows = items.map((item, index) => ({ index, text: text(item) }));
  const fzf = new Fzf(rows, {
    selector: (row) => row.text,
    match: extendedMatch,
    casing: "smart-case",
  });
  return fzf.find(query.trim())
    .sort((a, b) => b.score - a.score || a.item.index - b.item.index)
    .map((entry) => ({ item: items[entry.item.index], positions: entry.positions }));
}
