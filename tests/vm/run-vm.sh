#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Runs the cgroup v2 / systemd-driver suite (tests/vm/*.bats) in a Debian 12 guest with systemd
# as PID 1 and a pure cgroup v2 hierarchy. Builds the guest once (debootstrap, Debian kernel,
# small initramfs) into a cache outside the source tree, rebuilt when the code that builds it
# changes; boots it with qemu+KVM where the host's KVM runs stock kernels, else User-Mode Linux,
# else qemu+TCG; shares the source and build trees at the same paths (9p, UML: hostfs); exits
# with the guest suite's status and prints how long each step took. See tests/vm/README.md.
#
# usage: run-vm.sh [--builddir DIR] [--rebuild] [BATS FILES OR ARGS...]
# env:   SKIFF_VM_CACHE (cache dir), SKIFF_VM_BACKEND (auto|kvm|tcg|uml), SKIFF_VM_MEM (MiB),
#        SKIFF_VM_CPUS, SKIFF_VM_TIMEOUT (seconds for the whole boot + suite), SKIFF_VM_MIRROR
set -euo pipefail

SCRIPT="$(readlink -f "${BASH_SOURCE[0]}")"
SRCDIR="$(cd "$(dirname "$SCRIPT")/../.." && pwd)"
BUILDDIR="${SKIFF_BUILDDIR:-$SRCDIR}"
REBUILD=0
T_START=$(date +%s.%N)

while [ $# -gt 0 ]; do
	case "$1" in
	--builddir) BUILDDIR="$2"; shift 2 ;;
	--rebuild) REBUILD=1; shift ;;
	-h | --help) sed -n '2,12p' "$SCRIPT"; exit 0 ;;
	*) break ;;
	esac
done
BUILDDIR="$(cd "$BUILDDIR" && pwd)"

log() { printf 'vm: %s\n' "$*" >&2; }
die() { log "$*"; exit 2; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

[ "$(id -u)" = 0 ] || die "must run as root (debootstrap, and the guest runs containers as root)"
[ -x "$BUILDDIR/skiff" ] || die "no skiff binary in $BUILDDIR (run make first)"
for t in debootstrap qemu-system-x86_64 mkfs.ext4 cc; do
	command -v "$t" >/dev/null ||
		die "$t not found: apt-get install debootstrap qemu-system-x86 e2fsprogs gcc"
done

if [ -z "${SKIFF_VM_CACHE:-}" ]; then
	if mkdir -p /var/cache/skiff-vm 2>/dev/null && [ -w /var/cache/skiff-vm ]; then
		SKIFF_VM_CACHE=/var/cache/skiff-vm
	else
		SKIFF_VM_CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/skiff-vm"
	fi
fi

# The Debian mirror apt already uses (deb822 "URIs:" or one-line "deb URL suite").
debian_mirror() {
	local m
	m="$(grep -hs '^URIs:' /etc/apt/sources.list.d/*.sources | awk '$2 !~ /security/ { print $2; exit }')"
	[ -n "$m" ] || m="$(grep -hs '^deb ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list |
		awk '$2 !~ /security/ { print $2; exit }')"
	echo "${m:-http://deb.debian.org/debian}"
}

# The first thing the guest runs (a oneshot unit after boot): mount the shared trees at the
# host's paths, run tests/vm/guest.sh from the source tree, keep its status, power off.
write_guest_boot() {
	local root="$1"
	cat >"$root/usr/local/sbin/skiff-vm-boot" <<-'EOF'
		#!/bin/bash
		# skiff VM: mount the shared trees, run the suite, record its status, power off.
		# qemu shares them over 9p (by tag), User-Mode Linux over hostfs (by host path;
		# skiff.hostfs= on the kernel command line names the run directory).
		set -u
		hostfs="$(sed -n 's/.*skiff\.hostfs=\([^ ]*\).*/\1/p' /proc/cmdline)"
		share() { # TAG HOST_PATH TARGET
			mkdir -p "$3"
			if [ -n "$hostfs" ]; then
				mount -t hostfs -o "$2" none "$3"
			else
				mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144 "$1" "$3"
			fi
		}
		if share run "$hostfs" /run/skiff-vm; then
			. /run/skiff-vm/env
			share src "$SKIFF_SRCDIR" "$SKIFF_SRCDIR"
			if [ "$SKIFF_BUILDDIR" != "$SKIFF_SRCDIR" ]; then
				share build "$SKIFF_BUILDDIR" "$SKIFF_BUILDDIR"
			fi
			bash "$SKIFF_SRCDIR/tests/vm/guest.sh" >/run/skiff-vm/log 2>&1
			echo $? >/run/skiff-vm/rc
			sync
		else
			echo "skiff-vm: cannot mount the run directory" >/dev/console
		fi
		systemctl --no-block poweroff
	EOF
	chmod 755 "$root/usr/local/sbin/skiff-vm-boot"
	cat >"$root/etc/systemd/system/skiff-vm.service" <<-'EOF'
		[Unit]
		Description=skiff VM test suite
		After=local-fs.target
		[Service]
		Type=oneshot
		ExecStart=/usr/local/sbin/skiff-vm-boot
		StandardOutput=journal+console
		[Install]
		WantedBy=multi-user.target
	EOF
}

