#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# Linux security modules: process.apparmorProfile, process.selinuxLabel and linux.mountLabel.
# A label for an LSM the host does not run is a clear create error that leaves nothing behind
# (never silently dropped); empty labels mean "none". The positive tests need the LSM and are
# skipped, with the reason, on hosts without it.

load helpers

setup() {
	setup_bundle
	local src="$INTEGRATION_DIR/scprobe.c" out="$TEST_CACHE/scprobe"
	if [ ! -x "$out" ] || [ "$src" -nt "$out" ]; then
		cc -static -O2 -Wall -o "$out.$$" "$src" && mv -f "$out.$$" "$out"
	fi
	cp "$out" "$ROOTFS/scprobe"
}

apparmor_enabled() {
	[ "$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)" = Y ]
}

selinux_enabled() {
	grep -qw selinuxfs /proc/self/mountinfo 2>/dev/null
}

@test "apparmorProfile on a host without AppArmor: clear error, nothing left" {
	apparmor_enabled && skip "AppArmor is enabled on this host"
	update_config '.process.apparmorProfile = "skiff-test-profile"'
	create_ctr "$ID"
	if is_skiff; then
		assert_error 'config.json: .process.apparmorProfile: "skiff-test-profile" requested, but AppArmor is not enabled on this host'
	else
		assert_error
	fi
	assert_no_leftovers "$ID"
}

@test "selinuxLabel on a host without SELinux: clear error, nothing left" {
	selinux_enabled && skip "SELinux is enabled on this host"
	update_config '.process.selinuxLabel = "system_u:system_r:container_t:s0:c1,c2"'
	create_ctr "$ID"
	if is_skiff; then
		assert_error 'config.json: .process.selinuxLabel: "system_u:system_r:container_t:s0:c1,c2" requested, but SELinux is not enabled on this host'
	else
		assert_error
	fi
	assert_no_leftovers "$ID"
}

@test "mountLabel on a host without SELinux: clear error, nothing left" {
	selinux_enabled && skip "SELinux is enabled on this host"
	update_config '.linux.mountLabel = "system_u:object_r:container_file_t:s0:c1,c2"'
	create_ctr "$ID"
	if is_skiff; then
		assert_error 'config.json: .linux.mountLabel: "system_u:object_r:container_file_t:s0:c1,c2" requested, but SELinux is not enabled on this host'
	else
		assert_error
	fi
	assert_no_leftovers "$ID"
}

@test "empty apparmorProfile, selinuxLabel and mountLabel mean none" {
	update_config '.process.apparmorProfile = "" | .process.selinuxLabel = "" | .linux.mountLabel = ""'
	set_args /bin/echo ok
	run_ctr
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	[ "$output" = ok ]
}

@test "apparmorProfile: the container process runs under the profile" {
	apparmor_enabled || skip "AppArmor is not enabled on this host (/sys/module/apparmor/parameters/enabled)"
	# "unconfined" always exists; a real profile needs apparmor_parser, which tests do not load.
	update_config '.process.apparmorProfile = "unconfined"'
	set_args /scprobe attr current
	run_ctr
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	assert_output_has "attr current=unconfined"
}

@test "selinuxLabel and mountLabel: process and tmpfs mounts are labeled" {
	selinux_enabled || skip "SELinux is not enabled on this host (no selinuxfs mounted)"
	local label
	label="$(tr -d '\0' </proc/self/attr/current)"
	[ -n "$label" ] || skip "no SELinux context for this shell"
	update_config '.process.selinuxLabel = $l | .linux.mountLabel = $l' --arg l "$label"
	set_args /bin/sh -c '/scprobe attr current; grep " /dev/shm " /proc/self/mountinfo'
	run_ctr
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	assert_output_has "attr current=$label"
	assert_output_has "context="
}
