#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# config.json features, each asserted from inside the container with /probe: process (env,
# cwd, user, umask, rlimits, oom, nnp, capabilities, terminal, fds, personality), root, mounts
# and propagation, /dev, masked/readonly paths, sysctl and namespaces.

load helpers

# probe_run ARGS...: run /probe ARGS in the bundle in the foreground; sets status/output/lines.
probe_run() {
	set_args /probe "$@"
	run runtime run --bundle "$BUNDLE" "$ID"
	if [ "$status" -ne 0 ]; then
		echo "run failed ($status): $output" >&2
		return 1
	fi
}

@test "hostname" {
	update_config '.hostname = "box1"'
	probe_run hostname
	assert_kv hostname box1
}

@test "domainname" {
	update_config '.hostname = "box1" | .domainname = "example.org"'
	probe_run hostname
	if is_runc && [ "$(kv domainname)" = "(none)" ]; then
		skip "runc $(runtime_version) ignores domainname"
	fi
	assert_kv hostname box1
	assert_kv domainname example.org
}

@test "env is exactly process.env" {
	update_config '.process.env += ["FOO=bar baz", "EMPTY=", "MULTI=a=b"]'
	probe_run env
	assert_kv FOO "bar baz"
	assert_kv EMPTY ""
	assert_kv MULTI "a=b"
	assert_kv PATH /usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
	# Nothing of the runtime's own environment leaks in.
	assert_output_lacks "BATS_"
	assert_output_lacks "_LIBCONTAINER"
}

@test "env: a name set twice keeps the last value in the first place; empty HOME is the user's" {
	update_config '.process.env = ["ONE=1", "HOME=", "TWO=2", "ONE=uno", "HOME=/x", "HOME="]
		| .process.user.uid = 0'
	probe_run env
	[ "$(grep -c '^ONE=' <<<"$output")" -eq 1 ]
	[ "$(grep -c '^HOME=' <<<"$output")" -eq 1 ]
	assert_kv ONE uno
	# "HOME=" (as Docker writes for an image without one) means the passwd home.
	assert_kv HOME /root
	[ "${lines[0]}" = ONE=uno ]
	[ "${lines[2]}" = TWO=2 ]
}

@test "user: a non-root process owns its stdio and its terminal, /dev/null stays root's" {
	update_config '.process.user = {"uid": 1000, "gid": 1000}'
	set_args sh -c 'echo hi; stat -c %u /proc/self/fd/1 >/dev/stderr'
	run_d "$ID"
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	wait_status "$ID" stopped
	[ "$(ctr_output "$ID")" = hi ]
	# the caller's file became the user's (its group kept): it can reopen /dev/stdout
	[ "$(stat -c %u "$TEST_DIR/$ID.out")" = 1000 ]
	[ "$(stat -c %u /dev/null)" = 0 ]
	is_skiff || return 0 # runc wants a terminal on its own stdin for the part below
	update_config '.process.terminal = true'
	set_args sh -c 'stat -c %u:%g "$(tty)"'
	run -0 runtime run --bundle "$BUNDLE" "$(new_id)" </dev/null
	[ "$output" = 1000:5 ]
}

@test "user: a foreground run or exec never hands the caller's own files to the user" {
	update_config '.process.user = {"uid": 1000, "gid": 1000}'
	set_args sh -c 'echo hi'
	: >"$TEST_DIR/root.log"
	chmod 600 "$TEST_DIR/root.log"
	runtime run --bundle "$BUNDLE" "$ID" </dev/null >>"$TEST_DIR/root.log"
	grep -qx hi "$TEST_DIR/root.log"
	[ "$(stat -c %u "$TEST_DIR/root.log")" = 0 ]
	# the same for exec --user
	update_config '.process.user = {"uid": 0, "gid": 0}'
	set_args sleep 1000
	local id2
	id2="$(new_id)"
	run_d "$id2"
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	runtime exec --user 1000:1000 "$id2" sh -c 'echo there' </dev/null >>"$TEST_DIR/root.log"
	grep -qx there "$TEST_DIR/root.log"
	[ "$(stat -c %u "$TEST_DIR/root.log")" = 0 ]
}

@test "cwd" {
	update_config '.process.cwd = "/tmp"'
	probe_run cwd
	assert_kv cwd /tmp
}

@test "cwd is created when missing" {
	[ ! -e "$ROOTFS/new/work/dir" ]
	update_config '.process.cwd = "/new/work/dir"'
	probe_run cwd stat .
	assert_kv cwd /new/work/dir
	assert_kv type dir
}

