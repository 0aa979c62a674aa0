#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# One regression test per known container-runtime escape (runc/crun CVEs): each test mounts
# the attack from inside a container (or from a hostile rootfs) and asserts that the attack
# fails and that the host is untouched. Attack programs live in attack/*.c (built static on
# demand); helpers in cve-helpers.bash. The tests run against any RUNTIME=.

load helpers
load cve-helpers

# Joins the pid namespace of container $1 (its pid) in bundle $2's config.
join_pid_ns() {
	update_config_in "$2" '.linux.namespaces |= map(if .type == "pid" then .path = $p else . end)' \
		--arg p "/proc/$1/ns/pid"
}

# wait_attacker OUT: until the exe attacker has printed its verdict (it gives up after the
# time it was given), so that the test never passes by killing it first.
wait_attacker() {
	local i
	for i in $(seq 300); do
		grep -q '^exe_write=' "$1" && return 0
		sleep 0.1
	done
	echo "the attacker gave no verdict" >&2
	return 1
}

# --- CVE-2019-5736: overwriting the host runtime binary through /proc/<pid>/exe ----------

@test "CVE-2019-5736: a #!/proc/self/exe entrypoint does not expose the runtime binary" {
	copy_runtime
	install_attack exe
	install_libs "$RUNTIME_COPY"
	printf '#!/proc/self/exe\n' >"$ROOTFS/evil.sh"
	chmod 755 "$ROOTFS/evil.sh"

	# The attacker: pid 1 of a pid namespace that the victim container joins.
	set_args /exe "$RUNTIME_COPY_ID" 20
	run_d "$ID"
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	wait_for_file "$TEST_DIR/$ID.out"
	local apid b i
	apid="$(state_field "$ID" pid)"
	b="$(second_bundle victim)"
	join_pid_ns "$apid" "$b"
	update_config_in "$b" '.process.args = ["/evil.sh"]'
	# The victim's process executes whatever /proc/self/exe is when the runtime calls
	# execve: with a re-exec'd or cloned runtime that is the runtime binary itself.
	for i in $(seq 10); do
		"$RUNTIME_COPY" --root "$ROOT" run --bundle "$b" "$ID-v$i" </dev/null \
			>"$TEST_DIR/victim.out" 2>&1 || true
		"$RUNTIME" --root "$ROOT" delete -f "$ID-v$i" >/dev/null 2>&1 || true
		grep -q '^found\.' "$TEST_DIR/$ID.out" && break
	done
	# Give the attacker time to reopen what it holds once the victim has exited.
	wait_attacker "$TEST_DIR/$ID.out"
	runtime kill "$ID" KILL 2>/dev/null || true
	wait_status "$ID" stopped 25
	cat "$TEST_DIR/$ID.out"
	run cat "$TEST_DIR/$ID.out"

	assert_output_lacks "exe_write=ok"
	assert_runtime_copy_intact
}

@test "CVE-2019-5736: during create the runtime's process cannot be opened from the container" {
	copy_runtime
	install_attack exe
	set_args /exe "$RUNTIME_COPY_ID" 3
	run_d "$ID"
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	wait_for_file "$TEST_DIR/$ID.out"
	local apid b
	apid="$(state_field "$ID" pid)"
	b="$(second_bundle victim)"
	join_pid_ns "$apid" "$b"
	update_config_in "$b" '.process.args = ["/probe", "ids"]'
	# The victim stays created (its init a clone of the runtime, blocked before execve)
	# while the attacker scans; then it is deleted and the attacker tries to write.
	"$RUNTIME_COPY" --root "$ROOT" create --bundle "$b" "$ID-v" </dev/null \
		>"$TEST_DIR/victim.out" 2>&1
	wait_status "$ID" stopped 10
	runtime delete -f "$ID-v"
	run cat "$TEST_DIR/$ID.out"
	echo "$output"
	# The attacker saw the victim's process but could not open its executable.
	[ "$(kv found)" = 0 ]
	[ "$(kv denied)" -ge 1 ]
	assert_output_lacks "exe_write=ok"
	assert_runtime_copy_intact
}

