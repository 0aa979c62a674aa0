#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# checkpoint / restore with CRIU. Where CRIU cannot work on the running kernel (`criu check`
# fails), the round trip is skipped with CRIU's reason, and the commands must say so clearly
# and leave the container as it was.

load helpers

# criu_reason: empty when CRIU works here, else why not (its first error line).
criu_reason() {
	if ! command -v criu >/dev/null; then
		echo "criu is not installed"
		return
	fi
	local out
	if ! out="$(criu check 2>&1)"; then
		echo "criu check fails on $(uname -r): $(grep -m1 'Error' <<<"$out" || tail -n1 <<<"$out")"
	fi
}

require_criu() {
	local why
	why="$(criu_reason)"
	[ -z "$why" ] || skip "$why"
}

start_ctr() {
	set_args /probe signal-wait
	run_d "$ID"
	[ "$status" -eq 0 ] || { echo "$output" >&2; return 1; }
	wait_for_file "$TEST_DIR/$ID.out"
}

@test "checkpoint and restore: the process comes back with its state" {
	require_criu
	update_config '.process.args = ["sh", "-c", "i=0; while true; do i=$((i+1)); echo $i > /tmp/count; sleep 0.1; done"]'
	run_d "$ID"
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	sleep 0.5
	run -0 runtime checkpoint --image-path "$TEST_DIR/img" --work-path "$TEST_DIR/work" "$ID"
	# Without --leave-running the container is gone.
	run ! runtime state "$ID"
	[ -e "$TEST_DIR/img/descriptors.json" ]
	local before
	before="$(cat "$ROOTFS/tmp/count")"
	runtime restore -d -no-subreaper --image-path "$TEST_DIR/img" --work-path "$TEST_DIR/work" \
		--bundle "$BUNDLE" "$ID" </dev/null >"$TEST_DIR/r.out" 2>&1 || { cat "$TEST_DIR/r.out"; false; }
	wait_status "$ID" running
	sleep 0.5
	[ "$(cat "$ROOTFS/tmp/count")" -gt "$before" ]
}

@test "checkpoint --leave-running keeps the container running" {
	require_criu
	start_ctr
	run -0 runtime checkpoint --leave-running --image-path "$TEST_DIR/img" "$ID"
	[ "$(state_field "$ID" status)" = running ]
	[ -n "$(ls "$TEST_DIR/img")" ]
}

@test "checkpoint where CRIU cannot work: one clear error naming CRIU's, container untouched" {
	local why
	why="$(criu_reason)"
	[ -n "$why" ] || skip "CRIU works here"
	start_ctr
	local pid
	pid="$(state_field "$ID" pid)"
	run runtime checkpoint --image-path "$TEST_DIR/img" --tcp-established --ext-unix-sk \
		--shell-job --file-locks --manage-cgroups-mode soft "$ID"
	assert_error
	[[ "${output,,}" == *criu* ]]
	if is_skiff; then
		assert_output_has "CRIU cannot work on this kernel"
		assert_output_has "$(criu check 2>&1 | grep -m1 'Error' | sed 's/^.*): //')"
	fi
	# Still running, same process, nothing dumped.
	[ "$(state_field "$ID" status)" = running ]
	[ "$(state_field "$ID" pid)" = "$pid" ]
	[ -d "/proc/$pid" ]
	run -0 runtime exec "$ID" /probe ids
}

@test "restore where CRIU cannot work: one clear error, no container left" {
	local why
	why="$(criu_reason)"
	[ -n "$why" ] || skip "CRIU works here"
	mkdir -p "$TEST_DIR/img"
	run runtime restore -d -no-subreaper --image-path "$TEST_DIR/img" --bundle "$BUNDLE" "$ID"
	assert_error
	if is_skiff; then
		assert_output_has "CRIU cannot work on this kernel"
	fi
	assert_no_leftovers "$ID"
}

@test "checkpoint refuses a stopped or missing container and a bad cgroups mode" {
	is_skiff || skip "runc checks CRIU first"
	set_args /probe exit 0
	run_d "$ID"
	wait_status "$ID" stopped
	run runtime checkpoint --image-path "$TEST_DIR/img" "$ID"
	assert_error "container not running"
	run runtime checkpoint nosuchcontainer
	assert_error "does not exist"
	start_ctr_id="$(new_id)"
	set_args /probe signal-wait
	run_d "$start_ctr_id"
	run runtime checkpoint --manage-cgroups-mode bogus "$start_ctr_id"
	assert_error "manage-cgroups-mode"
	[ "$(state_field "$start_ctr_id" status)" = running ]
}

@test "checkpoint and restore accept runc's flag spellings" {
	is_skiff || skip "skiff's help text"
	run -0 runtime checkpoint --help
	local f
	for f in --image-path --work-path --leave-running --tcp-established --ext-unix-sk \
		--shell-job --file-locks --manage-cgroups-mode --page-server --pre-dump; do
		assert_output_has "$f"
	done
	run -0 runtime restore --help
	for f in --image-path --work-path --tcp-established --ext-unix-sk --shell-job \
		--file-locks --manage-cgroups-mode --bundle --detach --pid-file --no-subreaper; do
		assert_output_has "$f"
	done
	# Unknown flags are still refused.
	run runtime restore --no-such-flag "$ID"
	assert_error "no-such-flag"
}
