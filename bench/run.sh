#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# bench/run.sh: skiff side by side with runc, crun and the syscall floor (floor.c).
# Installs the peers if missing, builds the helpers (driver, stats, floor, probe) and a
# busybox bundle into the results directory, enters ONE private mount namespace where
# /sys/fs/cgroup/unified is an empty tmpfs (crun refuses hybrid cgroups; every participant
# runs there alike), checks parity with the probe, runs the measurements with the driver and
# writes samples.csv, summary.md and latency.png. Never writes into the source tree.
#
# usage: run.sh [--smoke] [--out DIR]      (make bench / make bench-smoke)
#        run.sh --profile [--out DIR]     (strace -c, perf stat, callgrind; see PROFILE.md)
# env:   SKIFF=path/to/skiff  RUNC=  CRUN=  BENCH_ROUNDS=N (overrides the round counts)
# exit:  0 done; 1 a participant failed outright (or parity differs); 2 setup error.
# Timing never makes it fail.
set -euo pipefail

SRC="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SMOKE=0
PROFILE=0
OUT="${BENCH_OUT:-}"
PREFIX=skb$$

# ---- internal helpers the driver calls (untimed) ----

# _snap FILE LABEL PARTICIPANT ROUND STATEROOT: one line of leak and memory counters.
if [ "${1:-}" = _snap ]; then
	set +e +o pipefail
	file=$2 label=$3 who=$4 round=$5 root=$6 pfx=$7
	mounts=$(wc -l </proc/self/mountinfo)
	# not the tmpfs standing in for cgroup2: crun writes files there that it cannot remove
	cgroups=$(find /sys/fs/cgroup -maxdepth 5 -path /sys/fs/cgroup/unified -prune -o \
		-type d -name "$pfx-*" -print 2>/dev/null | wc -l)
	states=$(find "$root" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l)
	procs=0 fds=0
	for p in $(pgrep -f "sleep 7777777" || true); do
		procs=$((procs + 1))
		fds=$((fds + $(ls "/proc/$p/fd" 2>/dev/null | wc -l)))
	done
	# memory charged to the containers' own memory cgroups (pages + kernel memory), KiB
	cgmem=$(find /sys/fs/cgroup/memory -maxdepth 4 -type d -name "$pfx-*" \
		-exec cat {}/memory.usage_in_bytes \; 2>/dev/null | awk '{ s += $1 } END { print int(s / 1024) }')
	avail=$(awk '/^MemAvailable:/ { print $2 }' /proc/meminfo)
	slab=$(awk '/^Slab:/ { print $2 }' /proc/meminfo)
	echo "$label,$who,$round,$mounts,$cgroups,$states,$procs,$fds,$avail,$slab,$cgmem" >>"$file"
	exit 0
fi
# _stopped RUNTIME ROOT ID: wait until the container stopped (after kill).
if [ "${1:-}" = _stopped ]; then
	for _ in $(seq 2000); do
		"$2" --root "$3" state "$4" 2>/dev/null | grep -q '"stopped"' && exit 0
	done
	exit 1
fi
# _cleanup RUNTIME ROOT: force-delete whatever a participant left in its state root.
if [ "${1:-}" = _cleanup ]; then
	for id in $(ls "$3" 2>/dev/null); do
		"$2" --root "$3" delete -f "$id" >/dev/null 2>&1 || true
	done
	exit 0
fi

while [ $# -gt 0 ]; do
	case "$1" in
	--smoke) SMOKE=1 ;;
	--profile) PROFILE=1 ;;
	--out) OUT=$2; shift ;;
	*) echo "usage: $0 [--smoke|--profile] [--out DIR]" >&2; exit 2 ;;
	esac
	shift
done

log() { printf 'bench: %s\n' "$*" >&2; }
die() { log "$*"; exit 2; }

[ "$(id -u)" = 0 ] || die "needs root (namespaces, cgroups, mounts)"

