# SPDX-License-Identifier: Apache-2.0
# Shared setup for the bats suite: a fresh bundle (busybox-static rootfs + /probe + config.json)
# and a private --root per test, the `runtime` wrapper, config editing with jq, and the
# leftover checks (state dir, mounts, cgroups, processes) run after every test.
# RUNTIME selects the binary (default: $SKIFF_BUILDDIR/skiff), so the same tests run against
# skiff, runc and crun.

bats_require_minimum_version 1.5.0

INTEGRATION_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

if [ -z "${RUNTIME:-}" ]; then
	if [ -n "${SKIFF_BUILDDIR:-}" ]; then
		RUNTIME="$SKIFF_BUILDDIR/skiff"
	elif [ -x "$INTEGRATION_DIR/../../skiff" ]; then
		RUNTIME="$(cd "$INTEGRATION_DIR/../.." && pwd)/skiff"
	else
		RUNTIME="$(command -v skiff || echo skiff)"
	fi
fi
export RUNTIME

BUSYBOX="${BUSYBOX:-/bin/busybox}"
TEST_CACHE="${SKIFF_TEST_CACHE:-${SKIFF_BUILDDIR:-${TMPDIR:-/tmp}}/.skiff-bats-cache-$(id -u)}"

# Which runtime is under test: skiff-specific assertions are guarded with `if is_skiff`.
runtime_name() {
	if [ -z "${RUNTIME_NAME:-}" ]; then
		local v
		v="$("$RUNTIME" --version 2>/dev/null | head -n1)"
		case "$v" in
		*skiff*) RUNTIME_NAME=skiff ;;
		*runc*) RUNTIME_NAME=runc ;;
		*crun*) RUNTIME_NAME=crun ;;
		*) RUNTIME_NAME=unknown ;;
		esac
		export RUNTIME_NAME
	fi
	echo "$RUNTIME_NAME"
}
# runtime_version: the version number from the first line of --version.
runtime_version() {
	"$RUNTIME" --version 2>/dev/null | awk 'NR == 1 { print $NF; exit }'
}
is_skiff() { [ "$(runtime_name)" = skiff ]; }
is_runc() { [ "$(runtime_name)" = runc ]; }
is_crun() { [ "$(runtime_name)" = crun ]; }

# runtime ARGS...: the runtime under test with this test's private state root.
runtime() {
	"$RUNTIME" --root "$ROOT" "$@"
}

# Build /probe (static) into the cache when missing or older than its source; atomic, so
# parallel bats jobs do not see a half-written binary.
build_probe() {
	local src="$INTEGRATION_DIR/probe.c" out="$TEST_CACHE/probe"
	mkdir -p "$TEST_CACHE"
	if [ ! -x "$out" ] || [ "$src" -nt "$out" ]; then
		local tmp="$out.$$.$RANDOM"
		cc -static -O2 -Wall -o "$tmp" "$src" || return 1
		mv -f "$tmp" "$out"
	fi
}

# recvtty_bin: the console-socket receiver; the one make check built, else built into the cache.
recvtty_bin() {
	local built="${SKIFF_BUILDDIR:-/nonexistent}/tests/integration/recvtty"
	local src="$INTEGRATION_DIR/recvtty.c" out="$TEST_CACHE/recvtty"
	if [ -x "$built" ] && { [ ! -e "$src" ] || [ ! "$src" -nt "$built" ]; }; then
		echo "$built"
		return 0
	fi
	[ -e "$src" ] || return 1
	if [ ! -x "$out" ] || [ "$src" -nt "$out" ]; then
		local tmp="$out.$$.$RANDOM"
		cc -O2 -o "$tmp" "$src" >&2 || return 1
		mv -f "$tmp" "$out"
	fi
	echo "$out"
}

