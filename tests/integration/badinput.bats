#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# Bad input: malformed or invalid config.json, missing or hostile rootfs, hostile and busy ids,
# commands on missing containers. Each must fail with one clear error line and leave no state
# directory, mount, cgroup or process behind; a hostile rootfs must not touch the host.

load helpers

# lenient_runtime REASON: when a runtime other than skiff accepted the input just tried, skip
# with REASON (runc 1.1 accepts several invalid configs with only a warning).
lenient_runtime() {
	if ! is_skiff && [ "$status" -eq 0 ]; then
		skip "$(runtime_name) $(runtime_version) $1"
	fi
}

# create_fails [TEXT] [SKIFF_TEXT]: create $ID must fail, leave nothing, and (for skiff) say
# TEXT in one error line. SKIFF_TEXT, when given, is checked against skiff only.
create_fails() {
	create_ctr "$ID"
	create_failed "$@"
}

# create_failed [TEXT] [SKIFF_TEXT]: the same checks on a create_ctr already run.
create_failed() {
	assert_error "${1:-}"
	if [ -n "${2:-}" ] && is_skiff; then
		assert_error "$2"
	fi
	assert_no_leftovers "$ID"
}

@test "malformed JSON" {
	echo '{ "ociVersion": "1.0.2", "process": ' >"$BUNDLE/config.json"
	create_fails "" "config.json"
}

@test "config.json is not an object" {
	echo '[1, 2, 3]' >"$BUNDLE/config.json"
	create_fails "" "config.json"
}

@test "empty config.json" {
	: >"$BUNDLE/config.json"
	create_fails "" "config.json"
}

@test "missing config.json" {
	rm "$BUNDLE/config.json"
	create_fails "" "config.json"
}

@test "missing bundle directory" {
	create_ctr --bundle "$TEST_DIR/nonexistent" "$ID"
	assert_error
	assert_no_leftovers "$ID"
}

@test "wrong type: process.args is a string" {
	update_config '.process.args = "/probe"'
	create_fails "" ".process.args"
}

@test "wrong type: process.user.uid is a string" {
	update_config '.process.user.uid = "0"'
	create_fails "" ".process.user.uid"
}

@test "wrong type: mounts is an object" {
	update_config '.mounts = {"destination": "/x"}'
	create_fails "" ".mounts"
}

@test "wrong type: a mount option is a number" {
	update_config '.mounts[1].options[0] = 5'
	create_fails "" ".mounts[1].options[0]"
}

@test "wrong type: root.readonly is a string" {
	update_config '.root.readonly = "yes"'
	create_fails "" ".root.readonly"
}

@test "wrong type: linux.namespaces entry is a string" {
	update_config '.linux.namespaces[2] = "ipc"'
	create_fails "" ".linux.namespaces[2]"
}

@test "missing required field: ociVersion" {
	update_config 'del(.ociVersion)'
	create_ctr "$ID"
	lenient_runtime "does not require ociVersion"
	create_failed "" ".ociVersion"
}

@test "missing required field: process.args" {
	update_config 'del(.process.args)'
	create_fails "" ".process.args"
}

@test "empty process.args" {
	update_config '.process.args = []'
	create_fails "" ".process.args"
}

@test "missing required field: process.cwd" {
	update_config 'del(.process.cwd)'
	create_fails "" ".process.cwd"
}

@test "missing required field: a mount destination" {
	update_config '.mounts[0] |= del(.destination)'
	create_fails "" ".mounts[0].destination"
}

@test "invalid value: relative process.cwd" {
	update_config '.process.cwd = "tmp"'
	create_fails "" ".process.cwd"
}

@test "invalid value: relative mount destination" {
	update_config '.mounts += [{"destination": "mnt", "type": "tmpfs", "source": "tmpfs"}]'
	create_ctr "$ID"
	lenient_runtime "only warns about a relative mount destination"
	create_failed "" ".mounts[6].destination"
}

