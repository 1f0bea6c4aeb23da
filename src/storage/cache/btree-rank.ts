/**
 * The rank of a key in a `sorted-btree` tree: how many keys sort before it, in O(log n) from the subtree sizes
 * the tree keeps in its inner nodes. The package counts a range only by visiting it (`forRange`, O(n / 64)),
 * and a page of a list reports how many keys remain after it: at a million objects that count took 60 ms of
 * every page of 500, two minutes of a paged list's four. Its inner nodes are not public API; the version is
 * pinned by the lockfile, and btree-rank.test.ts checks every rank against `forRange` on trees built by the
 * operations the index uses (bulk load, set, delete, clone).
 */
/** The shape of sorted-btree 2.x's nodes: an inner node's keys[i] is the largest key under children[i]. */
interface TreeNode {
  keys: string[];
  children?: TreeNode[];
  size(): number;
}

/** The number of keys the tree holds that sort before `key` under `compare`. */
export function rank(tree: object, key: string, compare: (a: string, b: string) => number): number {
  let node = (tree as unknown as { _root: TreeNode })._root;
  let before = 0;
  for (;;) {
    const i = lowerBound(node.keys, key, compare);
    const children = node.children;
    if (!children) return before + i;
    // Every key under the children before i sorts before `key`; past the last child, all of them do.
    if (i === children.length) return before + node.size();
    for (let c = 0; c < i; c++) before += (children[c] as TreeNode).size();
    node = children[i] as TreeNode;
  }
}

/** The index of the first of the sorted `keys` not below `key` (keys.length when all are). */
function lowerBound(keys: string[], key: string, compare: (a: string, b: string) => number): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (compare(keys[mid] as string, key) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
