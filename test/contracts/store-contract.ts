/**
 * The Store contract (src/storage/store.ts) as a suite to run against each implementation:
 * `describeStoreContract(storeFactory('memory'))` and so on (test/helpers/backends.ts). Every
 * store a test opens is closed after it.
 */
import { afterAll, afterEach, beforeAll, describe } from 'vitest';
import type { Store } from '../../src/storage/store.js';
import type { StoreFactory } from '../helpers/backends.js';
import { readsAndWrites } from './store/reads-and-writes.js';
import { watches } from './store/watches.js';

export type OpenStore = (options?: { historyLimit?: number }) => Promise<Store>;

export function describeStoreContract(factory: StoreFactory): void {
  describe(`${factory.name} store`, () => {
    const opened: Store[] = [];
    const open: OpenStore = async (options) => {
      const store = await factory.open(options);
      opened.push(store);
      return store;
    };

    beforeAll(() => factory.start());
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((store) => store.close()));
    });
    afterAll(() => factory.stop());

    readsAndWrites(open);
    watches(open, (store) => factory.forgetHistory(store));
  });
}
