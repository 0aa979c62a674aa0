#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# cgroups on a v1 or hybrid host: each resource set in config.json and read back from the
# host's cgroup files and from inside the container (cgroup namespace + cgroup mount), then
# changed with `update`; pause/resume, ps, events (stats and OOM), kill --all, and no cgroup
# left in any hierarchy after delete. The cgroup v2 / systemd variants run in tests/vm.

load helpers

# ctr_pids_at_least ID N: the container's pids (ps --format json), once there are N (5 s).
ctr_pids_at_least() {
	local tries=0 pids
	until [ "$(runtime ps --format json "$1" | jq length)" -ge "$2" ] || [ $tries -gt 50 ]; do
		sleep 0.1
		tries=$((tries + 1))
	done
	pids="$(runtime ps --format json "$1" | jq -r '.[]')"
	[ "$(wc -w <<<"$pids")" -ge "$2" ] || return 1
	echo "$pids"
}

# wait_pids_dead PID...: each pid is gone or a zombie within 5 s.
wait_pids_dead() {
	local p tries
	for p in "$@"; do
		tries=0
		while [ -e "/proc/$p" ] && ! grep -q '^State:.*Z' "/proc/$p/status" 2>/dev/null &&
			[ $tries -lt 100 ]; do
			sleep 0.05
			tries=$((tries + 1))
		done
		{ [ ! -e "/proc/$p" ] || grep -q '^State:.*Z' "/proc/$p/status"; } 2>/dev/null ||
			{ echo "pid $p survived" >&2; return 1; }
	done
}

# v1_mount CONTROLLER: the mount point of that v1 hierarchy (fails when not mounted).
v1_mount() {
	awk -v c="$1" '$0 ~ / - cgroup cgroup / { n = split($NF, o, ",");
		for (i = 1; i <= n; i++) if (o[i] == c) { print $5; found = 1; exit } }
		END { exit !found }' /proc/self/mountinfo
}

cgroup2_mount() {
	awk '$0 ~ / - cgroup2 / { print $5; exit }' /proc/self/mountinfo
}

setup() {
	v1_mount memory >/dev/null ||
		skip "needs v1 controllers (a legacy or hybrid host); tests/vm covers cgroup v2"
	setup_bundle
}

# The container's process runs a loop that dumps cgroup files (as it sees them) on request.
DUMPER='while :; do
	if [ -e /tmp/dump ]; then
		for f in $(cat /tmp/dump); do echo "$f=$(cat /sys/fs/cgroup/$f 2>&1)"; done >/tmp/out.new
		mv /tmp/out.new /tmp/out; rm -f /tmp/dump
	fi
	sleep 0.05
done'

# with_cgroup_view: a cgroup namespace and the cgroup filesystem at /sys/fs/cgroup, and the
# dumper as the process.
with_cgroup_view() {
	update_config '.linux.namespaces += [{"type": "cgroup"}]
		| .mounts += [{"destination": "/sys/fs/cgroup", "type": "cgroup", "source": "cgroup",
			"options": ["nosuid", "noexec", "nodev", "relatime", "ro"]}]'
	set_args sh -c "$DUMPER"
}

# inside FILE...: the files (relative to /sys/fs/cgroup) as the container reads them, as
# key=value lines in $output / $lines.
inside() {
	rm -f "$ROOTFS/tmp/out"
	echo "$*" >"$ROOTFS/tmp/dump.new"
	mv "$ROOTFS/tmp/dump.new" "$ROOTFS/tmp/dump"
	wait_for_file "$ROOTFS/tmp/out" 10 || { echo "the container did not answer" >&2; return 1; }
	output="$(cat "$ROOTFS/tmp/out")"
	mapfile -t lines <<<"$output"
}

ctr_pid() {
	runtime state "$1" | jq -r .pid
}

# cg_dir CONTROLLER [ID]: the host directory of the container's cgroup in that v1 hierarchy
# ("" for the cgroup2 one).
cg_dir() {
	local ctl="$1" pid mnt path
	pid="$(ctr_pid "${2:-$ID}")"
	if [ -z "$ctl" ]; then
		mnt="$(cgroup2_mount)"
		path="$(awk -F: '$1 == "0" { print $3 }' "/proc/$pid/cgroup")"
	else
		mnt="$(v1_mount "$ctl")"
		path="$(awk -F: -v c="$ctl" '{ n = split($2, a, ",");
			for (i = 1; i <= n; i++) if (a[i] == c) print $3 }' "/proc/$pid/cgroup")"
	fi
	[ -n "$mnt" ] && [ -n "$path" ] || { echo "no $ctl cgroup for $pid" >&2; return 1; }
	echo "$mnt$path"
}

