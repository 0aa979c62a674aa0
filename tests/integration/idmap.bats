#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# Idmapped mounts (options idmap / ridmap): file owners seen through the mount follow the
# mount's own uidMappings/gidMappings, or the container's user namespace when it has none.

load helpers

probe_run() {
	set_args /probe "$@"
	run runtime run --bundle "$BUNDLE" "$ID"
	if [ "$status" -ne 0 ]; then
		echo "run failed ($status): $output" >&2
		return 1
	fi
}

idmap_supported() {
	is_skiff || skip "$(runtime_name) $(runtime_version): idmap mounts not tested here"
}

setup_source() {
	mkdir -p "$TEST_DIR/src/sub"
	echo data >"$TEST_DIR/src/file"
	chown 0:0 "$TEST_DIR/src/file"
	chown 7:7 "$TEST_DIR/src/sub"
}

@test "idmap: a mount's own mappings change the owners seen through it" {
	idmap_supported
	setup_source
	update_config '.mounts += [{"destination": "/mnt/id", "type": "bind", "source": $s,
		"options": ["bind", "idmap"],
		"uidMappings": [{"containerID": 0, "hostID": 1000, "size": 10}],
		"gidMappings": [{"containerID": 0, "hostID": 2000, "size": 10}]}]' \
		--arg s "$TEST_DIR/src"
	probe_run stat /mnt/id/file
	assert_kv uid 1000
	assert_kv gid 2000
	# The host's view of the source is unchanged.
	[ "$(stat -c %u:%g "$TEST_DIR/src/file")" = 0:0 ]
}

@test "ridmap: with the container's user namespace, recursively" {
	idmap_supported
	setup_source
	mkdir -p "$TEST_DIR/src/inner"
	mount -t tmpfs -o size=1m inner "$TEST_DIR/src/inner"
	touch "$TEST_DIR/src/inner/x"
	update_config '.linux.namespaces += [{"type": "user"}]
		| .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
		| .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
		| .mounts += [{"destination": "/mnt/id", "type": "bind", "source": $s,
			"options": ["rbind", "ridmap"]}]' --arg s "$TEST_DIR/src"
	# Container root cannot create directories in a host-owned rootfs.
	mkdir -p "$BUNDLE/rootfs/mnt/id"
	local rc=0
	probe_run stat /mnt/id/file stat /mnt/id/sub stat /mnt/id/inner/x || rc=$?
	umount "$TEST_DIR/src/inner"
	[ "$rc" -eq 0 ]
	# Host root's files show as the container's root, uid 7 as 7: the mount maps host ids
	# into the container's namespace instead of showing them as nobody.
	[ "$(grep -c '^uid=0$' <<<"$output")" = 2 ] || { echo "$output"; false; }
	assert_output_has "uid=7"
}

@test "idmap without any mapping or user namespace is a config error, nothing left" {
	idmap_supported
	setup_source
	update_config '.mounts += [{"destination": "/mnt/id", "type": "bind", "source": $s,
		"options": ["bind", "idmap"]}]' --arg s "$TEST_DIR/src"
	create_ctr "$ID"
	assert_error "idmap needs"
	assert_no_leftovers "$ID"
}