# ---- dependencies: the peers and the chart tool, installed here so a fresh machine works ----
need_pkg() { # need_pkg COMMAND PACKAGE
	command -v "$1" >/dev/null 2>&1 && return 0
	log "installing $2"
	DEBIAN_FRONTEND=noninteractive apt-get install -y "$2" >/dev/null 2>&1 ||
		{ apt-get update >/dev/null 2>&1 &&
			DEBIAN_FRONTEND=noninteractive apt-get install -y "$2" >/dev/null 2>&1; } ||
		log "could not install $2"
}
if [ -z "${SKIFF_BENCH_NS:-}" ]; then
	need_pkg crun crun
	need_pkg gnuplot gnuplot-nox
	need_pkg jq jq
	need_pkg busybox busybox-static
	need_pkg strace strace
fi

if [ -z "${SKIFF:-}" ]; then
	for c in "$PWD/skiff" "$SRC/../skiff"; do [ -x "$c" ] && SKIFF="$c" && break; done
fi
SKIFF="$(readlink -f "${SKIFF:-$(command -v skiff || true)}")"
[ -x "$SKIFF" ] || die "no skiff binary: build it or set SKIFF="
RUNC="${RUNC:-$(command -v runc || true)}"
CRUN="${CRUN:-$(command -v crun || true)}"
BUSYBOX="$(command -v busybox)" || die "busybox missing"

# ---- results directory, outside the source tree ----
if [ -z "$OUT" ]; then
	OUT="/tmp/skiff-bench-$(date +%Y%m%d-%H%M%S)"
	[ "$SMOKE" = 1 ] && OUT="$OUT-smoke"
fi
mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"
case "$OUT/" in "$(cd "$SRC/.." && pwd)/"*) die "results dir $OUT is inside the source tree" ;; esac
case "$OUT" in *[[:space:]]*) die "results dir must not contain spaces" ;; esac

# ---- rounds ----
if [ "$SMOKE" = 1 ]; then
	R_RUN=5 R_LIFE=3 R_EXEC=5 R_SECCOMP=3 R_MEM=2 R_MANY=1 N_MANY=10 WARM=1
else
	R_RUN=200 R_LIFE=100 R_EXEC=200 R_SECCOMP=100 R_MEM=20 R_MANY=3 N_MANY=100 WARM=3
fi
if [ -n "${BENCH_ROUNDS:-}" ]; then
	R_RUN=$BENCH_ROUNDS R_LIFE=$BENCH_ROUNDS R_EXEC=$BENCH_ROUNDS R_SECCOMP=$BENCH_ROUNDS
fi

# ---- everything below runs inside one private mount namespace ----
if [ -z "${SKIFF_BENCH_NS:-}" ]; then
	log "results: $OUT"
	export SKIFF_BENCH_NS=1 SKIFF RUNC CRUN BENCH_OUT="$OUT"
	args=()
	[ "$SMOKE" = 1 ] && args+=(--smoke)
	[ "$PROFILE" = 1 ] && args+=(--profile)
	exec unshare -m --propagation private "$0" "${args[@]}" --out "$OUT"
fi
if grep -q ' /sys/fs/cgroup/unified .* - cgroup2 ' /proc/self/mountinfo; then
	umount -l /sys/fs/cgroup/unified
	# writable and roomy: crun treats it as a named hierarchy and creates (and leaves) files
	mount -t tmpfs -o size=64m,mode=0755 skiff-bench-empty /sys/fs/cgroup/unified
fi
# State roots on a tmpfs, as /run is in production: on ext4, replacing state.json by rename
# costs milliseconds (auto_da_alloc flushes the data), which says nothing about a runtime.
mkdir -p "$OUT/state"
mount -t tmpfs -o mode=0700 skiff-bench-state "$OUT/state"
. "$SRC/lib.sh"
if [ "$PROFILE" = 1 ]; then
	profile_main
else
	bench_main
fi
