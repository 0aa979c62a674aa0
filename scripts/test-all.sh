#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Quick start, step 2 (as root on Debian 12): install what the tests need, then run the whole
# suite, in phases:
#   1. build with warnings as errors; clang-format check; `make check`: cmocka unit tests, the fuzz corpus replay,
#      and the bats integration suite (including containerd and podman as real clients);
#   2. the libFuzzer targets for a bounded time each (FUZZ_SECONDS, default 15);
#   3. an ASan+UBSan build: unit tests, replay, and the core integration files under it;
#   4. `make bench-smoke`: the benchmark against runc and crun runs (a few rounds);
#   5. `make check-vm`: the cgroup v2 + systemd suite in a Debian 12 VM (SKIP_VM=1 skips it).
# The last line adds up every phase: `N passed, M failed[, K skipped]`. CI runs exactly this.
set -uo pipefail
cd "$(dirname "$0")/.."
src="$(pwd)"

export DEBIAN_FRONTEND=noninteractive
need="autoconf automake libtool pkg-config make gcc libc6-dev libyajl-dev libcap-dev libseccomp-dev
	busybox-static libcmocka-dev bats jq iproute2 runc clang libclang-rt-14-dev
	containerd podman conmon"
missing=$(for p in $need; do dpkg-query -W -f='${db:Status-Abbrev}\n' "$p" 2>/dev/null | grep -q '^ii' || echo "$p"; done)
if [ -n "$missing" ]; then
	apt-get update -qq
	apt-get install -y -qq $missing >/dev/null || { echo "apt-get install failed"; exit 1; }
fi

passed=0
failed=0
skipped=0
# phase NAME COMMAND...: runs a phase, echoing its output, and adds its closing
# `N passed, M failed[, K skipped]` line to the totals (a phase without one counts as one
# failure when it fails, else one pass).
phase() {
	local name="$1" log rc
	shift
	log="$(mktemp)"
	echo "=== $name"
	local start=$SECONDS
	"$@" 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
	local sum
	sum="$(grep -E '^[0-9]+ passed, [0-9]+ failed(, [0-9]+ skipped)?$' "$log" | tail -n1)"
	if [ -n "$sum" ]; then
		local p f s
		p="$(echo "$sum" | cut -d' ' -f1)"
		f="$(echo "$sum" | cut -d' ' -f3)"
		s="$(echo "$sum" | sed -n 's/.*, \([0-9]*\) skipped$/\1/p')"
		passed=$((passed + p))
		failed=$((failed + f))
		skipped=$((skipped + ${s:-0}))
		[ "$rc" -eq 0 ] || [ "$f" -gt 0 ] || failed=$((failed + 1))
	elif [ "$rc" -eq 0 ]; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
	fi
	echo "=== $name: exit $rc, $((SECONDS - start)) s"
	rm -f "$log"
}

build() {
	local dir="$1"
	shift
	rm -rf "$dir" && mkdir -p "$dir" && cd "$dir" &&
		"$src/configure" --enable-werror "$@" >/dev/null &&
		make -j"$(nproc)" >/dev/null
}

./autogen.sh >/dev/null || exit 1
if ! (build "$src/build-test"); then
	echo "build failed"
	echo "0 passed, 1 failed"
	exit 1
fi
phase "format" make -C "$src/build-test" --no-print-directory -s format-check
phase "make check" make -C "$src/build-test" --no-print-directory -s check

phase "fuzzers (${FUZZ_SECONDS:-15} s each)" env FUZZ_SECONDS="${FUZZ_SECONDS:-15}" \
	FUZZ_OUT="$src/build-test/fuzz-out" SKIFF_BUILDDIR="$src/build-test" \
	bash tests/fuzz/run-fuzzers.sh

if (build "$src/build-asan" --enable-asan --enable-ubsan --disable-static-binary); then
	# The leak checker runs in every runtime process that exits; container processes leave
	# through execve or _exit and are not checked.
	phase "ASan+UBSan" env ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
		UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		make -C "$src/build-asan" --no-print-directory -s check \
		TESTS_ARGS="$(for f in lifecycle config exec hooks badinput cve; do
			printf '%s ' "$src/tests/integration/$f.bats"; done)"
else
	echo "=== ASan+UBSan: build failed"
	failed=$((failed + 1))
fi

# The benchmark still works (a few rounds; timing never fails it): issue 6.
phase "bench-smoke" make -C "$src/build-test" --no-print-directory -s bench-smoke

if [ "${SKIP_VM:-0}" != 1 ]; then
	phase "check-vm" make -C "$src/build-test" --no-print-directory -s check-vm
fi

summary="$passed passed, $failed failed"
[ "$skipped" -gt 0 ] && summary="$summary, $skipped skipped"
echo "$summary"
[ "$failed" -eq 0 ]