@test "invalid value: unknown namespace type" {
	update_config '.linux.namespaces += [{"type": "bogus"}]'
	create_fails "" ".linux.namespaces[5].type"
}

@test "invalid value: unknown capability" {
	update_config '.process.capabilities.bounding += ["CAP_BOGUS"]'
	create_ctr "$ID"
	lenient_runtime "ignores unknown capabilities with a warning"
	create_failed "" "CAP_BOGUS"
}

@test "invalid value: unknown rlimit type" {
	update_config '.process.rlimits += [{"type": "RLIMIT_BOGUS", "soft": 1, "hard": 1}]'
	create_fails "" "RLIMIT_BOGUS"
}

@test "invalid value: a user namespace without mappings" {
	update_config '.linux.namespaces += [{"type": "user"}] | del(.linux.uidMappings, .linux.gidMappings)'
	create_fails
}

@test "invalid value: negative uid" {
	update_config '.process.user.uid = -1'
	create_fails "" ".process.user.uid"
}

@test "invalid value: process.args[0] does not exist in the rootfs" {
	set_args /no/such/binary
	run runtime run --bundle "$BUNDLE" "$ID"
	[ "$status" -ne 0 ]
	[[ "$output" == *"/no/such/binary"* ]]
	assert_no_leftovers "$ID"
}

@test "invalid value: process.args[0] is a directory" {
	# execve refuses it with EACCES: create fails, rather than the started container.
	set_args /tmp
	create_ctr "$ID"
	assert_error "ermission denied"
	assert_no_leftovers "$ID"
}

@test "invalid value: a sysctl that is not namespaced" {
	update_config '.linux.sysctl = {"vm.swappiness": "10"}'
	local before
	before="$(cat /proc/sys/vm/swappiness)"
	create_fails "" "vm.swappiness"
	[ "$(cat /proc/sys/vm/swappiness)" = "$before" ]
}

@test "invalid value: a net sysctl without a network namespace" {
	update_config '.linux.sysctl = {"net.ipv4.ip_forward": "1"} |
		.linux.namespaces |= map(select(.type != "network"))'
	local before
	before="$(cat /proc/sys/net/ipv4/ip_forward)"
	create_fails "" "net.ipv4.ip_forward"
	[ "$(cat /proc/sys/net/ipv4/ip_forward)" = "$before" ]
}

@test "invalid value: sysctl kernel.hostname, even with a UTS namespace" {
	update_config '.hostname = "keep" | .linux.sysctl = {"kernel.hostname": "fromsysctl"}'
	create_fails "" "kernel.hostname"
	# kernel.domainname has no field of its own, so the sysctl stays allowed.
	update_config '.linux.sysctl = {"kernel.domainname": "fromsysctl"}'
	set_args /probe hostname
	run_ctr
	[ "$status" -eq 0 ]
	assert_kv hostname keep
	assert_kv domainname fromsysctl
}

@test "invalid value: sysctl kernel.domainname different from .domainname" {
	update_config '.domainname = "field" | .linux.sysctl = {"kernel.domainname": "sysctl"}'
	create_ctr "$ID"
	# runc 1.1 has no .domainname (it ignores the field).
	lenient_runtime "has no .domainname field"
	create_failed "" "kernel.domainname"
	# The same value twice is no conflict.
	update_config '.linux.sysctl = {"kernel.domainname": "field"}'
	set_args /probe hostname
	run_ctr
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	assert_kv domainname field
}

@test "missing rootfs" {
	rm -rf "$ROOTFS"
	create_fails "" "rootfs"
}

@test "rootfs is a file" {
	rm -rf "$ROOTFS"
	echo x >"$ROOTFS"
	create_fails
}

# A host directory a hostile rootfs points at, with a canary file; host_untouched checks that
# nothing was created in it, nothing was mounted on it and the canary is intact.
make_host_target() {
	HOST_TARGET="$TEST_DIR/host-target"
	mkdir -p "$HOST_TARGET"
	echo canary >"$HOST_TARGET/canary"
}

