"""ServerApp: Flower's own Message-API FedAvg, with the global arrays of every
round written to disk so tests can check the aggregation independently."""

import json
from pathlib import Path

from flwr.app import Array, ArrayRecord, ConfigRecord, Context
from flwr.serverapp import Grid, ServerApp
from flwr.serverapp.strategy import FedAvg

from .initial_arrays import initial_arrays
from .npy_dir import write_arrays

app = ServerApp()


@app.main()
def main(grid: Grid, context: Context) -> None:
    cfg = context.run_config
    strategy = FedAvg(
        fraction_train=float(cfg["fraction-train"]),
        fraction_evaluate=float(cfg["fraction-evaluate"]),
        min_train_nodes=int(cfg["min-train-nodes"]),
        min_evaluate_nodes=int(cfg["min-evaluate-nodes"]),
        min_available_nodes=int(cfg["min-available-nodes"]),
    )
    out_dir = Path(str(cfg["out-dir"])) if cfg["out-dir"] else None

    # FedAvg calls this with round 0 (the initial arrays) and after every round
    # with the aggregate, which is exactly the sequence the tests compare.
    def record_global(server_round: int, arrays: ArrayRecord) -> None:
        if out_dir is not None:
            write_arrays(out_dir / f"round-{server_round}", {k: v.numpy() for k, v in arrays.items()}, {"round": server_round})
        return None

    result = strategy.start(
        grid=grid,
        initial_arrays=ArrayRecord({k: Array(v) for k, v in initial_arrays(str(cfg["init-dir"])).items()}),
        num_rounds=int(cfg["num-server-rounds"]),
        timeout=float(cfg["round-timeout"]),
        train_config=ConfigRecord(
            {
                "local-epochs": int(cfg["local-epochs"]),
                "batch-size": int(cfg["batch-size"]),
                "lr": float(cfg["lr"]),
                "proximal-mu": float(cfg["proximal-mu"]),
            }
        ),
        evaluate_fn=record_global,
    )
    if out_dir is not None:
        # Written last: the harness reads it as "the run finished normally".
        (out_dir / "done.json").write_text(
            json.dumps(
                {
                    "rounds": int(cfg["num-server-rounds"]),
                    "train_metrics": {str(k): dict(v) for k, v in result.train_metrics_clientapp.items()},
                    "evaluate_metrics": {str(k): dict(v) for k, v in result.evaluate_metrics_clientapp.items()},
                }
            )
        )
