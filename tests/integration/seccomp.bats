#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# linux.seccomp: a default-style profile (fixtures/seccomp-default.json) denies what containers
# must not do and lets ordinary programs run; every action, argument comparisons, unknown
# syscall names, config errors that leave nothing behind, flags, and SCMP_ACT_NOTIFY with a
# listener receiving the notify fd and the container process state.
# /scprobe (scprobe.c) makes raw syscalls and prints "NAME ret=R errno=ENAME".

load helpers

# Static /scprobe into the test cache (rebuilt when its source is newer), then into the rootfs.
setup() {
	setup_bundle
	local src="$INTEGRATION_DIR/scprobe.c" out="$TEST_CACHE/scprobe"
	if [ ! -x "$out" ] || [ "$src" -nt "$out" ]; then
		cc -static -O2 -Wall -o "$out.$$" "$src" && mv -f "$out.$$" "$out"
	fi
	cp "$out" "$ROOTFS/scprobe"
}

teardown() {
	if [ -n "${LISTENER_PID:-}" ]; then
		kill "$LISTENER_PID" 2>/dev/null || true
		wait "$LISTENER_PID" 2>/dev/null || true
	fi
	teardown_bundle
}

# listener_bin: the notify listener (host side), built into the cache.
listener_bin() {
	local src="$INTEGRATION_DIR/seccomp-listener.c" out="$TEST_CACHE/seccomp-listener"
	if [ ! -x "$out" ] || [ "$src" -nt "$out" ]; then
		cc -O2 -Wall -o "$out.$$" "$src" >&2 && mv -f "$out.$$" "$out"
	fi
	echo "$out"
}

# set_seccomp JSON: linux.seccomp of the config.
set_seccomp() {
	update_config '.linux.seccomp = $s' --argjson s "$1"
}

# Capabilities that would let the denied calls succeed, so that EPERM can only be seccomp's.
grant_admin_caps() {
	local caps='["CAP_SYS_ADMIN","CAP_SYS_BOOT","CAP_CHOWN","CAP_DAC_OVERRIDE","CAP_FOWNER","CAP_SETUID","CAP_SETGID","CAP_SYS_CHROOT","CAP_KILL"]'
	update_config '.process.capabilities = {bounding: $c, effective: $c, permitted: $c}' \
		--argjson c "$caps"
}

DENIED_CALLS='/scprobe call unshare 0x04000000; /scprobe call mount s:none s:/tmp s:tmpfs 0 0; /scprobe call kexec_load 0 0 0 0xffffffff; /scprobe call keyctl 0 -3 0; /scprobe call setns 0 0; /scprobe call bpf 0 0 0'

@test "default-style profile: unshare, mount, kexec_load, keyctl ... fail with EPERM" {
	grant_admin_caps
	set_args /bin/sh -c "/scprobe status; $DENIED_CALLS"
	set_seccomp "$(cat "$INTEGRATION_DIR/fixtures/seccomp-default.json")"
	run_ctr
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	[[ "$output" == *$'Seccomp:\t2'* ]]
	assert_output_has "unshare ret=-1 errno=EPERM"
	assert_output_has "mount ret=-1 errno=EPERM"
	assert_output_has "kexec_load ret=-1 errno=EPERM"
	assert_output_has "keyctl ret=-1 errno=EPERM"
	assert_output_has "setns ret=-1 errno=EPERM"
	assert_output_has "bpf ret=-1 errno=EPERM"
}

@test "default-style profile: without it the same calls are not EPERM (control)" {
	grant_admin_caps
	set_args /bin/sh -c "/scprobe status; $DENIED_CALLS"
	run_ctr
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	[[ "$output" == *$'Seccomp:\t0'* ]]
	assert_output_has "unshare ret=0 errno=0"
	assert_output_has "mount ret=0 errno=0"
	assert_output_lacks "keyctl ret=-1"
}

@test "default-style profile: ordinary programs work (shell, fork, files, pipes, threads)" {
	set_args /bin/sh -c 'mkdir -p /tmp/d && echo hello >/tmp/d/f && cat /tmp/d/f | tr a-z A-Z &&
		ls /tmp/d && (sleep 0.01 &) && wait && sed -n 1p /etc/passwd && id -u &&
		date +%Y >/dev/null && ps >/dev/null && echo done'
	update_config '.process.noNewPrivileges = true'
	set_seccomp "$(cat "$INTEGRATION_DIR/fixtures/seccomp-default.json")"
	run_ctr
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	assert_output_has HELLO
	assert_output_has "root:x:0:0"
	assert_output_has done
	# Namespace flags in clone are refused by the MASKED_EQ rule; clone3 answers ENOSYS.
	set_args /bin/sh -c '/scprobe call clone3 0 0; /scprobe status'
	run_ctr
	assert_output_has "clone3 ret=-1 errno=ENOSYS"
	[[ "$output" == *$'NoNewPrivs:\t1'* ]]
	[[ "$output" == *$'Seccomp:\t2'* ]]
}

