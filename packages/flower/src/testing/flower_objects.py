# Builds Flower 1.42 Messages from the JSON specs of message-spec.ts with
# Flower's own classes and reports their objects ("deflate"), or inflates
# objects we made with Flower's own code and describes the result ("inflate").
import base64
import json
import math
import sys

import numpy as np
from flwr.app import Array, ArrayRecord, ConfigRecord, Error, Message, Metadata, MetricRecord, RecordDict
from flwr.supercore.inflatable.inflatable_object import get_all_nested_objects, get_object_tree
from flwr.supercore.inflatable.inflatable_utils import inflate_object_from_contents


def scalar(of, v):
    if of == "float":
        return {"nan": math.nan, "inf": math.inf, "-inf": -math.inf}.get(v, v) if isinstance(v, str) else float(v)
    if of == "int":
        return int(v)
    if of == "bytes":
        return base64.b64decode(v)
    return v


def value(s):
    if s["t"] == "list":
        return [scalar(s["of"], x) for x in s["v"]]
    return scalar(s["t"], s["v"])


def ndarray(a):
    n = int(np.prod(a["shape"], dtype=np.int64))
    if "values" in a:
        vals = [int(x) for x in a["values"]] if a["dtype"] == "int64" else a["values"]
        arr = np.array(vals, dtype=a["dtype"])
    elif a.get("fill") == "ramp":
        arr = ((np.arange(n) % 1000) * 0.5 - 100).astype(a["dtype"])
    else:
        arr = np.zeros(n, dtype=a["dtype"])
    arr = arr.reshape(a["shape"])
    return np.asfortranarray(arr) if a.get("fortran") else arr


def record(r):
    if r["kind"] == "array":
        if r.get("fromList"):
            return ArrayRecord([ndarray(a) for _, a in r["arrays"]])
        return ArrayRecord({k: Array(ndarray(a)) for k, a in r["arrays"]})
    values = {k: value(v) for k, v in r["values"]}
    return MetricRecord(values) if r["kind"] == "metric" else ConfigRecord(values)


def message(spec):
    m = spec["metadata"]
    md = Metadata(
        run_id=int(m["run_id"]), message_id="", src_node_id=int(m["src_node_id"]), dst_node_id=int(m["dst_node_id"]),
        reply_to_message_id=m["reply_to_message_id"], group_id=m["group_id"], created_at=m["created_at"], ttl=m["ttl"],
        message_type=m["message_type"],
        src_task_id=int(m["src_task_id"]) if "src_task_id" in m else None,
        dst_task_id=int(m["dst_task_id"]) if "dst_task_id" in m else None,
    )
    if spec.get("error"):
        return Message(error=Error(spec["error"]["code"], spec["error"]["reason"] or None), metadata=md)
    rd = RecordDict()
    for name, r in spec.get("content") or []:
        rd[name] = record(r)
    return Message(content=rd, metadata=md)


def tree(t):
    return {"objectId": t.object_id, "children": [tree(c) for c in t.children]}


def deflate(spec):
    msg = message(spec)
    objects = get_all_nested_objects(msg)
    return {
        "messageId": msg.object_id,
        "objects": [[i, base64.b64encode(o.deflate()).decode()] for i, o in objects.items()],
        "tree": tree(get_object_tree(msg)),
    }


def describe_value(v):
    if isinstance(v, list):
        kinds = {describe_value(x)["t"] for x in v}
        return {"t": "list", "of": kinds.pop() if kinds else "", "v": [describe_value(x)["v"] for x in v]}
    if isinstance(v, bool):
        return {"t": "bool", "v": v}
    if isinstance(v, int):
        return {"t": "int", "v": str(v)}
    if isinstance(v, float):
        return {"t": "float", "v": v if math.isfinite(v) else str(v)}
    if isinstance(v, str):
        return {"t": "str", "v": v}
    return {"t": "bytes", "v": base64.b64encode(v).decode()}


def describe_record(r):
    if isinstance(r, ArrayRecord):
        return {"kind": "array", "arrays": [[k, {"dtype": a.dtype, "shape": list(a.shape), "npy": base64.b64encode(a.data).decode(),
                                                 "values": [str(x) for x in a.numpy().ravel().tolist()]}] for k, a in r.items()]}
    kind = "metric" if isinstance(r, MetricRecord) else "config"
    return {"kind": kind, "values": [[k, describe_value(v)] for k, v in r.items()]}


def inflate(job):
    contents = {i: base64.b64decode(b) for i, b in job["objects"]}
    msg = inflate_object_from_contents(job["messageId"], contents, keep_object_contents=True)
    md = msg.metadata
    out = {
        "reDeflatedId": msg.object_id,
        "metadata": {"run_id": str(md.run_id), "src_node_id": str(md.src_node_id), "dst_node_id": str(md.dst_node_id),
                     "reply_to_message_id": md.reply_to_message_id, "group_id": md.group_id, "ttl": md.ttl,
                     "message_type": md.message_type, "created_at": md.created_at,
                     "src_task_id": None if md.src_task_id is None else str(md.src_task_id),
                     "dst_task_id": None if md.dst_task_id is None else str(md.dst_task_id)},
    }
    if msg.has_error():
        out["error"] = {"code": msg.error.code, "reason": msg.error.reason or ""}
    else:
        out["content"] = [[k, describe_record(r)] for k, r in msg.content.items()]
    return out


def push(spec):
    # What a SuperNode lists in PushMessages: the message with its id and without content.
    from flwr.app.message.message import remove_content_from_message
    from flwr.common.serde import message_to_proto
    msg = message(spec)
    msg.metadata.__dict__["_message_id"] = msg.object_id
    return base64.b64encode(message_to_proto(remove_content_from_message(msg)).SerializeToString()).decode()


job = json.load(sys.stdin)
ops = {"deflate": lambda: [deflate(s) for s in job["specs"]], "push": lambda: [push(s) for s in job["specs"]],
       "inflate": lambda: [inflate(j) for j in job["jobs"]]}
print(json.dumps(ops[job["op"]]()))
