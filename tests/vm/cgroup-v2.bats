#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# The cgroup v2 suite for the VM guest (systemd as PID 1, pure unified hierarchy): resources read
# back from /sys/fs/cgroup with the cgroupfs driver and with the systemd driver (a transient scope
# that systemd knows, removed on delete). Few containers per test: the guest is emulated.

load ../integration/helpers

setup() {
	[ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ] || skip "not a cgroup v2 host"
	setup_bundle
	set_args /bin/sleep 1000
}

teardown() {
	teardown_bundle
}

# Global flags for every runtime call of a test (--systemd-cgroup), as runc users pass them.
GLOBAL_FLAGS=()
runtime() {
	"$RUNTIME" --root "$ROOT" "${GLOBAL_FLAGS[@]}" "$@"
}

# cg_dir PID: the container's cgroup directory, from /proc/PID/cgroup.
cg_dir() {
	echo "/sys/fs/cgroup$(awk -F: '$1 == "0" { print $3 }' "/proc/$1/cgroup")"
}

# assert_file FILE VALUE
assert_file() {
	local got
	got="$(cat "$1")" || return 1
	[ "$got" = "$2" ] || { echo "$1: got '$got', want '$2'" >&2; return 1; }
}

# The kernel may lack cpuset (User-Mode Linux has no SMP, hence no cpusets).
has_cpuset() {
	grep -qw cpuset /sys/fs/cgroup/cgroup.controllers
}

RES='{"memory": {"limit": 67108864, "reservation": 33554432, "swap": 100663296},
      "cpu": {"shares": 1024, "quota": 50000, "period": 100000},
      "pids": {"limit": 42}}'
if has_cpuset; then
	RES="$(jq -c '.cpu.cpus = "0" | .cpu.mems = "0"' <<<"$RES")"
fi

assert_res() {
	local d="$1"
	assert_file "$d/memory.max" 67108864
	assert_file "$d/memory.low" 33554432
	assert_file "$d/memory.swap.max" 33554432
	assert_file "$d/cpu.weight" 39
	assert_file "$d/cpu.max" "50000 100000"
	if has_cpuset; then
		assert_file "$d/cpuset.cpus" 0
		assert_file "$d/cpuset.mems" 0
	fi
	assert_file "$d/pids.max" 42
}

@test "cgroupfs: run, resources in the container's cgroup, delete removes it" {
	update_config '.linux.resources = $r' --argjson r "$RES"
	run_d "$ID"
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	pid="$(state_field "$ID" pid)"
	d="$(cg_dir "$pid")"
	[[ "$d" == */"$ID" ]] || { echo "cgroup $d"; false; }
	assert_res "$d"
	grep -qx "$pid" "$d/cgroup.procs"
	runtime delete -f "$ID"
	[ ! -e "$d" ]
}

@test "cgroupfs: absolute cgroupsPath, pause and resume, kill" {
	update_config '.linux.cgroupsPath = $p' --arg p "/skiffvm/$ID"
	run_d "$ID"
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	pid="$(state_field "$ID" pid)"
	[ "$(cg_dir "$pid")" = "/sys/fs/cgroup/skiffvm/$ID" ]
	if runtime pause "$ID" 2>/dev/null; then
		[ "$(state_field "$ID" status)" = paused ]
		assert_file "/sys/fs/cgroup/skiffvm/$ID/cgroup.freeze" 1
		runtime resume "$ID"
		[ "$(state_field "$ID" status)" = running ]
	fi
	runtime kill "$ID" KILL
	wait_status "$ID" stopped
	runtime delete "$ID"
	[ ! -e "/sys/fs/cgroup/skiffvm/$ID" ]
	rmdir /sys/fs/cgroup/skiffvm 2>/dev/null || true
}

@test "cgroupfs: devices are enforced by an eBPF program" {
	command -v bpftool >/dev/null || skip "no bpftool in the guest"
	# /dev/kmsg (c 1:11) is not in the default allow list: mknod is allowed, write is not
	set_args /bin/sh -c 'mknod /tmp/kmsg c 1 11 && echo x >/tmp/kmsg && echo WROTE; sleep 1000'
	run_d "$ID"
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	pid="$(state_field "$ID" pid)"
	d="$(cg_dir "$pid")"
	if ! bpftool cgroup show "$d" | grep -qw cgroup_device; then
		skip "skiff attaches no v2 device program yet"
	fi
	sleep 1
	! grep -q WROTE "$TEST_DIR/$ID.out"
}

