"""Reference ClientApp in plain NumPy.

Its "training" is a deterministic pull of every array towards a target that
depends on the node's partition, so each client sends different arrays and a
test can recompute FedAvg's weighted mean from what the clients recorded.
"""

from pathlib import Path

import numpy as np
from flwr.app import Array, ArrayRecord, Context, Message, MetricRecord, RecordDict
from flwr.clientapp import ClientApp

from .npy_dir import write_arrays

app = ClientApp()


def _partition(context: Context) -> tuple[int, int]:
    node = context.node_config
    partition_id = int(node.get("partition-id", 0))
    # The example count is the FedAvg weight; it differs per partition on purpose.
    num_examples = int(node.get("num-examples", 10 * (partition_id + 1)))
    return partition_id, num_examples


def _target(value: np.ndarray, partition_id: int) -> np.ndarray:
    return np.full_like(value, float(partition_id + 1))


@app.train()
def train(msg: Message, context: Context) -> Message:
    partition_id, num_examples = _partition(context)
    config = msg.content["config"]
    lr = float(config.get("lr", 0.1))
    epochs = int(config.get("local-epochs", 1))
    arrays = {k: v.numpy() for k, v in msg.content["arrays"].items()}
    updated = {}
    for name, value in arrays.items():
        w = value.copy()
        for _ in range(epochs):
            w = (w - lr * (w - _target(w, partition_id))).astype(value.dtype)
        updated[name] = w

    record_dir = context.run_config.get("record-dir", "")
    if record_dir:
        server_round = int(config["server-round"])
        where = Path(str(record_dir)) / f"node-{context.node_id}" / f"round-{server_round}"
        write_arrays(where, updated, {"num-examples": num_examples, "partition-id": partition_id})

    content = RecordDict(
        {
            "arrays": ArrayRecord({k: Array(v) for k, v in updated.items()}),
            "metrics": MetricRecord({"num-examples": num_examples, "train_loss": _loss(updated, partition_id)}),
        }
    )
    return Message(content=content, reply_to=msg)


def _loss(arrays: dict[str, np.ndarray], partition_id: int) -> float:
    total = sum(float(np.sum((v.astype(np.float64) - (partition_id + 1)) ** 2)) for v in arrays.values())
    count = sum(v.size for v in arrays.values())
    return total / max(count, 1)


@app.evaluate()
def evaluate(msg: Message, context: Context) -> Message:
    partition_id, num_examples = _partition(context)
    arrays = {k: v.numpy() for k, v in msg.content["arrays"].items()}
    metrics = MetricRecord({"num-examples": num_examples, "eval_loss": _loss(arrays, partition_id)})
    return Message(content=RecordDict({"metrics": metrics}), reply_to=msg)