@test "cwd is created when missing, also on a read-only root" {
	[ ! -e "$ROOTFS/ro/work" ]
	update_config '.root.readonly = true | .process.cwd = "/ro/work"'
	probe_run cwd stat .
	assert_kv cwd /ro/work
	assert_kv type dir
	[ -d "$ROOTFS/ro/work" ]
}

@test "user: uid, gid and additionalGids" {
	update_config '.process.user = {"uid": 1000, "gid": 1000, "additionalGids": [2000, 100]}'
	probe_run ids caps
	assert_kv uid 1000
	assert_kv euid 1000
	assert_kv gid 1000
	assert_kv egid 1000
	# The kernel keeps supplementary groups sorted.
	assert_kv groups 100,2000
	# A non-root user without ambient capabilities has none effective.
	assert_kv CapEff 0000000000000000
	assert_kv CapPrm 0000000000000000
}

@test "user: root has no supplementary groups unless given" {
	probe_run ids
	assert_kv uid 0
	assert_kv gid 0
	assert_kv groups ""
}

@test "user: umask" {
	update_config '.process.user.umask = 63'
	probe_run umask
	assert_kv umask 0077
	update_config '.process.user.umask = 0'
	probe_run umask
	assert_kv umask 0000
}

@test "rlimits" {
	update_config '.process.rlimits = [
		{"type": "RLIMIT_NOFILE", "soft": 777, "hard": 888},
		{"type": "RLIMIT_NPROC", "soft": 100, "hard": 200},
		{"type": "RLIMIT_CORE", "soft": 12345678901234567890, "hard": 12345678901234567890}]'
	# jq 1.6 stores numbers as doubles: write the exact 2^64-1 (RLIM_INFINITY) by hand.
	set_args /probe rlimits
	sed -i 's/1234567890123456[0-9]*/18446744073709551615/g' "$BUNDLE/config.json"
	run runtime run --bundle "$BUNDLE" "$ID"
	[ "$status" -eq 0 ] || { echo "$output"; grep -A3 NPROC "$BUNDLE/config.json"; false; }
	assert_kv RLIMIT_NOFILE 777:888
	assert_kv RLIMIT_NPROC 100:200
	assert_kv RLIMIT_CORE unlimited:unlimited
}

@test "oomScoreAdj" {
	update_config '.process.oomScoreAdj = 456'
	probe_run oom
	assert_kv oom_score_adj 456
}

@test "noNewPrivileges" {
	update_config '.process.noNewPrivileges = true'
	probe_run nnp
	assert_kv NoNewPrivs 1
	update_config '.process.noNewPrivileges = false'
	probe_run nnp
	assert_kv NoNewPrivs 0
}

@test "capabilities: default set, inheritable empty" {
	probe_run caps
	local want
	want="$(cap_mask $(jq -r '.[]' <<<"$DEFAULT_CAPS"))"
	assert_kv CapInh 0000000000000000
	assert_kv CapAmb 0000000000000000
	assert_kv CapBnd "$want"
	assert_kv CapEff "$want"
	assert_kv CapPrm "$want"
}

@test "capabilities: bounding set limits root" {
	# For uid 0 execve() sets permitted and effective to the bounding set (no securebits), so
	# the bounding set is what root ends up with.
	update_config '.process.capabilities = {
		"bounding": ["CAP_CHOWN", "CAP_KILL", "CAP_NET_RAW"],
		"permitted": ["CAP_CHOWN", "CAP_KILL", "CAP_NET_RAW"],
		"effective": ["CAP_KILL"]}'
	probe_run caps
	assert_kv CapBnd "$(cap_mask CAP_CHOWN CAP_KILL CAP_NET_RAW)"
	assert_kv CapPrm "$(cap_mask CAP_CHOWN CAP_KILL CAP_NET_RAW)"
	assert_kv CapInh 0000000000000000
	assert_kv CapAmb 0000000000000000
}

@test "capabilities: effective and permitted sets of a non-root user" {
	# Without ambient capabilities a non-root user keeps nothing across execve; with
	# keep-caps semantics not in the spec, the observable check is that the set the runtime
	# applied before execve did not leak inheritable capabilities.
	update_config '.process.user = {"uid": 1000, "gid": 1000} |
		.process.capabilities = {
		"bounding": ["CAP_CHOWN", "CAP_KILL"],
		"permitted": ["CAP_CHOWN", "CAP_KILL"],
		"effective": ["CAP_KILL"]}'
	probe_run caps
	assert_kv CapBnd "$(cap_mask CAP_CHOWN CAP_KILL)"
	assert_kv CapPrm 0000000000000000
	assert_kv CapEff 0000000000000000
	assert_kv CapInh 0000000000000000
}

