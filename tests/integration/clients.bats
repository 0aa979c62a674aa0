#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# Real clients drive the runtime under test the way they drive runc: containerd 1.6 through
# containerd-shim-runc-v2 (ctr --runc-binary), and podman through conmon (--runtime). Each
# test skips when its client is not installed.

load helpers

setup_file() {
	CLIENTS_DIR="$(mktemp -d "${TMPDIR:-/tmp}/skiff-clients.XXXXXX")"
	export CLIENTS_DIR
	if command -v containerd >/dev/null && command -v ctr >/dev/null; then
		cat >"$CLIENTS_DIR/containerd.toml" <<-EOT
			version = 2
			root = "$CLIENTS_DIR/containerd-root"
			state = "$CLIENTS_DIR/containerd-state"
			disabled_plugins = ["io.containerd.grpc.v1.cri"]
			[grpc]
			  address = "$CLIENTS_DIR/containerd.sock"
			[ttrpc]
			  address = "$CLIENTS_DIR/containerd.sock.ttrpc"
		EOT
		containerd --config "$CLIENTS_DIR/containerd.toml" >"$CLIENTS_DIR/containerd.log" 2>&1 3>&- &
		echo $! >"$CLIENTS_DIR/containerd.pid"
		for _ in $(seq 100); do
			[ -S "$CLIENTS_DIR/containerd.sock" ] && break
			sleep 0.1
		done
	fi
}

teardown_file() {
	if command -v podman >/dev/null && [ -d "$CLIENTS_DIR/podman-root" ]; then
		c_podman rm -a -f -t 0 >/dev/null 2>&1 || true
	fi
	if [ -f "$CLIENTS_DIR/containerd.pid" ]; then
		kill "$(cat "$CLIENTS_DIR/containerd.pid")" 2>/dev/null || true
		sleep 0.5
	fi
	umount -R "$CLIENTS_DIR/containerd-state" 2>/dev/null || true
	# Whatever the podman store still has mounted (a failed test's overlay), deepest first.
	awk -v d="$CLIENTS_DIR/" 'index($5, d) == 1 { print $5 }' /proc/self/mountinfo | sort -r |
		while read -r m; do umount -l "$m" 2>/dev/null || true; done
	rm -rf "$CLIENTS_DIR"
}

c_ctr() {
	ctr --address "$CLIENTS_DIR/containerd.sock" --namespace skiff-test "$@"
}

need_containerd() {
	[ -S "$CLIENTS_DIR/containerd.sock" ] || skip "containerd is not installed or did not start"
}

need_podman() {
	command -v podman >/dev/null && command -v conmon >/dev/null || skip "podman is not installed"
}

# podman on a private store of this file run, never the machine's, with the runtime under test.
c_podman() {
	podman --root "$CLIENTS_DIR/podman-root" --runroot "$CLIENTS_DIR/podman-run" \
		--tmpdir "$CLIENTS_DIR/podman-tmp" --cgroup-manager cgroupfs --events-backend file \
		--runtime "$RUNTIME" "$@"
}

# The rootfs of the bundle as an image for podman (imported once per test file run).
podman_image() {
	if ! c_podman image exists localhost/skiff-test:latest 2>/dev/null; then
		tar -C "$ROOTFS" -cf "$TEST_DIR/rootfs.tar" . &&
			c_podman import -q "$TEST_DIR/rootfs.tar" localhost/skiff-test:latest >/dev/null
	fi
}

# This host lacks CAP_SYS_RESOURCE: podman's default 1048576 open files cannot be set.
PODMAN_LIMITS=(--ulimit nofile=1024:1024 --ulimit nproc=4096:4096)
IMAGE=localhost/skiff-test:latest

@test "containerd: ctr run in the foreground, output and exit status" {
	need_containerd
	run c_ctr run --rm --runc-binary "$RUNTIME" --rootfs "$ROOTFS" "$ID" /probe ids exit 3
	[ "$status" -eq 3 ] || { echo "$output"; cat "$CLIENTS_DIR/containerd.log" | tail -5; false; }
	assert_output_has "uid=0"
}

