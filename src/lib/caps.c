/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Capabilities: the CAP_* name table, the highest capability the kernel knows, and applying
 * the five sets of process.capabilities to the calling process (the container child, after the
 * uid switch, with PR_SET_KEEPCAPS). Raw prctl(2)/capset(2): no allocation, nothing to free.
 */
#include "config.h"
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "caps.h"
#include "cleanup.h"

#define SK_CAP_MAX 40 /* CAP_CHECKPOINT_RESTORE, Linux 5.9 */

static const char *const cap_names[SK_CAP_MAX + 1] = {
    "CAP_CHOWN",
    "CAP_DAC_OVERRIDE",
    "CAP_DAC_READ_SEARCH",
    "CAP_FOWNER",
    "CAP_FSETID",
    "CAP_KILL",
    "CAP_SETGID",
    "CAP_SETUID",
    "CAP_SETPCAP",
    "CAP_LINUX_IMMUTABLE",
    "CAP_NET_BIND_SERVICE",
    "CAP_NET_BROADCAST",
    "CAP_NET_ADMIN",
    "CAP_NET_RAW",
    "CAP_IPC_LOCK",
    "CAP_IPC_OWNER",
    "CAP_SYS_MODULE",
    "CAP_SYS_RAWIO",
    "CAP_SYS_CHROOT",
    "CAP_SYS_PTRACE",
    "CAP_SYS_PACCT",
    "CAP_SYS_ADMIN",
    "CAP_SYS_BOOT",
    "CAP_SYS_NICE",
    "CAP_SYS_RESOURCE",
    "CAP_SYS_TIME",
    "CAP_SYS_TTY_CONFIG",
    "CAP_MKNOD",
    "CAP_LEASE",
    "CAP_AUDIT_WRITE",
    "CAP_AUDIT_CONTROL",
    "CAP_SETFCAP",
    "CAP_MAC_OVERRIDE",
    "CAP_MAC_ADMIN",
    "CAP_SYSLOG",
    "CAP_WAKE_ALARM",
    "CAP_BLOCK_SUSPEND",
    "CAP_AUDIT_READ",
    "CAP_PERFMON",
    "CAP_BPF",
    "CAP_CHECKPOINT_RESTORE",
};

int sk_cap_from_name(const char *name, int *ret, struct sk_err *err)
{
	for (int i = 0; i <= SK_CAP_MAX; i++)
		if (strcmp(cap_names[i], name) == 0) {
			*ret = i;
			return 0;
		}
	return sk_fail(err, 0, "unknown capability \"%s\"", name);
}

const char *sk_cap_name(int cap)
{
	return cap >= 0 && cap <= SK_CAP_MAX ? cap_names[cap] : NULL;
}

int sk_cap_last(void)
{
	_cleanup_close_ int fd = open("/proc/sys/kernel/cap_last_cap", O_RDONLY | O_CLOEXEC);
	char buf[16];
	ssize_t n;
	long v;
	char *end;

	if (fd < 0)
		return CAP_LAST_CAP;
	n = read(fd, buf, sizeof(buf) - 1);
	if (n <= 0)
		return CAP_LAST_CAP;
	buf[n] = '\0';
	errno = 0;
	v = strtol(buf, &end, 10);
	if (errno || end == buf || v < 0)
		return CAP_LAST_CAP;
	/* The sets are 64-bit masks; a kernel knowing more than 64 caps is far away. */
	return v > 63 ? 63 : (int)v;
}

static bool has(uint64_t set, int cap)
{
	return (set >> cap) & 1;
}

static const char *cap_str(int cap)
{
	const char *n = sk_cap_name(cap);
	return n ? n : "unknown capability";
}

/* Needs CAP_SETPCAP, so it runs before capset() may drop it. */
static int drop_bounding(uint64_t keep, int last, struct sk_err *err)
{
	for (int cap = 0; cap <= last; cap++) {
		if (has(keep, cap))
			continue;
		/* Drop without reading first; a second pass (after the seccomp filter) may lack
		 * CAP_SETPCAP, and then EPERM is fine for a capability that is already gone. */
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno != EINVAL &&
		    !(errno == EPERM && prctl(PR_CAPBSET_READ, cap, 0, 0, 0) == 0))
			return sk_fail(err, errno, "drop %s from the bounding set", cap_str(cap));
	}
	return 0;
}

static int set_proc(const struct sk_caps *caps, uint64_t mask, struct sk_err *err)
{
	struct __user_cap_header_struct hdr = {.version = _LINUX_CAPABILITY_VERSION_3};
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = {0};
	uint64_t eff = caps->effective & mask, perm = caps->permitted & mask,
		 inh = caps->inheritable & mask;

	data[0].effective = (uint32_t)eff;
	data[1].effective = (uint32_t)(eff >> 32);
	data[0].permitted = (uint32_t)perm;
	data[1].permitted = (uint32_t)(perm >> 32);
	data[0].inheritable = (uint32_t)inh;
	data[1].inheritable = (uint32_t)(inh >> 32);
	if (syscall(SYS_capset, &hdr, data) < 0)
		return sk_fail(
		    err, errno,
		    "set capabilities (effective %#llx, permitted %#llx, inheritable %#llx)",
		    (unsigned long long)eff, (unsigned long long)perm, (unsigned long long)inh);
	return 0;
}

/* An ambient capability must be permitted and inheritable already: runs after capset(). */
static int set_ambient(uint64_t ambient, int last, struct sk_err *err)
{
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0) {
		if (errno == EINVAL && ambient == 0)
			return 0; /* kernel before 4.3: no ambient set, nothing asked */
		return sk_fail(err, errno, "clear the ambient capability set");
	}
	for (int cap = 0; cap <= last; cap++) {
		if (!has(ambient, cap))
			continue;
		if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) < 0)
			return sk_fail(err, errno, "raise %s in the ambient set", cap_str(cap));
	}
	return 0;
}

int sk_caps_apply(const struct sk_caps *caps, struct sk_err *err)
{
	int last = sk_cap_last();
	/* Capabilities the kernel does not know are skipped silently. */
	uint64_t mask = last >= 63 ? UINT64_MAX : (UINT64_C(1) << (last + 1)) - 1;

	/* Without process.capabilities the sets are all empty: the process gets none.
	 * The kernel only lets a capability be ambient when it is also permitted and inheritable.
	 * Configs (runc's default among them) list ambient caps without inheritable ones; those are
	 * left out, as runc does, instead of failing the container or widening inheritable
	 * (CVE-2022-29162). */
	uint64_t ambient = caps->ambient & caps->inheritable & caps->permitted & mask;

	if (drop_bounding(caps->bounding, last, err) < 0 || set_proc(caps, mask, err) < 0 ||
	    set_ambient(ambient, last, err) < 0)
		return -1;
	return 0;
}