@test "capabilities: no capabilities object drops everything" {
	update_config 'del(.process.capabilities)'
	probe_run caps
	assert_kv CapEff 0000000000000000
	assert_kv CapPrm 0000000000000000
	assert_kv CapBnd 0000000000000000
}

@test "capabilities: ambient for a non-root user" {
	update_config '.process.user = {"uid": 1000, "gid": 1000} |
		.process.capabilities = {
		"bounding": ["CAP_NET_BIND_SERVICE", "CAP_KILL"],
		"permitted": ["CAP_NET_BIND_SERVICE", "CAP_KILL"],
		"effective": ["CAP_NET_BIND_SERVICE", "CAP_KILL"],
		"inheritable": ["CAP_NET_BIND_SERVICE"],
		"ambient": ["CAP_NET_BIND_SERVICE"]}'
	probe_run ids caps
	assert_kv uid 1000
	assert_kv CapAmb "$(cap_mask CAP_NET_BIND_SERVICE)"
	assert_kv CapInh "$(cap_mask CAP_NET_BIND_SERVICE)"
	# execve keeps the ambient set in permitted and effective, and only that.
	assert_kv CapEff "$(cap_mask CAP_NET_BIND_SERVICE)"
	assert_kv CapPrm "$(cap_mask CAP_NET_BIND_SERVICE)"
}

@test "root.readonly" {
	update_config '.root.readonly = true'
	probe_run write /etc/passwd create /newfile mount /
	assert_kv write EROFS
	assert_kv create EROFS
	[[ "$(kv opts)" == ro,* ]]
	# /dev and /dev/shm stay writable.
	probe_run create /dev/shm/x create /dev/newnode
	[ "${lines[0]}" = create=ok ]
	[ "${lines[1]}" = create=ok ]
}

@test "root.path may be absolute" {
	update_config '.root.path = $p' --arg p "$ROOTFS"
	probe_run cwd
	assert_kv cwd /
}

@test "mounts: tmpfs with options, destination created" {
	update_config '.mounts += [{"destination": "/mnt/t/deep", "type": "tmpfs", "source": "tmpfs",
		"options": ["nosuid", "nodev", "noexec", "mode=1700", "size=1m", "uid=1000"]}]'
	probe_run mount /mnt/t/deep stat /mnt/t/deep
	assert_kv fstype tmpfs
	[[ ",$(kv opts)," == *,nosuid,* ]]
	[[ ",$(kv opts)," == *,nodev,* ]]
	[[ ",$(kv opts)," == *,noexec,* ]]
	[[ ",$(kv super)," == *,size=1024k,* ]]
	assert_kv mode 1700
	assert_kv uid 1000
}

@test "mounts: tmpfs over an existing directory takes its mode, set-id and sticky bits" {
	mkdir -p "$ROOTFS/srv/a" "$ROOTFS/srv/b" "$ROOTFS/srv/c"
	chmod 7777 "$ROOTFS/srv/a"
	chmod 0710 "$ROOTFS/srv/b"
	chmod 0710 "$ROOTFS/srv/c"
	update_config '.mounts += [
		{"destination": "/srv/a", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid"]},
		{"destination": "/srv/b", "type": "tmpfs", "source": "tmpfs", "options": ["ro"]},
		{"destination": "/srv/c", "type": "tmpfs", "source": "tmpfs", "options": ["mode=0444"]},
		{"destination": "/srv/new", "type": "tmpfs", "source": "tmpfs"}]'
	probe_run stat /srv/a stat /srv/b stat /srv/c stat /srv/new
	local modes
	modes="$(grep '^mode=' <<<"$output" | tr '\n' ' ')"
	# /srv/b: a read-only tmpfs gets it as well (from the mount options, no chmod after).
	# /srv/c: an explicit mode= wins over the directory's.
	# /srv/new: a destination the runtime creates keeps the tmpfs default.
	local want="mode=7777 mode=0710 mode=0444 mode=1777 "
	# runc before 1.1.9 chmods over an explicit mode= (its issue 3911).
	is_runc && [[ "$(runtime_version)" == 1.1.[0-8]* ]] && want="mode=7777 mode=0710 mode=0710 mode=1777 "
	[ "$modes" = "$want" ] || { echo "$modes" >&2; false; }
}

@test "mounts: bind ro" {
	mkdir "$TEST_DIR/host"
	echo hello >"$TEST_DIR/host/file"
	update_config '.mounts += [{"destination": "/mnt/b", "type": "bind", "source": $s,
		"options": ["bind", "ro"]}]' --arg s "$TEST_DIR/host"
	probe_run read /mnt/b/file write /mnt/b/file mount /mnt/b
	assert_kv read hello
	assert_kv write EROFS
	[[ "$(kv opts)" == ro,* ]]
	# The host side stays writable.
	echo again >>"$TEST_DIR/host/file"
}