@test "busybox unshare and mount applets are refused by the default-style profile" {
	grant_admin_caps
	set_args /bin/sh -c 'unshare -u true; echo unshare=$?; mount -t tmpfs none /mnt; echo mount=$?'
	set_seccomp "$(cat "$INTEGRATION_DIR/fixtures/seccomp-default.json")"
	run_ctr
	assert_output_has "unshare=1"
	assert_output_has "unshare(0x4000000): Operation not permitted"
	assert_output_has "mount=1"
}

@test "SCMP_ACT_ERRNO: errnoRet, and EPERM by default" {
	set_args /bin/sh -c '/scprobe call getpriority 0 0; /scprobe call getsid; /scprobe call getpid'
	set_seccomp '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[
		{"names":["getpriority"],"action":"SCMP_ACT_ERRNO","errnoRet":33},
		{"names":["getsid"],"action":"SCMP_ACT_ERRNO"}]}'
	run_ctr
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	assert_output_has "getpriority ret=-1 errno=EDOM"
	assert_output_has "getsid ret=-1 errno=EPERM"
	assert_output_lacks "getpid ret=-1"
}

@test "defaultAction SCMP_ACT_ERRNO with defaultErrnoRet" {
	set_args /scprobe call getsid
	set_seccomp "$(jq '.defaultErrnoRet = 38 | .syscalls[0].names -= ["getsid"]' \
		"$INTEGRATION_DIR/fixtures/seccomp-default.json")"
	run_ctr
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	assert_output_has "getsid ret=-1 errno=ENOSYS"
}

@test "SCMP_ACT_KILL and SCMP_ACT_KILL_PROCESS: the process dies of SIGSYS" {
	local action
	for action in SCMP_ACT_KILL SCMP_ACT_KILL_PROCESS SCMP_ACT_KILL_THREAD; do
		set_args /bin/sh -c 'echo before; /scprobe call getpgrp; echo "status=$?"'
		set_seccomp "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[
			{\"names\":[\"getpgrp\"],\"action\":\"$action\"}]}"
		run_ctr
		[ "$status" -eq 0 ] || { echo "$action: $output"; false; }
		assert_output_has before
		assert_output_has "status=159"
		assert_output_lacks "getpgrp ret="
	done
	# As the container's own process: run exits 128 + SIGSYS.
	set_args /scprobe call getpgrp
	run_ctr
	[ "$status" -eq 159 ]
}

@test "SCMP_ACT_TRAP: SIGSYS with si_code SYS_SECCOMP reaches the handler" {
	set_args /scprobe trap sched_yield
	set_seccomp '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[
		{"names":["sched_yield"],"action":"SCMP_ACT_TRAP"}]}'
	run_ctr
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	# x86_64 sched_yield is 24; SYS_SECCOMP is 1.
	assert_output_has "SIGSYS nr=24 code=1"
}

@test "SCMP_ACT_TRACE without a tracer: ENOSYS" {
	set_args /scprobe call getsid
	set_seccomp '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[
		{"names":["getsid"],"action":"SCMP_ACT_TRACE","errnoRet":7}]}'
	run_ctr
	assert_output_has "getsid ret=-1 errno=ENOSYS"
}

@test "SCMP_ACT_LOG: the call succeeds and the kernel logs it" {
	set_args /scprobe call sync
	set_seccomp '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[
		{"names":["sync"],"action":"SCMP_ACT_LOG"}]}'
	create_ctr "$ID"
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	local pid
	pid="$(state_field "$ID" pid)"
	run -0 runtime start "$ID"
	wait_for_file "$TEST_DIR/$ID.out"
	grep -q "sync ret=0 errno=0" "$TEST_DIR/$ID.out"
	# x86_64 sync is 162; 0x7ffc0000 is SECCOMP_RET_LOG.
	local i
	for i in $(seq 20); do
		dmesg 2>/dev/null | grep -q "pid=$pid .*syscall=162 .*code=0x7ffc0000" && return 0
		sleep 0.1
	done
	skip "no audit record in dmesg (audit printk rate-limited or dmesg unavailable)"
}

