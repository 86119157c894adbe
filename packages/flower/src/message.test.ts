import { describe, expect, it } from 'vitest';
import { isExpired, replyTo, type Message } from './message.js';
import { flwrPython, runPython } from './testing/python.js';

const py = flwrPython();
const skipped = py.skip ? ` (skipped: ${py.skip})` : '';

// Python's Message(content, reply_to=msg, ttl=...) at a fixed clock.
const FLOWER_REPLY = `
import sys, json, datetime
import flwr.app.message.message as m
from flwr.app import Message, Metadata, RecordDict
job = json.load(sys.stdin)
m.now = lambda: datetime.datetime.fromtimestamp(job['now'], tz=datetime.timezone.utc)
s = job['request']
req = Message(content=RecordDict(), metadata=Metadata(run_id=s['run_id'], message_id=s['message_id'], src_node_id=s['src'], dst_node_id=s['dst'],
    reply_to_message_id='', group_id=s['group_id'], created_at=s['created_at'], ttl=s['ttl'], message_type=s['message_type'],
    src_task_id=s.get('src_task_id'), dst_task_id=s.get('dst_task_id')))
out = []
for ttl in job['ttls']:
    r = Message(RecordDict(), reply_to=req, ttl=ttl).metadata
    out.append({'runId': r.run_id, 'srcNodeId': r.src_node_id, 'dstNodeId': r.dst_node_id, 'replyToMessageId': r.reply_to_message_id,
                'groupId': r.group_id, 'ttl': r.ttl, 'messageType': r.message_type, 'createdAt': r.created_at,
                'srcTaskId': r.src_task_id, 'dstTaskId': r.dst_task_id})
print(json.dumps(out))
`;

const request: Message = {
  metadata: {
    runId: 77n,
    messageId: 'c'.repeat(64),
    srcNodeId: 1n,
    dstNodeId: 4242n,
    replyToMessageId: '',
    groupId: '5',
    ttl: 100,
    messageType: 'train',
    createdAt: 1765152000.5,
    srcTaskId: 11n,
  },
  content: new Map(),
};

describe.skipIf(py.skip !== undefined)(`replies against flwr's Message(reply_to=...)${skipped}`, () => {
  it("address the sender and expire no later than the request, with Flower's TTL rules", () => {
    const now = request.metadata.createdAt + 30;
    // No TTL, within the remaining 70 s, within Flower's 0.1 s tolerance, beyond it, and 0 (Python's falsy).
    const ttls = [null, 50, 70.05, 80, 0];
    const m = request.metadata;
    const theirs = runPython<Record<string, number | string | null>[]>(py.python!, FLOWER_REPLY, {
      now,
      ttls,
      request: { run_id: 77, message_id: m.messageId, src: 1, dst: 4242, group_id: '5', created_at: m.createdAt, ttl: m.ttl, message_type: 'train', src_task_id: 11 },
    });
    ttls.forEach((ttl, k) => {
      const r = replyTo(request, { content: new Map() }, { now, ...(ttl === null ? {} : { ttl }) }).metadata;
      const t = theirs[k];
      expect({ ...r, runId: Number(r.runId), srcNodeId: Number(r.srcNodeId), dstNodeId: Number(r.dstNodeId), srcTaskId: r.srcTaskId ?? null, dstTaskId: r.dstTaskId === undefined ? null : Number(r.dstTaskId) }, `ttl ${ttl}`).toEqual({
        ...t,
        messageId: '',
      });
    });
  });
});

describe('message expiry', () => {
  it('is past createdAt + ttl', () => {
    expect(isExpired(request, request.metadata.createdAt + 99)).toBe(false);
    expect(isExpired(request, request.metadata.createdAt + 101)).toBe(true);
  });
});
