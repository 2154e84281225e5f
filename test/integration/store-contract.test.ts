/** The Store contract (test/contracts/store-contract.ts) against every implementation. */
import { describeStoreContract } from '../contracts/store-contract.js';
import { storeFactory } from '../helpers/backends.js';

describeStoreContract(storeFactory('memory'));
describeStoreContract(storeFactory('lowdb'));
describeStoreContract(storeFactory('etcd'));
describeStoreContract(storeFactory('etcd', { watchCache: true }));