@test "CVE-2019-5736: /proc/self/exe as the entrypoint does not reach the runtime binary" {
	copy_runtime
	install_attack exe
	install_libs "$RUNTIME_COPY"
	set_args /exe "$RUNTIME_COPY_ID" 20
	run_d "$ID"
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	wait_for_file "$TEST_DIR/$ID.out"
	local apid b i
	apid="$(state_field "$ID" pid)"
	b="$(second_bundle victim)"
	join_pid_ns "$apid" "$b"
	update_config_in "$b" '.process.args = ["/proc/self/exe", "--version"]'
	for i in $(seq 10); do
		"$RUNTIME_COPY" --root "$ROOT" run --bundle "$b" "$ID-v$i" </dev/null \
			>"$TEST_DIR/victim.out" 2>&1 || true
		"$RUNTIME" --root "$ROOT" delete -f "$ID-v$i" >/dev/null 2>&1 || true
		grep -q '^found\.' "$TEST_DIR/$ID.out" && break
	done
	wait_attacker "$TEST_DIR/$ID.out"
	runtime kill "$ID" KILL 2>/dev/null || true
	wait_status "$ID" stopped 25
	run cat "$TEST_DIR/$ID.out"
	echo "$output"
	assert_output_lacks "exe_write=ok"
	assert_runtime_copy_intact
}

@test "CVE-2019-5736: the container cannot open its own or pid 1's executable for writing" {
	set_args /probe write /proc/self/exe write /proc/1/exe
	run_ctr
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	# /probe is pid 1 and busy: ETXTBSY. What matters is that it is not "ok".
	[ "${lines[0]}" != "write=ok" ]
	[ "${lines[1]}" != "write=ok" ]
}

# --- CVE-2024-21626: leaked file descriptors and a cwd outside the container ------------

# fds_of PID: "N:target" for each open fd of a host process.
fds_of() {
	local f
	for f in /proc/"$1"/fd/*; do
		echo "${f##*/}:$(readlink "$f")"
	done
}

@test "CVE-2024-21626: a running container has only stdio open" {
	set_args /probe fds
	# The caller's own fds (a host directory on 5, a file on 6) must not reach the container.
	run -0 runtime run --bundle "$BUNDLE" "$ID" 5</ 6<"$BUNDLE/config.json"
	echo "$output"
	local fds
	fds="$(grep '^fd\.' <<<"$output" | cut -d= -f1 | sort | tr '\n' ' ')"
	[ "$fds" = "fd.0 fd.1 fd.2 " ]
}

@test "CVE-2024-21626: --preserve-fds passes exactly what was asked" {
	set_args /probe fds
	run -0 runtime run --bundle "$BUNDLE" --preserve-fds 1 "$ID" 3<"$BUNDLE/config.json" 4</
	echo "$output"
	local fds
	fds="$(grep '^fd\.' <<<"$output" | cut -d= -f1 | sort | tr '\n' ' ')"
	[ "$fds" = "fd.0 fd.1 fd.2 fd.3 " ]
	[[ "$(kv fd.3)" == */config.json ]]
}

@test "CVE-2024-21626: the --log file never lands in a --preserve-fds slot" {
	is_runc && skip "runc 1.1.5 passes its own --log file on as fd 3"
	set_args /probe fds
	# fd 3 is closed, so a log file opened first would sit there and be passed on as fd 3
	local flag
	for flag in "--preserve-fds 1" "--preserve-fds=1" "-preserve-fds 1"; do
		# shellcheck disable=SC2086
		run -0 "$RUNTIME" --root "$ROOT" --log "$TEST_DIR/skiff.log" run --bundle "$BUNDLE" \
			$flag "$(new_id)" 3>&-
		echo "$flag: $output"
		! grep -q 'skiff\.log' <<<"$output"
	done
}

@test "CVE-2024-21626: LISTEN_FDS slots the caller left empty get none of the runtime's fds" {
	set_args /probe fds
	# fds 3 and 4 are closed: whatever the runtime opens must not land there and be passed on.
	LISTEN_FDS=2 create_ctr "$ID" 4>&-
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	run -0 runtime start "$ID"
	wait_status "$ID" stopped
	run ctr_output "$ID"
	echo "$output"
	local line bad=""
	for line in "${lines[@]}"; do
		case "$line" in
		fd.[012]=*) ;;
		fd.*=/dev/null) ;;
		fd.*) bad="$bad $line" ;;
		esac
	done
	[ -z "$bad" ] || { echo "passed on:$bad"; false; }
}

