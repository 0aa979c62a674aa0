/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Linux security modules: the host check (a label for an LSM the host does not run is an error,
 * never silently dropped), the exec-time AppArmor profile and SELinux label written into the
 * process's procfs attributes through a handle verified to be procfs (CVE-2019-16884: a
 * container's bind mount over /proc must not swallow the write), and the SELinux mount label.
 */
#include "config.h"
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "cleanup.h"
#include "fs.h"
#include "lsm.h"

#ifndef SELINUX_MAGIC
#define SELINUX_MAGIC 0xf97cff8c
#endif

static bool nonempty(const char *s)
{
	return s && *s;
}

static bool apparmor_enabled(void)
{
	_cleanup_close_ int fd =
	    open("/sys/module/apparmor/parameters/enabled", O_RDONLY | O_CLOEXEC);
	char c = 0;
	return fd >= 0 && read(fd, &c, 1) == 1 && c == 'Y';
}

/* selinuxfs at its usual place, or anywhere in our mount table (older systems: /selinux). */
static bool selinux_enabled(void)
{
	struct statfs sf;
	_cleanup_fclose_ FILE *f = NULL;
	_cleanup_free_ char *line = NULL;
	size_t cap = 0;

	if (statfs("/sys/fs/selinux", &sf) == 0 && (unsigned long)sf.f_type == SELINUX_MAGIC)
		return true;
	f = fopen("/proc/self/mountinfo", "re");
	while (f && getline(&line, &cap, f) > 0) {
		const char *sep = strstr(line, " - ");
		if (sep && !strncmp(sep + 3, "selinuxfs ", 10))
			return true;
	}
	return false;
}

void sk_lsm_host_detect(struct sk_lsm_host *ret)
{
	ret->apparmor = apparmor_enabled();
	ret->selinux = selinux_enabled();
}

int sk_lsm_validate(const struct sk_lsm_host *h, const struct sk_process *p,
		    const char *mount_label, struct sk_err *err)
{
	if (p && nonempty(p->apparmor_profile) && !h->apparmor)
		return sk_fail(
		    err, 0,
		    "config.json: .process.apparmorProfile: \"%s\" requested, but AppArmor "
		    "is not enabled on this host",
		    p->apparmor_profile);
	if (p && nonempty(p->selinux_label) && !h->selinux)
		return sk_fail(
		    err, 0,
		    "config.json: .process.selinuxLabel: \"%s\" requested, but SELinux is "
		    "not enabled on this host",
		    p->selinux_label);
	if (nonempty(mount_label) && !h->selinux)
		return sk_fail(
		    err, 0,
		    "config.json: .linux.mountLabel: \"%s\" requested, but SELinux is not "
		    "enabled on this host",
		    mount_label);
	if (nonempty(mount_label) && strchr(mount_label, '"'))
		return sk_fail(err, 0, "config.json: .linux.mountLabel: must not contain '\"'");
	return 0;
}

int sk_lsm_check(const struct sk_spec *spec, struct sk_err *err)
{
	struct sk_lsm_host h;
	const struct sk_process *p = spec->process;

	if (!(p && (nonempty(p->apparmor_profile) || nonempty(p->selinux_label))) &&
	    !nonempty(spec->linux_.mount_label))
		return 0;
	sk_lsm_host_detect(&h);
	return sk_lsm_validate(&h, p, spec->linux_.mount_label, err);
}

/* Opens path under the verified procfs without following magic links (or, for the last
 * component, any link), and checks that what was opened is procfs. */
