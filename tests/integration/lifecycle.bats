#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# The lifecycle verbs: create / start / state / kill / delete / run / list, their flags, the
# state JSON, exit statuses and the error texts callers match on.

load helpers

@test "create -> created, start -> running, kill -> stopped, delete" {
	set_args /probe signal-wait
	create_ctr "$ID"
	[ "$status" -eq 0 ] || { echo "$output"; false; }

	run -0 runtime state "$ID"
	[ "$(jq -r .status <<<"$output")" = created ]
	local pid
	pid="$(jq -r .pid <<<"$output")"
	[[ "$pid" =~ ^[1-9][0-9]*$ ]]
	[ -d "/proc/$pid" ]
	# The process is blocked before execve: no output yet.
	[ ! -s "$TEST_DIR/$ID.out" ]

	run -0 runtime start "$ID"
	wait_for_file "$TEST_DIR/$ID.out"
	[ "$(ctr_output "$ID")" = ready ]
	run -0 runtime state "$ID"
	[ "$(jq -r .status <<<"$output")" = running ]
	[ "$(jq -r .pid <<<"$output")" = "$pid" ]

	run -0 runtime kill "$ID" TERM
	wait_status "$ID" stopped
	grep -qx 'signal=SIGTERM' "$TEST_DIR/$ID.out"

	run -0 runtime delete "$ID"
	run ! runtime state "$ID"
	[ ! -e "$ROOT/$ID" ]
	# Everything the container owned is gone: state, cgroups, mounts, processes.
	assert_no_leftovers "$ID"
}

@test "state JSON has the runc fields" {
	set_args /probe signal-wait
	update_config '.annotations = {"org.example.key": "value"}'
	create_ctr "$ID"
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	run -0 runtime state "$ID"
	local s="$output"
	jq -e . <<<"$s" >/dev/null
	[ "$(jq -r .ociVersion <<<"$s")" != null ]
	[[ "$(jq -r .ociVersion <<<"$s")" =~ ^1\. ]]
	[ "$(jq -r .id <<<"$s")" = "$ID" ]
	[ "$(jq -r .status <<<"$s")" = created ]
	[ "$(jq -r .bundle <<<"$s")" = "$BUNDLE" ]
	[ "$(jq -r .rootfs <<<"$s")" = "$ROOTFS" ]
	[ "$(jq -r .owner <<<"$s")" = "" ]
	[ "$(jq -r '.annotations["org.example.key"]' <<<"$s")" = value ]
	[ "$(jq -r '.pid | type' <<<"$s")" = number ]
	# RFC 3339 with nanoseconds, e.g. 2024-01-02T03:04:05.123456789Z
	local created
	created="$(jq -r .created <<<"$s")"
	[[ "$created" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]+(Z|[+-][0-9]{2}:[0-9]{2})$ ]]
	# ... and about now.
	local t now
	t="$(date -d "$created" +%s)"
	now="$(date +%s)"
	[ $((now - t)) -lt 60 ] && [ $((t - now)) -lt 60 ]
}

@test "bundle given as a relative path is stored absolute" {
	cd "$TEST_DIR"
	runtime create --bundle bundle "$ID" </dev/null >"$TEST_DIR/out" 2>&1 || { cat "$TEST_DIR/out"; false; }
	[ "$(state_field "$ID" bundle)" = "$BUNDLE" ]
}

@test "create without --bundle uses the current directory" {
	cd "$BUNDLE"
	runtime create "$ID" </dev/null >"$TEST_DIR/out" 2>&1 || { cat "$TEST_DIR/out"; false; }
	[ "$(state_field "$ID" bundle)" = "$BUNDLE" ]
}

@test "state reports stopped when the process has exited" {
	set_args /probe exit 0
	create_ctr "$ID"
	[ "$status" -eq 0 ]
	run -0 runtime start "$ID"
	wait_status "$ID" stopped
	run -0 runtime state "$ID"
	[ "$(jq -r .status <<<"$output")" = stopped ]
	[ "$(jq -r .pid <<<"$output")" = 0 ]
}