# host_is CONTROLLER FILE VALUE [ID]
host_is() {
	local dir got
	dir="$(cg_dir "$1" "${4:-$ID}")" || return 1
	got="$(cat "$dir/$2")"
	[ "$got" = "$3" ] || { echo "host $dir/$2: got '$got', want '$3'" >&2; return 1; }
}

start_dumper() {
	with_cgroup_view
	run_d "$ID"
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
}

@test "memory: limit, reservation, swap, swappiness; update" {
	update_config '.linux.resources.memory = {"limit": 67108864, "reservation": 33554432,
		"swap": 134217728, "swappiness": 10}'
	start_dumper
	host_is memory memory.limit_in_bytes 67108864
	host_is memory memory.soft_limit_in_bytes 33554432
	host_is memory memory.swappiness 10
	local memsw=false
	[ -e "$(cg_dir memory)/memory.memsw.limit_in_bytes" ] && memsw=true
	$memsw && host_is memory memory.memsw.limit_in_bytes 134217728
	inside memory/memory.limit_in_bytes memory/memory.soft_limit_in_bytes memory/memory.swappiness
	assert_kv memory/memory.limit_in_bytes 67108864
	assert_kv memory/memory.soft_limit_in_bytes 33554432
	assert_kv memory/memory.swappiness 10

	# raising the limit above the old memsw needs the swap written first: the runtime orders it
	if $memsw; then
		run -0 runtime update --memory 256m --memory-swap 512m --memory-reservation 128m "$ID"
		host_is memory memory.memsw.limit_in_bytes 536870912
	else
		run -0 runtime update --memory 256m --memory-reservation 128m "$ID"
	fi
	host_is memory memory.limit_in_bytes 268435456
	host_is memory memory.soft_limit_in_bytes 134217728
	inside memory/memory.limit_in_bytes
	assert_kv memory/memory.limit_in_bytes 268435456
	# and down again, from a resources file on stdin
	run -0 runtime update -r - "$ID" <<<'{"memory": {"limit": 50331648, "swap": 50331648}}'
	host_is memory memory.limit_in_bytes 50331648
	$memsw && host_is memory memory.memsw.limit_in_bytes 50331648
	true
}

@test "cpu: shares, quota, period, cpus, mems; update" {
	local last=$(($(nproc) - 1))
	update_config '.linux.resources.cpu = {"shares": 512, "quota": 50000, "period": 100000,
		"cpus": "0", "mems": "0"}'
	start_dumper
	host_is cpu cpu.shares 512
	host_is cpu cpu.cfs_quota_us 50000
	host_is cpu cpu.cfs_period_us 100000
	host_is cpuset cpuset.cpus 0
	host_is cpuset cpuset.mems 0
	inside cpu/cpu.shares cpu/cpu.cfs_quota_us cpuset/cpuset.cpus
	assert_kv cpu/cpu.shares 512
	assert_kv cpu/cpu.cfs_quota_us 50000
	assert_kv cpuset/cpuset.cpus 0
	grep -q "^Cpus_allowed_list:[[:space:]]*0$" "/proc/$(ctr_pid "$ID")/status"

	run -0 runtime update --cpu-share 256 --cpu-quota 20000 --cpu-period 50000 \
		--cpuset-cpus "0-$last" "$ID"
	host_is cpu cpu.shares 256
	host_is cpu cpu.cfs_quota_us 20000
	host_is cpu cpu.cfs_period_us 50000
	[ "$last" -eq 0 ] && want=0 || want="0-$last"
	host_is cpuset cpuset.cpus "$want"
	inside cpu/cpu.shares cpu/cpu.cfs_period_us
	assert_kv cpu/cpu.shares 256
	assert_kv cpu/cpu.cfs_period_us 50000
	# -1: no quota
	run -0 runtime update --cpu-quota -1 "$ID"
	host_is cpu cpu.cfs_quota_us -1
}

