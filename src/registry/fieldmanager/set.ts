/**
 * fieldpath.Set: a set of field paths kept as a trie. A node's `members` are the paths that end there; its
 * `children` lead to longer paths. A path can be both a member and a prefix of others (a map-list item is
 * owned itself, and so are its fields). Sets are immutable: every operation returns a new set.
 */
import { comparePathElements, type Path, type PathElement } from './path.js';

export interface SetNode {
  readonly pathElement: PathElement;
  readonly set: FieldSet;
}

function search<T>(items: readonly T[], pe: PathElement, elementOf: (t: T) => PathElement): [number, boolean] {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const c = comparePathElements(elementOf(items[mid]!), pe);
    if (c === 0) return [mid, true];
    if (c < 0) lo = mid + 1;
    else hi = mid;
  }
  return [lo, false];
}

const self = (pe: PathElement) => pe;
const nodeElement = (n: SetNode | BuilderNode) => n.pathElement;

/** Sorted-list merges, as PathElementSet's: `keep` says which of (only in a, only in b, in both) to keep. */
function mergeMembers(a: readonly PathElement[], b: readonly PathElement[], onlyA: boolean, onlyB: boolean, both: boolean): PathElement[] {
  const out: PathElement[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const c = comparePathElements(a[i]!, b[j]!);
    if (c < 0) {
      if (onlyA) out.push(a[i]!);
      i++;
    } else if (c > 0) {
      if (onlyB) out.push(b[j]!);
      j++;
    } else {
      if (both) out.push(a[i]!);
      i++;
      j++;
    }
  }
  if (onlyA) out.push(...a.slice(i));
  if (onlyB) out.push(...b.slice(j));
  return out;
}

export class FieldSet {
  static readonly EMPTY = new FieldSet([], []);

  /** Use `newSet`, `SetBuilder` or `makeSet`: the lists must be sorted and free of duplicates. */
  private constructor(
    readonly members: readonly PathElement[],
    readonly children: readonly SetNode[],
  ) {}

  /** @internal for makeSet and SetBuilder, which sort. */
  static fromSorted(members: readonly PathElement[], children: readonly SetNode[]): FieldSet {
    return members.length === 0 && children.length === 0 ? FieldSet.EMPTY : new FieldSet(members, children);
  }

  /** The empty path is never a member: no one owns "the entire object". */
  has(path: Path): boolean {
    if (path.length === 0) return false;
    let s: FieldSet = this;
    for (let i = 0; i < path.length - 1; i++) {
      const child = s.child(path[i]!);
      if (!child) return false;
      s = child;
    }
    return search(s.members, path[path.length - 1]!, self)[1];
  }

  child(pe: PathElement): FieldSet | undefined {
    const [at, found] = search(this.children, pe, nodeElement);
    return found ? this.children[at]!.set : undefined;
  }

  /** A child with no members anywhere below does not make a set non-empty. */
  empty(): boolean {
    return this.members.length === 0 && this.children.every((n) => n.set.empty());
  }

  size(): number {
    return this.members.length + this.children.reduce((n, c) => n + c.set.size(), 0);
  }

  equals(other: FieldSet): boolean {
    return (
      this.members.length === other.members.length &&
      this.children.length === other.children.length &&
      this.members.every((pe, i) => comparePathElements(pe, other.members[i]!) === 0) &&
      this.children.every(
        (n, i) => comparePathElements(n.pathElement, other.children[i]!.pathElement) === 0 && n.set.equals(other.children[i]!.set),
      )
    );
  }

  union(other: FieldSet): FieldSet {
    const a = this.children;
    const b = other.children;
    const out: SetNode[] = [];
    let i = 0;
    let j = 0;
    while (i < a.length && j < b.length) {
      const c = comparePathElements(a[i]!.pathElement, b[j]!.pathElement);
      if (c < 0) out.push(a[i++]!);
      else if (c > 0) out.push(b[j++]!);
      else out.push({ pathElement: a[i]!.pathElement, set: a[i++]!.set.union(b[j++]!.set) });
    }
    out.push(...a.slice(i), ...b.slice(j));
    return FieldSet.fromSorted(mergeMembers(this.members, other.members, true, true, true), out);
  }

