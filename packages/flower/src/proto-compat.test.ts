import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createRegistry, fromBinary, isFieldSet, fromJson, toBinary, toJson, type DescFile, type DescMessage, type JsonValue } from '@bufbuild/protobuf';
import { FieldDescriptorProtoSchema, type DescriptorProto, type FileDescriptorProto } from '@bufbuild/protobuf/wkt';
import { file_flwr_proto_fleet } from './gen/flwr/proto/fleet_pb.js';
import { flwrPython, runPython } from './testing/python.js';

const py = flwrPython();
const skipped = py.skip ? ` (skipped: ${py.skip})` : '';

// fleet.proto and every file it imports.
const descFiles = new Set<DescFile>();
const collect = (f: DescFile): void => {
  if (descFiles.has(f)) return;
  descFiles.add(f);
  f.dependencies.forEach(collect);
};
collect(file_flwr_proto_fleet);
const registry = createRegistry(...descFiles);
const files = [...descFiles].map((f) => f.proto);

type FieldRow = [name: string, number: number, label: number, type: number, typeName: string, oneof: number, proto3Optional: boolean];
interface Shape {
  fields: FieldRow[];
  oneofs: string[];
  mapEntry: boolean;
}

function shapes(): Record<string, Shape> {
  const out: Record<string, Shape> = {};
  const walk = (prefix: string, m: DescriptorProto) => {
    const name = `${prefix}.${m.name}`;
    out[name] = {
      fields: m.field
        .map((f): FieldRow => [f.name, f.number, f.label, f.type, f.typeName, isFieldSet(f, FieldDescriptorProtoSchema.field.oneofIndex) ? f.oneofIndex : -1, f.proto3Optional])
        .sort((a, b) => a[1] - b[1]),
      oneofs: m.oneofDecl.map((o) => o.name),
      mapEntry: m.options?.mapEntry ?? false,
    };
    m.nestedType.forEach((n) => walk(name, n));
  };
  files.forEach((f: FileDescriptorProto) => f.messageType.forEach((m) => walk(`.${f.package}`, m)));
  return out;
}

function services(): Record<string, [string, string, string, boolean, boolean][]> {
  const out: Record<string, [string, string, string, boolean, boolean][]> = {};
  for (const f of files) {
    for (const s of f.service) out[`.${f.package}.${s.name}`] = s.method.map((m) => [m.name, m.inputType, m.outputType, m.clientStreaming, m.serverStreaming]);
  }
  return out;
}

// Flower's descriptors in the same normal form, from its generated *_pb2 modules.
const FLOWER_SHAPES = `
import sys, json, importlib, pkgutil
import flwr.proto
from google.protobuf import descriptor_pb2, descriptor_pool
for m in pkgutil.iter_modules(flwr.proto.__path__):
    if m.name.endswith('_pb2'): importlib.import_module('flwr.proto.' + m.name)
pool = descriptor_pool.Default()
want = json.load(sys.stdin)
shapes, services = {}, {}
for name in want['messages']:
    try: d = pool.FindMessageTypeByName(name[1:])
    except KeyError: shapes[name] = None; continue
    p = descriptor_pb2.DescriptorProto(); d.CopyToProto(p)
    shapes[name] = {
        'fields': sorted([[f.name, f.number, f.label, f.type, f.type_name, f.oneof_index if f.HasField('oneof_index') else -1, f.proto3_optional] for f in p.field], key=lambda r: r[1]),
        'oneofs': [o.name for o in p.oneof_decl],
        'mapEntry': p.options.map_entry,
    }
for name in want['services']:
    s = pool.FindServiceByName(name[1:])
    p = descriptor_pb2.ServiceDescriptorProto(); s.CopyToProto(p)
    services[name] = [[m.name, m.input_type, m.output_type, m.client_streaming, m.server_streaming] for m in p.method]
print(json.dumps({'shapes': shapes, 'services': services}))
`;