@test "pids limit; update" {
	update_config '.linux.resources.pids = {"limit": 20}'
	start_dumper
	host_is pids pids.max 20
	inside pids/pids.max
	assert_kv pids/pids.max 20
	run -0 runtime update --pids-limit 30 "$ID"
	host_is pids pids.max 30
	inside pids/pids.max
	assert_kv pids/pids.max 30
	run -0 runtime update --pids-limit -1 "$ID"
	host_is pids pids.max max
}

@test "pids limit is enforced" {
	update_config '.linux.resources.pids = {"limit": 5}'
	# an inner shell forks until the limit stops it (ash exits on a failed fork); the
	# outer one reports and execs, which needs no fork
	set_args sh -c 'sh -c "for i in 1 2 3 4 5 6 7 8; do sleep 30 & done" 2>/tmp/err
		echo done >/tmp/done; exec sleep 1000'
	run_d "$ID"
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	wait_for_file "$ROOTFS/tmp/done"
	host_is pids pids.max 5
	[ "$(cat "$(cg_dir pids)/pids.current")" -le 5 ]
	grep -q "can't fork" "$ROOTFS/tmp/err"
}

@test "blkio weight; update" {
	local w=blkio.weight
	[ -e /sys/fs/cgroup/blkio/blkio.weight ] || w=blkio.bfq.weight
	[ -e "/sys/fs/cgroup/blkio/$w" ] || skip "no blkio weight on this host (no CFQ/BFQ)"
	update_config '.linux.resources.blockIO = {"weight": 300}'
	start_dumper
	host_is blkio "$w" 300
	run -0 runtime update --blkio-weight 700 "$ID"
	host_is blkio "$w" 700
}

@test "hugepage limits" {
	[ -d /sys/kernel/mm/hugepages/hugepages-2048kB ] || skip "no 2MB huge pages"
	local ctl=hugetlb
	if ! v1_mount hugetlb >/dev/null; then
		# hybrid hosts may bind hugetlb to the cgroup2 tree; runc 1.1 cannot use it there
		is_skiff || skip "hugetlb is on cgroup2 here"
		grep -qw hugetlb "$(cgroup2_mount)/cgroup.controllers" ||
			skip "no hugetlb controller"
		ctl=""
	fi
	update_config '.linux.resources.hugepageLimits = [{"pageSize": "2MB", "limit": 4194304}]'
	start_dumper
	if [ -n "$ctl" ]; then
		host_is hugetlb hugetlb.2MB.limit_in_bytes 4194304
	else
		host_is "" hugetlb.2MB.max 4194304
		inside unified/hugetlb.2MB.max
		assert_kv unified/hugetlb.2MB.max 4194304
	fi
}

@test "devices: denied by default, allowed by a rule, as the container sees it" {
	[ -e /dev/fuse ] || skip "no /dev/fuse on the host"
	local try='if (: <>/dev/fuse) 2>/dev/null; then echo open=ok; else echo open=denied; fi'
	update_config '.linux.devices = [{"path": "/dev/fuse", "type": "c", "major": 10,
		"minor": 229, "fileMode": 438, "uid": 0, "gid": 0}]'
	set_args sh -c "$try; sleep 1000"
	run_d "$ID"
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	wait_for_file "$TEST_DIR/$ID.out"
	grep -qx open=denied "$TEST_DIR/$ID.out"
	! grep -q "^c 10:229" "$(cg_dir devices)/devices.list"
	runtime delete -f "$ID"

	local id2
	id2="$(new_id)"
	update_config '.linux.resources.devices = [{"allow": false, "access": "rwm"},
		{"allow": true, "type": "c", "major": 10, "minor": 229, "access": "rw"}]'
	run_d "$id2"
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	wait_for_file "$TEST_DIR/$id2.out"
	grep -qx open=ok "$TEST_DIR/$id2.out"
	grep -qx "c 10:229 rw" "$(cg_dir devices "$id2")/devices.list"
	# the standard nodes stay usable
	grep -qx "c 1:3 rwm" "$(cg_dir devices "$id2")/devices.list"
}