@test "CVE-2024-21626: the created container's process holds no host directory and only close-on-exec fds" {
	set_args /probe fds
	create_ctr "$ID" 5</
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	local pid f n flags bad=""
	pid="$(state_field "$ID" pid)"
	fds_of "$pid"
	for f in /proc/"$pid"/fd/*; do
		n="${f##*/}"
		[ "$n" -le 2 ] && continue
		flags="$(awk '/^flags:/ { print $2 }' "/proc/$pid/fdinfo/$n")"
		# O_CLOEXEC is 02000000 in the octal flags field.
		if [ $((8#$flags & 8#2000000)) -eq 0 ]; then
			bad="$bad fd $n ($(readlink "$f")) is inherited by execve;"
		fi
		# A directory fd held by the waiting process is reachable through
		# /proc/<pid>/fd by anything that may ptrace it.
		if [ -d "$f" ]; then
			bad="$bad fd $n is the directory $(readlink "$f");"
		fi
	done
	[ -z "$bad" ] || { echo "$bad"; false; }
	run -0 runtime start "$ID"
	wait_status "$ID" stopped
	run ctr_output "$ID"
	local fds
	fds="$(grep '^fd\.' <<<"$output" | cut -d= -f1 | sort | tr '\n' ' ')"
	[ "$fds" = "fd.0 fd.1 fd.2 " ]
}

@test "CVE-2024-21626: process.cwd /proc/self/fd/N is refused or stays inside the container" {
	local n
	for n in 3 4 5 6 7 8 9 10; do
		update_config '.process.cwd = $c' --arg c "/proc/self/fd/$n"
		set_args /probe cwd create escaped-$n
		run runtime run --bundle "$BUNDLE" "$ID-$n" 5</ 6<"$TEST_DIR" 7</proc
		runtime delete -f "$ID-$n" >/dev/null 2>&1 || true
		if [ "$status" -eq 0 ]; then
			# Ran: then its cwd must be a path of the container's tree.
			[[ "$(kv cwd)" == /* ]] || { echo "cwd $n: $output"; false; }
		fi
		[ ! -e "/escaped-$n" ] && [ ! -e "$TEST_DIR/escaped-$n" ] &&
			[ ! -e "/proc/escaped-$n" ] || { echo "a file was created on the host"; false; }
	done
	[ -z "$(find / -xdev -maxdepth 3 -name 'escaped-*' 2>/dev/null)" ]
}

# --- CVE-2021-30465, CVE-2024-45310, CVE-2019-18837, CVE-2026-47766: symlinks in the rootfs

# hostile_link PATH KIND: replace PATH in the rootfs with a symlink to the host canary:
# KIND abs (an absolute host path) or rel (../../.. climbing out of the rootfs).
hostile_link() {
	local p="$ROOTFS$1" target="$CANARY$3"
	rm -rf "$p"
	mkdir -p "$(dirname "$p")"
	if [ "$2" = rel ]; then
		target="$(relative_to_host "$target")"
	fi
	ln -s "$target" "$p"
}

@test "CVE-2021-30465: /dev, a mount destination, a device path and cwd that are symlinks to the host stay inside" {
	make_canary
	no_dev_mounts
	update_config '.mounts += [{"destination": "/mnt/vol/sub", "type": "tmpfs", "source": "tmpfs"},
		{"destination": "/bindme/file", "type": "bind", "source": $f, "options": ["bind"]}]
		| .linux.devices = [{"path": "/devlink/evil", "type": "c", "major": 1, "minor": 3}]
		| .process.cwd = "/work/here"' --arg f "$BUNDLE/config.json"
	set_args /probe cwd mounts
	local kind
	for kind in abs rel; do
		hostile_link /dev "$kind" /dir
		hostile_link /mnt/vol "$kind" /dir
		hostile_link /bindme "$kind"
		hostile_link /devlink "$kind"
		hostile_link /work "$kind"
		run runtime run --bundle "$BUNDLE" "$ID-$kind"
		echo "$kind: status $status: $output"
		runtime delete -f "$ID-$kind" >/dev/null 2>&1 || true
		assert_canary_untouched
	done
}

@test "CVE-2024-45310: missing mount destinations under a symlink to the host are created inside the rootfs" {
	make_canary
	update_config '.mounts += [{"destination": "/a/b/c/d", "type": "tmpfs", "source": "tmpfs"},
		{"destination": "/f/g/file", "type": "bind", "source": $f, "options": ["bind"]}]' \
		--arg f "$BUNDLE/config.json"
	local kind
	for kind in abs rel; do
		hostile_link /a "$kind" /dir
		hostile_link /f "$kind" /dir
		set_args /probe mount /a/b/c/d
		run runtime run --bundle "$BUNDLE" "$ID-$kind"
		echo "$kind: status $status: $output"
		runtime delete -f "$ID-$kind" >/dev/null 2>&1 || true
		assert_canary_untouched
	done
}

@test "CVE-2019-18837: /proc and /sys as symlinks are refused with a clear error" {
	make_canary
	local what kind
	for what in /proc /sys; do
		for kind in abs rel inside; do
			rm -rf "$ROOTFS/proc" "$ROOTFS/sys"
			mkdir -p "$ROOTFS/proc" "$ROOTFS/sys"
			if [ "$kind" = inside ]; then
				rm -rf "$ROOTFS$what"
				ln -s /tmp "$ROOTFS$what"
			else
				hostile_link "$what" "$kind" /dir
			fi
			create_ctr "$ID-${what#/}-$kind"
			echo "$what $kind: $output"
			assert_error
			assert_no_leftovers "$ID-${what#/}-$kind"
			assert_canary_untouched
		done
	done
}

@test "CVE-2026-47766: swapping a directory for a host symlink while 20+ containers start touches nothing on the host" {
	make_canary
	local swap
	swap="$(attack_bin swap)"
	mkdir -p "$ROOTFS/race/dir/sub"
	# The other name: a symlink to the canary, exchanged with the directory in a loop.
	ln -s "$CANARY/dir" "$ROOTFS/race/link"
	update_config '.mounts += [{"destination": "/race/dir/sub", "type": "tmpfs", "source": "tmpfs"},
		{"destination": "/race/dir/new/deeper", "type": "tmpfs", "source": "tmpfs"},
		{"destination": "/race/dir/file", "type": "bind", "source": $f, "options": ["bind", "ro"]}]
		| .linux.devices = [{"path": "/race/dir/null", "type": "c", "major": 1, "minor": 3}]
		| .process.cwd = "/race/dir/cwd"' --arg f "$BUNDLE/config.json"
	set_args /probe cwd
	"$swap" "$ROOTFS/race/dir" "$ROOTFS/race/link" 20 >"$TEST_DIR/swap.out" 2>&1 &
	local spid=$! n=0 ok=0 i pids=()
	local end=$((SECONDS + 20))
	while [ $SECONDS -lt $end ] || [ $n -lt 24 ]; do
		for i in 1 2 3 4; do
			n=$((n + 1))
			(runtime run --bundle "$BUNDLE" "$ID-r$n" >"$TEST_DIR/r$n.out" 2>&1 &&
				echo ok >>"$TEST_DIR/ran"; runtime delete -f "$ID-r$n" >/dev/null 2>&1) &
			pids+=($!)
		done
		wait "${pids[@]}" 2>/dev/null || true
		pids=()
		[ $n -ge 200 ] && break
	done
	kill "$spid" 2>/dev/null || true
	wait "$spid" 2>/dev/null || true
	ok="$(wc -l <"$TEST_DIR/ran" 2>/dev/null || echo 0)"
	echo "$n containers, $ok ran; $(cat "$TEST_DIR/swap.out")"
	[ "$n" -ge 20 ]
	assert_canary_untouched
	# Nothing of the container's setup landed next to the rootfs either.
	local stray
	stray="$(find "$TEST_DIR" "$BUNDLE" -mindepth 1 -maxdepth 1 ! -name '*.out' ! -name ran \
		! -name root ! -name host-canary ! -name bundle ! -name rootfs ! -name config.json)"
	[ -z "$stray" ] || { echo "stray files: $stray"; false; }
}

# --- CVE-2019-16884, CVE-2019-19921, CVE-2023-27561, CVE-2025-52881: writes into /proc ----

@test "CVE-2019-19921: a sysctl write does not go to a file bind-mounted over /proc/sys" {
	echo "fake" >"$TEST_DIR/fake-sysctl"
	update_config '.mounts += [{"destination": "/proc/sys/kernel/domainname", "type": "bind",
		"source": $f, "options": ["bind"]}] | .linux.sysctl = {"kernel.domainname": "pwned"}' \
		--arg f "$TEST_DIR/fake-sysctl"
	set_args /probe hostname
	run runtime run --bundle "$BUNDLE" "$ID"
	echo "$output"
	[ "$(cat "$TEST_DIR/fake-sysctl")" = fake ]
	if [ "$status" -eq 0 ]; then
		assert_kv domainname pwned
	fi
}

@test "CVE-2025-52881: a sysctl write is not redirected to another procfs file by a bind mount" {
	local f=/proc/sys/fs/lease-break-time before
	before="$(cat "$f")"
	# The attack: another (global) procfs file mounted where the runtime writes a namespaced
	# sysctl; procfs checks by filesystem type alone let the write through.
	update_config '.mounts += [{"destination": "/proc/sys/kernel/domainname", "type": "bind",
		"source": $f, "options": ["bind"]}] | .linux.sysctl = {"kernel.domainname": "4242"}' \
		--arg f "$f"
	set_args /probe hostname
	run runtime run --bundle "$BUNDLE" "$ID"
	echo "$output"
	local after
	after="$(cat "$f")"
	[ "$after" = "$before" ] || echo "$before" >"$f"
	[ "$after" = "$before" ] || { echo "host $f changed from $before to $after"; false; }
}

@test "CVE-2023-27561: oom_score_adj and /proc/self/attr writes do not follow a fake /proc/self" {
	echo "fake" >"$TEST_DIR/fake-oom"
	update_config '.mounts += [{"destination": "/proc/self/oom_score_adj", "type": "bind",
		"source": $f, "options": ["bind"]}] | .process.oomScoreAdj = 123' \
		--arg f "$TEST_DIR/fake-oom"
	set_args /probe oom
	run runtime run --bundle "$BUNDLE" "$ID"
	echo "$output"
	[ "$(cat "$TEST_DIR/fake-oom")" = fake ]
}

@test "CVE-2019-16884: a procfs mounted over the container's /proc from a bind is not trusted for LSM writes" {
	# A tmpfs over /proc/self/attr-like paths: the runtime must not write its LSM label there.
	mkdir -p "$TEST_DIR/fakeattr"
	echo fake >"$TEST_DIR/fakeattr/exec"
	update_config '.mounts += [{"destination": "/proc/self/attr", "type": "bind",
		"source": $d, "options": ["rbind"]}]' --arg d "$TEST_DIR/fakeattr"
	set_args /probe ids
	run runtime run --bundle "$BUNDLE" "$ID"
	echo "$output"
	[ "$(cat "$TEST_DIR/fakeattr/exec")" = fake ]
	[ "$(ls "$TEST_DIR/fakeattr")" = exec ]
}

# --- CVE-2025-31133: masking through a /dev/null that is a symlink to a procfs file -------

@test "CVE-2025-31133: /dev/null as a symlink to core_pattern does not unmask it" {
	local before
	before="$(cat /proc/sys/kernel/core_pattern)"
	no_dev_mounts
	mkdir -p "$ROOTFS/dev"
	rm -f "$ROOTFS/dev/null"
	ln -s /proc/sys/kernel/core_pattern "$ROOTFS/dev/null"
	update_config '.linux.maskedPaths += ["/proc/sys/kernel/core_pattern"]'
	set_args /probe stat /proc/sys/kernel/core_pattern read /proc/sys/kernel/core_pattern
	run runtime run --bundle "$BUNDLE" "$ID"
	echo "$output"
	local after
	after="$(cat /proc/sys/kernel/core_pattern)"
	# A vulnerable runtime lets the container write the host's core_pattern: put it back.
	[ "$after" = "$before" ] || echo "$before" >/proc/sys/kernel/core_pattern
	[ "$after" = "$before" ] || { echo "host core_pattern changed to: $after"; false; }
	if [ "$status" -eq 0 ]; then
		# Masked with the real null device, not with what the rootfs's /dev/null names.
		assert_kv type char
		assert_kv rdev 1:3
		assert_kv read ""
	fi
}

# --- CVE-2025-52565: the console ---------------------------------------------------------

# with_console_socket CMD...: run CMD with a recvtty listener on $TEST_DIR/console.sock; the
# container's terminal output ends up in $TEST_DIR/tty.out.
start_recvtty() {
	local recvtty
	recvtty="$(recvtty_bin)" || skip "recvtty is not available"
	"$recvtty" --no-stdin "$TEST_DIR/console.sock" >"$TEST_DIR/tty.out" 2>"$TEST_DIR/tty.err" &
	RECVTTY_PID=$!
	local i=0
	while [ ! -S "$TEST_DIR/console.sock" ] && [ $i -lt 100 ]; do
		sleep 0.05
		i=$((i + 1))
	done
}

tty_output() {
	wait "$RECVTTY_PID" || true
	output="$(tr -d '\r' <"$TEST_DIR/tty.out")"
	mapfile -t lines <<<"$output"
}

@test "CVE-2025-52565: /dev/console is the container's own pty and no other pty is reachable" {
	update_config '.process.terminal = true'
	set_args /bin/sh -c '/probe tty stat /dev/console; ls /dev/pts | tr "\n" " "; echo'
	start_recvtty
	run_d --console-socket "$TEST_DIR/console.sock" "$ID"
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	wait_status "$ID" stopped
	tty_output
	echo "$output"
	[[ "$(kv tty0)" == /dev/pts/* ]]
	local pts="${lines[-1]}"
	# Only this container's devpts instance: ptmx and the console's pty.
	[ "$pts" = "0 ptmx " ] || [ "$pts" = "ptmx 0 " ]
	assert_kv type char
	assert_kv rdev 136:0
}

@test "CVE-2025-52565: /dev/pts/ptmx and /dev/console symlinks to host paths are not followed" {
	make_canary
	no_dev_mounts
	update_config '.process.terminal = true
		| .mounts += [{"destination": "/dev/pts", "type": "devpts", "source": "devpts",
			"options": ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620"]}]'
	mkdir -p "$ROOTFS/dev"
	ln -s "$CANARY/file" "$ROOTFS/dev/console"
	set_args /probe tty stat /dev/console
	start_recvtty
	run_d --console-socket "$TEST_DIR/console.sock" "$ID"
	echo "status $status: $output"
	[ "$status" -eq 0 ] && wait_status "$ID" stopped
	kill "$RECVTTY_PID" 2>/dev/null || true
	assert_canary_untouched
	runtime delete -f "$ID" >/dev/null 2>&1 || true

	# A rootfs whose /dev/pts/ptmx leads to the host's ptmx: no devpts mount in the config.
	update_config '.mounts |= map(select(.destination != "/dev/pts"))'
	rm -rf "$ROOTFS/dev/pts"
	mkdir -p "$ROOTFS/dev/pts"
	ln -s "$(relative_to_host /dev/ptmx)" "$ROOTFS/dev/pts/ptmx"
	start_recvtty
	run_d --console-socket "$TEST_DIR/console.sock" "$ID-2"
	echo "status $status: $output"
	kill "$RECVTTY_PID" 2>/dev/null || true
	# Resolved inside the rootfs, the link names nothing: a clear error.
	assert_error
	assert_canary_untouched
}

# --- CVE-2022-29162 / CVE-2022-27650: inheritable capabilities ---------------------------

@test "CVE-2022-29162: CapInh stays 0 with ambient capabilities but no inheritable set" {
	update_config '.process.capabilities.ambient = ["CAP_NET_BIND_SERVICE", "CAP_CHOWN"]
		| del(.process.capabilities.inheritable)'
	set_args /probe caps
	run_ctr
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	assert_kv CapInh 0000000000000000
	# Ambient needs inheritable: none can be raised.
	assert_kv CapAmb 0000000000000000
}

@test "CVE-2022-27650: CapInh is 0 with the default capability set and as a non-root user" {
	update_config '.process.user = {"uid": 1000, "gid": 1000}'
	set_args /probe caps
	run_ctr
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	assert_kv CapInh 0000000000000000
	assert_kv CapAmb 0000000000000000
	assert_kv CapEff 0000000000000000
	# exec: the exec engineer adds the same check for `exec` (with and without --cap).
}

# --- CVE-2023-25809: cgroupfs inside the container ---------------------------------------

@test "CVE-2023-25809: /sys/fs/cgroup is read-only unless the config asks rw" {
	update_config '.mounts += [{"destination": "/sys/fs/cgroup", "type": "cgroup",
		"source": "cgroup", "options": ["nosuid", "noexec", "nodev", "relatime"]}]'
	set_args /bin/sh -c '/probe mounts; for d in /sys/fs/cgroup /sys/fs/cgroup/*; do
		mkdir "$d/skiff-escape" 2>/dev/null && echo "mkdir=ok $d"; done; true'
	run_ctr
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	echo "$output"
	local cg
	cg="$(grep '^mount=/sys/fs/cgroup' <<<"$output")"
	[ -n "$cg" ]
	# Every cgroup mount (and the tmpfs holding v1 hierarchies) carries ro.
	[ -z "$(grep -v '^mount=[^ ]* [^ ]* ro[, ]' <<<"$cg")" ]
	assert_output_lacks "mkdir=ok"

	update_config '.mounts[-1].options += ["rw"]'
	set_args /probe mounts
	run_ctr
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	grep '^mount=/sys/fs/cgroup[^ ]* cgroup' <<<"$output" | grep -q ' rw[, ]'
}

# --- exec: the same rules for processes started in a running container ----------------

@test "exec: CVE-2024-21626 and CVE-2022-29162: an exec'd process has only stdio and CapInh 0" {
	set_args /probe signal-wait
	run_d "$ID"
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	wait_for_file "$TEST_DIR/$ID.out"
	run runtime exec "$ID" /probe fds caps 5</ 6<"$BUNDLE/config.json"
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	echo "$output"
	local fds
	fds="$(grep '^fd\.' <<<"$output" | cut -d= -f1 | sort | tr '\n' ' ')"
	[ "$fds" = "fd.0 fd.1 fd.2 " ]
	assert_kv CapInh 0000000000000000
	run runtime exec --cwd /proc/self/fd/5 "$ID" /probe cwd 5</
	if [ "$status" -eq 0 ]; then
		[[ "$(kv cwd)" == /* ]] || { echo "exec cwd: $output"; false; }
	fi
}

@test "exec: CVE-2019-5736: exec of /proc/self/exe does not expose the runtime binary" {
	copy_runtime
	install_attack exe
	install_libs "$RUNTIME_COPY"
	printf '#!/proc/self/exe\n' >"$ROOTFS/evil.sh"
	chmod 755 "$ROOTFS/evil.sh"
	set_args /exe "$RUNTIME_COPY_ID" 20
	run_d "$ID"
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	wait_for_file "$TEST_DIR/$ID.out"
	local i
	for i in $(seq 5); do
		"$RUNTIME_COPY" --root "$ROOT" exec "$ID" /evil.sh </dev/null >/dev/null 2>&1 || true
		"$RUNTIME_COPY" --root "$ROOT" exec "$ID" /proc/self/exe --version </dev/null \
			>/dev/null 2>&1 || true
		grep -q '^found\.' "$TEST_DIR/$ID.out" && break
	done
	wait_attacker "$TEST_DIR/$ID.out"
	runtime kill "$ID" KILL 2>/dev/null || true
	wait_status "$ID" stopped 25
	run cat "$TEST_DIR/$ID.out"
	echo "$output"
	assert_output_lacks "exe_write=ok"
	assert_runtime_copy_intact
}