build_image() {
	local tmp="$SKIFF_VM_CACHE/tmp.$$" root mirror t0 t1
	t0=$(date +%s.%N)
	mirror="${SKIFF_VM_MIRROR:-$(debian_mirror)}"
	rm -rf "$tmp"
	mkdir -p "$tmp"
	root="$tmp/root"
	# an interrupted build leaves nothing mounted and nothing half-built in the cache
	trap 'umount "$root/proc" "$root/sys" 2>/dev/null; rm -rf "$tmp"' EXIT
	log "building the guest image in $IMG (debootstrap bookworm from $mirror)"
	debootstrap --variant=minbase \
		--include=systemd,systemd-sysv,udev,kmod,bats,jq,busybox-static,procps,util-linux,bpftool,libyajl2,libcap2,libseccomp2 \
		bookworm "$root" "$mirror" >"$tmp/debootstrap.log" 2>&1 ||
		{ tail -20 "$tmp/debootstrap.log" >&2; die "debootstrap failed (log: $tmp/debootstrap.log)"; }
	# A small initramfs: only what mounts a virtio disk holding ext4.
	mkdir -p "$root/etc/initramfs-tools/conf.d"
	echo 'MODULES=list' >"$root/etc/initramfs-tools/conf.d/skiff-vm"
	printf '%s\n' virtio_pci virtio_blk ext4 >>"$root/etc/initramfs-tools/modules"
	printf '%s\n' 9p 9pnet_virtio >"$root/etc/modules-load.d/9p.conf"
	mount -t proc proc "$root/proc"
	DEBIAN_FRONTEND=noninteractive chroot "$root" apt-get install -y --no-install-recommends \
		linux-image-amd64 >"$tmp/kernel.log" 2>&1 || { umount "$root/proc"; tail -20 "$tmp/kernel.log" >&2; die "kernel install failed"; }
	umount "$root/proc"
	chroot "$root" apt-get clean
	echo skiff-vm >"$root/etc/hostname"
	echo '/dev/vda / ext4 rw,noatime 0 1' >"$root/etc/fstab"
	write_guest_boot "$root"
	chroot "$root" systemctl enable skiff-vm.service >/dev/null 2>&1
	# Nothing that is not needed for the suite: faster boot under emulation.
	chroot "$root" systemctl mask serial-getty@ttyS0.service getty@tty1.service \
		apt-daily.timer apt-daily-upgrade.timer e2scrub_all.timer fstrim.timer \
		systemd-timesyncd.service >/dev/null 2>&1 || true
	cp "$root"/boot/vmlinuz-* "$tmp/vmlinuz"
	cp "$root"/boot/initrd.img-* "$tmp/initrd.img"
	rm -rf "$root"/boot/initrd.img-* "$root"/var/cache/apt/*.bin "$root"/var/lib/apt/lists/*_Packages
	mkfs.ext4 -q -F -L skiff-vm -d "$root" "$tmp/rootfs.ext4" 3G ||
		die "mkfs.ext4 -d failed"
	rm -rf "$root"
	rm -rf "$IMG"
	mv "$tmp" "$IMG"
	trap - EXIT
	t1=$(date +%s.%N)
	echo "$(secs "$t0" "$t1")" >"$IMG/build-seconds"
	IMG_BUILT="$(secs "$t0" "$t1") s"
	log "image built in $(secs "$t0" "$t1") s"
}

# The image is rebuilt when the code that builds it changes (not for the rest of this script).
KEY="$(declare -f debian_mirror write_guest_boot build_image | sha256sum | cut -c1-16)"
IMG="$SKIFF_VM_CACHE/$KEY"
mkdir -p "$SKIFF_VM_CACHE"
exec 9>"$SKIFF_VM_CACHE/lock"
flock 9
if [ "$REBUILD" = 1 ] || [ ! -e "$IMG/rootfs.ext4" ]; then
	build_image
	# older images (another version of this script) are dead weight
	for d in "$SKIFF_VM_CACHE"/*/; do
		[ "${d%/}" = "$IMG" ] || rm -rf "${d%/}"
	done
fi
flock -u 9

# The backend: qemu with KVM when the host's KVM runs a stock kernel (a PVM /dev/kvm, kvm_pvm,
# boots only PVM guests); else User-Mode Linux (Debian's user-mode-linux) when installed, which
# boots faster than qemu's TCG emulation; else qemu with TCG.
kvm_ok() {
	[ -w /dev/kvm ] && [ ! -d /sys/module/kvm_pvm ] &&
		{ [ -d /sys/module/kvm_intel ] || [ -d /sys/module/kvm_amd ]; }
}
backend="${SKIFF_VM_BACKEND:-auto}"
if [ "$backend" = auto ]; then
	if kvm_ok; then
		backend=kvm
	elif command -v linux.uml >/dev/null; then
		backend=uml
	else
		backend=tcg
	fi
fi
case "$backend" in
kvm | tcg) ;;
uml) command -v linux.uml >/dev/null || die "linux.uml not found: apt-get install user-mode-linux" ;;
*) die "SKIFF_VM_BACKEND=$backend: kvm, tcg, uml or auto" ;;
esac
cpus="${SKIFF_VM_CPUS:-$(nproc)}"
mem="${SKIFF_VM_MEM:-2048}"
timeout_s="${SKIFF_VM_TIMEOUT:-900}"
# Both kernels: cgroup v2 only; no Spectre/Meltdown mitigations (page-table switches on every
# syscall are very costly under emulation, and this guest runs nothing untrusted).
CMDLINE="rw quiet loglevel=3 panic=-1 mitigations=off systemd.unified_cgroup_hierarchy=1 systemd.show_status=0"

