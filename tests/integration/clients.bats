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
	if [ -f "$CLIENTS_DIR/containerd.pid" ]; then
		kill "$(cat "$CLIENTS_DIR/containerd.pid")" 2>/dev/null || true
		sleep 0.5
	fi
	umount -R "$CLIENTS_DIR/containerd-state" 2>/dev/null || true
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

# The rootfs of the bundle as an image for podman (imported once per test file run).
podman_image() {
	if ! podman image exists localhost/skiff-test:latest 2>/dev/null; then
		tar -C "$ROOTFS" -cf "$TEST_DIR/rootfs.tar" . &&
			podman import -q "$TEST_DIR/rootfs.tar" localhost/skiff-test:latest >/dev/null
	fi
}

# This host lacks CAP_SYS_RESOURCE: podman's default 1048576 open files cannot be set.
PODMAN_LIMITS=(--ulimit nofile=1024:1024 --ulimit nproc=4096:4096)

@test "containerd: ctr run in the foreground, output and exit status" {
	need_containerd
	run c_ctr run --rm --runc-binary "$RUNTIME" --rootfs "$ROOTFS" "$ID" /probe ids exit 3
	[ "$status" -eq 3 ] || { echo "$output"; cat "$CLIENTS_DIR/containerd.log" | tail -5; false; }
	assert_output_has "uid=0"
}

@test "containerd: detached task, exec, ps, kill, delete" {
	need_containerd
	run c_ctr run -d --runc-binary "$RUNTIME" --rootfs "$ROOTFS" "$ID" sleep 1000
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
	run podman --runtime "$RUNTIME" run --rm "${PODMAN_LIMITS[@]}" localhost/skiff-test:latest \
		/probe hostname exit 0
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	run podman --runtime "$RUNTIME" run -d --name "$name" "${PODMAN_LIMITS[@]}" \
		localhost/skiff-test:latest sleep 1000
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	run podman --runtime "$RUNTIME" exec --user 1000:1000 "$name" /probe ids
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	assert_kv uid 1000
	run podman --runtime "$RUNTIME" pause "$name"
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	[ "$(podman inspect -f '{{.State.Status}}' "$name")" = paused ]
	run podman --runtime "$RUNTIME" unpause "$name"
	[ "$status" -eq 0 ]
	run podman --runtime "$RUNTIME" rm -f -t 0 "$name"
	[ "$status" -eq 0 ] || { echo "$output"; false; }
}

@test "podman: a terminal through conmon's console socket" {
	need_podman
	podman_image
	run podman --runtime "$RUNTIME" run --rm -t "${PODMAN_LIMITS[@]}" \
		localhost/skiff-test:latest /probe tty </dev/null
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	[[ "$output" == *"isatty0=1"* && "$output" == *"tty1=/dev/pts/"* ]] || { echo "$output"; false; }
}
