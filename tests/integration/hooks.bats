#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# OCI hooks: each kind runs at its point of the lifecycle, in the namespaces the spec says, with
# the state JSON on stdin, its args and env; failing creation hooks abort and clean up, failing
# poststart/poststop hooks only warn, and a hanging hook is killed at its timeout.

load helpers

setup() {
	setup_bundle
	HOOKLOG="$TEST_DIR/hooklog/log"
	mkdir -p "$TEST_DIR/hooklog"
	# One script for the host and (as /hook.sh) for inside the container: it logs
	# kind|mnt ns|net ns|$HOOKVAR|args count|state JSON, one line per call.
	cat >"$TEST_DIR/hook.sh" <<-'EOF'
		#!/bin/sh
		kind="$1"
		log="$2"
		state="$(cat | tr -d '\n')"
		echo "$kind|$(readlink /proc/self/ns/mnt)|$(readlink /proc/self/ns/net)|${HOOKVAR:-}|$#|$state" >>"$log"
		case "$3" in
		fail) echo "hook $kind failing on purpose" >&2; exit 3 ;;
		esac
		exit 0
	EOF
	chmod 755 "$TEST_DIR/hook.sh"
	cp "$TEST_DIR/hook.sh" "$ROOTFS/hook.sh"
	update_config '.mounts += [{"destination": "/hooklog", "type": "bind", "source": $d,
		"options": ["bind"]}]' --arg d "$TEST_DIR/hooklog"
	set_args /probe signal-wait
}

# add_hook KIND [fail]: a hook of KIND logging into the shared log (the container's view of it
# for startContainer, whose path resolves inside the container).
add_hook() {
	local kind="$1" mode="${2:-}" path="$TEST_DIR/hook.sh" log="$HOOKLOG"
	if [ "$kind" = startContainer ]; then
		path=/hook.sh
		log=/hooklog/log
	fi
	update_config '.hooks[$k] += [{"path": $p, "args": ["hook.sh", $k, $l, $m],
		"env": ["HOOKVAR=v-\($k)"]}]' --arg k "$kind" --arg p "$path" --arg l "$log" --arg m "$mode"
}

# hook_field KIND FIELD_NO: a field of the first log line of KIND.
hook_line() {
	grep "^$1|" "$HOOKLOG" | head -n1
}
hook_state() {
	hook_line "$1" | cut -d'|' -f6-
}

