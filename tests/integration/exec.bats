#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# exec: a process in a running container: namespaces, cgroup, user and groups, capabilities,
# environment and cwd, terminal, detach, exit statuses and signals, refusals, fd hygiene
# (CVE-2024-21626), non-dumpable setup (CVE-2019-5736), concurrency and cleanup after errors.

load helpers

# start_ctr [ID]: a running container whose init waits for signals.
start_ctr() {
	local id="${1:-$ID}"
	set_args /probe signal-wait
	run_d "$id"
	[ "$status" -eq 0 ] || { echo "$output" >&2; return 1; }
	wait_for_file "$TEST_DIR/$id.out"
}

# procs_in_cgroup ID: the pids in the container's cgroup (cgroup2 if the init is in one,
# else its freezer or first v1 hierarchy), one per line.
procs_in_cgroup() {
	local pid line dir
	pid="$(state_field "$1" pid)"
	line="$(grep -m1 '^0::' "/proc/$pid/cgroup" || grep -m1 ':freezer:' "/proc/$pid/cgroup" ||
		head -n1 "/proc/$pid/cgroup")"
	case "$line" in
	0::*)
		for dir in /sys/fs/cgroup/unified /sys/fs/cgroup; do
			[ -e "$dir/${line#0::}/cgroup.procs" ] && { cat "$dir/${line#0::}/cgroup.procs"; return; }
		done
		;;
	*:freezer:*) cat "/sys/fs/cgroup/freezer/${line#*:freezer:}/cgroup.procs" ;;
	esac
}

@test "exec runs a command with arguments in the container's namespaces" {
	start_ctr
	local pid t
	pid="$(state_field "$ID" pid)"
	run -0 runtime exec "$ID" /probe ns pid ids
	for t in cgroup ipc mnt net pid time user uts; do
		assert_kv "$t" "$(ns_inode "$t" "$pid")"
	done
	# Pid 1 is the init; the exec'd process is another member of its pid namespace.
	[ "$(kv pid)" -gt 1 ]
	assert_kv ppid 0
	assert_kv uid 0
	run -0 runtime exec "$ID" sh -c 'echo "$0 $1 $2"' a 'b c' d
	[ "$output" = "a b c d" ]
	# hostname is the container's (uts namespace)
	run -0 runtime exec "$ID" hostname
	[ "$output" = skiff-test ]
}

@test "exec --process runs a runtime-spec process JSON" {
	start_ctr
	cat >"$TEST_DIR/process.json" <<-'EOF'
		{
		  "terminal": false,
		  "user": { "uid": 1000, "gid": 100, "additionalGids": [2000] },
		  "args": [ "/probe", "ids", "cwd", "env", "caps" ],
		  "env": [ "PATH=/bin", "FROM_JSON=yes" ],
		  "cwd": "/tmp",
		  "capabilities": { "bounding": ["CAP_KILL"], "effective": ["CAP_KILL"],
		                    "permitted": ["CAP_KILL"] }
		}
	EOF
	run -0 runtime exec --process "$TEST_DIR/process.json" "$ID"
	assert_kv uid 1000
	assert_kv gid 100
	assert_kv groups 2000
	assert_kv cwd /tmp
	assert_kv FROM_JSON yes
	# A non-root user keeps only the bounding set through execve (as with runc).
	assert_kv CapBnd "$(cap_mask CAP_KILL)"
	assert_kv CapInh 0000000000000000
	# The JSON is the whole process: the config's env does not come along.
	run ! kv SKIFF_TEST_TAG
}