@test "pause and resume: state, freezer, no progress while paused" {
	set_args sh -c 'i=0; while :; do i=$((i+1)); echo $i >/tmp/count; sleep 0.02; done'
	run_d "$ID"
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	wait_for_file "$ROOTFS/tmp/count"
	run ! runtime resume "$ID"
	assert_error "not paused"

	run -0 runtime pause "$ID"
	[ "$(state_field "$ID" status)" = paused ]
	host_is freezer freezer.state FROZEN
	local a b
	a="$(cat "$ROOTFS/tmp/count")"
	sleep 0.5
	b="$(cat "$ROOTFS/tmp/count")"
	[ "$a" = "$b" ] || { echo "progress while paused: $a -> $b" >&2; false; }
	run ! runtime pause "$ID"
	assert_error "not running"
	runtime list | grep -q "^$ID .*paused"

	run -0 runtime resume "$ID"
	[ "$(state_field "$ID" status)" = running ]
	host_is freezer freezer.state THAWED
	# Progress again. Poll rather than sleep a fixed time (a loaded host), and read an empty
	# count (frozen between the shell's truncate and its write) as 0.
	local c=0
	for _ in $(seq 100); do
		c="$(cat "$ROOTFS/tmp/count")"
		[ "${c:-0}" -gt "${b:-0}" ] && break
		sleep 0.05
	done
	[ "${c:-0}" -gt "${b:-0}" ] || { echo "no progress after resume: $b -> $c" >&2; false; }
}

@test "delete -f of a paused container cleans up" {
	set_args sleep 1000
	run_d "$ID"
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	run -0 runtime pause "$ID"
	run -0 runtime delete -f "$ID"
	assert_no_leftovers "$ID"
}

@test "kill KILL and kill --all KILL of a paused container: every process dies" {
	local id2
	id2="$(new_id)"
	set_args sh -c 'sleep 1000 & sleep 1000'
	run_d "$ID"
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	run_d "$id2"
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	local pids
	pids="$(ctr_pids_at_least "$id2" 2)"
	run -0 runtime pause "$ID"
	run -0 runtime pause "$id2"
	# the v1 freezer holds a frozen task even against SIGKILL until it is thawed
	run -0 runtime kill "$ID" KILL
	wait_status "$ID" stopped
	run -0 runtime kill --all "$id2" KILL
	wait_status "$id2" stopped
	wait_pids_dead $pids
	run -0 runtime delete "$ID"
	run -0 runtime delete "$id2"
}

@test "ps: json pids and the ps table" {
	set_args sh -c 'sleep 1000 & sleep 1000'
	run_d "$ID"
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	local pid tries=0
	pid="$(ctr_pid "$ID")"
	until [ "$(runtime ps --format json "$ID" | jq length)" -ge 2 ] || [ $tries -gt 50 ]; do
		sleep 0.1
		tries=$((tries + 1))
	done
	run -0 runtime ps --format json "$ID"
	jq -e 'type == "array" and length >= 2 and all(type == "number")' <<<"$output"
	local n
	n="$(jq length <<<"$output")"
	jq -e --argjson p "$pid" 'index($p) != null' <<<"$output"
	# every pid really is in the container's cgroup
	for p in $(jq -r '.[]' <<<"$output"); do
		grep -qF "$(cg_dir pids)" <(echo "/sys/fs/cgroup/pids$(awk -F: '$2 == "pids" { print $3 }' "/proc/$p/cgroup")")
	done

	run -0 runtime ps "$ID"
	[[ "${lines[0]}" == *PID* ]]
	[ "${#lines[@]}" -eq $((n + 1)) ]
	awk -v p="$pid" 'NR > 1 && $2 == p { f = 1 } END { exit !f }' <<<"$output"
	run -0 runtime ps -f table "$ID" -o pid,comm
	[[ "${lines[0]}" == *PID*COMMAND* ]]
	[ "${#lines[@]}" -eq $((n + 1)) ]
	awk -v p="$pid" 'NR > 1 && $1 == p && $2 == "sleep" { f = 1 } END { exit !f }' <<<"$output"
	run ! runtime ps --format yaml "$ID"
}

@test "ps of a stopped container: the bare header, an empty json list" {
	set_args /probe exit 0
	run_d "$ID"
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	wait_status "$ID" stopped
	run -0 runtime ps "$ID"
	[ "${#lines[@]}" -eq 1 ]
	[[ "${lines[0]}" == *PID* ]]
	run -0 runtime ps --format json "$ID"
	# runc prints null here; an empty array decodes the same into a list of pids.
	jq -e '. == [] or . == null' <<<"$output"
}