host_untouched() {
	run ls -A "$HOST_TARGET"
	[ "$output" = canary ] || { echo "host dir changed: $output" >&2; return 1; }
	[ "$(cat "$HOST_TARGET/canary")" = canary ]
	! grep -qF " $HOST_TARGET" /proc/self/mountinfo
}

# up_to_root: enough ../ to climb from anywhere in the rootfs to /.
up_to_root() {
	printf '../%.0s' $(seq 1 30)
}

# hostile_rootfs_run: run the bundle; skiff may refuse (one clear error line) or confine the
# path inside the rootfs, but the host must stay untouched either way.
hostile_rootfs_run() {
	set_args /probe mounts
	run runtime run --bundle "$BUNDLE" "$ID"
	if [ "$status" -ne 0 ] && is_skiff; then
		assert_error
	fi
	if is_runc && ! host_untouched 2>/dev/null; then
		# Seen with runc 1.1.5: the /dev/fd, /dev/ptmx, /dev/std* links land in the host dir.
		skip "runc $(runtime_version) writes through a rootfs symlink onto the host: $(ls -A "$HOST_TARGET" | tr '\n' ' ')"
	fi
	host_untouched
	assert_no_leftovers "$ID"
}

@test "rootfs /proc is an absolute symlink to a host path" {
	make_host_target
	rmdir "$ROOTFS/proc"
	ln -s "$HOST_TARGET" "$ROOTFS/proc"
	hostile_rootfs_run
}

@test "rootfs /proc is a ../../.. symlink to a host path" {
	make_host_target
	rmdir "$ROOTFS/proc"
	ln -s "$(up_to_root)${HOST_TARGET#/}" "$ROOTFS/proc"
	hostile_rootfs_run
}

@test "rootfs /dev is an absolute symlink to a host path" {
	make_host_target
	rm -rf "$ROOTFS/dev"
	ln -s "$HOST_TARGET" "$ROOTFS/dev"
	hostile_rootfs_run
}

@test "rootfs /dev is a ../../.. symlink to a host path" {
	make_host_target
	rm -rf "$ROOTFS/dev"
	ln -s "$(up_to_root)${HOST_TARGET#/}" "$ROOTFS/dev"
	hostile_rootfs_run
}

@test "a mount destination under an absolute symlink to a host path" {
	make_host_target
	mkdir -p "$ROOTFS/mnt"
	ln -s "$HOST_TARGET" "$ROOTFS/mnt/evil"
	update_config '.mounts += [{"destination": "/mnt/evil/sub", "type": "tmpfs", "source": "tmpfs"}]'
	hostile_rootfs_run
}

@test "a mount destination that is a ../../.. symlink to a host path" {
	make_host_target
	mkdir -p "$ROOTFS/mnt"
	ln -s "$(up_to_root)${HOST_TARGET#/}" "$ROOTFS/mnt/evil"
	update_config '.mounts += [{"destination": "/mnt/evil", "type": "tmpfs", "source": "tmpfs"}]'
	hostile_rootfs_run
}

@test "a bind mount destination that is a symlink to a host file" {
	make_host_target
	echo data >"$TEST_DIR/bindsrc"
	ln -s "$HOST_TARGET/canary" "$ROOTFS/evilfile"
	update_config '.mounts += [{"destination": "/evilfile", "type": "bind", "source": $s,
		"options": ["bind"]}]' --arg s "$TEST_DIR/bindsrc"
	hostile_rootfs_run
}

@test "cwd under a symlink to a host path" {
	make_host_target
	ln -s "$HOST_TARGET" "$ROOTFS/evilcwd"
	update_config '.process.cwd = "/evilcwd/newdir"'
	hostile_rootfs_run
}

