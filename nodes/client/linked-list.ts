/**
 * A list linked through its items, for what many calls enter and leave: adding and removing are
 * O(1) and allocate nothing beyond each item's links, and an item removed is held by nothing.
 * (A Set every call entered and left kept the calls alive past the young generation's garbage
 * collections: each one then copied megabytes.)
 */

/** An item's two neighbours in one list. */
export class Links<T> {
  earlier: T | undefined = undefined;
  later: T | undefined = undefined;
}

export class LinkedList<T> {
  /** The item added first, of those still in the list. */
  earliest: T | undefined;
  /** The item added last. */
  latest: T | undefined;

  /** `linksOf`: the item's links for this list (an item may be in several lists). */
  constructor(private readonly linksOf: (item: T) => Links<T>) {}

  add(item: T): void {
    this.linksOf(item).earlier = this.latest;
    if (this.latest !== undefined) this.linksOf(this.latest).later = item;
    else this.earliest = item;
    this.latest = item;
  }

  /** Takes an item out; nothing happens when it is not in the list. */
  remove(item: T): void {
    const links = this.linksOf(item);
    const { earlier, later } = links;
    if (earlier !== undefined) this.linksOf(earlier).later = later;
    else if (this.earliest === item) this.earliest = later;
    else return; // not in the list
    if (later !== undefined) this.linksOf(later).earlier = earlier;
    else this.latest = earlier;
    links.earlier = links.later = undefined;
  }

  /** Calls `visit` for each item, earliest first; `visit` may remove the item it is given. */
  forEach(visit: (item: T) => boolean | void): void {
    for (let item = this.earliest; item !== undefined;) {
      const later = this.linksOf(item).later;
      if (visit(item) === false) return;
      item = later;
    }
  }
}