@test "mounts: bind of a single file" {
	echo content >"$TEST_DIR/hostfile"
	update_config '.mounts += [{"destination": "/etc/somefile", "type": "bind", "source": $s,
		"options": ["rbind", "rw"]}]' --arg s "$TEST_DIR/hostfile"
	probe_run read /etc/somefile stat /etc/somefile
	assert_kv read content
	assert_kv type file
}

@test "mounts: rbind carries submounts, bind does not" {
	mkdir -p "$TEST_DIR/host/sub"
	mount -t tmpfs -o size=1m subtmp "$TEST_DIR/host/sub"
	test_cleanup() { umount "$TEST_DIR/host/sub"; }
	update_config '.mounts += [
		{"destination": "/mnt/r", "type": "bind", "source": $s, "options": ["rbind"]},
		{"destination": "/mnt/nr", "type": "bind", "source": $s, "options": ["bind"]}]' \
		--arg s "$TEST_DIR/host"
	probe_run mount /mnt/r/sub
	assert_kv fstype tmpfs
	probe_run mount /mnt/nr/sub
	assert_kv dest none
}

@test "mounts: propagation private, rslave and shared" {
	# A shared host mount, so the container's bind of it has something to follow.
	mkdir -p "$TEST_DIR/shared" "$TEST_DIR/sig"
	mount --bind "$TEST_DIR/shared" "$TEST_DIR/shared"
	mount --make-shared "$TEST_DIR/shared"
	mkdir "$TEST_DIR/shared/late"
	test_cleanup() {
		umount "$TEST_DIR/shared/late" 2>/dev/null
		umount "$TEST_DIR/shared"
	}
	update_config '.mounts += [
		{"destination": "/mnt/slave", "type": "bind", "source": $s, "options": ["rbind", "rslave"]},
		{"destination": "/mnt/private", "type": "bind", "source": $s, "options": ["rbind", "rprivate"]},
		{"destination": "/sig", "type": "bind", "source": $g, "options": ["bind"]}]' \
		--arg s "$TEST_DIR/shared" --arg g "$TEST_DIR/sig"
	set_args /bin/sh -c 'echo started; while [ ! -e /sig/go ]; do sleep 0.05; done;
		/probe mount /mnt/slave/late mount /mnt/private/late mount /mnt/slave'
	run_d "$ID"
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	wait_for_file "$TEST_DIR/$ID.out"
	# Mounted on the host after the container started: only the slave sees it.
	mount -t tmpfs -o size=1m late "$TEST_DIR/shared/late"
	touch "$TEST_DIR/sig/go"
	wait_status "$ID" stopped
	run cat "$TEST_DIR/$ID.out"
	[ "${lines[1]}" = dest=/mnt/slave/late ] || { echo "$output"; false; }
	[ "${lines[2]}" = fstype=tmpfs ]
	[ "$(grep -c '^dest=none$' <<<"$output")" = 1 ]
	[[ "$(grep '^propagation=' <<<"$output" | tail -n1)" == propagation=master:* ]]
}

@test "mounts: shared propagation option" {
	mkdir -p "$TEST_DIR/host"
	update_config '.mounts += [{"destination": "/mnt/s", "type": "bind", "source": $s,
		"options": ["bind", "shared"]}]' --arg s "$TEST_DIR/host"
	probe_run mount /mnt/s
	[[ "$(kv propagation)" == shared:* ]]
}

@test "mounts: recursive read-only (rro) reaches submounts" {
	mkdir -p "$TEST_DIR/host/sub"
	mount -t tmpfs -o size=1m subtmp "$TEST_DIR/host/sub"
	test_cleanup() { umount "$TEST_DIR/host/sub"; }
	update_config '.mounts += [
		{"destination": "/mnt/rro", "type": "bind", "source": $s, "options": ["rbind", "rro"]},
		{"destination": "/mnt/ro", "type": "bind", "source": $s, "options": ["rbind", "ro"]}]' \
		--arg s "$TEST_DIR/host"
	set_args /probe create /mnt/rro/sub/x create /mnt/rro/y create /mnt/ro/sub/z create /mnt/ro/w
	run runtime run --bundle "$BUNDLE" "$ID"
	if is_runc && [ "$status" -ne 0 ]; then
		skip "runc $(runtime_version) has no recursive mount attributes: $output"
	fi
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	# rro: the bind and its submount are read-only; ro: only the top one.
	[ "${lines[0]}" = create=EROFS ]
	[ "${lines[1]}" = create=EROFS ]
	[ "${lines[2]}" = create=ok ]
	[ "${lines[3]}" = create=EROFS ]
}