# The template rootfs: busybox with all applet links, /probe, /etc/passwd and /etc/group.
# Rebuilt when probe or busybox is newer than it.
build_template_rootfs() {
	local tpl="$TEST_CACHE/rootfs"
	build_probe || return 1
	if [ -e "$tpl/.complete" ] && [ ! "$TEST_CACHE/probe" -nt "$tpl/.complete" ] &&
		[ ! "$BUSYBOX" -nt "$tpl/.complete" ]; then
		return 0
	fi
	local tmp="$TEST_CACHE/rootfs.$$.$RANDOM" a
	mkdir -p "$tmp"/{bin,sbin,etc,proc,sys,dev,tmp,root,home/user,var,run}
	chmod 1777 "$tmp/tmp"
	cp "$BUSYBOX" "$tmp/bin/busybox"
	for a in $("$BUSYBOX" --list); do
		[ "$a" = busybox ] || ln -s busybox "$tmp/bin/$a"
	done
	ln -s bin "$tmp/usr" 2>/dev/null || true
	cp "$TEST_CACHE/probe" "$tmp/probe"
	cat >"$tmp/etc/passwd" <<-'EOF'
		root:x:0:0:root:/root:/bin/sh
		daemon:x:1:1:daemon:/usr/sbin:/bin/false
		user:x:1000:1000:user:/home/user:/bin/sh
		nobody:x:65534:65534:nobody:/nonexistent:/bin/false
	EOF
	cat >"$tmp/etc/group" <<-'EOF'
		root:x:0:
		daemon:x:1:
		tty:x:5:
		users:x:100:user
		user:x:1000:
		extra:x:2000:user
		nogroup:x:65534:
	EOF
	touch "$tmp/.complete"
	rm -rf "$tpl.old"
	[ -e "$tpl" ] && mv "$tpl" "$tpl.old.$$.$RANDOM"
	if ! mv -T "$tmp" "$tpl" 2>/dev/null; then
		rm -rf "$tmp"
	fi
	rm -rf "$TEST_CACHE"/rootfs.old.* 2>/dev/null || true
}

# The base config.json: close to `runc spec` minus the terminal; tests change it with
# update_config. SKIFF_TEST_TAG in the env lets teardown find stray container processes.
write_base_config() {
	cat >"$BUNDLE/config.json" <<-EOF
		{
		  "ociVersion": "1.0.2",
		  "process": {
		    "terminal": false,
		    "user": { "uid": 0, "gid": 0 },
		    "args": [ "/probe", "ids" ],
		    "env": [
		      "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
		      "SKIFF_TEST_TAG=$TEST_TAG"
		    ],
		    "cwd": "/",
		    "capabilities": {
		      "bounding": $DEFAULT_CAPS,
		      "effective": $DEFAULT_CAPS,
		      "permitted": $DEFAULT_CAPS
		    },
		    "rlimits": [ { "type": "RLIMIT_NOFILE", "hard": 1024, "soft": 1024 } ],
		    "noNewPrivileges": false
		  },
		  "root": { "path": "rootfs", "readonly": false },
		  "hostname": "skiff-test",
		  "mounts": [
		    { "destination": "/proc", "type": "proc", "source": "proc" },
		    { "destination": "/dev", "type": "tmpfs", "source": "tmpfs",
		      "options": [ "nosuid", "strictatime", "mode=755", "size=65536k" ] },
		    { "destination": "/dev/pts", "type": "devpts", "source": "devpts",
		      "options": [ "nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5" ] },
		    { "destination": "/dev/shm", "type": "tmpfs", "source": "shm",
		      "options": [ "nosuid", "noexec", "nodev", "mode=1777", "size=65536k" ] },
		    { "destination": "/dev/mqueue", "type": "mqueue", "source": "mqueue",
		      "options": [ "nosuid", "noexec", "nodev" ] },
		    { "destination": "/sys", "type": "sysfs", "source": "sysfs",
		      "options": [ "nosuid", "noexec", "nodev", "ro" ] }
		  ],
		  "linux": {
		    "namespaces": [
		      { "type": "pid" }, { "type": "network" }, { "type": "ipc" },
		      { "type": "uts" }, { "type": "mount" }
		    ],
		    "maskedPaths": [ "/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys",
		      "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats",
		      "/proc/sched_debug", "/sys/firmware", "/proc/scsi" ],
		    "readonlyPaths": [ "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys",
		      "/proc/sysrq-trigger" ]
		  }
		}
	EOF
}

DEFAULT_CAPS='["CAP_CHOWN","CAP_DAC_OVERRIDE","CAP_FSETID","CAP_FOWNER","CAP_MKNOD","CAP_NET_RAW","CAP_SETGID","CAP_SETUID","CAP_SETFCAP","CAP_SETPCAP","CAP_NET_BIND_SERVICE","CAP_SYS_CHROOT","CAP_KILL","CAP_AUDIT_WRITE"]'