// Flower fills every field of every message (one sample per member of each
// oneof), serializes with its own classes and shows the values as proto3 JSON.
const FLOWER_SAMPLES = `
import sys, json, base64, importlib, pkgutil
import flwr.proto
from google.protobuf import descriptor_pool, json_format, message_factory
from google.protobuf.descriptor import FieldDescriptor as F
for m in pkgutil.iter_modules(flwr.proto.__path__):
    if m.name.endswith('_pb2'): importlib.import_module('flwr.proto.' + m.name)
pool = descriptor_pool.Default()
def scalar(f, n):
    t = f.type
    if t in (F.TYPE_DOUBLE, F.TYPE_FLOAT): return 0.5 + n
    if t in (F.TYPE_INT32, F.TYPE_SINT32, F.TYPE_SFIXED32): return -(n + 1)
    if t in (F.TYPE_UINT32, F.TYPE_FIXED32): return 4000000000 + n
    if t in (F.TYPE_INT64, F.TYPE_SINT64, F.TYPE_SFIXED64): return -(2**40 + n)
    if t in (F.TYPE_UINT64, F.TYPE_FIXED64): return 2**63 + n
    if t == F.TYPE_BOOL: return True
    if t == F.TYPE_STRING: return 's%d-\\u00e9' % n
    if t == F.TYPE_BYTES: return bytes([n % 256, 0, 255])
    if t == F.TYPE_ENUM: return 1
    raise ValueError(t)
def real_oneofs(d):
    return [o for o in d.oneofs if not (len(o.fields) == 1 and o.name == '_' + o.fields[0].name)]
def variants(d):
    return max([1] + [len(o.fields) for o in real_oneofs(d)])
def fill(msg, variant, depth):
    d = msg.DESCRIPTOR
    chosen = {o.name: o.fields[variant % len(o.fields)].name for o in real_oneofs(d)}
    for i, f in enumerate(d.fields):
        o = f.containing_oneof
        if o is not None and o.name in chosen and chosen[o.name] != f.name: continue
        n = f.number + 10 * variant
        if f.message_type is not None and f.message_type.GetOptions().map_entry:
            k, v = f.message_type.fields_by_name['key'], f.message_type.fields_by_name['value']
            m = getattr(msg, f.name)
            if v.message_type is not None: fill(m[scalar(k, n)], variant, depth + 1)
            else: m[scalar(k, n)] = scalar(v, n)
        elif f.message_type is not None:
            if depth >= 3: continue
            if f.label == F.LABEL_REPEATED:
                for j in range(2): fill(getattr(msg, f.name).add(), variant + j, depth + 1)
            else: fill(getattr(msg, f.name), variant, depth + 1)
        elif f.label == F.LABEL_REPEATED:
            getattr(msg, f.name).extend([scalar(f, n), scalar(f, n + 1)])
        else:
            setattr(msg, f.name, scalar(f, n))
out = []
for name in json.load(sys.stdin):
    d = pool.FindMessageTypeByName(name[1:])
    cls = message_factory.GetMessageClass(d)
    for v in range(variants(d)):
        msg = cls(); fill(msg, v, 0)
        out.append({'type': name, 'b64': base64.b64encode(msg.SerializeToString()).decode(),
                    'json': json_format.MessageToDict(msg, preserving_proto_field_name=True)})
print(json.dumps(out))
`;