@test "mounts: idmapped bind mount in a user namespace" {
	requires_ns user
	mkdir -p "$TEST_DIR/idm" "$ROOTFS/mnt/idm" "$ROOTFS/mnt/plain"
	echo hi >"$TEST_DIR/idm/file"
	chown 0:0 "$TEST_DIR/idm/file"
	update_config '.linux.namespaces += [{"type": "user"}] |
		.linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}] |
		.linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}] |
		.mounts += [
		{"destination": "/mnt/idm", "type": "bind", "source": $s, "options": ["bind", "idmap"],
		 "uidMappings": [{"containerID": 0, "hostID": 100000, "size": 65536}],
		 "gidMappings": [{"containerID": 0, "hostID": 100000, "size": 65536}]},
		{"destination": "/mnt/plain", "type": "bind", "source": $s, "options": ["bind"]}]' \
		--arg s "$TEST_DIR/idm"
	set_args /probe stat /mnt/idm/file stat /mnt/plain/file
	run runtime run --bundle "$BUNDLE" "$ID"
	if is_runc && { [ "$status" -ne 0 ] || [ "$(kv uid)" != 0 ]; }; then
		skip "runc $(runtime_version) has no idmapped mounts"
	fi
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	# Host root's file is root's through the idmapped mount, and unmapped (overflow) without.
	[ "${lines[3]}" = uid=0 ] || { echo "$output"; false; }
	[ "${lines[4]}" = gid=0 ]
	[ "${lines[8]}" = uid=65534 ]
}

@test "mounts: proc, sysfs ro, devpts, mqueue, /dev/shm" {
	probe_run mounts
	[[ "$output" == *"mount=/proc proc "* ]]
	[[ "$output" == *"mount=/sys sysfs ro,"* ]]
	[[ "$output" == *"mount=/dev/pts devpts "* ]]
	[[ "$output" == *"mount=/dev/mqueue mqueue "* ]]
	[[ "$output" == *"mount=/dev/shm tmpfs "* ]]
	# Nothing of the host's mount table is visible.
	assert_output_lacks "$TEST_DIR"
	assert_output_lacks "/sys/fs/cgroup/"
}

@test "mounts: cgroup filesystem" {
	update_config '.mounts += [{"destination": "/sys/fs/cgroup", "type": "cgroup",
		"source": "cgroup", "options": ["nosuid", "noexec", "nodev", "relatime", "ro"]}]'
	probe_run mounts
	[[ "$output" == *"mount=/sys/fs/cgroup "* ]]
}

@test "masked paths: files get /dev/null, directories an empty read-only tmpfs" {
	update_config '.linux.maskedPaths += ["/etc/group", "/home", "/does/not/exist"]'
	probe_run stat /proc/timer_list
	assert_kv type char
	assert_kv rdev 1:3
	probe_run stat /etc/group
	assert_kv type char
	assert_kv rdev 1:3
	probe_run mount /sys/firmware
	assert_kv fstype tmpfs
	[[ "$(kv opts)" == ro,* ]]
	probe_run read /etc/group
	assert_kv read ""
	set_args /bin/ls -A /home
	run -0 runtime run --bundle "$BUNDLE" "$ID"
	[ -z "$output" ]
}

@test "readonly paths" {
	update_config '.linux.readonlyPaths += ["/etc"]'
	probe_run write /proc/sys/kernel/hostname write /etc/passwd mount /proc/sys write /tmp/x create /tmp/x
	[ "${lines[0]}" = write=EROFS ]
	[ "${lines[1]}" = write=EROFS ]
	[[ "$(kv opts)" == ro,* ]]
	assert_kv create ok
}

@test "default /dev nodes, links and ptmx" {
	probe_run stat /dev/null stat /dev/zero stat /dev/full stat /dev/random stat /dev/urandom \
		stat /dev/tty
	local want=(1:3 1:5 1:7 1:8 1:9 5:0) i=0 line
	for line in "${lines[@]}"; do
		case "$line" in
		type=*) [ "$line" = type=char ] ;;
		mode=*) [ "$line" = mode=0666 ] || { echo "$output"; false; } ;;
		rdev=*)
			[ "$line" = "rdev=${want[$i]}" ] || { echo "$output"; false; }
			i=$((i + 1))
			;;
		esac
	done
	[ "$i" = 6 ]
	probe_run stat /dev/ptmx
	assert_kv type symlink
	assert_kv target pts/ptmx
	probe_run stat /dev/fd
	assert_kv target /proc/self/fd
	probe_run stat /dev/stdin stat /dev/stdout stat /dev/stderr
	[[ "$output" == *target=/proc/self/fd/0*target=/proc/self/fd/1*target=/proc/self/fd/2* ]]
	probe_run write /dev/null write /dev/zero write /dev/ptmx
	[ "$output" = "$(printf 'write=ok\nwrite=ok\nwrite=ok')" ]
	# Nothing else from the host's /dev.
	probe_run stat /dev/vda stat /dev/mem
	[ "$output" = "$(printf 'type=ENOENT\ntype=ENOENT')" ]
}

