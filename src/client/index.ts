/**
 * The Sky Manager client, the package's main entry point: the API classes of the original demo's
 * Python client, the connection they can share, informers for controllers, and the error classes
 * callers branch on.
 */
export {
  ClusterAPI,
  ClusterRoleAPI,
  ClusterRoleBindingAPI,
  DeploymentAPI,
  FilterPolicyAPI,
  formatWarning,
  JobAPI,
  LeaseAPI,
  NamespaceAPI,
  PriorityClassAPI,
  QueueAPI,
  ResourceAPI,
  RoleAPI,
  RoleBindingAPI,
  WorkloadAPI,
  type AdmissionDecisionInput,
  type ApiOptions,
  type FollowLogsOptions,
  type ListOptions,
  type LogsOptions,
  type Manifest,
  type NamespacedApiOptions,
  type StatusManifest,
  type WatchOptions,
  type WriteOptions,
} from './api.js';
export { applyManifests, applyOne, type ApplyAction, type ApplyAPI, type AppliedObject, type ApplyOptions, type ApplyReport } from './apply.js';
export { ManifestError, parseManifests, type ManifestMetadata, type ParsedManifest } from './manifests.js';
export { AuthAPI, type AccessAnswer, type AccessQuestion, type UserInfo } from './auth-api.js';
export { SkyClient, type SkyClientOptions } from './connection.js';
export { DEFAULT_API_URL } from './endpoint.js';
export { ApiError, ConnectionError } from './errors.js';
export {
  Informer,
  type InformerEvent,
  type InformerHandlers,
  type InformerOptions,
  type ListWatch,
  type ObjectCache,
} from './informer.js';
export {
  AlreadyExistsError,
  BadUserInputError,
  ConflictError,
  DomainError,
  ForbiddenError,
  GoneError,
  NotFoundError,
  UnauthenticatedError,
  type ErrorCode,
} from '../domain/errors.js';
export type * from '../domain/types.js';
export { cacheKey, describeRef, objectRef, refKey, refOf, type ObjectRef, type WorkloadKind, type WorkloadRef } from '../domain/object-ref.js';
