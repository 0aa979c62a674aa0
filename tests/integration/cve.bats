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