@test "containerd: detached task, exec, ps, kill, delete" {
	need_containerd
	# Absolute: ctr --rootfs gives no PATH, and runc then finds no "sleep" (skiff falls back
	# to /bin:/usr/bin as execvp does).
	run c_ctr run -d --runc-binary "$RUNTIME" --rootfs "$ROOTFS" "$ID" /bin/sleep 1000
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	run c_ctr task exec --exec-id e1 "$ID" /probe caps
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	assert_kv CapInh 0000000000000000
	run c_ctr task ps "$ID"
	[ "$status" -eq 0 ] && [ "${#lines[@]}" -ge 2 ] || { echo "$output"; false; }
	run c_ctr task kill -s KILL "$ID"
	[ "$status" -eq 0 ]
	for _ in $(seq 50); do
		c_ctr task ls | grep -q "^$ID .*STOPPED" && break
		sleep 0.1
	done
	run c_ctr task delete "$ID"
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	run c_ctr container delete "$ID"
	[ "$status" -eq 0 ]
	# The shim's runtime root holds nothing of the container any more.
	[ -z "$(ls "$CLIENTS_DIR/containerd-state" 2>/dev/null | grep -F "$ID")" ]
}

@test "podman: run, exec as another user, pause and unpause, rm" {
	need_podman
	podman_image
	local name="skiff-$ID"
	run c_podman run --rm "${PODMAN_LIMITS[@]}" localhost/skiff-test:latest \
		/probe hostname exit 0
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	run c_podman run -d --name "$name" "${PODMAN_LIMITS[@]}" \
		localhost/skiff-test:latest sleep 1000
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	run c_podman exec --user 1000:1000 "$name" /probe ids
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	assert_kv uid 1000
	run c_podman pause "$name"
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	[ "$(c_podman inspect -f '{{.State.Status}}' "$name")" = paused ]
	run c_podman unpause "$name"
	[ "$status" -eq 0 ]
	run c_podman rm -f -t 0 "$name"
	[ "$status" -eq 0 ] || { echo "$output"; false; }
}

@test "podman: a terminal through conmon's console socket" {
	need_podman
	podman_image
	run c_podman run --rm -t "${PODMAN_LIMITS[@]}" \
		localhost/skiff-test:latest /probe tty </dev/null
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	[[ "$output" == *"isatty0=1"* && "$output" == *"tty1=/dev/pts/"* ]] || { echo "$output"; false; }
}

# Undo what a failed test left in the clients: its podman containers and containerd tasks.
test_cleanup() {
	if [ -d "$CLIENTS_DIR/podman-root" ]; then
		c_podman ps -a -q --filter "name=^skiff-$ID" 2>/dev/null |
			xargs -r podman --root "$CLIENTS_DIR/podman-root" \
				--runroot "$CLIENTS_DIR/podman-run" rm -f -t 0 >/dev/null 2>&1
	fi
	if [ -S "$CLIENTS_DIR/containerd.sock" ]; then
		local t
		for t in $(c_ctr container ls -q 2>/dev/null | grep "^$ID"); do
			c_ctr task kill -a -s KILL "$t" >/dev/null 2>&1
			c_ctr task delete -f "$t" >/dev/null 2>&1
			c_ctr container delete "$t" >/dev/null 2>&1
		done
	fi
	return 0
}

# podman_wait NAME STATUS: poll (10 s at most) until podman reports STATUS for NAME.
podman_wait() {
	local s
	for _ in $(seq 100); do
		s="$(c_podman inspect -f '{{.State.Status}}' "$1" 2>/dev/null)"
		[ "$s" = "$2" ] && return 0
		sleep 0.1
	done
	echo "$1: status '$s', want '$2'" >&2
	return 1
}