@test "systemd: the default path is system.slice:skiff:<id>, a delegated scope with the resources" {
	update_config '.linux.resources = $r' --argjson r "$RES"
	GLOBAL_FLAGS=(--systemd-cgroup)
	run_d "$ID"
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	unit="skiff-$ID.scope"
	pid="$(state_field "$ID" pid)"
	[ "$(cg_dir "$pid")" = "/sys/fs/cgroup/system.slice/$unit" ]
	[ "$(systemctl is-active "$unit")" = active ]
	[ "$(systemctl show -P Delegate "$unit")" = yes ]
	[ "$(systemctl show -P MemoryMax "$unit")" = 67108864 ]
	[ "$(systemctl show -P TasksMax "$unit")" = 42 ]
	systemctl status "$unit" | grep -q "$pid"
	assert_res "/sys/fs/cgroup/system.slice/$unit"
	# systemd re-applies its properties on reload: they must be the container's values
	systemctl daemon-reload
	assert_res "/sys/fs/cgroup/system.slice/$unit"
	runtime delete -f "$ID"
	[ ! -e "/sys/fs/cgroup/system.slice/$unit" ]
	run systemctl is-active "$unit"
	[ "$output" != active ]
}

@test "systemd: update changes the unit's properties too, so a daemon-reload keeps them" {
	"$RUNTIME" update --help >/dev/null 2>&1 || skip "no update command"
	GLOBAL_FLAGS=(--systemd-cgroup)
	update_config '.linux.resources = {"memory": {"limit": 67108864}, "pids": {"limit": 42}}'
	run_d "$ID"
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	unit="skiff-$ID.scope"
	d="/sys/fs/cgroup/system.slice/$unit"
	runtime update --memory 134217728 --pids-limit 50 "$ID"
	assert_file "$d/memory.max" 134217728
	[ "$(systemctl show -P MemoryMax "$unit")" = 134217728 ]
	[ "$(systemctl show -P TasksMax "$unit")" = 50 ]
	systemctl daemon-reload
	assert_file "$d/memory.max" 134217728
	assert_file "$d/pids.max" 50
	runtime delete -f "$ID"
}

@test "systemd: slice:prefix:name in a nested slice; stopped container, then delete" {
	update_config '.linux.cgroupsPath = $p' --arg p "skiffvm-t.slice:pfx:$ID"
	set_args /bin/true
	GLOBAL_FLAGS=(--systemd-cgroup)
	create_ctr "$ID"
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	unit="pfx-$ID.scope"
	d="/sys/fs/cgroup/skiffvm.slice/skiffvm-t.slice/$unit"
	[ -d "$d" ]
	[ "$(systemctl show -P Slice "$unit")" = skiffvm-t.slice ]
	runtime start "$ID"
	wait_status "$ID" stopped
	runtime delete "$ID"
	[ ! -e "$d" ]
	[ "$(systemctl show -P LoadState "$unit")" = not-found ]
}

@test "systemd: a bad cgroupsPath fails create with one clear line and leaves nothing" {
	update_config '.linux.cgroupsPath = "/not/a/slice/path"'
	GLOBAL_FLAGS=(--systemd-cgroup)
	create_ctr "$ID"
	assert_error 'expects "slice:prefix:name"'
	assert_no_leftovers "$ID"
}

@test "systemd: kill -9 of the container, then delete -f stops the unit" {
	GLOBAL_FLAGS=(--systemd-cgroup)
	run_d "$ID"
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	unit="skiff-$ID.scope"
	pid="$(state_field "$ID" pid)"
	kill -9 "$pid"
	wait_status "$ID" stopped
	runtime delete -f "$ID"
	[ ! -e "/sys/fs/cgroup/system.slice/$unit" ]
	[ "$(systemctl show -P ActiveState "$unit")" != active ]
}