@test "events --stats: runc's fields" {
	update_config '.linux.resources.memory = {"limit": 67108864}
		| .linux.resources.pids = {"limit": 40}'
	set_args sh -c 'i=0; while [ $i -lt 20000 ]; do i=$((i+1)); done; sleep 1000'
	run_d "$ID"
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	sleep 0.3
	run -0 runtime events --stats "$ID"
	[ "${#lines[@]}" -eq 1 ]
	local e="$output"
	[ "$(jq -r .type <<<"$e")" = stats ]
	[ "$(jq -r .id <<<"$e")" = "$ID" ]
	[ "$(jq -r .data.memory.usage.limit <<<"$e")" = 67108864 ]
	[ "$(jq -r .data.memory.usage.usage <<<"$e")" -gt 0 ]
	jq -e '.data.memory.usage | has("failcnt")' <<<"$e"
	jq -e '.data.memory.raw | type == "object" and has("total_rss")' <<<"$e"
	jq -e '.data.memory | has("swap") and has("kernel") and has("kernelTCP")' <<<"$e"
	[ "$(jq -r .data.pids.current <<<"$e")" -ge 1 ]
	[ "$(jq -r .data.pids.limit <<<"$e")" = 40 ]
	[ "$(jq -r .data.cpu.usage.total <<<"$e")" -gt 0 ]
	[ "$(jq -r '.data.cpu.usage.percpu | length' <<<"$e")" -ge 1 ]
	jq -e '.data.cpu.usage | has("kernel") and has("user")' <<<"$e"
	jq -e '.data.cpu | has("throttling")' <<<"$e"
	jq -e '.data.cpuset.cpus | type == "array"' <<<"$e"
	jq -e '.data | has("blkio") and has("hugetlb")' <<<"$e"

	# the interval form prints a line per interval until stopped
	run -0 timeout 2 "$RUNTIME" --root "$ROOT" events --interval 300ms "$ID" ||
		[ "$status" -eq 124 ]
	[ "${#lines[@]}" -ge 3 ]
	for l in "${lines[@]}"; do
		[ "$(jq -r .type <<<"$l")" = stats ]
	done
	run ! runtime events --interval bogus "$ID"
	assert_error "interval"
	# strtod reads "nan": not a duration either (it used to become a negative interval).
	run ! timeout 5 "$RUNTIME" --root "$ROOT" events --interval nans "$ID"
	assert_error "interval"
}

@test "events: an oom event when the container exceeds its memory limit" {
	update_config '.linux.resources.memory = {"limit": 33554432, "swap": 33554432}'
	set_args sh -c 'sleep 2; head -c 200000000 /dev/zero | tail; sleep 1000'
	run_d "$ID"
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	"$RUNTIME" --root "$ROOT" events --interval 1s "$ID" >"$TEST_DIR/events" 2>&1 &
	local ev=$! tries=0
	until grep -q '"type":"oom"' "$TEST_DIR/events" || [ $tries -gt 150 ]; do
		sleep 0.1
		tries=$((tries + 1))
	done
	runtime kill "$ID" KILL || true
	# events ends by itself once the container is gone
	tries=0
	while kill -0 "$ev" 2>/dev/null && [ $tries -lt 50 ]; do
		sleep 0.1
		tries=$((tries + 1))
	done
	kill "$ev" 2>/dev/null || true
	wait "$ev" || true
	grep -qx "{\"type\":\"oom\",\"id\":\"$ID\"}" "$TEST_DIR/events" ||
		{ cat "$TEST_DIR/events" >&2; false; }
	[ "$(grep -c '"type":"stats"' "$TEST_DIR/events")" -ge 1 ]
}

@test "kill --all signals every process of the cgroup" {
	set_args sh -c 'sleep 1000 & sleep 1000 & sleep 1000'
	run_d "$ID"
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	local pids
	pids="$(ctr_pids_at_least "$ID" 3)"
	run -0 runtime kill --all "$ID" KILL
	wait_status "$ID" stopped
	wait_pids_dead $pids
}