RUN="$(mktemp -d /tmp/skiff-vm-run.XXXXXX)"
# The bats rootfs template (busybox links + the static probe) is built here: the guest has no
# compiler, and its ~400 `ln` processes would take minutes under emulation.
(
	bats_require_minimum_version() { :; }
	export SKIFF_TEST_CACHE="$RUN/cache"
	. "$SRCDIR/tests/integration/helpers.bash"
	build_template_rootfs
) || die "cannot build the bats rootfs template"
{
	printf 'SKIFF_SRCDIR=%q\n' "$SRCDIR"
	printf 'SKIFF_BUILDDIR=%q\n' "$BUILDDIR"
	printf 'SKIFF_VM_ARGS=(%s)\n' "$(printf '%q ' "$@")"
} >"$RUN/env"

if [ "$backend" = uml ]; then
	# one CPU; the disk's writes go to a copy-on-write file in the run directory; UML maps
	# its memory from a file in TMPDIR, best on tmpfs
	umltmp="$RUN"
	[ -d /dev/shm ] && [ -w /dev/shm ] && umltmp=/dev/shm
	cmd=(env TMPDIR="$umltmp" linux.uml mem="${mem}M" ubd0="$RUN/rootfs.cow,$IMG/rootfs.ext4"
		root=/dev/ubda con=null con0=null,fd:1 skiff.hostfs="$RUN" $CMDLINE)
else
	accel_args=(-accel tcg,thread=multi -cpu max)
	[ "$backend" = kvm ] && accel_args=(-accel kvm -cpu host)
	cmd=(qemu-system-x86_64 "${accel_args[@]}"
		-m "$mem" -smp "$cpus" -nographic -no-reboot -nic none
		-kernel "$IMG/vmlinuz" -initrd "$IMG/initrd.img"
		-append "root=/dev/vda console=ttyS0 $CMDLINE"
		-drive "file=$IMG/rootfs.ext4,if=virtio,format=raw,snapshot=on"
		-device virtio-rng-pci
		-virtfs "local,path=$RUN,mount_tag=run,security_model=none"
		-virtfs "local,path=$SRCDIR,mount_tag=src,security_model=none,readonly=on"
		-virtfs "local,path=$BUILDDIR,mount_tag=build,security_model=none")
fi
log "booting ($backend, ${mem} MiB); console: $RUN/console.log"
T_BOOT=$(date +%s.%N)
status=0
timeout --foreground "$timeout_s" "${cmd[@]}" </dev/null >"$RUN/console.log" 2>&1 || status=$?
rm -f "$RUN/rootfs.cow"
T_END=$(date +%s.%N)

[ -e "$RUN/log" ] && cat "$RUN/log"
if [ "$status" = 124 ]; then
	log "the guest did not finish within $timeout_s s; console tail:"
	tail -30 "$RUN/console.log" >&2
	exit 1
fi
if [ ! -e "$RUN/rc" ]; then
	log "the guest did not report a result (qemu status $status); console tail:"
	tail -30 "$RUN/console.log" >&2
	exit 1
fi
rc="$(cat "$RUN/rc")"
boot="$(grep -s '^boot-seconds=' "$RUN/log" | cut -d= -f2)"
suite="$(grep -s '^suite-seconds=' "$RUN/log" | cut -d= -f2)"
log "times: image build ${IMG_BUILT:-cached ($(cat "$IMG/build-seconds" 2>/dev/null || echo ?) s when built)}," \
	"guest boot ${boot:-?} s, suite ${suite:-?} s, VM total $(secs "$T_BOOT" "$T_END") s," \
	"all $(secs "$T_START" "$T_END") s ($backend)"
log "guest status $rc; logs in $RUN"
exit "$rc"