  /** Children whose intersection is empty are dropped. */
  intersection(other: FieldSet): FieldSet {
    const out: SetNode[] = [];
    for (const n of this.children) {
      const o = other.child(n.pathElement);
      if (!o) continue;
      const set = n.set.intersection(o);
      if (!set.empty()) out.push({ pathElement: n.pathElement, set });
    }
    return FieldSet.fromSorted(mergeMembers(this.members, other.members, false, false, true), out);
  }

  /** Removes `other`'s paths; a member of `other` does not remove what lies below it (see recursiveDifference). */
  difference(other: FieldSet): FieldSet {
    return this.subtract(other, false);
  }

  /** Like difference, but a member of `other` also removes every path below it. */
  recursiveDifference(other: FieldSet): FieldSet {
    return this.subtract(other, true);
  }

  private subtract(other: FieldSet, recursive: boolean): FieldSet {
    const out: SetNode[] = [];
    for (const n of this.children) {
      if (recursive && search(other.members, n.pathElement, self)[1]) continue;
      const o = other.child(n.pathElement);
      if (!o) {
        out.push(n);
        continue;
      }
      const set = n.set.subtract(o, recursive);
      if (!set.empty()) out.push({ pathElement: n.pathElement, set });
    }
    return FieldSet.fromSorted(mergeMembers(this.members, other.members, true, false, false), out);
  }

  /** Set.Leaves: the members that are not also prefixes of other paths, at every depth. */
  leaves(): FieldSet {
    const members = this.members.filter((pe) => !search(this.children, pe, nodeElement)[1]);
    return FieldSet.fromSorted(
      members,
      this.children.map((n) => ({ pathElement: n.pathElement, set: n.set.leaves() })),
    );
  }

  /** Every member path: a node's members first, then its children's, as Set.Iterate. */
  *paths(prefix: Path = []): Generator<Path> {
    for (const pe of this.members) yield [...prefix, pe];
    for (const n of this.children) yield* n.set.paths([...prefix, n.pathElement]);
  }
}

interface BuilderNode {
  readonly pathElement: PathElement;
  readonly builder: SetBuilder;
}

/** Builds a FieldSet path by path (fieldpath.Set.Insert), for walks over an object. */
export class SetBuilder {
  private readonly members: PathElement[] = [];
  private readonly children: BuilderNode[] = [];

  /** Inserting the empty path does nothing: top-level ownership is not tracked. */
  insert(path: Path): this {
    if (path.length === 0) return this;
    let b: SetBuilder = this;
    for (let i = 0; i < path.length - 1; i++) b = b.descend(path[i]!);
    const pe = path[path.length - 1]!;
    const [at, found] = search(b.members, pe, self);
    if (!found) b.members.splice(at, 0, pe);
    return this;
  }

  private descend(pe: PathElement): SetBuilder {
    const [at, found] = search(this.children, pe, nodeElement);
    if (found) return this.children[at]!.builder;
    const builder = new SetBuilder();
    this.children.splice(at, 0, { pathElement: pe, builder });
    return builder;
  }

  build(): FieldSet {
    return FieldSet.fromSorted(
      [...this.members],
      this.children.map((n) => ({ pathElement: n.pathElement, set: n.builder.build() })),
    );
  }
}

export function newSet(...paths: Path[]): FieldSet {
  const b = new SetBuilder();
  for (const p of paths) b.insert(p);
  return b.build();
}

/**
 * A set from members and children in any order. A repeated member counts once; of repeated children the
 * last wins, as when upstream reads FieldsV1 that names a key twice.
 */
export function makeSet(members: readonly PathElement[], children: readonly SetNode[]): FieldSet {
  const sortedMembers: PathElement[] = [];
  for (const pe of members) {
    const [at, found] = search(sortedMembers, pe, self);
    if (!found) sortedMembers.splice(at, 0, pe);
  }
  const sortedChildren: SetNode[] = [];
  for (const n of children) {
    const [at, found] = search(sortedChildren, n.pathElement, nodeElement);
    sortedChildren.splice(at, found ? 1 : 0, n);
  }
  return FieldSet.fromSorted(sortedMembers, sortedChildren);
}
