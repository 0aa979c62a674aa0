#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# The runtime itself dies mid-create (kill -9), or the container's process does: a later
# `delete --force` removes everything that was made (state dir, cgroups, mounts, processes).

load helpers

# A createRuntime hook that announces itself and then blocks: create is caught half-way.
add_blocking_hook() {
	cat >"$TEST_DIR/block.sh" <<-EOT
		#!/bin/sh
		echo started >"$TEST_DIR/hook-started"
		exec /bin/sleep 60
	EOT
	chmod +x "$TEST_DIR/block.sh"
	update_config '.hooks.createRuntime = [{"path": $p}]' --arg p "$TEST_DIR/block.sh"
}

@test "kill -9 of the runtime in the middle of create: delete --force cleans up" {
	# runc 1.1.5 leaves the container's cgroups behind here: a guarantee of skiff's only.
	is_skiff || skip "$(runtime_name) $(runtime_version) leaks cgroups of a create killed half-way"
	add_blocking_hook
	set_args /probe sleep 100
	"$RUNTIME" --root "$ROOT" create --bundle "$BUNDLE" "$ID" \
		</dev/null >"$TEST_DIR/out" 2>&1 3>&- &
	local rt=$!
	wait_for_file "$TEST_DIR/hook-started"
	# Now the container's process exists, in its cgroups and namespaces, mounts made.
	kill -9 "$rt"
	wait "$rt" || true
	pkill -9 -f "$TEST_DIR/block.sh" || true
	[ -d "$ROOT/$ID" ]
	run runtime delete --force "$ID"
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	assert_no_leftovers "$ID"
}

@test "the container's process killed before start: start fails clearly, delete cleans up" {
	set_args /probe sleep 100
	create_ctr "$ID"
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	local pid
	pid="$(state_field "$ID" pid)"
	kill -9 "$pid"
	wait_status "$ID" stopped
	run runtime start "$ID"
	[ "$status" -ne 0 ]
	run -0 runtime delete "$ID"
	assert_no_leftovers "$ID"
}
