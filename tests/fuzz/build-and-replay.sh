#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# `make check` part: builds each fuzz target with the normal compiler and replay.c (-DREPLAY,
# no libFuzzer) and runs every file of tests/fuzz/corpus/<target>/ through it. A crash, an
# abort (the targets' own invariants) or a sanitizer report fails the run.
# Environment: CC (default cc), CFLAGS (e.g. the configured -fsanitize flags), SKIFF_SRCDIR,
# SKIFF_BUILDDIR (for config.h; the output goes to $SKIFF_BUILDDIR/tests/fuzz), FUZZ_TARGETS.
# Prints one line per target and ends with `N passed, M failed` like run-tests.sh.
set -u
FUZZ_DIR="$(cd "$(dirname "$0")" && pwd)"
SKIFF_SRCDIR="${SKIFF_SRCDIR:-$(cd "$FUZZ_DIR/../.." && pwd)}"
. "$FUZZ_DIR/targets.sh"
OUT="${SKIFF_BUILDDIR:-${TMPDIR:-/tmp}/skiff-fuzz-replay}/tests/fuzz"
CC="${CC:-cc}"
CFLAGS="${CFLAGS:--O1 -g}"
targets="${1:-${FUZZ_TARGETS_ONLY:-$FUZZ_TARGETS}}"

fuzz_config_h "$OUT/include"
passed=0
failed=0
for t in $targets; do
	srcs=""
	for s in $(fuzz_sources "$t"); do
		srcs="$srcs $SKIFF_SRCDIR/src/lib/$s"
	done
	bin="$OUT/replay-$t"
	# shellcheck disable=SC2086 # word lists on purpose
	if ! $CC -std=gnu11 -D_GNU_SOURCE -DREPLAY $CFLAGS -I"$OUT/include" \
		-I"$SKIFF_SRCDIR/src/lib" -I"$FUZZ_DIR" -o "$bin" "$FUZZ_DIR/replay.c" \
		"$FUZZ_DIR/fuzz-$t.c" $srcs $FUZZ_LIBS; then
		echo "fuzz replay $t: build failed"
		failed=$((failed + 1))
		continue
	fi
	if out="$("$bin" "$FUZZ_DIR/corpus/$t" 2>&1)"; then
		echo "fuzz replay $t: $out"
		passed=$((passed + 1))
	else
		echo "fuzz replay $t: FAILED"
		echo "$out"
		failed=$((failed + 1))
	fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