@test "update: errors and flags over a resources file" {
	set_args sleep 1000
	update_config '.linux.resources.memory = {"limit": 67108864}
		| .linux.resources.pids = {"limit": 20}'
	run_d "$ID"
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	run ! runtime update --memory lots "$ID"
	assert_error "memory"
	run ! runtime update --pids-limit abc "$ID"
	assert_error "pids-limit"
	run ! runtime update -r "$TEST_DIR/nonexistent.json" "$ID"
	assert_error "nonexistent.json"
	run ! runtime update --pids-limit 10 nosuchcontainer
	assert_error "does not exist"
	host_is pids pids.max 20

	echo '{"pids": {"limit": 25}, "memory": {"limit": 100663296}}' >"$TEST_DIR/res.json"
	run -0 runtime update --resources "$TEST_DIR/res.json" "$ID"
	host_is pids pids.max 25
	host_is memory memory.limit_in_bytes 100663296
	if is_skiff; then
		# skiff: flags override the file (runc ignores flags when --resources is given)
		run -0 runtime update -r "$TEST_DIR/res.json" --pids-limit 33 "$ID"
		host_is pids pids.max 33
		host_is memory memory.limit_in_bytes 100663296
	fi

	runtime kill "$ID" KILL
	wait_status "$ID" stopped
	run ! runtime update --pids-limit 10 "$ID"
	[ -n "$output" ]
}

@test "no cgroup left in any hierarchy after delete" {
	update_config '.linux.resources = {"memory": {"limit": 67108864}, "pids": {"limit": 30},
		"cpu": {"shares": 512}}'
	set_args sh -c 'sleep 1000 & sleep 1000'
	run_d "$ID"
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	local c dirs=()
	for c in memory pids cpu freezer devices; do
		dirs+=("$(cg_dir "$c")")
	done
	dirs+=("$(cg_dir "")")
	for d in "${dirs[@]}"; do
		[ -d "$d" ]
	done
	run -0 runtime delete -f "$ID"
	for d in "${dirs[@]}"; do
		[ ! -e "$d" ] || { echo "left: $d" >&2; false; }
	done
	assert_no_leftovers "$ID"
}

@test "the init and an exec'd process are in the container's cgroup in every hierarchy" {
	set_args sleep 1000
	run_d "$ID"
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	local init epid
	init="$(state_field "$ID" pid)"
	runtime exec -d --pid-file "$TEST_DIR/exec.pid" "$ID" sleep 1000 \
		</dev/null >"$TEST_DIR/exec.out" 2>&1
	epid="$(cat "$TEST_DIR/exec.pid")"
	cat "/proc/$init/cgroup" >&2
	# each v1 hierarchy and the cgroup2 one: the container's own directory, not the runtime's
	local n=0 line
	while IFS= read -r line; do
		[[ "$line" == *"/$ID" ]] || { echo "not in the container's cgroup: $line" >&2; false; }
		n=$((n + 1))
	done <"/proc/$init/cgroup"
	[ "$n" -ge 2 ]
	diff "/proc/$init/cgroup" "/proc/$epid/cgroup"
}

@test "kill KILL of a container without its own pid namespace kills every process of it" {
	update_config '.linux.namespaces |= map(select(.type != "pid"))'
	set_args sh -c 'sleep 1000 & sleep 1000 & exec sleep 1000'
	run_d "$ID"
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	local pids
	pids="$(ctr_pids_at_least "$ID" 3)"
	run -0 runtime kill "$ID" KILL
	wait_status "$ID" stopped
	# runc 1.1.5 signals only the init: the others live on (runc 1.2 kills them all)
	is_runc && return 0
	wait_pids_dead $pids
}

@test "kill KILL without a pid namespace and with --cgroup-manager disabled still kills the init" {
	is_runc && skip "runc $(runtime_version) has no --cgroup-manager"
	update_config '.linux.namespaces |= map(select(.type != "pid"))'
	set_args sleep 1000
	"$RUNTIME" --root "$ROOT" --cgroup-manager disabled run -d --bundle "$BUNDLE" "$ID" \
		</dev/null >"$TEST_DIR/d.out" 2>&1 || { cat "$TEST_DIR/d.out"; false; }
	run -0 runtime kill "$ID" KILL
	wait_status "$ID" stopped
}
