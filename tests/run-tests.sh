#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The `make check` driver: runs the cmocka unit test binaries, then the bats integration suite
# against RUNTIME, and ends with exactly one summary line `N passed, M failed[, K skipped]`.
# Environment: SKIFF_BUILDDIR, SKIFF_SRCDIR, UNIT_TESTS (binaries relative to the build dir),
# RUNTIME (default $SKIFF_BUILDDIR/skiff), BATS_FILTER (a bats --filter regex), SKIP_UNIT=1,
# SKIP_INTEGRATION=1, BATS_JOBS (used only when GNU parallel is installed).
# Arguments, if any, are the .bats files or directories to run instead of tests/integration.

# make runs us with $(SHELL), usually dash: the TAP parsing below wants bash.
if [ -z "${BASH_VERSION:-}" ]; then
	exec bash "$0" "$@"
fi
set -u

SKIFF_BUILDDIR="${SKIFF_BUILDDIR:-$PWD}"
SKIFF_SRCDIR="${SKIFF_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}"
RUNTIME="${RUNTIME:-$SKIFF_BUILDDIR/skiff}"
export SKIFF_BUILDDIR SKIFF_SRCDIR RUNTIME
# A hanging container must not hang `make check`.
export BATS_TEST_TIMEOUT="${BATS_TEST_TIMEOUT:-120}"

passed=0
failed=0
skipped=0
logdir="$(mktemp -d "${TMPDIR:-/tmp}/skiff-check.XXXXXX")"
trap 'rm -rf "$logdir"' EXIT

# run_unit BINARY: cmocka prints `[  PASSED  ] N test(s).` and `[  FAILED  ] N test(s)` per
# group; sum them. A binary that crashes before printing counts as one failure.
run_unit() {
	local bin="$1" log rc=0 p f
	log="$logdir/unit.log"
	echo "== unit: $bin"
	if [ ! -x "$SKIFF_BUILDDIR/$bin" ]; then
		echo "not built: $SKIFF_BUILDDIR/$bin"
		failed=$((failed + 1))
		return
	fi
	(cd "$SKIFF_BUILDDIR" && "./$bin") >"$log" 2>&1 || rc=$?
	cat "$log"
	p="$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log" | awk '{ s += $1 } END { print s + 0 }')"
	f="$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$log" | awk '{ s += $1 } END { print s + 0 }')"
	if [ "$p" -eq 0 ] && [ "$f" -eq 0 ]; then
		# No cmocka summary: judge by the exit status alone.
		if [ "$rc" -eq 0 ]; then p=1; else f=1; fi
	elif [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
	fi
	passed=$((passed + p))
	failed=$((failed + f))
}

# run_bats: the integration suite in TAP form, counted line by line.
run_bats() {
	local log="$logdir/bats.log" rc=0 files=("$@") opts=(--tap) ok=0 bad=0 skip=0 line plan=0
	[ "${#files[@]}" -gt 0 ] || files=("$SKIFF_SRCDIR/tests/integration")
	if [ -n "${BATS_FILTER:-}" ]; then
		opts+=(--filter "$BATS_FILTER")
	fi
	if [ -n "${BATS_JOBS:-}" ] && command -v parallel >/dev/null; then
		opts+=(--jobs "$BATS_JOBS")
	fi
	echo "== integration: bats against RUNTIME=$RUNTIME"
	if [ "$(id -u)" -ne 0 ]; then
		echo "integration tests need root: skipped"
		skipped=$((skipped + 1))
		return
	fi
	if ! command -v bats >/dev/null; then
		echo "bats is not installed (Debian package: bats)"
		failed=$((failed + 1))
		return
	fi
	bats "${opts[@]}" "${files[@]}" 2>&1 | tee "$log"
	rc="${PIPESTATUS[0]}"
	while IFS= read -r line; do
		case "$line" in
		1..*) [ "$plan" -ne 0 ] || plan="${line#1..}" ;;
		"not ok "*) bad=$((bad + 1)) ;;
		"ok "*" # skip"*) skip=$((skip + 1)) ;;
		"ok "*) ok=$((ok + 1)) ;;
		esac
	done <"$log"
	# A test that never reported (its process was killed) counts as failed.
	if [[ "$plan" =~ ^[0-9]+$ ]] && [ $((ok + bad + skip)) -lt "$plan" ]; then
		echo "$((plan - ok - bad - skip)) of $plan tests did not report: counted as failed"
		bad=$((plan - ok - skip))
	fi
	# bats failing outside any test (syntax error, setup_file) still fails the run.
	if [ "$rc" -ne 0 ] && [ "$bad" -eq 0 ]; then
		bad=1
	fi
	passed=$((passed + ok))
	failed=$((failed + bad))
	skipped=$((skipped + skip))
}

if [ "${SKIP_UNIT:-0}" != 1 ]; then
	for t in ${UNIT_TESTS:-}; do
		run_unit "$t"
	done
fi
# The fuzz corpora replayed through every fuzz target with the configured compiler and flags
# (sanitizers included when the build has them): a crash or sanitizer report fails the run.
if [ "${SKIP_FUZZ:-0}" != 1 ]; then
	echo "== fuzz corpus replay"
	flog="$logdir/fuzz.log"
	CC="${CC:-cc}" CFLAGS="${FUZZ_REPLAY_CFLAGS:--O1 -g}" \
		bash "$SKIFF_SRCDIR/tests/fuzz/build-and-replay.sh" >"$flog" 2>&1
	cat "$flog"
	sum="$(tail -n1 "$flog")"
	if [[ "$sum" =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
		passed=$((passed + BASH_REMATCH[1]))
		failed=$((failed + BASH_REMATCH[2]))
	else
		failed=$((failed + 1))
	fi
fi
if [ "${SKIP_INTEGRATION:-0}" != 1 ]; then
	run_bats "$@"
fi

summary="$passed passed, $failed failed"
if [ "$skipped" -gt 0 ]; then
	summary="$summary, $skipped skipped"
fi
echo "$summary"
[ "$failed" -eq 0 ]
