/** `query{...F0} fragment F0 on Query{...F1 ...F1} … fragment Fn on Query{viewer{kind}}`: 2^n leaves in ~30 n bytes. */
export function fragmentBomb(n: number): string {
  let q = 'query{...F0}';
  for (let i = 0; i < n; i++) q += ` fragment F${i} on Query{...F${i + 1} ...F${i + 1}}`;
  return `${q} fragment F${n} on Query{viewer{kind}}`;
}

/** `n` aliases of the cheapest statement there is: a count. */
export function countAliases(n: number): string {
  return `{ ${Array.from({ length: n }, (_, i) => `a${i}: users(first: 0) { totalCount }`).join(' ')} }`;
}