@test "linux.devices are created with type, numbers, mode and owner" {
	update_config '.linux.devices = [
		{"path": "/dev/mynull", "type": "c", "major": 1, "minor": 3, "fileMode": 384,
		 "uid": 1000, "gid": 100},
		{"path": "/dev/sub/myzero", "type": "c", "major": 1, "minor": 5}]'
	probe_run stat /dev/mynull write /dev/mynull
	assert_kv type char
	assert_kv rdev 1:3
	assert_kv mode 0600
	assert_kv uid 1000
	assert_kv gid 100
	assert_kv write ok
	probe_run stat /dev/sub/myzero
	assert_kv type char
	assert_kv rdev 1:5
}

@test "linux.devices in a user namespace (bind-mounted from the host)" {
	requires_ns user
	update_config '.linux.namespaces += [{"type": "user"}] |
		.linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}] |
		.linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}] |
		.linux.devices = [{"path": "/dev/net/tun", "type": "c", "major": 10, "minor": 200}]'
	# mknod is not allowed in a user namespace: the node must come from the host's /dev.
	[ -c /dev/net/tun ] || skip "host has no /dev/net/tun"
	probe_run stat /dev/net/tun stat /dev/null write /dev/null
	[ "${lines[0]}" = type=char ]
	[ "${lines[2]}" = rdev=10:200 ]
	[ "${lines[5]}" = type=char ]
	[ "${lines[7]}" = rdev=1:3 ]
	[ "${lines[10]}" = write=ok ]
}

@test "rootfsPropagation" {
	update_config '.linux.rootfsPropagation = "private"'
	probe_run mount /
	assert_kv propagation -
	update_config '.linux.rootfsPropagation = "shared"'
	probe_run mount /
	if is_runc && [ "$(kv propagation)" = - ]; then
		skip "runc $(runtime_version) does not leave the container's / shared"
	fi
	[[ "$(kv propagation)" == shared:* ]]
}

@test "sysctl: namespaced keys" {
	update_config '.linux.sysctl = {"net.ipv4.ip_forward": "1", "kernel.msgmax": "4242",
		"net.ipv4.ping_group_range": "0 0"}'
	probe_run sysctl net.ipv4.ip_forward sysctl kernel.msgmax sysctl net.ipv4.ping_group_range
	assert_kv net.ipv4.ip_forward 1
	assert_kv kernel.msgmax 4242
	[[ "$(kv net.ipv4.ping_group_range)" =~ ^0[[:space:]]+0$ ]]
	# The host is untouched.
	[ "$(cat /proc/sys/kernel/msgmax)" != 4242 ]
}

@test "namespaces: the listed ones are new, the others shared with the host" {
	probe_run ns
	local t
	for t in net ipc uts mnt pid; do
		[ "$(kv $t)" != "$(ns_inode $t)" ] || { echo "$t not new"; false; }
	done
	[ "$(kv user)" = "$(ns_inode user)" ]
	if [ -e /proc/self/ns/time ]; then
		[ "$(kv time)" = "$(ns_inode time)" ]
	fi
}

@test "namespaces: no network namespace means the host's" {
	update_config '.linux.namespaces |= map(select(.type != "network"))'
	probe_run ns
	[ "$(kv net)" = "$(ns_inode net)" ]
}

@test "namespaces: a new network namespace has its loopback interface up" {
	# IFF_UP|IFF_LOOPBACK; podman --network=none and ctr containers reach 127.0.0.1.
	probe_run read /sys/class/net/lo/flags
	assert_kv read 0x9
	update_config '.linux.namespaces += [{"type": "user"}] |
		.linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}] |
		.linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]'
	probe_run read /sys/class/net/lo/flags
	assert_kv read 0x9
}

@test "namespaces: join another container's namespaces by path" {
	set_args /probe signal-wait
	local other pid
	other="$(new_id)"
	run_d "$other"
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	pid="$(state_field "$other" pid)"
	update_config '.linux.namespaces |= map(
		if .type == "network" then .path = "/proc/\($pid)/ns/net"
		elif .type == "ipc" then .path = "/proc/\($pid)/ns/ipc"
		elif .type == "uts" then .path = "/proc/\($pid)/ns/uts"
		else . end)' --arg pid "$pid"
	probe_run ns hostname
	[ "$(kv net)" = "$(ns_inode net "$pid")" ]
	[ "$(kv ipc)" = "$(ns_inode ipc "$pid")" ]
	[ "$(kv uts)" = "$(ns_inode uts "$pid")" ]
	[ "$(kv pid)" != "$(ns_inode pid "$pid")" ]
	[ "$(kv mnt)" != "$(ns_inode mnt "$pid")" ]
}