# ctr_wait_status ID STATUS: poll (10 s at most) until `ctr task ls` shows STATUS for ID.
ctr_wait_status() {
	for _ in $(seq 100); do
		c_ctr task ls 2>/dev/null | grep -q "^$1 .*$2" && return 0
		sleep 0.1
	done
	c_ctr task ls >&2
	return 1
}

# cgroup_file PID CONTROLLER FILE-V1 FILE-V2: the host path of a cgroup file of PID's cgroup.
cgroup_file() {
	local pid="$1" ctl="$2" v1="$3" v2="$4" rel
	rel="$(awk -F: -v c="$ctl" '{ n = split($2, a, ","); for (i = 1; i <= n; i++)
		if (a[i] == c) { print $3; exit } }' "/proc/$pid/cgroup")"
	if [ -n "$rel" ]; then
		echo "/sys/fs/cgroup/$ctl$rel/$v1"
	else
		echo "/sys/fs/cgroup$(sed -n 's/^0:://p' "/proc/$pid/cgroup")/$v2"
	fi
}

@test "podman: inside the container: a --device node, lo up, signal actions, own session" {
	need_podman
	podman_image
	# conmon ignores SIGPIPE: `yes | head -1` must not complain of a broken pipe; podman's
	# fileMode for --device is the host node's whole st_mode (020666).
	run c_podman --runtime-flag debug run --rm "${PODMAN_LIMITS[@]}" --network none \
		--device /dev/null:/dev/xnull "$IMAGE" sh -c 'echo x >/dev/xnull && echo dev=ok
			echo lo=$(cat /sys/class/net/lo/flags); yes | head -1
			grep SigIgn /proc/self/status; /probe tty' </dev/null
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	assert_kv dev ok
	assert_kv lo 0x9
	assert_output_lacks "Broken pipe"
	assert_output_has "SigIgn:	0000000000000000"
	assert_kv sid 1
	assert_kv pgid 1
}

@test "podman: exit codes of run and exec, stop escalating to SIGKILL, kill, wait" {
	need_podman
	podman_image
	local n="skiff-$ID"
	run c_podman run --rm --init "${PODMAN_LIMITS[@]}" "$IMAGE" sh -c 'kill -TERM $$'
	[ "$status" -eq 143 ] || { echo "$output"; false; }
	# podman tells 126 (cannot run) from 127 (not found) by the runtime's create error.
	run -126 c_podman run --rm "${PODMAN_LIMITS[@]}" "$IMAGE" /tmp
	run -127 c_podman run --rm "${PODMAN_LIMITS[@]}" "$IMAGE" /nonexistent
	run c_podman run -d --name "$n" "${PODMAN_LIMITS[@]}" "$IMAGE" \
		sh -c 'trap "" TERM; while :; do sleep 0.1; done'
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	run c_podman exec "$n" sh -c 'exit 42'
	[ "$status" -eq 42 ]
	run -127 c_podman exec "$n" /nonexistent
	run c_podman exec -u 1000:2000 -w /tmp -e FOO=bar "$n" sh -c 'id -u; id -g; pwd; echo $FOO
		yes | head -1'
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	[ "${lines[*]}" = "1000 2000 /tmp bar y" ] || { echo "$output"; false; }
	run c_podman exec "$n" grep SigIgn /proc/self/status
	[ "$output" = "SigIgn:	0000000000000000" ] || { echo "$output"; false; }
	# The container ignores SIGTERM: stop -t 1 ends it with SIGKILL.
	run c_podman stop -t 1 "$n"
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	[ "$(c_podman inspect -f '{{.State.Status}} {{.State.ExitCode}}' "$n")" = "exited 137" ]
	run c_podman start "$n"
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	run c_podman kill -s KILL "$n"
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	run c_podman wait "$n"
	[ "$output" = 137 ] || { echo "$output"; false; }
	run c_podman rm "$n"
	[ "$status" -eq 0 ] || { echo "$output"; false; }
}