@test "argument comparisons: EQ, NE, GT, MASKED_EQ, 64-bit values, AND and OR of conditions" {
	set_args /bin/sh -c '
		/scprobe call getpgid 100; /scprobe call getpgid 101
		/scprobe call getsid 51; /scprobe call getsid 50
		/scprobe call getpriority 0 0x12ab; /scprobe call getpriority 0 0x13ab
		/scprobe call sched_yield 0x100000005; /scprobe call sched_yield 5
		/scprobe call getrusage 3; /scprobe call getrusage 4; /scprobe call getrusage 5
		/scprobe call getppid 1 7; /scprobe call getppid 1 8'
	set_seccomp '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[
		{"names":["getpgid"],"action":"SCMP_ACT_ERRNO","errnoRet":10,
		 "args":[{"index":0,"value":100,"op":"SCMP_CMP_EQ"}]},
		{"names":["getsid"],"action":"SCMP_ACT_ERRNO","errnoRet":11,
		 "args":[{"index":0,"value":50,"op":"SCMP_CMP_GT"}]},
		{"names":["getpriority"],"action":"SCMP_ACT_ERRNO","errnoRet":12,
		 "args":[{"index":1,"value":65280,"valueTwo":4608,"op":"SCMP_CMP_MASKED_EQ"}]},
		{"names":["sched_yield"],"action":"SCMP_ACT_ERRNO","errnoRet":13,
		 "args":[{"index":0,"value":4294967301,"op":"SCMP_CMP_EQ"}]},
		{"names":["getrusage"],"action":"SCMP_ACT_ERRNO","errnoRet":14,
		 "args":[{"index":0,"value":3,"op":"SCMP_CMP_EQ"},{"index":0,"value":4,"op":"SCMP_CMP_EQ"}]},
		{"names":["getppid"],"action":"SCMP_ACT_ERRNO","errnoRet":15,
		 "args":[{"index":0,"value":1,"op":"SCMP_CMP_EQ"},{"index":1,"value":7,"op":"SCMP_CMP_NE"}]}]}'
	run_ctr
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	[ "${lines[0]}" = "getpgid ret=-1 errno=ECHILD" ]
	[[ "${lines[1]}" != *ECHILD* ]]
	[ "${lines[2]}" = "getsid ret=-1 errno=EAGAIN" ]
	[[ "${lines[3]}" != *EAGAIN* ]]
	[ "${lines[4]}" = "getpriority ret=-1 errno=ENOMEM" ]
	[[ "${lines[5]}" != *ENOMEM* ]]
	[ "${lines[6]}" = "sched_yield ret=-1 errno=EACCES" ]
	[ "${lines[7]}" = "sched_yield ret=0 errno=0" ]
	[ "${lines[8]}" = "getrusage ret=-1 errno=EFAULT" ]
	[ "${lines[9]}" = "getrusage ret=-1 errno=EFAULT" ]
	[[ "${lines[10]}" != *EFAULT* ]]
	[ "${lines[11]}" = "getppid ret=1 errno=0" ]
	[ "${lines[12]}" = "getppid ret=-1 errno=ENOTBLK" ]
}

@test "unknown syscall names are skipped, the rest of the rule applies" {
	set_args /scprobe call getsid
	set_seccomp '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[
		{"names":["skiff_no_such_syscall","getsid","another_future_call"],"action":"SCMP_ACT_ERRNO"}]}'
	run_ctr
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	assert_output_has "getsid ret=-1 errno=EPERM"
}

@test "unknown action: create fails naming the JSON path and leaves nothing behind" {
	set_seccomp '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[
		{"names":["getsid"],"action":"SCMP_ACT_ERRNO"},
		{"names":["getpid"],"action":"SCMP_ACT_FOO"}]}'
	create_ctr "$ID"
	if is_skiff; then
		assert_error 'config.json: .linux.seccomp.syscalls[1].action: unknown action "SCMP_ACT_FOO"'
	else
		assert_error
	fi
	assert_no_leftovers "$ID"
}

@test "unknown operator, architecture, flag and defaultAction are config errors" {
	local bad
	for bad in \
		'{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["getpid"],"action":"SCMP_ACT_ERRNO","args":[{"index":0,"value":1,"op":"SCMP_CMP_ALMOST"}]}]}|.syscalls[0].args[0].op: unknown operator "SCMP_CMP_ALMOST"' \
		'{"defaultAction":"SCMP_ACT_ALLOW","architectures":["SCMP_ARCH_PDP11"]}|.architectures[0]: unknown architecture "SCMP_ARCH_PDP11"' \
		'{"defaultAction":"SCMP_ACT_ALLOW","flags":["SECCOMP_FILTER_FLAG_MAGIC"]}|.flags[0]: unknown flag "SECCOMP_FILTER_FLAG_MAGIC"' \
		'{"defaultAction":"SCMP_ACT_MAYBE"}|.defaultAction: unknown action "SCMP_ACT_MAYBE"'; do
		set_seccomp "${bad%%|*}"
		create_ctr "$ID"
		if is_skiff; then
			assert_error "config.json: .linux.seccomp${bad#*|}"
		else
			assert_error
		fi
		assert_no_leftovers "$ID"
	done
}

