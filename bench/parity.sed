# SPDX-License-Identifier: Apache-2.0
# bench/parity.sed: differences between runtimes that the parity check tolerates, applied to
# every participant's probe output (sed -E) before comparing. Each rule says why. Anything not
# listed here that differs makes run.sh refuse to report.
#
# Masked paths are checked by effect ("masked PATH empty" lines); how they are masked (a bind
# of the host's or the container's /dev/null, a read-only tmpfs with or without nosuid) varies.
/^mount \/proc\/(acpi|asound|kcore|keys|latency_stats|timer_list|timer_stats|sched_debug|scsi) /d
/^mount \/sys\/(firmware|devices\/virtual\/powercap) /d
# The tmpfs that holds the cgroup v1 mounts: crun and runc leave it rw, skiff remounts it ro;
# the hierarchies below it are read-only everywhere.
s/^(mount \/sys\/fs\/cgroup tmpfs )r[ow],/\1*,/
# Device allow lists: crun adds /dev/console (5:1), runc 1.1 and skiff add /dev/net/tun
# (10:200); crun links /dev/core -> /proc/kcore.
/^devices c 5:1 rwm$/d
/^devices c 10:200 rwm$/d
/^dev core -> \/proc\/kcore$/d