# update_config JQ_FILTER [--arg ...]: edit $BUNDLE/config.json in place.
update_config() {
	local filter="$1"
	shift
	local tmp="$BUNDLE/config.json.tmp"
	jq "$@" "$filter" "$BUNDLE/config.json" >"$tmp" || {
		echo "update_config: jq failed on: $filter" >&2
		return 1
	}
	mv "$tmp" "$BUNDLE/config.json"
}

# set_args ARG...: the container's process.args.
set_args() {
	update_config '.process.args = $a' --argjson a "$(jq -cn '$ARGS.positional' --args -- "$@")"
}

setup_bundle() {
	[ -x "$RUNTIME" ] || command -v "$RUNTIME" >/dev/null ||
		{ echo "RUNTIME=$RUNTIME is not executable" >&2; return 1; }
	build_template_rootfs || return 1
	TEST_DIR="$(mktemp -d "${TMPDIR:-/tmp}/skiff-bats.XXXXXX")"
	chmod 755 "$TEST_DIR"
	BUNDLE="$TEST_DIR/bundle"
	ROOTFS="$BUNDLE/rootfs"
	ROOT="$TEST_DIR/root"
	TEST_TAG="$(basename "$TEST_DIR")"
	mkdir -p "$BUNDLE" "$ROOT"
	cp -a "$TEST_CACHE/rootfs" "$ROOTFS"
	rm -f "$ROOTFS/.complete"
	write_base_config
	# Unique per test and short (it names cgroup directories).
	ID="bt${BATS_SUITE_TEST_NUMBER:-0}-${TEST_TAG#skiff-bats.}"
	export BUNDLE ROOTFS ROOT TEST_DIR TEST_TAG ID
}

# new_id: another unique container id for this test (prints it).
new_id() {
	echo "$ID-$RANDOM$RANDOM"
}

setup() {
	setup_bundle
}

teardown() {
	teardown_bundle
}

# Delete every container this test left in its root, then fail if anything remains.
teardown_bundle() {
	[ -n "${ROOT:-}" ] || return 0
	local ids id
	if declare -F test_cleanup >/dev/null; then
		test_cleanup || true
	fi
	ids="$( (runtime list -q 2>/dev/null; ls -1 "$ROOT" 2>/dev/null) | sort -u)"
	for id in $ids; do
		runtime delete -f "$id" >/dev/null 2>&1 || runtime kill "$id" KILL >/dev/null 2>&1 || true
		runtime delete -f "$id" >/dev/null 2>&1 || true
	done
	local problems
	# Every id of this test starts with $ID (see new_id), even ones whose state is gone.
	problems="$(
		leftover_processes
		leftover_state
		leftover_mounts
		leftover_cgroups "$ID*"
	)"
	if [ -n "$problems" ]; then
		echo "# leftovers after test:" >&2
		echo "$problems" >&2
		kill_leftover_processes
		umount_leftovers
		rmdir_leftover_cgroups
		[ -n "${SKIFF_TEST_KEEP:-}" ] || rm -rf "$TEST_DIR" 2>/dev/null
		return 1
	fi
	rm -rf "$TEST_DIR"
}

# leftover_state: prints the entries left under $ROOT (nothing when clean).
leftover_state() {
	local e
	for e in "$ROOT"/* "$ROOT"/.[!.]*; do
		[ -e "$e" ] || [ -L "$e" ] || continue
		echo "state: $e"
	done
}

# leftover_mounts: mounts of this test's bundle still in the host mount table.
leftover_mounts() {
	grep -F "$TEST_DIR" /proc/self/mountinfo | sed 's/^/mount: /' || true
}

# leftover_cgroups ID: cgroup directories named after ID anywhere in the host hierarchies.
leftover_cgroups() {
	local id="$1"
	find /sys/fs/cgroup/ -mindepth 1 -maxdepth 6 -type d -name "$id" 2>/dev/null |
		sort -u | sed 's/^/cgroup: /' || true
}

# The pids of processes belonging to this test: the container processes carry SKIFF_TEST_TAG
# in their environment, and any process of another mount namespace whose mounts come from this
# test's directory (a container init still blocked before execve) belongs to it too. Field 4 of
# mountinfo is the root of the mount within its filesystem: the bundle's rootfs for a
# container's /. (Field 5, the mount point, would also match host mounts that propagated into
# other namespaces.) A few processes in total, not a few per pid: this runs after every test.
test_pids() {
	local myns
	myns="$(stat -L -c %i /proc/self/ns/mnt)"
	{
		grep -lsF "SKIFF_TEST_TAG=$TEST_TAG" /proc/[0-9]*/environ 2>/dev/null | cut -d/ -f3
		stat -L -c '%n %i' /proc/[0-9]*/ns/mnt 2>/dev/null |
			awk -v me="$myns" '$2 != me { split($1, a, "/"); print "/proc/" a[3] "/mountinfo" }' |
			xargs -r awk -v d="$TEST_DIR" \
				'index($4, d) == 1 { split(FILENAME, a, "/"); print a[3]; nextfile }' 2>/dev/null
	} | sort -u | grep -vx -e "$$" -e "${BASHPID:-$$}" || true
}