@test "namespaces: a path that is not a namespace fails" {
	update_config '.linux.namespaces |= map(if .type == "network" then .path = "/etc/passwd" else . end)'
	create_ctr "$ID"
	[ "$status" -ne 0 ]
	assert_no_leftovers "$ID"
}

@test "user namespace with uid and gid mappings" {
	requires_ns user
	update_config '.linux.namespaces += [{"type": "user"}] |
		.linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}] |
		.linux.gidMappings = [{"containerID": 0, "hostID": 200000, "size": 65536}]'
	probe_run read /proc/self/uid_map read /proc/self/gid_map ids ns stat /probe
	[[ "${lines[0]}" =~ ^read=[[:space:]]*0[[:space:]]+100000[[:space:]]+65536$ ]]
	[[ "${lines[1]}" =~ ^read=[[:space:]]*0[[:space:]]+200000[[:space:]]+65536$ ]]
	assert_kv uid 0
	assert_kv gid 0
	[ "$(kv user)" != "$(ns_inode user)" ]
	# Host root is unmapped inside: files owned by it show as the overflow id.
	[ "${lines[-2]}" = uid=65534 ]
}

@test "user namespace: the container process runs as the mapped host uid" {
	requires_ns user
	update_config '.linux.namespaces += [{"type": "user"}] |
		.linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}] |
		.linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}] |
		.process.args = ["/probe", "signal-wait"]'
	run_d "$ID"
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	local pid
	pid="$(state_field "$ID" pid)"
	[ "$(stat -c %u "/proc/$pid")" = 100000 ]
	grep -q '^Uid:[[:space:]]*100000' "/proc/$pid/status"
}

@test "cgroup namespace" {
	requires_ns cgroup
	update_config '.linux.namespaces += [{"type": "cgroup"}]'
	probe_run ns cgroup
	[ "$(kv cgroup)" != "$(ns_inode cgroup)" ]
	# Inside its own cgroup namespace the container is at the root of each hierarchy.
	[[ "$output" == *"cgroup=0::/"$'\n'* ]] || [[ "$output" == *"cgroup=0::/" ]]
}

@test "time namespace with offsets" {
	requires_ns time
	if is_runc; then
		skip "runc $(runtime_version) has no time namespace support"
	fi
	update_config '.linux.namespaces += [{"type": "time"}] |
		.linux.timeOffsets = {"boottime": {"secs": 864000, "nanosecs": 0},
		                      "monotonic": {"secs": 86400, "nanosecs": 0}}'
	probe_run ns uptime
	[ "$(kv time)" != "$(ns_inode time)" ]
	local inside host
	inside="$(kv uptime | cut -d. -f1)"
	host="$(cut -d. -f1 /proc/uptime)"
	[ "$inside" -ge $((host + 864000 - 5)) ] && [ "$inside" -le $((host + 864000 + 60)) ]
}

@test "personality LINUX32" {
	update_config '.linux.personality = {"domain": "LINUX32"}'
	set_args /probe personality
	run runtime run --bundle "$BUNDLE" "$ID"
	if is_runc && [ "$(kv machine)" = x86_64 ]; then
		skip "runc $(runtime_version) ignores linux.personality"
	fi
	[ "$status" -eq 0 ]
	assert_kv machine i686
	set_args /bin/uname -m
	run -0 runtime run --bundle "$BUNDLE" "$ID"
	[ "$output" = i686 ]
}

@test "--preserve-fds passes extra fds; others are closed" {
	echo three >"$TEST_DIR/f3"
	echo four >"$TEST_DIR/f4"
	set_args /probe fds
	run -0 runtime run --bundle "$BUNDLE" --preserve-fds 2 "$ID" 3<"$TEST_DIR/f3" 4<"$TEST_DIR/f4" 5<"$TEST_DIR/f4"
	assert_kv fd.3 "$TEST_DIR/f3"
	assert_kv fd.4 "$TEST_DIR/f4"
	run ! kv fd.5
	run -0 runtime run --bundle "$BUNDLE" "$ID" 3<"$TEST_DIR/f3"
	run ! kv fd.3
}