@test "delete of a created container needs no --force" {
	set_args /probe signal-wait
	create_ctr "$ID"
	[ "$status" -eq 0 ]
	local pid
	pid="$(state_field "$ID" pid)"
	run -0 runtime delete "$ID"
	run ! runtime state "$ID"
	# The blocked init is gone.
	local i=0
	while [ -d "/proc/$pid" ] && ! grep -q '^State:.*Z' "/proc/$pid/status" 2>/dev/null && [ $i -lt 100 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	[ ! -d "/proc/$pid" ] || grep -q '^State:.*Z' "/proc/$pid/status"
}

@test "delete of a running container needs --force" {
	set_args /probe signal-wait
	create_ctr "$ID"
	[ "$status" -eq 0 ]
	run -0 runtime start "$ID"
	wait_status "$ID" running
	run ! runtime delete "$ID"
	[ -n "$output" ]
	run -0 runtime state "$ID"
	[ "$(jq -r .status <<<"$output")" = running ]
	run -0 runtime delete --force "$ID"
	run ! runtime state "$ID"
}

@test "delete -f of a stopped container and of a created one" {
	set_args /probe exit 0
	local id2
	id2="$(new_id)"
	run_d "$ID"
	[ "$status" -eq 0 ]
	wait_status "$ID" stopped
	run -0 runtime delete -f "$ID"
	create_ctr "$id2"
	[ "$status" -eq 0 ]
	run -0 runtime delete -f "$id2"
	run ! runtime state "$id2"
}

@test "a second start is an error" {
	set_args /probe signal-wait
	create_ctr "$ID"
	[ "$status" -eq 0 ]
	run -0 runtime start "$ID"
	run ! runtime start "$ID"
	[ -n "$output" ]
	# The container is unaffected.
	run -0 runtime state "$ID"
	[ "$(jq -r .status <<<"$output")" = running ]
}

@test "start of a stopped container fails" {
	set_args /probe exit 0
	run_d "$ID"
	[ "$status" -eq 0 ]
	wait_status "$ID" stopped
	run ! runtime start "$ID"
	[ -n "$output" ]
}

@test "kill: default signal is SIGTERM" {
	set_args /probe signal-wait
	run_d "$ID"
	[ "$status" -eq 0 ]
	wait_for_file "$TEST_DIR/$ID.out"
	run -0 runtime kill "$ID"
	wait_status "$ID" stopped
	grep -qx 'signal=SIGTERM' "$TEST_DIR/$ID.out"
}

@test "kill: signal names, SIG prefix, lowercase and numbers" {
	set_args /probe signal-wait
	run_d "$ID"
	[ "$status" -eq 0 ]
	wait_for_file "$TEST_DIR/$ID.out"
	run -0 runtime kill "$ID" USR1
	run -0 runtime kill "$ID" SIGUSR2
	run -0 runtime kill "$ID" hup
	run -0 runtime kill "$ID" 2
	local i=0
	while [ "$(grep -c '^signal=' "$TEST_DIR/$ID.out")" -lt 4 ] && [ $i -lt 100 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	grep -qx 'signal=SIGUSR1' "$TEST_DIR/$ID.out"
	grep -qx 'signal=SIGUSR2' "$TEST_DIR/$ID.out"
	grep -qx 'signal=SIGHUP' "$TEST_DIR/$ID.out"
	grep -qx 'signal=SIGINT' "$TEST_DIR/$ID.out"
	run -0 runtime state "$ID"
	[ "$(jq -r .status <<<"$output")" = running ]
	run -0 runtime kill "$ID" 9
	wait_status "$ID" stopped
}

@test "kill: an unknown signal is an error" {
	set_args /probe signal-wait
	run_d "$ID"
	[ "$status" -eq 0 ]
	run ! runtime kill "$ID" NOTASIGNAL
	[ -n "$output" ]
	run ! runtime kill "$ID" 1000
	run -0 runtime state "$ID"
	[ "$(jq -r .status <<<"$output")" = running ]
}

@test "kill: signal 0 probes the container without signalling it" {
	set_args /probe signal-wait
	run_d "$ID"
	[ "$status" -eq 0 ]
	wait_for_file "$TEST_DIR/$ID.out"
	run -0 runtime kill "$ID" 0
	run -0 runtime state "$ID"
	[ "$(jq -r .status <<<"$output")" = running ]
	run -0 runtime kill "$ID" KILL
	wait_status "$ID" stopped
	run ! runtime kill "$ID" 0
	[[ "$output" == *"container not running"* ]]
	! grep -q '^signal=' "$TEST_DIR/$ID.out"
}

@test "kill --all signals every process of the container" {
	# sh starts a background sleeper: with --all both die.
	set_args /bin/sh -c 'sleep 1000 & exec /probe signal-wait'
	run_d "$ID"
	[ "$status" -eq 0 ]
	wait_for_file "$TEST_DIR/$ID.out"
	run -0 runtime kill --all "$ID" KILL
	wait_status "$ID" stopped
}

@test "kill of a stopped container: container not running" {
	set_args /probe exit 0
	run_d "$ID"
	[ "$status" -eq 0 ]
	wait_status "$ID" stopped
	run ! runtime kill "$ID" KILL
	[[ "$output" == *"container not running"* ]]
}

@test "commands on a missing container: does not exist" {
	local cmd
	for cmd in state start delete kill; do
		run ! runtime $cmd nosuchcontainer
		[[ "$output" == *"does not exist"* ]] || { echo "$cmd: $output"; false; }
	done
}

@test "run: exit status propagates" {
	set_args /probe exit 42
	run_ctr
	[ "$status" -eq 42 ]
	# run deletes the container afterwards.
	run ! runtime state "$ID"
}

@test "run: output of the container reaches the caller" {
	set_args /probe hostname
	run -0 runtime run --bundle "$BUNDLE" "$ID"
	assert_kv hostname skiff-test
}

@test "run: a terminal in the foreground passes newlines through as written" {
	is_skiff || skip "runc needs a terminal on stdin"
	update_config '.process.terminal = true'
	set_args sh -c 'printf "one\ntwo\n"'
	run -0 runtime run --bundle "$BUNDLE" "$ID" </dev/null
	# ONLCR cleared on the pty: no "\r\n" from the tty layer.
	[[ "$output" != *$'\r'* ]] || { od -c <<<"$output" >&2; false; }
	[ "$output" = $'one\ntwo' ]
}

@test "run: an execve failure names the cause in words" {
	printf '#!/no/such/interpreter\n' >"$ROOTFS/script"
	chmod +x "$ROOTFS/script"
	set_args /script
	# skiff exits 127 as a shell does for a command it cannot run; runc exits 1.
	if is_skiff; then
		run -127 runtime run --bundle "$BUNDLE" "$ID"
	else
		run ! runtime run --bundle "$BUNDLE" "$ID"
	fi
	assert_output_has "no such file or directory"
	assert_output_lacks "errno"
}

@test "run: a container killed by a signal exits 128+signal" {
	# pid 1 cannot be killed from inside its namespace: kill it from outside.
	set_args /probe sleep 1000
	"$RUNTIME" --root "$ROOT" run --bundle "$BUNDLE" "$ID" </dev/null >"$TEST_DIR/out" 2>&1 &
	local rpid=$! rc=0
	wait_status "$ID" running
	runtime kill "$ID" KILL
	wait "$rpid" || rc=$?
	[ "$rc" -eq 137 ]
}

@test "run: forwards signals to the container" {
	set_args /probe signal-wait
	"$RUNTIME" --root "$ROOT" run --bundle "$BUNDLE" "$ID" </dev/null >"$TEST_DIR/out" 2>&1 &
	local rpid=$!
	wait_for_file "$TEST_DIR/out"
	wait_status "$ID" running
	kill -USR1 "$rpid"
	sleep 0.2
	kill -TERM "$rpid"
	local rc=0
	wait "$rpid" || rc=$?
	[ "$rc" -eq 0 ]
	grep -qx 'signal=SIGUSR1' "$TEST_DIR/out"
	grep -qx 'signal=SIGTERM' "$TEST_DIR/out"
}

@test "run and exec: the signals the caller ignored are not ignored in the container" {
	# conmon runs the runtime with SIGPIPE ignored: `yes | head -1` in the container then
	# printed "Broken pipe" errors. runc's containers start with every action at its default.
	local ign='trap "" PIPE HUP INT USR1 TERM; exec "$@"' id2
	set_args grep SigIgn /proc/self/status
	run bash -c "$ign" _ "$RUNTIME" --root "$ROOT" run --bundle "$BUNDLE" "$ID"
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	[[ "$output" == "SigIgn:"*"0000000000000000" ]] || { echo "$output"; false; }
	id2="$(new_id)"
	set_args /probe signal-wait
	bash -c "$ign" _ "$RUNTIME" --root "$ROOT" run -d --bundle "$BUNDLE" "$id2" \
		</dev/null >"$TEST_DIR/d.out" 2>&1 3>&-
	run bash -c "$ign" _ "$RUNTIME" --root "$ROOT" exec "$id2" grep SigIgn /proc/self/status
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	[[ "$output" == "SigIgn:"*"0000000000000000" ]] || { echo "$output"; false; }
}

@test "run and exec without a terminal: the process leads its own session" {
	# Out of the caller's process group: a ^C on the terminal of a foreground `run` reaches
	# `run` (which forwards it) and not the container directly as well.
	set_args /probe pid tty
	run_ctr </dev/null
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	assert_kv sid 1
	assert_kv pgid 1
	local id2
	id2="$(new_id)"
	set_args /probe signal-wait
	run_d "$id2"
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	run runtime exec "$id2" /probe pid tty </dev/null
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	[ "$(kv sid)" = "$(kv pid)" ] && [ "$(kv pgid)" = "$(kv pid)" ] || { echo "$output"; false; }
}

@test "run -d returns at once with the container running" {
	set_args /probe signal-wait
	run_d "$ID"
	[ "$status" -eq 0 ]
	run -0 runtime state "$ID"
	[ "$(jq -r .status <<<"$output")" = running ]
	run -0 runtime delete -f "$ID"
}

@test "run --keep leaves the stopped container" {
	set_args /probe exit 3
	run_ctr --keep
	[ "$status" -eq 3 ]
	run -0 runtime state "$ID"
	[ "$(jq -r .status <<<"$output")" = stopped ]
	run -0 runtime delete "$ID"
}

@test "--pid-file holds only the decimal pid" {
	set_args /probe signal-wait
	create_ctr --pid-file "$TEST_DIR/pid" "$ID"
	[ "$status" -eq 0 ]
	run -0 cat "$TEST_DIR/pid"
	[[ "$output" =~ ^[0-9]+$ ]]
	[ "$(tail -c 1 "$TEST_DIR/pid" | od -An -c | tr -d ' ')" != '\n' ]
	[ "$output" = "$(state_field "$ID" pid)" ]
}

@test "--pid-file with a relative path is relative to the caller's cwd" {
	set_args /probe signal-wait
	cd "$TEST_DIR"
	run_d --pid-file rel.pid "$ID"
	[ "$status" -eq 0 ]
	[ -f "$TEST_DIR/rel.pid" ]
	[ "$(cat "$TEST_DIR/rel.pid")" = "$(state_field "$ID" pid)" ]
}

@test "list: table, json and quiet" {
	set_args /probe signal-wait
	local id2
	id2="$(new_id)"
	run_d "$ID"
	[ "$status" -eq 0 ]
	create_ctr "$id2"
	[ "$status" -eq 0 ]

	run -0 runtime list -q
	[ "$(printf '%s\n' "$output" | sort)" = "$(printf '%s\n' "$ID" "$id2" | sort)" ]
	run -0 runtime list --quiet
	[ "${#lines[@]}" -eq 2 ]

	run -0 runtime list
	[[ "${lines[0]}" == ID*PID*STATUS*BUNDLE*CREATED*OWNER* ]]
	[[ "$output" == *"$ID "*running*"$BUNDLE"* ]]
	[[ "$output" == *"$id2 "*created*"$BUNDLE"* ]]

	run -0 runtime list --format json
	[ "$(jq -r 'length' <<<"$output")" -eq 2 ]
	[ "$(jq -r --arg id "$ID" '.[] | select(.id == $id) | .status' <<<"$output")" = running ]
	[ "$(jq -r --arg id "$id2" '.[] | select(.id == $id) | .status' <<<"$output")" = created ]
	[ "$(jq -r --arg id "$ID" '.[] | select(.id == $id) | .bundle' <<<"$output")" = "$BUNDLE" ]
	[ "$(jq -r --arg id "$ID" '.[] | select(.id == $id) | .pid | type' <<<"$output")" = number ]
	run -0 runtime list --format=json
	[ "$(jq -r 'length' <<<"$output")" -eq 2 ]
}

@test "list of an empty root" {
	run -0 runtime list -q
	[ -z "$output" ]
	run -0 runtime list --format json
	[ "$(jq -r 'length' <<<"$output")" = 0 ] || [ "$output" = null ]
}

@test "the container is pid 1 of its pid namespace" {
	set_args /probe pid
	run -0 runtime run --bundle "$BUNDLE" "$ID"
	assert_kv pid 1
	assert_kv ppid 0
}

@test "two containers from one bundle run side by side" {
	set_args /probe signal-wait
	local id2
	id2="$(new_id)"
	run_d "$ID"
	[ "$status" -eq 0 ]
	run_d "$id2"
	[ "$status" -eq 0 ]
	[ "$(state_field "$ID" status)" = running ]
	[ "$(state_field "$id2" status)" = running ]
	[ "$(state_field "$ID" pid)" != "$(state_field "$id2" pid)" ]
}
