export { EtcdStorage, type EtcdStorageOptions } from './etcd-storage.js';
