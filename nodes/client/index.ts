/**
 * A Node-RED-free OVHcloud API client: endpoints, signing, server time, transport, retries,
 * OAuth2 service accounts, consumer keys and /v2 pagination.
 */
export { MOST_PARSED_BYTES, OvhClient, pageItems, type OvhClientOptions, type CallOptions, type OvhResponse } from './client';
export { MOST_BODY_CHARS, observedBody, type CallObserver, type CallRecord } from './call-observer';
export { ENDPOINTS, ApiBase, isEndpointName, type EndpointName, type EndpointInfo } from './endpoints';
export {
  OvhError,
  OvhApiError,
  OvhInputError,
  OvhNetworkError,
  OvhTimeoutError,
  OvhAbortError,
  OvhAnswerError,
  type InputReason,
} from './errors';
export { MOST_NESTING, checkNesting, jsonTextTooDeep, measureJsonText, nestedTooDeep } from './depth';
export { SECRET_MASK, SHORTEST_MASKED, Secrets } from './redact';
export { appendAll } from './arrays';
export { signRequest } from './signature';
export {
  buildUrl,
  itemPath,
  pathTemplateError,
  encodeBody,
  encodeQuery,
  checkHeaders,
  normalizeMethod,
  isPlainObject,
  METHODS,
  type HttpMethod,
  type Query,
} from './request';
export {
  accessRules,
  recursivePaths,
  checkAccessRules,
  withRecursion,
  PRESETS,
  type AccessRule,
  type PresetName,
  type ConsumerKeyRequest,
  type ConsumerKeyAnswer,
} from './consumer-key';
export { DEFAULT_RETRY, type RetryOptions } from './retry';
export { type ProxyChoice } from './transport';
export {
  AUTH_TYPES,
  CREDENTIAL_NAMES,
  CREDENTIAL_WORDS,
  NEEDED_CREDENTIALS,
  SECRET_CREDENTIALS,
  authTypeOf,
  missingCredentials,
  type AuthType,
  type CredentialName,
  type Credentials,
} from './credentials';
export {
  diagnose,
  failureText,
  CHECK_STATUSES,
  type CheckStatus,
  type CredentialFacts,
  type Diagnosis,
  type DiagnosisStatus,
} from './diagnose';
export {
  OperationSearch,
  marks,
  queryWords,
  typedPathMarks,
  type SearchHit,
  type SearchOptions,
  familyOf,
  findOperation,
  locate,
  readDocument,
  readFamily,
  readFamilyList,
  firstLine,
  keptFamily,
  type Branch,
  type Family,
  type KeptFamily,
  type Reading,
  type ReadingResults,
  type Operation,
  type OperationParameter,
} from './catalogue';
export { DescriptionCache, UnreadableDocument, type CachedDocument, type DescriptionCacheOptions } from './description-cache';
export {
  DescriptionReader,
  DocumentTooIntricate,
  ReaderBusy,
  sharedDescriptionReader,
  type DescriptionReaderOptions,
  type DocumentSource,
} from './description-reader';
export { modelsUsed, operationFields, toSchemaType, type FieldPlace, type ParameterField } from './parameters';
export {
  ListIndex,
  isIdLikeField,
  labelOf,
  labelParts,
  operationSources,
  sourceCoverage,
  type LabelPart,
  type OperationSources,
  type ValueSource,
} from './value-sources';
export { VALUE_LIST_LIMITS, checkSource, readValueList, sourceInputs, type ValueList, type ValueListLimits } from './value-lists';
export { compareRules, ruleCovers, ruleOf, rulesForCalls, type FlowCall, type NeededRule, type Rule } from './flow-rules';
export { KEY_READ_EVERY_MS, KeyWatch, daysLeft, readValidity, type KeyValidity, type KeyWatchOptions } from './key-watch';
export {
  TASK_FAMILIES,
  DEFAULT_STUMBLE_GRACE_MS,
  OvhTaskError,
  readUntil,
  taskOf,
  taskReadPaths,
  waitForTask,
  type RepeatOptions,
  type TaskErrorCode,
  type TaskFamily,
  type TaskRef,
  type WaitOptions,
} from './tasks';
export {
  MOST_ACTIONS,
  MOST_RESOURCES,
  missingActions,
  neededIamActions,
  policyFor,
  refusedByIam,
  resourceTypeOf,
  resourceTypeOfUrn,
  serviceAccountIdentity,
  type AuthorizationAnswer,
  type IamNeeds,
  type MissingAction,
  type NeededAction,
  type PolicyCreation,
  type PolicyDraft,
} from './iam-policy';