@test "every hook kind runs at its point, in order" {
	local k
	for k in prestart createRuntime createContainer startContainer poststart poststop; do
		add_hook "$k"
	done
	create_ctr "$ID"
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	# runc 1.1 runs poststart hooks already in create (fixed in runc 1.2): tolerate only that.
	local early=""
	if is_runc && grep -q '^poststart|' "$HOOKLOG"; then
		early=poststart
	fi
	run cut -d'|' -f1 "$HOOKLOG"
	[ "$output" = "$(printf '%s\n' prestart createRuntime createContainer $early)" ] ||
		{ echo "$output"; false; }
	run -0 runtime start "$ID"
	wait_for_file "$TEST_DIR/$ID.out"
	local i=0
	while [ "$(wc -l <"$HOOKLOG")" -lt 5 ] && [ $i -lt 100 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	run cut -d'|' -f1 "$HOOKLOG"
	if [ -n "$early" ]; then
		[ "$output" = "$(printf '%s\n' prestart createRuntime createContainer poststart startContainer)" ]
	else
		[ "$output" = "$(printf '%s\n' prestart createRuntime createContainer startContainer poststart)" ]
	fi
	run -0 runtime kill "$ID" KILL
	wait_status "$ID" stopped
	run -0 runtime delete "$ID"
	run cut -d'|' -f1 "$HOOKLOG"
	[ "${lines[5]}" = poststop ]
	[ "${#lines[@]}" -eq 6 ]
}

@test "a hook without env gets the runtime's environment; \"env\": [] is empty" {
	add_hook prestart
	add_hook poststop
	update_config 'del(.hooks.prestart[0].env) | .hooks.poststop[0].env = []'
	set_args /probe exit 0
	HOOKVAR=from-runtime run_ctr
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	[ "$(cut -d'|' -f4 <<<"$(hook_line prestart)")" = from-runtime ] || { cat "$HOOKLOG"; false; }
	[ -n "$(hook_line poststop)" ]
	[ -z "$(cut -d'|' -f4 <<<"$(hook_line poststop)")" ] || { cat "$HOOKLOG"; false; }
}

@test "hooks receive the state JSON, their args and env" {
	local k
	for k in prestart createRuntime createContainer startContainer poststart poststop; do
		add_hook "$k"
	done
	create_ctr "$ID"
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	local pid
	pid="$(state_field "$ID" pid)"
	run -0 runtime start "$ID"
	wait_for_file "$TEST_DIR/$ID.out"
	run -0 runtime delete -f "$ID"
	for k in prestart createRuntime createContainer startContainer poststart poststop; do
		local line s
		line="$(hook_line "$k")"
		[ -n "$line" ] || { echo "$k did not run"; cat "$HOOKLOG"; false; }
		s="$(hook_state "$k")"
		[ "$(jq -r .id <<<"$s")" = "$ID" ] || { echo "$k: $s"; false; }
		[ "$(jq -r .bundle <<<"$s")" = "$BUNDLE" ]
		[[ "$(jq -r .ociVersion <<<"$s")" == 1.* ]]
		# env from the hook entry, and args[1:] as $1..$3.
		[ "$(cut -d'|' -f4 <<<"$line")" = "v-$k" ]
		[ "$(cut -d'|' -f5 <<<"$line")" = 3 ]
		case "$k" in
		poststop) ;;
		createContainer | startContainer)
			# Run inside the container: runc reports the pid as seen there (1).
			[[ "$(jq -r .pid <<<"$s")" =~ ^($pid|1)$ ]] || { echo "$k: $s"; false; }
			;;
		*) [ "$(jq -r .pid <<<"$s")" = "$pid" ] || { echo "$k: $s"; false; } ;;
		esac
	done
	[[ "$(jq -r .status <<<"$(hook_state prestart)")" =~ ^(creating|created)$ ]]
	[[ "$(jq -r .status <<<"$(hook_state createRuntime)")" =~ ^(creating|created)$ ]]
	[[ "$(jq -r .status <<<"$(hook_state createContainer)")" =~ ^(creating|created)$ ]]
	[[ "$(jq -r .status <<<"$(hook_state startContainer)")" =~ ^(created|running)$ ]]
	[[ "$(jq -r .status <<<"$(hook_state poststart)")" =~ ^(created|running)$ ]]
	[ "$(jq -r .status <<<"$(hook_state poststop)")" = stopped ]
	if is_skiff; then
		# runtime-spec: creating while the creation hooks run, then running after start.
		[ "$(jq -r .status <<<"$(hook_state createRuntime)")" = creating ]
		[ "$(jq -r .status <<<"$(hook_state createContainer)")" = creating ]
		[ "$(jq -r .status <<<"$(hook_state startContainer)")" = created ]
		[ "$(jq -r .status <<<"$(hook_state poststart)")" = running ]
	fi
}

@test "hooks run in the namespaces the spec gives them" {
	local k
	for k in prestart createRuntime createContainer startContainer poststart poststop; do
		add_hook "$k"
	done
	create_ctr "$ID"
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	local pid cmnt cnet hmnt hnet
	pid="$(state_field "$ID" pid)"
	cmnt="$(readlink "/proc/$pid/ns/mnt")"
	cnet="$(readlink "/proc/$pid/ns/net")"
	hmnt="$(readlink /proc/self/ns/mnt)"
	hnet="$(readlink /proc/self/ns/net)"
	run -0 runtime start "$ID"
	wait_for_file "$TEST_DIR/$ID.out"
	run -0 runtime delete -f "$ID"
	# Runtime namespace: the host's.
	for k in prestart createRuntime poststart poststop; do
		[ "$(hook_line "$k" | cut -d'|' -f2)" = "$hmnt" ] || { echo "$k mnt"; cat "$HOOKLOG"; false; }
	done
	for k in createRuntime poststart poststop; do
		[ "$(hook_line "$k" | cut -d'|' -f3)" = "$hnet" ] || { echo "$k net"; cat "$HOOKLOG"; false; }
	done
	# Container namespace.
	for k in createContainer startContainer; do
		[ "$(hook_line "$k" | cut -d'|' -f2)" = "$cmnt" ] || { echo "$k mnt"; cat "$HOOKLOG"; false; }
		[ "$(hook_line "$k" | cut -d'|' -f3)" = "$cnet" ] || { echo "$k net"; cat "$HOOKLOG"; false; }
	done
}