@test "cwd is a ../../.. symlink to a host path" {
	make_host_target
	ln -s "$(up_to_root)${HOST_TARGET#/}" "$ROOTFS/evilcwd"
	update_config '.process.cwd = "/evilcwd/newdir"'
	hostile_rootfs_run
}

@test "a device path under a symlink to a host path" {
	make_host_target
	update_config '.linux.devices = [{"path": "/dev/evil/null", "type": "c", "major": 1, "minor": 3}]'
	# /dev is a tmpfs the runtime mounts: plant the link in the rootfs below it instead.
	update_config '.mounts |= map(select(.destination != "/dev" and .destination != "/dev/pts"
		and .destination != "/dev/shm" and .destination != "/dev/mqueue"))'
	ln -s "$HOST_TARGET" "$ROOTFS/dev/evil"
	hostile_rootfs_run
}

# hostile_id ID: create with this id fails, names no state outside --root, leaves nothing.
hostile_id() {
	local bad="$1"
	runtime create --bundle "$BUNDLE" "$bad" </dev/null >"$TEST_DIR/hostile.out" 2>"$TEST_DIR/hostile.err" &&
		status=0 || status=$?
	output="$(cat "$TEST_DIR/hostile.err")"
	assert_error
	if is_skiff; then
		assert_error "invalid container id"
	fi
	# Nothing outside the root, nothing inside it.
	[ -z "$(ls -A "$ROOT")" ] || { ls -la "$ROOT"; false; }
	[ ! -e "$TEST_DIR/x" ]
	[ -z "$(leftover_mounts)" ]
	[ -z "$(leftover_processes)" ]
}

@test "hostile id: ../x" {
	hostile_id "../x"
}

@test "hostile id: a/b" {
	hostile_id "a/b"
}

@test "hostile id: .. and ." {
	hostile_id ".."
	hostile_id "."
}

@test "hostile id: newline" {
	hostile_id "a"$'\n'"b"
}

@test "hostile id: empty" {
	hostile_id ""
}

@test "hostile id: 2000 characters" {
	hostile_id "$(printf 'a%.0s' $(seq 1 2000))"
}

@test "busy id: create twice" {
	set_args /probe signal-wait
	create_ctr "$ID"
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	local pid
	pid="$(state_field "$ID" pid)"
	runtime create --bundle "$BUNDLE" "$ID" </dev/null >"$TEST_DIR/second.out" 2>"$TEST_DIR/second.err" &&
		status=0 || status=$?
	output="$(cat "$TEST_DIR/second.err")"
	assert_error
	if is_skiff; then
		assert_error "already exists"
	fi
	# The first container is unharmed.
	run -0 runtime state "$ID"
	[ "$(jq -r .status <<<"$output")" = created ]
	[ "$(jq -r .pid <<<"$output")" = "$pid" ]
	[ -d "/proc/$pid" ]
}

@test "commands on a missing container: one error line, does not exist" {
	local cmd
	for cmd in state start "kill" "delete"; do
		run runtime $cmd "$ID"
		assert_error "does not exist" || { echo "command: $cmd"; false; }
	done
	# delete --force of a missing container: runc succeeds quietly (callers clean up
	# idempotently); otherwise it must be the same clear error.
	run runtime delete -f "$ID"
	if [ "$status" -ne 0 ]; then
		assert_error "does not exist"
	fi
	assert_no_leftovers "$ID"
}

@test "kill with a missing signal name fails and the container lives" {
	set_args /probe signal-wait
	run_d "$ID"
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	run runtime kill "$ID" SIGNOPE
	assert_error
	[ "$(state_field "$ID" status)" = running ]
}

@test "an unknown command fails" {
	run runtime no-such-command
	[ "$status" -ne 0 ]
	[ -n "$output" ]
}

@test "create without an id fails" {
	run runtime create --bundle "$BUNDLE"
	[ "$status" -ne 0 ]
	[ -n "$output" ]
	[ -z "$(ls -A "$ROOT")" ]
}