@test "exec --process with invalid JSON names the path of the error" {
	start_ctr
	echo '{"args": ["/probe"], "cwd": "relative/dir"}' >"$TEST_DIR/p1.json"
	run runtime exec --process "$TEST_DIR/p1.json" "$ID"
	assert_error
	[[ "${output,,}" == *cwd* ]]
	echo '{"args": [], "cwd": "/"}' >"$TEST_DIR/p2.json"
	run runtime exec --process "$TEST_DIR/p2.json" "$ID"
	assert_error args
	echo '{"args": ["/probe"], "cwd": "/", "user": {"uid": "x"}}' >"$TEST_DIR/p3.json"
	run runtime exec --process "$TEST_DIR/p3.json" "$ID"
	assert_error uid
	echo '{"args": [' >"$TEST_DIR/p4.json"
	run runtime exec --process "$TEST_DIR/p4.json" "$ID"
	assert_error
	run runtime exec --process "$TEST_DIR/missing.json" "$ID"
	assert_error missing.json
	[ "$(procs_in_cgroup "$ID" | wc -l)" -eq 1 ]
}

@test "exec: environment from the config, --env adds and replaces" {
	start_ctr
	run -0 runtime exec -e FOO=bar -e PATH=/bin:/sbin -e EMPTY= "$ID" /probe env
	assert_kv FOO bar
	assert_kv PATH /bin:/sbin
	assert_kv EMPTY ""
	assert_kv SKIFF_TEST_TAG "$TEST_TAG"
	assert_kv HOME /root
	[ "$(grep -c '^PATH=' <<<"$output")" -eq 1 ]
}

@test "exec: --cwd, and a missing cwd is an error (not created)" {
	start_ctr
	run -0 runtime exec --cwd /tmp "$ID" /probe cwd
	assert_kv cwd /tmp
	run runtime exec --cwd /no/such/dir "$ID" /probe cwd
	assert_error "/no/such/dir"
	[ ! -e "$ROOTFS/no" ]
	run runtime exec --cwd relative "$ID" /probe cwd
	assert_error
	is_runc || assert_output_has relative
}