@test "run: hooks fire in run as in create + start" {
	add_hook createRuntime
	add_hook poststop
	set_args /probe exit 0
	run_ctr
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	run cut -d'|' -f1 "$HOOKLOG"
	[ "$output" = "$(printf '%s\n' createRuntime poststop)" ]
}

# failing_create_hook KIND: a failing KIND hook makes create fail and leaves nothing; the
# poststop hooks still run, after the teardown (runtime-spec lifecycle: on to destroy and
# poststop).
failing_create_hook() {
	add_hook "$1" fail
	add_hook poststop
	create_ctr "$ID"
	[ "$status" -ne 0 ] || { echo "create succeeded"; false; }
	[ -n "$output" ]
	assert_no_leftovers "$ID"
	[ "$(cut -d'|' -f1 "$HOOKLOG")" = "$(printf '%s\n' "$1" poststop)" ] || { cat "$HOOKLOG"; false; }
	[ "$(jq -r .status <<<"$(hook_state poststop)")" = stopped ]
	[ "$(jq -r .id <<<"$(hook_state poststop)")" = "$ID" ]
	if is_skiff; then
		assert_error "$1"
	fi
}

@test "a failing prestart hook aborts create and leaves nothing" {
	failing_create_hook prestart
}

@test "a failing createRuntime hook aborts create and leaves nothing" {
	failing_create_hook createRuntime
}

@test "a failing createContainer hook aborts create and leaves nothing" {
	failing_create_hook createContainer
}

@test "a missing hook binary aborts create and leaves nothing" {
	update_config '.hooks.createRuntime = [{"path": "/nonexistent/hook"}]'
	create_ctr "$ID"
	[ "$status" -ne 0 ]
	assert_no_leftovers "$ID"
}

@test "a failing startContainer hook fails start; the process never runs" {
	add_hook startContainer fail
	create_ctr "$ID"
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	run runtime start "$ID"
	# runc reports the failure only in the container's exit; skiff reports it from start.
	if is_skiff; then
		[ "$status" -ne 0 ]
		assert_error startContainer
	fi
	wait_status "$ID" stopped
	# The user process never ran.
	! grep -q ready "$TEST_DIR/$ID.out"
	grep -q '^startContainer|' "$HOOKLOG"
	run -0 runtime delete "$ID"
	assert_no_leftovers "$ID"
}

