#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# The command line itself: --version, help, flag spellings callers use, --log/--log-format,
# `spec` and `features`.

load helpers

@test "--version names the runtime, commit, spec and libseccomp versions" {
	local v
	for v in --version -v; do
		run -0 "$RUNTIME" $v
		[[ "${lines[0]}" =~ version\ [0-9]+\.[0-9]+ ]] || { echo "$output"; false; }
		[[ "$output" =~ (^|$'\n')commit:\ [^[:space:]]+ ]]
		[[ "$output" =~ (^|$'\n')spec:\ [0-9]+\.[0-9]+\.[0-9]+ ]]
		[[ "$output" =~ (^|$'\n')libseccomp:\ [0-9]+\.[0-9]+\.[0-9]+ ]]
	done
	if is_skiff; then
		[[ "${lines[0]}" == "skiff version "* ]]
	fi
}

@test "--help lists the commands and global options" {
	run -0 "$RUNTIME" --help
	local c
	for c in create start run state kill delete list spec features; do
		[[ "$output" =~ (^|$'\n')[[:space:]]+$c[[:space:],] ]] || { echo "no $c: $output"; false; }
	done
	for c in --root --log --log-format --debug; do
		assert_output_has "$c"
	done
	run -0 "$RUNTIME" -h
	run -0 "$RUNTIME" help
	assert_output_has create
}

@test "help for every command" {
	local c
	for c in create start run state kill delete list spec features; do
		run -0 "$RUNTIME" help "$c"
		[ -n "$output" ]
		local h="$output"
		run -0 "$RUNTIME" "$c" --help
		[ "$output" = "$h" ] || [ -n "$output" ]
	done
	run -0 "$RUNTIME" help create
	for c in --bundle --console-socket --pid-file --no-pivot --no-new-keyring --preserve-fds; do
		assert_output_has "$c"
	done
	run -0 "$RUNTIME" help run
	for c in --detach --keep --bundle; do
		assert_output_has "$c"
	done
	run -0 "$RUNTIME" help kill
	assert_output_has --all
	run -0 "$RUNTIME" help delete
	assert_output_has --force
}

@test "an unknown command or flag is an error" {
	run "$RUNTIME" --root "$ROOT" frobnicate
	[ "$status" -ne 0 ]
	[ -n "$output" ]
	run "$RUNTIME" --root "$ROOT" create --no-such-flag "$ID"
	[ "$status" -ne 0 ]
	[ -n "$output" ]
	[ -z "$(ls -A "$ROOT")" ]
}

@test "flag spellings: --flag=value, --flag value, -flag value, -b" {
	set_args /probe exit 0
	run -0 "$RUNTIME" --root="$ROOT" run --bundle="$BUNDLE" "$ID"
	run -0 "$RUNTIME" -root "$ROOT" run -bundle "$BUNDLE" "$ID"
	run -0 "$RUNTIME" --root "$ROOT" run -b "$BUNDLE" "$ID"
	run -0 "$RUNTIME" --root "$ROOT" run -bundle="$BUNDLE" "$ID"
	set_args /probe signal-wait
	create_ctr --pid-file="$TEST_DIR/p1" "$ID"
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	[ "$(cat "$TEST_DIR/p1")" = "$(state_field "$ID" pid)" ]
	run -0 runtime delete --force "$ID"
	create_ctr -pid-file "$TEST_DIR/p2" "$ID"
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	[ "$(cat "$TEST_DIR/p2")" = "$(state_field "$ID" pid)" ]
	run -0 runtime delete -force "$ID"
}

@test "flags callers send: -no-subreaper, --no-new-keyring, --debug, --systemd-cgroup absent" {
	set_args /probe exit 0
	run -0 runtime run -no-subreaper --bundle "$BUNDLE" "$ID"
	run -0 runtime --debug run --no-new-keyring --bundle "$BUNDLE" "$ID"
	run -0 runtime --log-format text list
}

