#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Runs inside the VM guest (started by the image's skiff-vm.service, see run-vm.sh): checks that
# the guest is what the suite needs (systemd as PID 1, a pure cgroup v2 hierarchy), then runs
# tests/vm/*.bats (or the files/args run-vm.sh was given) against the shared build's skiff.
# Prints boot-seconds= and suite-seconds= for run-vm.sh.
set -u
. /run/skiff-vm/env
cd "$SKIFF_SRCDIR/tests/vm" || exit 2

echo "boot-seconds=$(cut -d' ' -f1 /proc/uptime)"
echo "guest: $(uname -r), PID 1 $(cat /proc/1/comm), $(stat -f -c %T /sys/fs/cgroup) on /sys/fs/cgroup, $(nproc) cpus"
if [ "$(cat /proc/1/comm)" != systemd ] || [ "$(stat -f -c %T /sys/fs/cgroup)" != cgroup2fs ]; then
	echo "guest: not a systemd + cgroup v2 guest" >&2
	exit 2
fi

export SKIFF_BUILDDIR SKIFF_SRCDIR
export RUNTIME="${RUNTIME:-$SKIFF_BUILDDIR/skiff}"
export SKIFF_TEST_CACHE=/var/tmp/skiff-bats
export TMPDIR=/var/tmp
# The rootfs template and probe run-vm.sh built on the host (no compiler here).
# Dated ahead so that helpers.bash keeps them even if probe.c changes on the host meanwhile.
cp -a /run/skiff-vm/cache "$SKIFF_TEST_CACHE"
touch -d tomorrow "$SKIFF_TEST_CACHE/probe"
touch -d '+2 days' "$SKIFF_TEST_CACHE/rootfs/.complete"

if [ ${#SKIFF_VM_ARGS[@]} -gt 0 ]; then
	set -- "${SKIFF_VM_ARGS[@]}"
else
	set -- ./*.bats
fi
t0=$(date +%s.%N)
bats --tap "$@"
rc=$?
t1=$(date +%s.%N)
echo "suite-seconds=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')"
exit $rc