// Flower's classes read bytes we wrote: no field may land in unknown fields.
const FLOWER_READS = `
import sys, json, base64, importlib, pkgutil
import flwr.proto
from google.protobuf import descriptor_pool, json_format, message_factory, unknown_fields
for m in pkgutil.iter_modules(flwr.proto.__path__):
    if m.name.endswith('_pb2'): importlib.import_module('flwr.proto.' + m.name)
pool = descriptor_pool.Default()
def unknown(msg):
    n = len(unknown_fields.UnknownFieldSet(msg))
    for f, v in msg.ListFields():
        if f.message_type is None: continue
        items = v.values() if f.message_type.GetOptions().map_entry and f.message_type.fields_by_name['value'].message_type else v if f.label == f.LABEL_REPEATED else [v]
        if f.message_type.GetOptions().map_entry and not f.message_type.fields_by_name['value'].message_type: continue
        n += sum(unknown(x) for x in items)
    return n
out = []
for s in json.load(sys.stdin):
    cls = message_factory.GetMessageClass(pool.FindMessageTypeByName(s['type'][1:]))
    msg = cls.FromString(base64.b64decode(s['b64']))
    out.append({'unknown': unknown(msg), 'json': json_format.MessageToDict(msg, preserving_proto_field_name=True)})
print(json.dumps(out))
`;

interface Sample {
  type: string;
  b64: string;
  json: JsonValue;
}

function schemaOf(typeName: string): DescMessage {
  const d = registry.getMessage(typeName.slice(1));
  if (!d) throw new Error(`no schema ${typeName}`);
  return d;
}

describe.skipIf(py.skip !== undefined)(`our .proto files against flwr's${skipped}`, () => {
  it('declare every message and field with the same names, numbers, types and oneofs, and the same Fleet methods', () => {
    const ours = shapes();
    const theirs = runPython<{ shapes: Record<string, Shape | null>; services: Record<string, unknown> }>(py.python!, FLOWER_SHAPES, {
      messages: Object.keys(ours),
      services: Object.keys(services()),
    });
    // 40-odd messages: a short list here would mean the walk above missed files.
    expect(Object.keys(ours).length).toBeGreaterThan(40);
    for (const [name, shape] of Object.entries(ours)) expect(shape, name).toEqual(theirs.shapes[name]);
    expect(services()).toEqual(theirs.services);
  });

  it('decode what Flower encodes, and encode the same values to the same bytes', () => {
    const top = files.flatMap((f) => f.messageType.map((m) => `.${f.package}.${m.name}`));
    const samples = runPython<Sample[]>(py.python!, FLOWER_SAMPLES, top);
    expect(samples.length).toBeGreaterThan(top.length);
    for (const s of samples) {
      const schema = schemaOf(s.type);
      const bytes = new Uint8Array(Buffer.from(s.b64, 'base64'));
      const decoded = fromBinary(schema, bytes);
      expect(toJson(schema, decoded, { useProtoFieldName: true }), s.type).toEqual(s.json);
      const ours = toBinary(schema, fromJson(schema, s.json, { ignoreUnknownFields: false }));
      expect(Buffer.from(ours).toString('base64'), s.type).toBe(s.b64);
    }
  });

  it("encode messages Flower's classes decode to the same values, with no unknown fields", () => {
    const top = files.flatMap((f) => f.messageType.map((m) => `.${f.package}.${m.name}`));
    const samples = runPython<Sample[]>(py.python!, FLOWER_SAMPLES, top);
    const ours = samples.map((s) => {
      const schema = schemaOf(s.type);
      return { type: s.type, b64: Buffer.from(toBinary(schema, fromJson(schema, s.json))).toString('base64') };
    });
    const read = runPython<{ unknown: number; json: JsonValue }[]>(py.python!, FLOWER_READS, ours);
    read.forEach((r, i) => {
      expect(r.unknown, samples[i].type).toBe(0);
      expect(r.json, samples[i].type).toEqual(samples[i].json);
    });
  });
});

describe('generated code', () => {
  it('src/gen is what the committed .proto files generate', () => {
    const script = fileURLToPath(new URL('../scripts/generate-proto.mjs', import.meta.url));
    const r = spawnSync(process.execPath, [script, '--check'], { encoding: 'utf8' });
    expect(`${r.stdout}${r.stderr}`).toContain('up to date');
    expect(r.status).toBe(0);
  });
});