@test "--cgroup-manager (crun's spelling) is accepted" {
	is_runc && skip "runc $(runtime_version) has no --cgroup-manager"
	set_args /probe exit 0
	run -0 runtime --cgroup-manager cgroupfs run --bundle "$BUNDLE" "$ID"
	run -0 runtime --cgroup-manager=cgroupfs list
}

@test "create/run --config, -f (crun's flag): another config file, relative to the bundle" {
	is_runc && skip "runc $(runtime_version) has no --config"
	mkdir "$BUNDLE/alt"
	jq '.process.args = ["/probe", "env"] | .process.env += ["PICKED=alt"]' \
		"$BUNDLE/config.json" >"$BUNDLE/alt/other.json"
	set_args /probe exit 7
	# Run from elsewhere: the name is looked up in the bundle, not in the caller's directory.
	cd /
	run -0 runtime run --bundle "$BUNDLE" --config alt/other.json "$ID"
	assert_output_has PICKED=alt
	run -0 runtime run --bundle "$BUNDLE" -f "$BUNDLE/alt/other.json" "$ID"
	assert_output_has PICKED=alt
	create_ctr --config alt/missing.json "$ID"
	assert_error "missing.json"
	# Without the flag the bundle's own config.json is used.
	run -7 runtime run --bundle "$BUNDLE" "$ID"
}

@test "--log with --log-format json: errors as JSON lines" {
	local log="$TEST_DIR/log.json"
	run "$RUNTIME" --root "$ROOT" --log "$log" --log-format json state nosuchcontainer
	[ "$status" -ne 0 ]
	[ -s "$log" ]
	# Every line is a JSON object with level, msg and time.
	while IFS= read -r line; do
		jq -e 'type == "object" and has("level") and has("msg") and has("time")' <<<"$line" >/dev/null ||
			{ echo "bad log line: $line"; false; }
	done <"$log"
	local last
	last="$(grep '"level":"error"' "$log" | tail -n1)"
	[ -n "$last" ] || { cat "$log"; false; }
	[[ "$(jq -r .msg <<<"$last")" == *"does not exist"* ]]
	# time is RFC 3339.
	[[ "$(jq -r .time <<<"$last")" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2} ]]
}

@test "--log with --log-format json: a create failure is logged" {
	local log="$TEST_DIR/log.json"
	update_config '.process.args = "bad"'
	run "$RUNTIME" --root "$ROOT" --log "$log" --log-format=json create --bundle "$BUNDLE" "$ID"
	[ "$status" -ne 0 ]
	local last
	last="$(grep '"level":"error"' "$log" | tail -n1)"
	[ -n "$last" ] || { cat "$log"; false; }
	jq -e . <<<"$last" >/dev/null
	if is_skiff; then
		[[ "$(jq -r .msg <<<"$last")" == *".process.args"* ]]
	fi
	assert_no_leftovers "$ID"
}

@test "--debug: debug lines on stderr, or in the --log file; none without it" {
	set_args /probe exit 0
	run -0 --separate-stderr runtime --debug run --bundle "$BUNDLE" "$ID"
	grep -q 'level=debug' <<<"$stderr" || { echo "$stderr"; false; }
	local log="$TEST_DIR/debug.json"
	run -0 "$RUNTIME" --root "$ROOT" --debug --log "$log" --log-format json run \
		--bundle "$BUNDLE" "$(new_id)"
	grep -q '"level":"debug"' "$log" || { cat "$log"; false; }
	jq -e . "$log" >/dev/null
	run -0 --separate-stderr runtime run --bundle "$BUNDLE" "$(new_id)"
	! grep -q 'level=debug' <<<"$stderr"
}

@test "--log in text format" {
	local log="$TEST_DIR/log.txt"
	run "$RUNTIME" --root "$ROOT" --log "$log" kill nosuchcontainer
	[ "$status" -ne 0 ]
	grep -q "does not exist" "$log"
}

