import { List } from '../../lib/internal/list';
import type { Link } from '../../lib/internal/list';

class Item implements Link<Item> {
  list: List<Item> | undefined;
  prevItem: Item | undefined;
  nextItem: Item | undefined;
  constructor(readonly name: string) {}
}

describe('List', () => {
  it('keeps arrival order, removes any item in O(1), and ignores items not in it', () => {
    const list = new List<Item>();
    const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((name) => new Item(name)) as [Item, Item, Item, Item];
    for (const item of [a, b, c, d]) list.push(item);
    expect(list.size).toBe(4);
    expect(list.remove(b)).toBe(true);
    expect(list.remove(b)).toBe(false);
    expect(list.remove(d)).toBe(true);
    expect(list.shift()).toBe(a);
    list.push(b);
    expect(list.takeAll().map((item) => item.name)).toEqual(['c', 'b']);
    expect(list.size).toBe(0);
    expect(list.shift()).toBeUndefined();
    // An item can go back in once out.
    list.push(a);
    expect(list.takeAll()).toEqual([a]);
  });

  it('does not remove an item that is in another list', () => {
    const one = new List<Item>();
    const other = new List<Item>();
    const a = new Item('a');
    other.push(a);
    expect(one.remove(a)).toBe(false);
    expect(other.size).toBe(1);
    expect(one.size).toBe(0);
    expect(other.remove(a)).toBe(true);
  });
});
