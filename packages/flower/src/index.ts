export { FlowerProtocolError } from './errors.js';
export { encodeNpy, decodeNpy, isNpyDType, npyDTypeOf, NPY_DTYPES, type NpyArray, type NpyDType, type NpyDataMap, type NpyTypedArray } from './npy.js';
export { arrayFromTyped, arrayToTyped, STYPE_NUMPY, type FlowerArray } from './array.js';
export {
  arrayRecord,
  metricRecord,
  configRecord,
  recordDict,
  recordNumber,
  type ArrayRecord,
  type MetricRecord,
  type ConfigRecord,
  type FlowerRecord,
  type RecordDict,
  type MetricValue,
  type ConfigValue,
} from './records.js';
export { ERROR_CODES, replyTo, isExpired, messageToPushProto, metadataToProto, metadataFromProto, type Message, type Metadata, type MessageError } from './message.js';
export { objectId, isObjectId, parseObject, frameObject, postOrder, treeToProto, treeFromProto, OBJECT_TYPES, type ObjectTree, type ObjectType, type ParsedObject } from './objects.js';
export { deflateMessage, inflateMessage, DEFAULT_CHUNK_SIZE, type DeflatedMessage, type DeflateOptions } from './inflatable.js';
export { weightsToArrayRecord, arrayRecordToWeights, modelToArrayRecord, loadArrayRecord, listKeys } from './weights.js';
export { handlerFor, type ClientApp, type ClientContext, type ContentMessage, type MessageHandler } from './client-app.js';
export { connect, type ConnectOptions, type FleetHandle } from './connect.js';
export type { FleetEvent } from './fleet-events.js';
export { FleetAuthError, FleetCallError, FleetUnavailableError, FleetVersionError, FLOWER_VERSION, type FleetTransport, type FleetMethodName, type FleetRequest, type FleetResponse } from './fleet-transport.js';
export { httpTransport, type HttpTransportOptions } from './transport-http.js';
export { generateNodeKey, loadNodeKey, type NodeKey } from './node-auth.js';
export { backoffDelay, type BackoffOptions } from './backoff.js';
export { neuriteClientApp, trainingSeed, type NeuriteClientAppOptions, type ClientDataset, type ClientOptimizer } from './neurite-app.js';
export { readTrainSettings, TRAIN_DEFAULTS, type TrainSettings } from './train-config.js';
export { proximalLoss } from './proximal.js';
