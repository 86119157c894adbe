#!/usr/bin/env bash
# The issue's full-size targets: MLP 784-128-10 on MNIST (standard split: 8,000 train,
# 1,756 test), 10 clients, 1 local epoch per round, 20 rounds. Runs the built CLI
# (npm run build first) one run at a time and prints each final test accuracy.
# Usage: [BACKEND=js] [NEURITE_ROOT=dir] bash packages/federated/examples/targets.sh [OUT_DIR]
# (NEURITE_ROOT: a checkout whose builds to use, default this one).
set -uo pipefail
cd "${NEURITE_ROOT:-$(dirname "$0")/../../..}"
BACKEND=${BACKEND:-wasm}
OUT=${1:-/tmp/neurite-federated-targets}
mkdir -p "$OUT"
run() {
  local name=$1; shift
  node apps/cli/dist/bin.js federate --backend "$BACKEND" --clients 10 --rounds 20 --json "$@" > "$OUT/$name.json" || { echo "$name failed (exit $?)"; return; }
  node -e "const r=JSON.parse(require('fs').readFileSync('$OUT/$name.json','utf8'));console.log('$name'.padEnd(28), 'test accuracy', r.testAccuracy.toFixed(4), r.dp?('epsilon '+r.dp.epsilon.toFixed(2)):'', (r.wallSeconds).toFixed(0)+' s')"
}
run iid-fedavg           --partition iid --strategy fedavg
run dir05-fedavg         --partition dirichlet:0.5 --strategy fedavg
run dir05-fedprox        --partition dirichlet:0.5 --strategy fedprox:0.01
run dir05-fedadam        --partition dirichlet:0.5 --strategy fedadam
run byz2-fedavg          --partition iid --strategy fedavg --byzantine 2
run byz2-krum            --partition iid --strategy krum:2 --byzantine 2
run byz2-median          --partition iid --strategy median --byzantine 2
run byz2-trimmed0.2      --partition iid --strategy trimmed:0.2 --byzantine 2
run byz2-trimmed0.1      --partition iid --strategy trimmed:0.1 --byzantine 2
run iid-dp               --partition iid --strategy fedavg --dp-clip 1.0 --dp-noise 1.1
run iid-secagg           --partition iid --strategy fedavg --secure-aggregation
run iid-dp-secagg        --partition iid --strategy fedavg --dp-clip 1.0 --dp-noise 1.1 --secure-aggregation
run iid-dp-poisson0.5    --partition iid --strategy fedavg --dp-clip 1.0 --dp-noise 1.1 --fraction 0.5 --dp-sampling poisson