@test "exec: a cwd through a leaked fd cannot point outside the container (CVE-2024-21626)" {
	start_ctr
	local fd
	# Up to 24: skiff's own fds (its cgroup directory, ...) sit above the caller's; 5 is a host
	# directory the caller leaks.
	for fd in $(seq 3 24); do
		run runtime exec --cwd "/proc/self/fd/$fd" "$ID" /probe cwd 5</
		if [ "$status" -eq 0 ]; then
			# Whatever it reached is inside the container.
			[[ "$(kv cwd)" == /* ]] || { echo "fd $fd: $output"; false; }
		else
			# Refused by the runtime, not started with a cwd the probe cannot name.
			[[ "$output" != *probe:* ]] || { echo "fd $fd: $output"; false; }
		fi
	done
}

@test "exec: --user and --additional-gids with ids" {
	start_ctr
	run -0 runtime exec -u 1000:1000 -g 5 -g 2000 "$ID" /probe ids env
	assert_kv uid 1000
	assert_kv euid 1000
	assert_kv gid 1000
	assert_kv groups 5,2000
	assert_kv HOME /home/user
	# A uid alone keeps the config's gid, as runc does.
	run -0 runtime exec -u 1000 "$ID" /probe ids
	assert_kv uid 1000
	assert_kv gid 0
	assert_kv groups ""
}

@test "exec: --user with names from the container's /etc/passwd and /etc/group" {
	is_skiff || skip "runc takes numeric ids only"
	start_ctr
	run -0 runtime exec -u user "$ID" /probe ids env
	assert_kv uid 1000
	assert_kv gid 1000
	# the implicit form adds the user's groups from /etc/group
	assert_kv groups 100,2000
	assert_kv HOME /home/user
	run -0 runtime exec -u daemon:users "$ID" /probe ids
	assert_kv uid 1
	assert_kv gid 100
	run runtime exec -u nosuchuser "$ID" /probe ids
	assert_error "unable to find user nosuchuser"
	[ "$(procs_in_cgroup "$ID" | wc -l)" -eq 1 ]
}

@test "exec: capabilities are the config's, --cap adds one, inheritable stays empty" {
	start_ctr
	run -0 runtime exec "$ID" /probe caps
	local base
	base="$(kv CapEff)"
	assert_kv CapInh 0000000000000000
	assert_kv CapAmb 0000000000000000
	[ "$base" = "$(kv CapPrm)" ] && [ "$base" = "$(kv CapBnd)" ]
	run -0 runtime exec --cap CAP_SYS_ADMIN --cap CAP_NET_ADMIN "$ID" /probe caps
	local want
	want="$(printf '%016x' $((0x$base | 0x$(cap_mask CAP_SYS_ADMIN CAP_NET_ADMIN))))"
	assert_kv CapEff "$want"
	assert_kv CapPrm "$want"
	assert_kv CapBnd "$want"
	assert_kv CapInh 0000000000000000
	# runc 1.1 warns and ignores an unknown name; skiff refuses it.
	if is_skiff; then
		run runtime exec --cap CAP_NO_SUCH "$ID" /probe caps
		assert_error CAP_NO_SUCH
	fi
}

@test "exec: --no-new-privs, and a non-root user gets no effective capabilities" {
	start_ctr
	run -0 runtime exec "$ID" /probe nnp
	assert_kv NoNewPrivs 0
	run -0 runtime exec --no-new-privs "$ID" /probe nnp
	assert_kv NoNewPrivs 1
	run -0 runtime exec -u 1000 "$ID" /probe caps
	assert_kv CapEff 0000000000000000
}

@test "exec: the container's rlimits and umask apply" {
	is_runc && skip "runc 1.1 gives exec'd processes neither the soft limit nor the umask"
	update_config '.process.rlimits = [{"type": "RLIMIT_NOFILE", "hard": 777, "soft": 555}] |
		.process.user.umask = 63'
	start_ctr
	run -0 runtime exec "$ID" /probe rlimits umask
	assert_kv RLIMIT_NOFILE 555:777
	assert_kv umask 0077
}

@test "exec: only stdio reaches the process; --preserve-fds passes more (CVE-2024-21626)" {
	start_ctr
	run -0 runtime exec "$ID" /probe fds
	[ "$(grep -c '^fd\.' <<<"$output")" -eq 3 ] || { echo "$output"; false; }
	echo data >"$TEST_DIR/f3"
	run -0 runtime exec --preserve-fds 1 "$ID" /probe fds 3<"$TEST_DIR/f3"
	assert_kv fd.3 "$TEST_DIR/f3"
	[ "$(grep -c '^fd\.' <<<"$output")" -eq 4 ] || { echo "$output"; false; }
	is_runc && skip "runc 1.1 leaks its own fds into the holes of --preserve-fds"
	# --preserve-fds 3 with only fd 3 open: fds 4 and 5 stay closed, nothing of the runtime's
	# takes their place.
	run -0 runtime exec --preserve-fds 3 "$ID" /probe fds 3<"$TEST_DIR/f3" 4>&- 5>&-
	[ "$(grep -c '^fd\.' <<<"$output")" -eq 4 ] || { echo "$output"; false; }
}

@test "exec: a failure of the runtime itself exits 255, the process's statuses pass through" {
	start_ctr
	run -1 runtime exec "$ID" false
	run -255 runtime exec "$ID" /no/such/program
	run -255 runtime exec --pid-file "$TEST_DIR/no/such/dir/pid" "$ID" true
	run -255 runtime exec nosuchcontainer true
	[[ "$output" == *"does not exist"* ]]
}

@test "exec: exit status, 128+signal, and signals forwarded to the process" {
	start_ctr
	run runtime exec "$ID" sh -c 'exit 3'
	[ "$status" -eq 3 ]
	run runtime exec "$ID" sh -c 'kill -9 $$'
	[ "$status" -eq 137 ]
	run runtime exec "$ID" sh -c 'kill -TERM $$'
	[ "$status" -eq 143 ]
	# A foreground exec forwards what it receives.
	"$RUNTIME" --root "$ROOT" exec "$ID" /probe signal-wait >"$TEST_DIR/fg.out" 2>&1 &
	local epid=$! rc=0
	wait_for_file "$TEST_DIR/fg.out"
	kill -USR1 "$epid"
	kill -TERM "$epid"
	wait "$epid" || rc=$?
	[ "$rc" -eq 0 ]
	grep -qx 'signal=SIGUSR1' "$TEST_DIR/fg.out"
	grep -qx 'signal=SIGTERM' "$TEST_DIR/fg.out"
}

@test "exec: a program that does not exist is an error and leaves no process" {
	start_ctr
	run runtime exec "$ID" /no/such/program
	assert_error "/no/such/program"
	run runtime exec "$ID" nosuchprogram
	assert_error "nosuchprogram"
	run runtime exec "$ID" /tmp
	assert_error "ermission denied"
	run runtime exec "$ID"
	assert_error
	[ "$(procs_in_cgroup "$ID" | wc -l)" -eq 1 ]
	[ "$(test_pids | wc -l)" -eq 1 ]
}

@test "exec --detach returns once the process runs and writes the pid file" {
	start_ctr
	local pid
	pid="$(state_field "$ID" pid)"
	runtime exec -d --pid-file "$TEST_DIR/exec.pid" "$ID" /probe signal-wait \
		</dev/null >"$TEST_DIR/d.out" 2>"$TEST_DIR/d.err" || { cat "$TEST_DIR/d.err"; false; }
	local epid
	epid="$(cat "$TEST_DIR/exec.pid")"
	[[ "$epid" =~ ^[0-9]+$ ]]
	[ -d "/proc/$epid" ]
	[ "$(ns_inode pid "$epid")" = "$(ns_inode pid "$pid")" ]
	[ "$(ns_inode mnt "$epid")" = "$(ns_inode mnt "$pid")" ]
	[ "$(cat "/proc/$epid/cgroup")" = "$(cat "/proc/$pid/cgroup")" ]
	procs_in_cgroup "$ID" | grep -qx "$epid"
	wait_for_file "$TEST_DIR/d.out"
	[ "$(cat "$TEST_DIR/d.out")" = ready ]
	kill -TERM "$epid"
	local i
	for i in $(seq 50); do
		[ -d "/proc/$epid" ] && ! grep -q '^State:.*Z' "/proc/$epid/status" 2>/dev/null || break
		sleep 0.1
	done
	grep -qx 'signal=SIGTERM' "$TEST_DIR/d.out"
	# -d with -t needs a console socket.
	run runtime exec -d -t "$ID" /probe ids
	assert_error "console socket"
}

@test "exec --tty with --console-socket" {
	local recvtty
	recvtty="$(recvtty_bin)" || skip "recvtty is not available"
	start_ctr
	"$recvtty" --no-stdin "$TEST_DIR/console.sock" >"$TEST_DIR/tty.out" 2>"$TEST_DIR/tty.err" &
	local rpid=$! i=0
	while [ ! -S "$TEST_DIR/console.sock" ] && [ $i -lt 100 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	runtime exec -d -t --console-socket "$TEST_DIR/console.sock" "$ID" /probe tty \
		</dev/null >"$TEST_DIR/e.out" 2>"$TEST_DIR/e.err" || { cat "$TEST_DIR/e.err"; kill "$rpid"; false; }
	local rc=0
	wait "$rpid" || rc=$?
	run cat "$TEST_DIR/tty.out"
	output="${output//$'\r'/}"
	lines=()
	mapfile -t lines <<<"$output"
	assert_kv isatty0 1
	assert_kv isatty1 1
	assert_kv isatty2 1
	[[ "$(kv tty0)" == /dev/pts/* ]]
	# Its own session, the pty its controlling terminal.
	[ "$(kv sid)" = "$(kv pgid)" ] && [ "$(kv tpgid)" = "$(kv pgid)" ]
	[ "$rc" -eq 0 ] || { cat "$TEST_DIR/tty.err"; false; }
	# A console socket without a terminal is refused.
	run runtime exec --console-socket "$TEST_DIR/console.sock" "$ID" /probe ids
	assert_error "console socket"
}

@test "exec --tty in the foreground relays the terminal" {
	is_skiff || skip "runc needs a terminal on stdin"
	start_ctr
	run -0 runtime exec -t "$ID" /probe tty </dev/null
	output="${output//$'\r'/}"
	lines=()
	mapfile -t lines <<<"$output"
	assert_kv isatty0 1
	assert_kv isatty1 1
	[[ "$(kv tty1)" == /dev/pts/* ]]
}

@test "exec --tty in the foreground passes newlines through as written" {
	is_skiff || skip "runc needs a terminal on stdin"
	start_ctr
	run -0 runtime exec -t "$ID" sh -c 'printf "one\ntwo\n"' </dev/null
	[[ "$output" != *$'\r'* ]] || { od -c <<<"$output" >&2; false; }
	[ "$output" = $'one\ntwo' ]
}

@test "exec into a container with a user namespace and a cgroup namespace" {
	requires_ns user
	requires_ns cgroup
	update_config '.linux.namespaces += [{"type": "user"}, {"type": "cgroup"}] |
		.linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}] |
		.linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]'
	start_ctr
	local pid t
	pid="$(state_field "$ID" pid)"
	run -0 runtime exec "$ID" /probe ns ids cgroup caps
	for t in cgroup ipc mnt net pid user uts; do
		assert_kv "$t" "$(ns_inode "$t" "$pid")"
	done
	[ "$(kv user)" != "$(ns_inode user)" ]
	[ "$(kv cgroup)" != "$(ns_inode cgroup)" ]
	assert_kv uid 0
	# Root in the container is uid 100000 on the host, with the config's capabilities.
	[ "$(kv CapEff)" != 0000000000000000 ]
	# In its cgroup namespace the process sees its cgroup as the root.
	grep -q '^cgroup=0::/$' <<<"$output" || { echo "$output"; false; }
	run ! grep -Eq '^cgroup=[0-9]+:[^:]*:/.+' <<<"$output"
	runtime exec -d --pid-file "$TEST_DIR/u.pid" "$ID" /probe signal-wait \
		</dev/null >"$TEST_DIR/u.out" 2>&1
	local epid
	epid="$(cat "$TEST_DIR/u.pid")"
	[ "$(awk '/^Uid:/ { print $2 }' "/proc/$epid/status")" = 100000 ]
	[ "$(cat "/proc/$epid/cgroup")" = "$(cat "/proc/$pid/cgroup")" ]
	kill -KILL "$epid"
	run -0 runtime exec -u 1000 "$ID" /probe ids
	assert_kv uid 1000
}

@test "exec into a created (not yet started) container works, as with runc" {
	set_args /probe signal-wait
	create_ctr "$ID"
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	run -0 runtime exec "$ID" /probe ids
	assert_kv uid 0
	[ "$(state_field "$ID" status)" = created ]
}

@test "exec into a stopped or missing container is refused" {
	set_args /probe exit 0
	run_d "$ID"
	wait_status "$ID" stopped
	run runtime exec "$ID" /probe ids
	assert_error "stopped"
	if is_skiff; then
		assert_output_has "container not running"
	fi
	run runtime exec nosuchcontainer /probe ids
	assert_error "does not exist"
}

@test "exec into a paused container is refused without --ignore-paused" {
	start_ctr
	run runtime pause "$ID"
	[ "$status" -eq 0 ] || skip "pause is not available: $output"
	run runtime exec "$ID" /probe ids
	assert_error "paused"
	# --ignore-paused: the process joins the frozen cgroup and runs once resumed; the exec
	# must not keep resume out meanwhile.
	"$RUNTIME" --root "$ROOT" exec --ignore-paused "$ID" /probe ids >"$TEST_DIR/p.out" 2>&1 &
	local epid=$! rc=0
	sleep 0.5
	[ ! -s "$TEST_DIR/p.out" ]
	timeout 10 "$RUNTIME" --root "$ROOT" resume "$ID"
	wait "$epid" || rc=$?
	[ "$rc" -eq 0 ] || { cat "$TEST_DIR/p.out"; false; }
	grep -qx 'uid=0' "$TEST_DIR/p.out"
	run -0 runtime exec "$ID" /probe ids
}

@test "exec: 50 concurrent execs into one container" {
	start_ctr
	local i pids=() fail=0
	for i in $(seq 50); do
		runtime exec "$ID" sh -c "echo exec-$i" >"$TEST_DIR/c$i.out" 2>&1 &
		pids+=($!)
	done
	for i in "${!pids[@]}"; do
		wait "${pids[$i]}" || fail=$((fail + 1))
	done
	[ "$fail" -eq 0 ]
	for i in $(seq 50); do
		[ "$(cat "$TEST_DIR/c$i.out")" = "exec-$i" ] || { cat "$TEST_DIR/c$i.out"; false; }
	done
	[ "$(procs_in_cgroup "$ID" | wc -l)" -eq 1 ]
}

@test "exec --cgroup puts the process in an existing sub-cgroup" {
	start_ctr
	local pid dirs d
	pid="$(state_field "$ID" pid)"
	# The container's directory in every hierarchy (the same name everywhere here).
	dirs="$(find /sys/fs/cgroup -maxdepth 4 -type d -name "$ID")"
	[ -n "$dirs" ] || skip "the container has no cgroup directories"
	for d in $dirs; do
		mkdir "$d/sub"
		# a v1 cpuset needs its cpus and mems before a process can join
		if [ -e "$d/sub/cpuset.cpus" ]; then
			cat "$d/cpuset.cpus" >"$d/sub/cpuset.cpus"
			cat "$d/cpuset.mems" >"$d/sub/cpuset.mems"
		fi
	done
	run runtime exec --cgroup sub "$ID" /probe cgroup
	for d in $dirs; do rmdir "$d/sub" 2>/dev/null || true; done
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	# Every hierarchy of the init shows the process one level deeper.
	local n
	n="$(grep -c '^[0-9]' "/proc/$pid/cgroup")"
	[ "$(grep -c "/$ID/sub\$" <<<"$output")" -eq "$n" ] || { echo "$output"; false; }
	run runtime exec --cgroup nosuch "$ID" /probe cgroup
	assert_error nosuch
}

@test "exec: the setup process cannot be opened from the container (CVE-2019-5736)" {
	load cve-helpers
	copy_runtime
	install_attack exe
	# The attacker is the container's init; every exec clone joins its pid namespace.
	set_args /exe "$RUNTIME_COPY_ID" 6
	run_d "$ID"
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	local i
	for i in $(seq 40); do
		runtime_copy exec "$ID" /bin/true >/dev/null 2>&1 || true
		grep -q '^found=' "$TEST_DIR/$ID.out" && break
	done
	wait_status "$ID" stopped 20
	run cat "$TEST_DIR/$ID.out"
	echo "$output"
	assert_output_lacks "exe_write=ok"
	if [ "$(kv found)" -gt 0 ]; then
		[ "$(kv denied)" -ge 1 ]
	fi
	assert_runtime_copy_intact
}

@test "exec into a container with a time namespace sees its clock offsets" {
	requires_ns time
	update_config '.linux.namespaces += [{"type": "time"}] |
		.linux.timeOffsets = {"boottime": {"secs": 86400}, "monotonic": {"secs": 86400}}'
	set_args /probe signal-wait
	run_d "$ID"
	if [ "$status" -ne 0 ]; then
		is_skiff || skip "$(runtime_name) cannot create a time namespace: $output"
		echo "$output"
		false
	fi
	wait_for_file "$TEST_DIR/$ID.out"
	local pid
	pid="$(state_field "$ID" pid)"
	run -0 runtime exec "$ID" /probe ns uptime
	assert_kv time "$(ns_inode time "$pid")"
	# A day ahead of the host's boot time.
	local up host
	up="$(kv uptime | cut -d. -f1)"
	host="$(cut -d. -f1 /proc/uptime)"
	[ "$up" -ge $((host + 86000)) ] || { echo "uptime $up, host $host"; false; }
}