@test "spec writes a config.json that runs" {
	rm "$BUNDLE/config.json"
	cd "$BUNDLE"
	run -0 "$RUNTIME" spec
	[ -f "$BUNDLE/config.json" ]
	run -0 jq -r '.ociVersion, .root.path, (.process.args | length > 0), (.linux.namespaces | length > 0)' \
		"$BUNDLE/config.json"
	[[ "${lines[0]}" == 1.* ]]
	[ "${lines[1]}" = rootfs ]
	[ "${lines[2]}" = true ]
	[ "${lines[3]}" = true ]
	# Runs as is, after swapping the interactive shell for the probe.
	update_config '.process.terminal = false | .process.args = ["/probe", "hostname", "caps"]'
	run -0 runtime run "$ID"
	[ -n "$(kv hostname)" ]
	[ "$(kv CapInh)" = 0000000000000000 ]
}

@test "spec --bundle and refusing to overwrite" {
	mkdir "$TEST_DIR/other"
	run -0 "$RUNTIME" spec --bundle "$TEST_DIR/other"
	jq -e . "$TEST_DIR/other/config.json" >/dev/null
	echo '{"keep": true}' >"$TEST_DIR/other/config.json"
	run "$RUNTIME" spec --bundle "$TEST_DIR/other"
	[ "$status" -ne 0 ]
	[ "$(jq -r .keep "$TEST_DIR/other/config.json")" = true ]
}

@test "spec --rootless has a user namespace with mappings" {
	mkdir "$TEST_DIR/rl"
	run -0 "$RUNTIME" spec --rootless --bundle "$TEST_DIR/rl"
	run -0 jq -r '[.linux.namespaces[].type] | index("user") != null' "$TEST_DIR/rl/config.json"
	[ "$output" = true ]
	run -0 jq -r '(.linux.uidMappings | length), (.linux.gidMappings | length)' "$TEST_DIR/rl/config.json"
	[ "${lines[0]}" -ge 1 ] && [ "${lines[1]}" -ge 1 ]
}

@test "features: the runtime-spec features document" {
	run -0 "$RUNTIME" features
	local f="$output"
	jq -e . <<<"$f" >/dev/null
	[[ "$(jq -r .ociVersionMin <<<"$f")" == 1.* ]]
	[[ "$(jq -r .ociVersionMax <<<"$f")" == 1.* ]]
	local h
	for h in prestart createRuntime createContainer startContainer poststart poststop; do
		jq -e --arg h "$h" '.hooks | index($h) != null' <<<"$f" >/dev/null || { echo "hook $h"; false; }
	done
	local o
	for o in ro rw bind rbind nosuid nodev noexec private rprivate shared rslave; do
		jq -e --arg o "$o" '.mountOptions | index($o) != null' <<<"$f" >/dev/null ||
			{ echo "mount option $o"; false; }
	done
	local n
	for n in cgroup ipc mount network pid user uts; do
		jq -e --arg n "$n" '.linux.namespaces | index($n) != null' <<<"$f" >/dev/null ||
			{ echo "namespace $n"; false; }
	done
	jq -e '.linux.capabilities | index("CAP_SYS_ADMIN") != null and index("CAP_CHOWN") != null' \
		<<<"$f" >/dev/null
	[ "$(jq -r '.linux.cgroup | type' <<<"$f")" = object ]
	[ "$(jq -r '.linux.seccomp | type' <<<"$f")" = object ]
	[ "$(jq -r '.linux.apparmor | type' <<<"$f")" = object ]
	[ "$(jq -r '.linux.selinux | type' <<<"$f")" = object ]
	if is_skiff; then
		jq -e '.linux.namespaces | index("time") != null' <<<"$f" >/dev/null
		[ "$(jq -r '.linux.mountExtensions | type' <<<"$f")" = object ]
		# Only what skiff really supports: the version range covers the spec it was built on.
		[ "$(jq -r .ociVersionMax <<<"$f")" = "$("$RUNTIME" --version | sed -n 's/^spec: //p')" ]
	fi
}