@test "flags: SECCOMP_FILTER_FLAG_LOG and SPEC_ALLOW are accepted" {
	if is_runc && [[ "$(runtime_version)" == 1.[01].* ]]; then
		skip "runc before 1.2 refuses linux.seccomp.flags"
	fi
	set_args /bin/sh -c '/scprobe status; /scprobe call getsid'
	set_seccomp '{"defaultAction":"SCMP_ACT_ALLOW",
		"flags":["SECCOMP_FILTER_FLAG_LOG","SECCOMP_FILTER_FLAG_SPEC_ALLOW"],
		"syscalls":[{"names":["getsid"],"action":"SCMP_ACT_ERRNO","errnoRet":1}]}'
	run_ctr
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	[[ "$output" == *$'Seccomp:\t2'* ]]
	assert_output_has "getsid ret=-1 errno=EPERM"
}

@test "noNewPrivileges false: the filter is loaded and CAP_SYS_ADMIN is dropped after it" {
	update_config '.process.noNewPrivileges = false'
	set_args /bin/sh -c '/scprobe status; grep CapEff /proc/self/status; /scprobe call getsid'
	set_seccomp '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[
		{"names":["getsid"],"action":"SCMP_ACT_ERRNO"}]}'
	run_ctr
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	[[ "$output" == *$'NoNewPrivs:\t0'* ]]
	[[ "$output" == *$'Seccomp:\t2'* ]]
	assert_output_has "getsid ret=-1 errno=EPERM"
	# The base config has no CAP_SYS_ADMIN: it must not survive the filter load.
	local eff
	eff="$(grep -o 'CapEff:.*' <<<"$output" | awk '{print $2}')"
	[ $((0x$eff & (1 << 21))) -eq 0 ]
}

@test "SCMP_ACT_NOTIFY: the listener gets the notify fd and the container process state" {
	local sock="$TEST_DIR/listener.sock" payload="$TEST_DIR/payload.json" log="$TEST_DIR/notify.log"
	"$(listener_bin)" "$sock" "$payload" "$log" 18 &
	LISTENER_PID=$!
	local i
	for i in $(seq 50); do [ -S "$sock" ] && break; sleep 0.05; done
	set_args /bin/sh -c '/scprobe call getsid; /scprobe call getpid'
	set_seccomp "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"listenerPath\":\"$sock\",
		\"listenerMetadata\":\"skiff-test-metadata\",
		\"syscalls\":[{\"names\":[\"getsid\"],\"action\":\"SCMP_ACT_NOTIFY\"}]}"
	create_ctr "$ID"
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	local pid
	pid="$(state_field "$ID" pid)"
	wait_for_file "$payload"
	cat "$payload"
	jq -e . "$payload" >/dev/null
	[ "$(jq -c .fds "$payload")" = '["seccompFd"]' ]
	[ "$(jq -r .pid "$payload")" = "$pid" ]
	[ "$(jq -r .metadata "$payload")" = skiff-test-metadata ]
	[ "$(jq -r .state.id "$payload")" = "$ID" ]
	[ "$(jq -r .state.pid "$payload")" = "$pid" ]
	[ "$(jq -r .state.bundle "$payload")" = "$BUNDLE" ]
	[ "$(jq -r .ociVersion "$payload")" != null ]
	if is_skiff; then
		[ "$(jq -r .state.status "$payload")" = creating ]
	fi
	run -0 runtime start "$ID"
	wait_status "$ID" stopped
	# The listener answered getsid (124 on x86_64) with EXDEV (18); getpid was not its business.
	grep -q "getsid ret=-1 errno=EXDEV" "$TEST_DIR/$ID.out"
	grep -q "getpid ret=" "$TEST_DIR/$ID.out"
	! grep -q "getpid ret=-1" "$TEST_DIR/$ID.out"
		grep -q "^nr=124 " "$log"
	! grep -v "^nr=124 " "$log"
}

@test "SCMP_ACT_NOTIFY: a listener that is not there fails create cleanly" {
	set_seccomp "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"listenerPath\":\"$TEST_DIR/nobody.sock\",
		\"syscalls\":[{\"names\":[\"getsid\"],\"action\":\"SCMP_ACT_NOTIFY\"}]}"
	create_ctr "$ID"
	assert_error "$TEST_DIR/nobody.sock"
	assert_no_leftovers "$ID"
}

@test "SCMP_ACT_NOTIFY without listenerPath is a config error" {
	set_seccomp '{"defaultAction":"SCMP_ACT_ALLOW",
		"syscalls":[{"names":["getsid"],"action":"SCMP_ACT_NOTIFY"}]}'
	create_ctr "$ID"
	if is_skiff; then
		assert_error "config.json: .linux.seccomp.listenerPath: required with SCMP_ACT_NOTIFY"
	else
		assert_error
	fi
	assert_no_leftovers "$ID"
}
