"""A logging proxy for the Fleet API (protobuf over HTTP), used to record what a
SuperNode and the SuperLink say to each other in one round (PROTOCOL.md).

    python fleet_trace_proxy.py LISTEN_PORT UPSTREAM_HOST:PORT TRACE.jsonl

Point a SuperNode at 127.0.0.1:LISTEN_PORT; every call becomes one JSON line with
its path, sizes and a decoded summary. Development tool only: plain HTTP, no TLS.
"""

import http.client
import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from flwr.proto import fab_pb2, fleet_pb2, heartbeat_pb2, message_pb2, run_pb2

TYPES = {
    "register-node": (fleet_pb2.RegisterNodeFleetRequest, fleet_pb2.RegisterNodeFleetResponse),
    "activate-node": (fleet_pb2.ActivateNodeRequest, fleet_pb2.ActivateNodeResponse),
    "deactivate-node": (fleet_pb2.DeactivateNodeRequest, fleet_pb2.DeactivateNodeResponse),
    "unregister-node": (fleet_pb2.UnregisterNodeFleetRequest, fleet_pb2.UnregisterNodeFleetResponse),
    "send-node-heartbeat": (heartbeat_pb2.SendNodeHeartbeatRequest, heartbeat_pb2.SendNodeHeartbeatResponse),
    "pull-messages": (fleet_pb2.PullMessagesRequest, fleet_pb2.PullMessagesResponse),
    "push-messages": (fleet_pb2.PushMessagesRequest, fleet_pb2.PushMessagesResponse),
    "get-run": (run_pb2.GetRunRequest, run_pb2.GetRunResponse),
    "get-fab": (fab_pb2.GetFabRequest, fab_pb2.GetFabResponse),
    "push-object": (message_pb2.PushObjectRequest, message_pb2.PushObjectResponse),
    "pull-object": (message_pb2.PullObjectRequest, message_pb2.PullObjectResponse),
    "confirm-message-received": (message_pb2.ConfirmMessageReceivedRequest, message_pb2.ConfirmMessageReceivedResponse),
}


def short(object_id: str) -> str:
    return object_id[:8]


def tree_size(tree) -> int:
    return 1 + sum(tree_size(c) for c in tree.children)


def object_head(content: bytes) -> str:
    # Object bytes are "<type> <child ids> <body length>\0<body>".
    head = content.split(b"\x00", 1)[0].decode("utf-8", "replace")
    kind, children, length = (head.split(" ") + ["", "", ""])[:3]
    n_children = len([c for c in children.split(",") if c])
    return f"{kind} children={n_children} body={length}B"


def describe_message(msg) -> dict:
    md = msg.metadata
    return {
        "type": md.message_type,
        "id": short(md.message_id),
        "reply_to": short(md.reply_to_message_id),
        "src": md.src_node_id,
        "dst": md.dst_node_id,
        "ttl": md.ttl,
        "group": md.group_id,
        "has_content": msg.HasField("content"),
        "error": msg.error.reason if msg.HasField("error") else None,
    }


def summarize(name: str, req, resp) -> dict:
    if name == "activate-node":
        return {"heartbeat_interval": req.heartbeat_interval, "public_key_bytes": len(req.public_key), "node_id": resp.node_id}
    if name == "register-node":
        return {"public_key_bytes": len(req.public_key), "node_id": resp.node_id}
    if name == "send-node-heartbeat":
        return {"heartbeat_interval": req.heartbeat_interval, "success": resp.success}
    if name == "pull-messages":
        return {
            "messages": [describe_message(m) for m in resp.messages_list],
            "object_trees": [f"{short(t.object_id)} ({tree_size(t)} objects)" for t in resp.message_object_trees],
        }
    if name == "push-messages":
        return {
            "messages": [describe_message(m) for m in req.messages_list],
            "object_trees": [f"{short(t.object_id)} ({tree_size(t)} objects)" for t in req.message_object_trees],
            "clientapp_runtime": list(req.clientapp_runtime_list),
            "objects_to_push": len(resp.objects_to_push),
            "session_id": bool(resp.session_id),
        }
    if name == "pull-object":
        out = {"object": short(req.object_id), "found": resp.object_found, "available": resp.object_available}
        if resp.object_content:
            out["content"] = object_head(resp.object_content)
        return out
    if name == "push-object":
        return {"object": short(req.object_id), "content": object_head(req.object_content), "stored": resp.stored}
    if name == "confirm-message-received":
        return {"message_object": short(req.message_object_id)}
    if name == "get-run":
        return {"run_id": resp.run.run_id, "fab_id": resp.run.fab_id, "override_config_keys": sorted(resp.run.override_config.keys())}
    if name == "get-fab":
        return {"hash": short(req.hash_str), "fab_bytes": len(resp.fab.content)}
    if name == "deactivate-node" or name == "unregister-node":
        return {"node_id": req.node_id}
    return {}


class Proxy(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    upstream = ("127.0.0.1", 0)
    out = None
    lock = threading.Lock()
    t0 = time.time()

    def log_message(self, *args) -> None:  # the trace file is the log
        pass

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("content-length", "0")))
        conn = http.client.HTTPConnection(*self.upstream, timeout=60)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "connection")}
        conn.request("POST", self.path, body=body, headers=headers)
        upstream = conn.getresponse()
        data = upstream.read()
        name = self.path.rsplit("/", 1)[-1]
        entry = {"t": round(time.time() - self.t0, 3), "call": name, "status": upstream.status, "req_bytes": len(body), "resp_bytes": len(data)}
        if self.path.startswith("/v1/fleet/") and name in TYPES and upstream.status == 200:
            req_t, resp_t = TYPES[name]
            req, resp = req_t(), resp_t()
            req.ParseFromString(body)
            resp.ParseFromString(data)
            entry.update(summarize(name, req, resp))
        else:
            entry["body"] = data[:200].decode("utf-8", "replace")
        entry["headers"] = sorted(k.lower() for k in self.headers.keys() if k.lower().startswith("flwr-"))
        with self.lock:
            self.out.write(json.dumps(entry) + "\n")
            self.out.flush()
        self.send_response(upstream.status)
        for k, v in upstream.getheaders():
            if k.lower() not in ("content-length", "transfer-encoding", "connection", "date", "server"):
                self.send_header(k, v)
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
        conn.close()


def main() -> None:
    listen_port, upstream, trace = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    host, port = upstream.rsplit(":", 1)
    Proxy.upstream = (host, int(port))
    Proxy.out = open(trace, "a", encoding="utf-8")
    server = ThreadingHTTPServer(("127.0.0.1", listen_port), Proxy)
    print(f"fleet trace proxy on 127.0.0.1:{server.server_address[1]} -> {upstream}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
