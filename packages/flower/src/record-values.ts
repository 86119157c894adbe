import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import {
  BoolListSchema,
  BytesListSchema,
  ConfigRecordSchema,
  ConfigRecord_ItemSchema,
  DoubleListSchema,
  MetricRecordSchema,
  MetricRecord_ItemSchema,
  SintListSchema,
  StringListSchema,
  UintListSchema,
  type ConfigRecordValue,
  type MetricRecordValue,
} from './gen/flwr/proto/recorddict_pb.js';
import { FlowerProtocolError } from './errors.js';
import { checkConfigValue, checkMetricValue, type ConfigRecord, type ConfigValue, type MetricRecord, type MetricValue } from './records.js';

/**
 * MetricRecord and ConfigRecord bodies: their protobuf messages, with each
 * value in the oneof member Python's serializer picks (bool before int, int
 * above 2^63-1 as uint64, an empty list as the first kind tried: doubles for
 * metrics, bools for configs).
 */
type Value = ConfigRecordValue['value'];

const INT64_MAX = 2n ** 63n - 1n;

function toValue(v: ConfigValue, emptyList: 'doubleList' | 'boolList'): Value {
  if (typeof v === 'number') return { case: 'double', value: v };
  if (typeof v === 'bigint') return v > INT64_MAX ? { case: 'uint64', value: v } : { case: 'sint64', value: v };
  if (typeof v === 'boolean') return { case: 'bool', value: v };
  if (typeof v === 'string') return { case: 'string', value: v };
  if (v instanceof Uint8Array) return { case: 'bytes', value: v };
  const list = v as readonly unknown[];
  if (list.length === 0) return emptyList === 'doubleList' ? { case: 'doubleList', value: create(DoubleListSchema) } : { case: 'boolList', value: create(BoolListSchema) };
  const first = list[0];
  if (typeof first === 'number') return { case: 'doubleList', value: create(DoubleListSchema, { vals: list as number[] }) };
  if (typeof first === 'bigint') {
    const ints = list as bigint[];
    return ints.some((x) => x > INT64_MAX)
      ? { case: 'uintList', value: create(UintListSchema, { vals: ints }) }
      : { case: 'sintList', value: create(SintListSchema, { vals: ints }) };
  }
  if (typeof first === 'boolean') return { case: 'boolList', value: create(BoolListSchema, { vals: list as boolean[] }) };
  if (typeof first === 'string') return { case: 'stringList', value: create(StringListSchema, { vals: list as string[] }) };
  return { case: 'bytesList', value: create(BytesListSchema, { vals: list as Uint8Array[] }) };
}

function fromValue(where: string, key: string, value: Value): ConfigValue {
  switch (value.case) {
    case 'double':
    case 'sint64':
    case 'uint64':
    case 'bool':
    case 'string':
    case 'bytes':
      return value.value;
    case 'doubleList':
    case 'sintList':
    case 'uintList':
    case 'boolList':
    case 'stringList':
    case 'bytesList':
      return value.value.vals;
    default:
      throw new FlowerProtocolError(`${where}: '${key}' has no value (an empty or unknown oneof) - the sender's record is corrupt or from an unsupported Flower version`);
  }
}

export function metricRecordBody(record: MetricRecord): Uint8Array {
  const items = [...record.values].map(([key, v]) => {
    checkMetricValue('MetricRecord', key, v);
    return create(MetricRecord_ItemSchema, { key, value: { value: toValue(v, 'doubleList') as MetricRecordValue['value'] } });
  });
  return toBinary(MetricRecordSchema, create(MetricRecordSchema, { items }));
}

export function configRecordBody(record: ConfigRecord): Uint8Array {
  const items = [...record.values].map(([key, v]) => {
    checkConfigValue('ConfigRecord', key, v);
    return create(ConfigRecord_ItemSchema, { key, value: { value: toValue(v, 'boolList') } });
  });
  return toBinary(ConfigRecordSchema, create(ConfigRecordSchema, { items }));
}

function decode<T>(where: string, parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    throw new FlowerProtocolError(`${where}: body is not a valid protobuf (${(err as Error).message}) - the sender's object is corrupt`, { cause: err });
  }
}

export function metricRecordFromBody(body: Uint8Array, where = 'MetricRecord'): MetricRecord {
  const proto = decode(where, () => fromBinary(MetricRecordSchema, body));
  const values = new Map<string, MetricValue>();
  for (const item of proto.items) values.set(item.key, fromValue(where, item.key, item.value?.value ?? { case: undefined }) as MetricValue);
  return { kind: 'metric', values };
}

export function configRecordFromBody(body: Uint8Array, where = 'ConfigRecord'): ConfigRecord {
  const proto = decode(where, () => fromBinary(ConfigRecordSchema, body));
  const values = new Map<string, ConfigValue>();
  for (const item of proto.items) values.set(item.key, fromValue(where, item.key, item.value?.value ?? { case: undefined }));
  return { kind: 'config', values };
}