leftover_processes() {
	local pid
	for pid in $(test_pids); do
		[ -e "/proc/$pid" ] || continue
		# A zombie already reaped between the scan and now is fine.
		grep -q '^State:.*Z' "/proc/$pid/status" 2>/dev/null && continue
		echo "process: $pid $(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)"
	done
}

kill_leftover_processes() {
	local pid i
	for pid in $(test_pids); do
		kill -9 "$pid" 2>/dev/null || true
	done
	for i in $(seq 50); do
		[ -z "$(test_pids)" ] && break
		sleep 0.1
	done
}

rmdir_leftover_cgroups() {
	find /sys/fs/cgroup/ -mindepth 1 -maxdepth 6 -depth -type d -name "$ID*" \
		-exec rmdir {} \; 2>/dev/null || true
}

umount_leftovers() {
	local m
	for m in $(awk -v d="$TEST_DIR" 'index($5, d) == 1 { print $5 }' /proc/self/mountinfo | sort -r); do
		umount -l "$m" 2>/dev/null || true
	done
}

# assert_no_leftovers ID: after a failed create, nothing of ID may remain.
assert_no_leftovers() {
	local id="$1" problems
	problems="$(
		[ ! -e "$ROOT/$id" ] || echo "state: $ROOT/$id is still there"
		leftover_cgroups "$id"
		leftover_mounts
		leftover_processes
	)"
	if [ -n "$problems" ]; then
		echo "leftovers of $id:" >&2
		echo "$problems" >&2
		return 1
	fi
	# Not `run`: callers check $output of the failed command after this.
	if runtime state "$id" >/dev/null 2>&1; then
		echo "state $id still works" >&2
		return 1
	fi
}

# create_ctr [CREATE_FLAGS...] ID: create with the container's stdio on files in $TEST_DIR
# (a container holding bats' output pipe would hang `run`). Sets status, and output to what the
# runtime wrote on stderr.
create_ctr() {
	local id="${!#}"
	status=0
	# 3>&-: bats waits for its fd 3 to close; a container must never hold it.
	runtime create --bundle "$BUNDLE" "$@" </dev/null >"$TEST_DIR/$id.out" 2>"$TEST_DIR/$id.err" 3>&- ||
		status=$?
	output="$(cat "$TEST_DIR/$id.err")"
	return 0
}

# run_d [RUN_FLAGS...] ID: `run -d` with the container's stdio on files, like create_ctr.
run_d() {
	local id="${!#}"
	status=0
	runtime run -d --bundle "$BUNDLE" "$@" </dev/null >"$TEST_DIR/$id.out" 2>"$TEST_DIR/$id.err" 3>&- ||
		status=$?
	output="$(cat "$TEST_DIR/$id.err")"
	return 0
}

# ctr_output ID: what the container wrote on stdout (after create_ctr/run_d).
ctr_output() {
	cat "$TEST_DIR/$1.out"
}

# run_ctr [RUN_FLAGS...]: run the bundle in the foreground as $ID; sets status/output.
run_ctr() {
	run runtime run --bundle "$BUNDLE" "$@" "$ID"
}

# state_field ID FIELD: one field of `state ID`.
state_field() {
	runtime state "$1" | jq -r ".$2"
}

# wait_status ID STATUS [TIMEOUT_S]: poll `state` until the container has STATUS.
wait_status() {
	local id="$1" want="$2" tries=$((${3:-10} * 20)) s
	while [ $tries -gt 0 ]; do
		s="$(runtime state "$id" 2>/dev/null | jq -r .status 2>/dev/null)"
		[ "$s" = "$want" ] && return 0
		sleep 0.05
		tries=$((tries - 1))
	done
	echo "container $id: status '$s', want '$want'" >&2
	return 1
}

