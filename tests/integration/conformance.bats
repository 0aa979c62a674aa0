#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# Behaviour the OCI runtime spec requires and that the runtime-tools validation suite exercises,
# checked here in our own tests: hook failure semantics, lifecycle errors, state fields.

load helpers

# log_hook KIND LOG [fail]: append a hook of KIND that writes its kind and index to LOG; with
# "fail" the hook exits 1 after logging.
log_hook() {
	local kind="$1" log="$2" mode="${3:-}" n
	n="$(jq --arg k "$kind" '.hooks[$k] // [] | length' "$BUNDLE/config.json")"
	local script="echo $kind$n >>$log"
	[ "$mode" = fail ] && script="$script; exit 1"
	update_config '.hooks[$k] += [{"path": $sh, "args": ["sh", "-c", $s]}]' \
		--arg k "$kind" --arg sh "$BUSYBOX" --arg s "$script"
}

@test "a failing poststart hook does not stop the poststart hooks after it" {
	local log="$TEST_DIR/hooks.log"
	log_hook poststart "$log" fail
	log_hook poststart "$log"
	set_args /probe signal-wait
	create_ctr "$ID"
	if is_runc && [ "$status" -ne 0 ]; then
		skip "runc $(runtime_version) runs poststart hooks in create and treats failure as fatal"
	fi
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	run runtime start "$ID"
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	[ "$(state_field "$ID" status)" = running ]
	[ "$(cat "$log")" = "$(printf 'poststart0\npoststart1')" ]
}

@test "a failing poststop hook does not stop the poststop hooks after it" {
	local log="$TEST_DIR/hooks.log"
	log_hook poststop "$log" fail
	log_hook poststop "$log"
	log_hook poststop "$log" fail
	log_hook poststop "$log"
	set_args true
	create_ctr "$ID"
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	run -0 runtime start "$ID"
	wait_status "$ID" stopped
	run runtime delete "$ID"
	if is_runc && [ "$(cat "$log")" = poststop0 ]; then
		skip "runc $(runtime_version) stops at the first failing poststop hook"
	fi
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	[ "$(cat "$log")" = "$(printf 'poststop0\npoststop1\npoststop2\npoststop3')" ]
	if is_skiff; then
		# One warning naming both failed hooks.
		[[ "$output" == *"poststop hook #0"*"poststop hook #2"* ]]
	fi
	run ! runtime state "$ID"
}

@test "rootfsPropagation unbindable: the container starts and its / is unbindable" {
	mkdir -p "$TEST_DIR/src"
	echo bound >"$TEST_DIR/src/file"
	update_config '.linux.rootfsPropagation = "unbindable"
		| .mounts += [{"destination": "/mnt", "type": "bind", "source": $s, "options": ["rbind"]}]' \
		--arg s "$TEST_DIR/src"
	set_args sh -c 'cat /mnt/file; awk "\$5 == \"/\" { print \"root: \" \$0 }" /proc/self/mountinfo'
	run_ctr
	if is_runc && [ "$status" -ne 0 ]; then
		skip "runc $(runtime_version) makes the host tree unbindable before binding the rootfs"
	fi
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	assert_output_has bound
	# mountinfo's optional fields name the propagation of the container's root.
	[[ "$(grep '^root: ' <<<"$output")" == *" unbindable "* ]]
}