@test "LISTEN_FDS from the caller are passed on with LISTEN_PID=1" {
	echo three >"$TEST_DIR/f3"
	set_args /probe listen fds
	run -0 sh -c 'LISTEN_FDS=1 LISTEN_PID=$$ exec "$0" --root "$1" run --bundle "$2" "$3"' \
		"$RUNTIME" "$ROOT" "$BUNDLE" "$ID" 3<"$TEST_DIR/f3"
	assert_kv LISTEN_FDS 1
	assert_kv LISTEN_PID 1
	assert_kv pid_matches 1
	assert_kv fd.3 "$TEST_DIR/f3"
}

@test "terminal through --console-socket" {
	local recvtty
	recvtty="$(recvtty_bin)" || skip "recvtty is not available"
	update_config '.process.terminal = true | .process.consoleSize = {"height": 30, "width": 100}'
	set_args /probe tty
	"$recvtty" --no-stdin "$TEST_DIR/console.sock" >"$TEST_DIR/tty.out" 2>"$TEST_DIR/tty.err" &
	local rpid=$! i=0
	while [ ! -S "$TEST_DIR/console.sock" ] && [ $i -lt 100 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	run_d --console-socket "$TEST_DIR/console.sock" "$ID"
	[ "$status" -eq 0 ] || { echo "$output"; kill "$rpid"; false; }
	wait_status "$ID" stopped
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
	assert_kv rows 30
	assert_kv cols 100
	# The container's process leads its own session with the pty as controlling terminal.
	assert_kv sid 1
	assert_kv tpgid 1
	[ "$rc" -eq 0 ] || { cat "$TEST_DIR/tty.err"; false; }
}

@test "terminal without --console-socket is an error" {
	update_config '.process.terminal = true'
	create_ctr "$ID"
	[ "$status" -ne 0 ]
	assert_no_leftovers "$ID"
}

@test "--no-pivot" {
	probe_run cwd stat /probe mount /
	run -0 runtime run --bundle "$BUNDLE" --no-pivot "$ID"
	assert_kv cwd /
	assert_kv type file
	[ "$(kv dest)" = / ]
}

@test "--no-pivot: no host procfs or sysfs is left under the chroot to mount a fresh one" {
	# with the host's /proc still mounted below, the kernel lets a new user namespace mount
	# an unmasked proc (and sysfs)
	update_config '.process.capabilities.bounding += ["CAP_SETFCAP"]
		| .process.capabilities.permitted += ["CAP_SETFCAP"]
		| .process.capabilities.effective += ["CAP_SETFCAP"]'
	set_args unshare -mrpf sh -c 'mount -t proc none /proc && echo PROC-MOUNTED;
		mount -t sysfs none /sys && echo SYSFS-MOUNTED; exit 0'
	run runtime run --bundle "$BUNDLE" --no-pivot "$ID"
	echo "$output"
	[[ "$output" != *PROC-MOUNTED* ]]
	[[ "$output" != *SYSFS-MOUNTED* ]]
	# the same in a pivot_root container: refused as well (control)
	run runtime run --bundle "$BUNDLE" "$(new_id)"
	echo "$output"
	[[ "$output" != *PROC-MOUNTED* ]]
}

@test "--no-pivot: a host procfs hidden under another mount is detached too" {
	is_runc && skip "runc $(runtime_version) leaves a hidden host procfs behind"
	update_config '.process.capabilities.bounding += ["CAP_SETFCAP"]
		| .process.capabilities.permitted += ["CAP_SETFCAP"]
		| .process.capabilities.effective += ["CAP_SETFCAP"]'
	set_args unshare -mrpf sh -c 'mount -t proc none /proc && echo PROC-MOUNTED; exit 0'
	mkdir -p "$TEST_DIR/hid/p"
	# in a private mount namespace: a procfs at hid/p, then a tmpfs over hid hiding it
	run unshare -m sh -c 'mount -t proc proc "$1/hid/p" && mount -t tmpfs tmpfs "$1/hid" &&
		exec "$2" --root "$3" run --bundle "$4" --no-pivot "$5"' sh \
		"$TEST_DIR" "$RUNTIME" "$ROOT" "$BUNDLE" "$ID"
	echo "$output"
	[[ "$output" != *PROC-MOUNTED* ]]
}

@test "--no-new-keyring is accepted" {
	set_args /probe exit 0
	run -0 runtime run --bundle "$BUNDLE" --no-new-keyring "$ID"
}

@test "annotations are kept in state" {
	update_config '.annotations = {"a": "1", "b.c/d": "x y"}'
	set_args /probe signal-wait
	create_ctr "$ID"
	[ "$status" -eq 0 ]
	run -0 runtime state "$ID"
	[ "$(jq -r '.annotations.a' <<<"$output")" = 1 ]
	[ "$(jq -r '.annotations["b.c/d"]' <<<"$output")" = "x y" ]
}