# wait_for_file PATH [TIMEOUT_S]
wait_for_file() {
	local tries=$((${2:-10} * 20))
	while [ ! -s "$1" ] && [ $tries -gt 0 ]; do
		sleep 0.05
		tries=$((tries - 1))
	done
	[ -s "$1" ]
}

# kv KEY: the value of KEY=... in $output (the first match).
kv() {
	local line
	for line in "${lines[@]}"; do
		if [ "${line%%=*}" = "$1" ]; then
			echo "${line#*=}"
			return 0
		fi
	done
	return 1
}

# assert_kv KEY VALUE: $output has KEY=VALUE.
assert_kv() {
	local got
	got="$(kv "$1")" || { echo "no '$1=' in output: $output" >&2; return 1; }
	[ "$got" = "$2" ] || { echo "$1: got '$got', want '$2'" >&2; return 1; }
}

# assert_output_has TEXT / assert_output_lacks TEXT
assert_output_has() {
	[[ "$output" == *"$1"* ]] || { echo "output lacks '$1': $output" >&2; return 1; }
}
assert_output_lacks() {
	[[ "$output" != *"$1"* ]] || { echo "output has '$1': $output" >&2; return 1; }
}

# assert_error TEXT: the last command failed with one clear error line mentioning TEXT.
# Against skiff the error must be exactly one line; other runtimes may add noise before it.
assert_error() {
	[ "$status" -ne 0 ] || { echo "expected failure, got status 0: $output" >&2; return 1; }
	[ -n "$output" ] || { echo "no error message" >&2; return 1; }
	if is_skiff; then
		local n
		n="$(printf '%s\n' "$output" | grep -c .)"
		[ "$n" -eq 1 ] || { echo "want one error line, got $n: $output" >&2; return 1; }
	fi
	if [ -n "${1:-}" ]; then
		[[ "$output" == *"$1"* ]] || { echo "error lacks '$1': $output" >&2; return 1; }
	fi
}

# requires_kernel_ns TYPE: skip when the kernel has no such namespace.
requires_ns() {
	[ -e "/proc/self/ns/$1" ] || skip "kernel has no $1 namespace"
}

# cap_mask CAP_NAME...: the /proc/self/status hex mask (16 digits) of these capabilities.
cap_mask() {
	local -A num=([CAP_CHOWN]=0 [CAP_DAC_OVERRIDE]=1 [CAP_DAC_READ_SEARCH]=2 [CAP_FOWNER]=3
		[CAP_FSETID]=4 [CAP_KILL]=5 [CAP_SETGID]=6 [CAP_SETUID]=7 [CAP_SETPCAP]=8
		[CAP_LINUX_IMMUTABLE]=9 [CAP_NET_BIND_SERVICE]=10 [CAP_NET_BROADCAST]=11
		[CAP_NET_ADMIN]=12 [CAP_NET_RAW]=13 [CAP_IPC_LOCK]=14 [CAP_IPC_OWNER]=15
		[CAP_SYS_MODULE]=16 [CAP_SYS_RAWIO]=17 [CAP_SYS_CHROOT]=18 [CAP_SYS_PTRACE]=19
		[CAP_SYS_PACCT]=20 [CAP_SYS_ADMIN]=21 [CAP_SYS_BOOT]=22 [CAP_SYS_NICE]=23
		[CAP_SYS_RESOURCE]=24 [CAP_SYS_TIME]=25 [CAP_SYS_TTY_CONFIG]=26 [CAP_MKNOD]=27
		[CAP_LEASE]=28 [CAP_AUDIT_WRITE]=29 [CAP_AUDIT_CONTROL]=30 [CAP_SETFCAP]=31
		[CAP_MAC_OVERRIDE]=32 [CAP_MAC_ADMIN]=33 [CAP_SYSLOG]=34 [CAP_WAKE_ALARM]=35
		[CAP_BLOCK_SUSPEND]=36 [CAP_AUDIT_READ]=37 [CAP_PERFMON]=38 [CAP_BPF]=39
		[CAP_CHECKPOINT_RESTORE]=40)
	local m=0 c
	for c in "$@"; do
		m=$((m | (1 << ${num[$c]})))
	done
	printf '%016x\n' "$m"
}

# host_ns_inode TYPE [PID]: the inode of a namespace of PID (default: this shell).
ns_inode() {
	stat -L -c %i "/proc/${2:-self}/ns/$1"
}
