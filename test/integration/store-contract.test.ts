/** The Store contract (test/contracts/store-contract.ts) against every implementation. */
import { etcdStores, lowdbStores, memoryStores } from '../helpers/store-factories.js';
import { describeStoreContract } from '../contracts/store-contract.js';

describeStoreContract(memoryStores());
describeStoreContract(lowdbStores());
describeStoreContract(etcdStores());
describeStoreContract(etcdStores({ watchCache: true }));