@test "podman: --memory, --cpus and --pids-limit in the cgroup; update; rm -f when paused" {
	need_podman
	podman_image
	local n="skiff-$ID" pid f
	run c_podman run -d --name "$n" "${PODMAN_LIMITS[@]}" --memory 64m --cpus 0.5 \
		--pids-limit 33 "$IMAGE" sleep 1000
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	pid="$(c_podman inspect -f '{{.State.Pid}}' "$n")"
	f="$(cgroup_file "$pid" memory memory.limit_in_bytes memory.max)"
	[ "$(cat "$f")" = 67108864 ] || { echo "$f: $(cat "$f")"; false; }
	f="$(cgroup_file "$pid" pids pids.max pids.max)"
	[ "$(cat "$f")" = 33 ] || { echo "$f: $(cat "$f")"; false; }
	f="$(cgroup_file "$pid" cpu cpu.cfs_quota_us cpu.max)"
	[[ "$(cat "$f")" == 50000* ]] || { echo "$f: $(cat "$f")"; false; }
	run c_podman update --memory 32m "$n"
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	f="$(cgroup_file "$pid" memory memory.limit_in_bytes memory.max)"
	[ "$(cat "$f")" = 33554432 ] || { echo "$f: $(cat "$f")"; false; }
	run c_podman pause "$n"
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	run c_podman rm -f -t 0 "$n"
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	! kill -0 "$pid" 2>/dev/null
}

@test "containerd: pause, resume, metrics, exec with a terminal, kill --all" {
	need_containerd
	command -v script >/dev/null || skip "script (util-linux) is not installed"
	run c_ctr run -d --runc-binary "$RUNTIME" --memory-limit 67108864 --rootfs "$ROOTFS" \
		"$ID" /bin/sh -c '/bin/sleep 1000 & /bin/sleep 1001'
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	run c_ctr task pause "$ID"
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	ctr_wait_status "$ID" PAUSED
	run c_ctr task resume "$ID"
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	ctr_wait_status "$ID" RUNNING
	run c_ctr task metrics --format json "$ID"
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	[ "$(jq -r '.memory.usage.limit // .memory.usage_limit // empty' <<<"$output")" = 67108864 ] ||
		{ echo "$output"; false; }
	# ctr needs a terminal of its own for -t.
	run script -qec "ctr --address '$CLIENTS_DIR/containerd.sock' --namespace skiff-test \
		task exec -t --exec-id t1 '$ID' /probe tty" /dev/null </dev/null
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	assert_output_has "isatty0=1"
	run c_ctr task exec --exec-id e1 "$ID" /bin/sh -c 'exit 7'
	[ "$status" -eq 7 ] || { echo "$output"; false; }
	run c_ctr task kill -a -s KILL "$ID"
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	ctr_wait_status "$ID" STOPPED
	run c_ctr task delete "$ID"
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	run c_ctr container delete "$ID"
	[ "$status" -eq 0 ]
}

@test "containerd: a task that exits at once; ten tasks started at the same time" {
	need_containerd
	run c_ctr run --rm --runc-binary "$RUNTIME" --rootfs "$ROOTFS" "$ID-0" /bin/true
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	local i pids=()
	for i in $(seq 10); do
		c_ctr run -d --runc-binary "$RUNTIME" --rootfs "$ROOTFS" "$ID-$i" /bin/sleep 1000 \
			>"$TEST_DIR/ctr-$i.out" 2>&1 &
		pids+=($!)
	done
	for i in "${pids[@]}"; do
		wait "$i" || { cat "$TEST_DIR"/ctr-*.out; false; }
	done
	[ "$(c_ctr task ls | grep -c "^$ID-.*RUNNING")" -eq 10 ] || { c_ctr task ls; false; }
	for i in $(seq 10); do
		c_ctr task kill -s KILL "$ID-$i"
	done
	for i in $(seq 10); do
		ctr_wait_status "$ID-$i" STOPPED
		c_ctr task delete "$ID-$i" >/dev/null
		c_ctr container delete "$ID-$i"
	done
	[ -z "$(ls "$CLIENTS_DIR/containerd-state/io.containerd.runtime.v2.task/skiff-test" 2>/dev/null)" ]
}