@test "start killed while startContainer runs: the released container shows running" {
	# The hook waits for a go-ahead, so `start` is surely past the release when it is killed.
	cat >"$ROOTFS/slow-hook.sh" <<-'EOF'
		#!/bin/sh
		echo yes >/hooklog/released
		i=0
		while [ ! -e /hooklog/go ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
	EOF
	chmod 755 "$ROOTFS/slow-hook.sh"
	update_config '.hooks.startContainer = [{"path": "/slow-hook.sh"}]'
	create_ctr "$ID"
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	"$RUNTIME" --root "$ROOT" start "$ID" &
	local start=$!
	wait_for_file "$TEST_DIR/hooklog/released"
	kill -9 "$start"
	wait "$start" || true
	touch "$TEST_DIR/hooklog/go"
	local tries=0
	until grep -q ready "$TEST_DIR/$ID.out" || [ $tries -gt 100 ]; do
		sleep 0.1
		tries=$((tries + 1))
	done
	grep -q ready "$TEST_DIR/$ID.out"
	# runc 1.1.5 keeps reporting "created" here (its exec fifo is left behind)
	if is_skiff; then
		[ "$(state_field "$ID" status)" = running ]
	fi
	run -0 runtime kill "$ID" KILL
	wait_status "$ID" stopped
	run -0 runtime delete "$ID"
}

@test "start after a start that died before connecting: the waiting container is released" {
	is_skiff || skip "skiff's state.json"
	create_ctr "$ID"
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	# what a start killed between recording "started" and connecting leaves behind
	jq '.started = true' "$ROOT/$ID/state.json" >"$TEST_DIR/st.json"
	cat "$TEST_DIR/st.json" >"$ROOT/$ID/state.json"
	run -0 runtime start "$ID"
	wait_for_file "$TEST_DIR/$ID.out"
	grep -q ready "$TEST_DIR/$ID.out"
	run -1 runtime start "$ID"
	[[ "$output" == *"already running"* ]]
	[ "$(state_field "$ID" status)" = running ]
}

@test "run -d with a failing startContainer hook leaves no container and no pid file" {
	add_hook startContainer fail
	run_d --pid-file "$TEST_DIR/pid" "$ID"
	if is_skiff; then
		[ "$status" -ne 0 ]
		assert_error startContainer
	fi
	if [ "$status" -ne 0 ]; then
		# A failed run owns nothing afterwards: no state, no process, no pid file.
		assert_no_leftovers "$ID"
		[ ! -e "$TEST_DIR/pid" ]
	fi
}

@test "a failing poststart hook is only a warning" {
	add_hook poststart fail
	create_ctr "$ID"
	if is_runc && [ "$status" -ne 0 ]; then
		skip "runc $(runtime_version) runs poststart hooks in create and treats failure as fatal"
	fi
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	run runtime start "$ID"
	if is_runc && [ "$status" -ne 0 ]; then
		skip "runc $(runtime_version) treats a failing poststart hook as fatal"
	fi
	[ "$status" -eq 0 ]
	wait_for_file "$TEST_DIR/$ID.out"
	[ "$(state_field "$ID" status)" = running ]
}

@test "a failing poststop hook is only a warning; delete completes" {
	add_hook poststop fail
	create_ctr "$ID"
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	run -0 runtime start "$ID"
	run runtime delete -f "$ID"
	if ! is_runc; then
		[ "$status" -eq 0 ]
	fi
	grep -q '^poststop|' "$HOOKLOG"
	assert_no_leftovers "$ID"
}

@test "a hook may ask the runtime for the state while create and start run it" {
	# Hooks often call `<runtime> state`; the command running the hook must not lock it out.
	cat >"$TEST_DIR/state-hook.sh" <<-EOF
		#!/bin/sh
		"$RUNTIME" --root "$ROOT" state "$ID" >"$TEST_DIR/state-\$1.out" 2>&1
		printf '\nrc=%s\n' "\$?" >>"$TEST_DIR/state-\$1.out"
	EOF
	chmod 755 "$TEST_DIR/state-hook.sh"
	update_config '.hooks.createRuntime = [{"path": $p, "args": ["h", "createRuntime"], "timeout": 5}]
		| .hooks.poststart = [{"path": $p, "args": ["h", "poststart"], "timeout": 5}]' \
		--arg p "$TEST_DIR/state-hook.sh"
	run_d "$ID"
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	cat "$TEST_DIR"/state-*.out
	# runc has no state yet during createRuntime ("does not exist"); it must not hang.
	grep -q '^rc=[01]$' "$TEST_DIR/state-createRuntime.out"
	grep -q '^rc=0$' "$TEST_DIR/state-poststart.out"
	grep -q "\"id\": \"$ID\"" "$TEST_DIR/state-poststart.out"
}

@test "a hanging hook is killed at its timeout" {
	local tag="30.$RANDOM"
	update_config '.hooks.createRuntime = [{"path": "/bin/sleep", "args": ["sleep", $t], "timeout": 1}]' \
		--arg t "$tag"
	local t0=$SECONDS
	create_ctr "$ID"
	[ "$status" -ne 0 ]
	[ $((SECONDS - t0)) -lt 15 ]
	assert_no_leftovers "$ID"
	! pgrep -f "sleep $tag"
	if is_skiff; then
		assert_error "timed out"
	fi
}

@test "a hook with an invalid timeout is a config error" {
	update_config '.hooks.prestart = [{"path": "/bin/true", "timeout": 0}]'
	create_ctr "$ID"
	[ "$status" -ne 0 ]
	assert_no_leftovers "$ID"
}
