#!/usr/bin/env bash
# Side by side with the peers, on this machine (`make bench-peers`; not part
# of `make test`: Checkov alone takes minutes).
#
# 1. ../shared/corpus/real (45 real install manifests) checked as one run:
#    kubeharden's release CLI against Checkov (PyPI) and Monokle's
#    validation library (npm; benches/monokle.mjs says what it runs), three
#    runs each.
# 2. A large generated repository (benches/gen_repo.py: 5,000 files, about
#    40 MB): wall time and peak memory of kubeharden for each output format,
#    and of Checkov.
#
# Trivy cannot be measured here: its PyPI wrapper (trivy-py) downloads the
# trivy binary from GitHub at install time, which this network refuses, and
# no package registry we reach carries the binary.
set -euo pipefail
cd "$(dirname "$0")/.."

TARGET=${CARGO_TARGET_DIR:-$HOME/.cache/kubeharden-target}
VENV=${KUBEHARDEN_BENCH_VENV:-$HOME/.cache/kubeharden-bench-venv}
CHECKOV_VERSION=3.3.30
CORPUS=../shared/corpus/real
RUNS=${RUNS:-3}
FILES=${FILES:-5000}

if [ ! -d "$CORPUS" ]; then
  echo "SKIPPED: $CORPUS is absent (it exists in CI, not in a user's clone)"
  exit 0
fi
cargo build --locked --release --bin kubeharden
KH="$TARGET/release/kubeharden"
if [ "$("$VENV/bin/checkov" --version 2>/dev/null)" != "$CHECKOV_VERSION" ]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q "checkov==$CHECKOV_VERSION"
fi
CHECKOV="$VENV/bin/checkov"
# Monokle: its validation library from npm, run by benches/monokle.mjs (the
# Monokle CLI is not on npm).
MONOKLE_VERSION=0.33.0
MONOKLE=${KUBEHARDEN_BENCH_MONOKLE:-$HOME/.cache/kubeharden-bench-monokle}
if ! grep -qs "\"version\": \"$MONOKLE_VERSION\"" "$MONOKLE/node_modules/@monokle/validation/package.json"; then
  npm install --silent --prefix "$MONOKLE" "@monokle/validation@$MONOKLE_VERSION"
fi

# `measure LABEL CMD...`: wall seconds and peak RSS (MB) of one run.
measure() {
  local label=$1
  shift
  local stats
  stats=$(mktemp)
  /usr/bin/time -o "$stats" -f '%e %M' "$@" >/dev/null 2>&1 || true
  set -- $(tail -n 1 "$stats")
  rm -f "$stats"
  printf '%s %s %s\n' "$label" "$1" "$(($2 / 1024))"
}

# `median_wall CMD...`: the median wall time (s) of 11 runs: a run of
# kubeharden is about 0.1 s, where one run's scheduling noise is 10%.
median_wall() {
  for _ in $(seq 11); do
    local s e
    s=$(date +%s%N)
    "$@" >/dev/null 2>&1 || true
    e=$(date +%s%N)
    echo $(((e - s) / 1000))
  done | sort -n | awk '{ a[NR] = $1 } END { printf "%.3f\n", a[6] / 1e6 }'
}

echo "## corpus: $CORPUS ($(find "$CORPUS" -name '*.yaml' -o -name '*.yml' | wc -l) files, $(du -sh "$CORPUS" | cut -f1))"
ratio() {
  awk -v k="$1" -v c="$2" 'BEGIN { printf "%.0f×", c / (k > 0 ? k : 0.005) }'
}
echo "| run | kubeharden (s, median of 11) | Checkov $CHECKOV_VERSION (s) | ratio | Monokle validation $MONOKLE_VERSION (s) | ratio |"
echo "|---|---|---|---|---|---|"
for i in $(seq "$RUNS"); do
  k=$(median_wall "$KH" check --format json "$CORPUS")
  c=$(measure checkov "$CHECKOV" -d "$CORPUS" --framework kubernetes -o json --quiet | awk '{print $2}')
  m=$(measure monokle node benches/monokle.mjs "$MONOKLE" "$CORPUS" | awk '{print $2}')
  echo "| $i | $k | $c | $(ratio "$k" "$c") | $m | $(ratio "$k" "$m") |"
done

# The large repository takes Checkov more than an hour: PEERS_LARGE=0 skips it.
if [ "${PEERS_LARGE:-1}" = 0 ]; then
  exit 0
fi
REPO=$(mktemp -d)
trap 'rm -rf "$REPO"' EXIT
python3 benches/gen_repo.py "$REPO" "$FILES"
echo
echo "## large repository: $FILES files, $(du -sh --apparent-size "$REPO" | cut -f1)"
echo "| tool and format | time (s) | peak memory (MB) |"
echo "|---|---|---|"
for format in text json sarif; do
  measure "kubeharden --format $format" "$KH" check --format "$format" "$REPO" |
    awk '{ printf "| %s %s %s | %s | %s |\n", $1, $2, $3, $4, $5 }'
done
measure "checkov -o json" "$CHECKOV" -d "$REPO" --framework kubernetes -o json --quiet |
  awk '{ printf "| %s %s %s | %s | %s |\n", $1, $2, $3, $4, $5 }'