static int proc_open(int proc_fd, const char *path, int flags, struct sk_err *err)
{
	struct open_how how = {.flags = (uint64_t)(flags | O_CLOEXEC | O_NOFOLLOW),
			       .resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS};
	struct statfs sf;
	int fd = (int)syscall(SYS_openat2, proc_fd, path, &how, sizeof(how));

	if (fd < 0 && (errno == ENOSYS || errno == EPERM))
		fd = openat(proc_fd, path, flags | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -1;
	if (fstatfs(fd, &sf) < 0 || sf.f_type != PROC_SUPER_MAGIC) {
		close(fd);
		sk_fail(err, EXDEV, "/proc/%s is not on procfs", path);
		errno = EXDEV;
		return -1;
	}
	return fd;
}

static int write_attr(int proc_fd, const char *const paths[], const char *val, const char *what,
		      struct sk_err *err)
{
	_cleanup_close_ int fd = -1;
	size_t len = strlen(val);
	const char *path = NULL;

	/* The LSM's own file first (kernel 5.8+, stacking), then the shared one. */
	for (size_t i = 0; paths[i] && fd < 0; i++) {
		path = paths[i];
		fd = proc_open(proc_fd, path, O_WRONLY, err);
		if (fd < 0 && errno != ENOENT)
			return errno == EXDEV
				   ? -1
				   : sk_fail(err, errno, "%s: open /proc/%s", what, path);
	}
	if (fd < 0)
		return sk_fail(err, ENOENT, "%s: no exec attribute in /proc", what);
	if (write(fd, val, len) != (ssize_t)len)
		return sk_fail(err, errno ? errno : EIO, "%s: write /proc/%s", what, path);
	return 0;
}

int sk_lsm_apply_exec(int proc_fd, const struct sk_process *p, struct sk_err *err)
{
	struct statfs sf;

	if (!p || (!nonempty(p->apparmor_profile) && !nonempty(p->selinux_label)))
		return 0;
	if (fstatfs(proc_fd, &sf) < 0)
		return sk_fail(err, errno, "apply LSM labels: fstatfs of the procfs handle");
	if (sf.f_type != PROC_SUPER_MAGIC)
		return sk_fail(err, EXDEV, "apply LSM labels: the procfs handle is not procfs");
	if (nonempty(p->apparmor_profile)) {
		static const char *const paths[] = {"thread-self/attr/apparmor/exec",
						    "thread-self/attr/exec", NULL};
		/* Without the AppArmor attribute directory readable, AppArmor is not running. */
		_cleanup_close_ int cur =
		    proc_open(proc_fd, "thread-self/attr/apparmor/current", O_RDONLY, NULL);
		char c;
		if (cur >= 0 && read(cur, &c, 1) < 0 && errno == EINVAL)
			return sk_fail(err, 0,
				       "AppArmor profile \"%s\": AppArmor is not enabled on "
				       "this host",
				       p->apparmor_profile);
		_cleanup_free_ char *val = NULL;
		if (asprintf(&val, "exec %s", p->apparmor_profile) < 0)
			return sk_fail(err, ENOMEM, "AppArmor profile");
		if (write_attr(proc_fd, paths, val, "AppArmor profile", err) < 0)
			return sk_wrap(err, "apply AppArmor profile \"%s\"", p->apparmor_profile);
	}
	if (nonempty(p->selinux_label)) {
		static const char *const paths[] = {"thread-self/attr/exec", NULL};
		if (write_attr(proc_fd, paths, p->selinux_label, "SELinux label", err) < 0)
			return sk_wrap(err, "apply SELinux label \"%s\"", p->selinux_label);
	}
	return 0;
}

/* File systems that take no context= option: procfs, sysfs and the other pseudo file systems
 * label themselves (genfscon) and reject one; bind mounts keep the source's labels. */
static const char *const no_context[] = {
    "proc",    "sysfs",	    "cgroup", "cgroup2",  "securityfs",	 "debugfs",
    "tracefs", "selinuxfs", "bpf",    "configfs", "binfmt_misc", "fusectl",
    "pstore",  "efivarfs",  "bind",   "rbind",	  "none",	 NULL,
};

/* Whether data already has an SELinux context option (an option word, outside quotes). */
static bool has_context(const char *data)
{
	static const char *const keys[] = {
	    "context=", "fscontext=", "defcontext=", "rootcontext=", NULL};
	bool quoted = false, start = true;

	for (const char *c = data; *c; c++) {
		if (start)
			for (const char *const *k = keys; *k; k++)
				if (!strncmp(c, *k, strlen(*k)))
					return true;
		if (*c == '"')
			quoted = !quoted;
		start = !quoted && *c == ',';
	}
	return false;
}

int sk_lsm_mount_data(const char *mount_label, const char *fstype, const char *data, char **ret,
		      struct sk_err *err)
{
	*ret = NULL;
	if (!nonempty(mount_label) || !nonempty(fstype))
		return 0;
	for (const char *const *t = no_context; *t; t++)
		if (!strcmp(fstype, *t))
			return 0;
	if (nonempty(data) && has_context(data))
		return 0;
	if (strchr(mount_label, '"'))
		return sk_fail(err, EINVAL, "mount label \"%s\": must not contain '\"'",
			       mount_label);
	/* Quoted: MCS labels carry commas (s0:c1,c2). */
	if (asprintf(ret, "%s%scontext=\"%s\"", nonempty(data) ? data : "",
		     nonempty(data) ? "," : "", mount_label) < 0) {
		*ret = NULL;
		return sk_fail(err, ENOMEM, "mount label");
	}
	return 0;
}
