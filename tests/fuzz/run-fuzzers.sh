#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# CI: builds each fuzz target with clang -fsanitize=fuzzer,address,undefined against the
# src/lib sources and runs it for FUZZ_SECONDS (default 60) on a copy of its seed corpus.
# A crash, leak, sanitizer report or timeout fails the run; the input that did it is kept in
# $FUZZ_OUT/crashes/<target>/ (after fixing the bug, add it to tests/fuzz/corpus/<target>/ as
# a regression file so `make check` replays it).
# Environment: CC (default clang), FUZZ_SECONDS, FUZZ_OUT (default /tmp/skiff-fuzz),
# SKIFF_SRCDIR, SKIFF_BUILDDIR (config.h).
# Arguments: target names (default: all).
set -u
FUZZ_DIR="$(cd "$(dirname "$0")" && pwd)"
SKIFF_SRCDIR="${SKIFF_SRCDIR:-$(cd "$FUZZ_DIR/../.." && pwd)}"
. "$FUZZ_DIR/targets.sh"
CC="${CC:-clang}"
FUZZ_SECONDS="${FUZZ_SECONDS:-60}"
FUZZ_OUT="${FUZZ_OUT:-${TMPDIR:-/tmp}/skiff-fuzz}"
SAN="-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined"
targets="${*:-$FUZZ_TARGETS}"

fuzz_config_h "$FUZZ_OUT/include"
# UBSan reports are fatal (no recover) and ASan checks leaks at exit.
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}"

fuzz_one() {
	local t="$1" srcs="" s bin work rc=0
	for s in $(fuzz_sources "$t"); do
		srcs="$srcs $SKIFF_SRCDIR/src/lib/$s"
	done
	bin="$FUZZ_OUT/fuzz-$t"
	# shellcheck disable=SC2086
	if ! $CC -std=gnu11 -D_GNU_SOURCE -g -O1 $SAN -I"$FUZZ_OUT/include" \
		-I"$SKIFF_SRCDIR/src/lib" -I"$FUZZ_DIR" -o "$bin" "$FUZZ_DIR/fuzz-$t.c" $srcs \
		$FUZZ_LIBS; then
		echo "fuzz $t: build failed"
		return 1
	fi
	# libFuzzer adds what it finds to the first corpus dir: work on a copy.
	work="$FUZZ_OUT/corpus-$t"
	mkdir -p "$work" "$FUZZ_OUT/crashes/$t"
	cp -n "$FUZZ_DIR/corpus/$t"/* "$work/" 2>/dev/null || true
	"$bin" -max_total_time="$FUZZ_SECONDS" -timeout=10 -rss_limit_mb=2048 \
		-artifact_prefix="$FUZZ_OUT/crashes/$t/" -print_final_stats=1 \
		"$work" >"$FUZZ_OUT/fuzz-$t.log" 2>&1 || rc=$?
	if [ "$rc" -ne 0 ]; then
		echo "fuzz $t: FAILED (exit $rc), inputs in $FUZZ_OUT/crashes/$t/"
		grep -E 'ERROR|SUMMARY|runtime error|Test unit written' "$FUZZ_OUT/fuzz-$t.log" | head -20
		return 1
	fi
	echo "fuzz $t: ok, $(grep -o 'stat::number_of_executed_units: *[0-9]*' \
		"$FUZZ_OUT/fuzz-$t.log" | grep -o '[0-9]*$') runs in ${FUZZ_SECONDS}s"
}

failed=0
passed=0
for t in $targets; do
	if fuzz_one "$t"; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
	fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
