/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Namespaces of the config: new ones become clone/unshare flags; joined ones are opened in the
 * runtime's mount namespace (paths are host paths) and type-checked before anything is cloned.
 * A new network namespace gets its loopback interface up.
 */
#include "config.h"
#include <errno.h>
#include <fcntl.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include "cleanup.h"
#include "fs.h"
#include "ns.h"

int sk_ns_new_flags(const struct sk_linux *l)
{
	int flags = 0;
	for (int t = 0; t < SK_NS_MAX; t++)
		if (l->ns[t].present && !l->ns[t].path)
			flags |= sk_ns_type_clone_flag(t);
	return flags;
}

void sk_ns_close_fds(int fds[SK_NS_MAX])
{
	for (int t = 0; t < SK_NS_MAX; t++)
		closep(&fds[t]), fds[t] = -1;
}

bool sk_ns_any_path(const int fds[SK_NS_MAX])
{
	for (int t = 0; t < SK_NS_MAX; t++)
		if (fds[t] >= 0)
			return true;
	return false;
}

int sk_ns_open_paths(const struct sk_linux *l, int fds[SK_NS_MAX], struct sk_err *err)
{
	for (int t = 0; t < SK_NS_MAX; t++)
		fds[t] = -1;
	for (int t = 0; t < SK_NS_MAX; t++) {
		const char *path = l->ns[t].path;
		if (!l->ns[t].present || !path)
			continue;
		fds[t] = open(path, O_RDONLY | O_CLOEXEC);
		if (fds[t] < 0) {
			sk_fail(err, errno, "open %s namespace %s", sk_ns_type_name(t), path);
			goto fail;
		}
		int type = ioctl(fds[t], NS_GET_NSTYPE);
		if (type < 0 || type != sk_ns_type_clone_flag(t)) {
			sk_fail(err, type < 0 ? errno : 0, "%s is not a %s namespace", path,
				sk_ns_type_name(t));
			goto fail;
		}
	}
	return 0;
fail:
	sk_ns_close_fds(fds);
	return -1;
}

static int join(const int fds[SK_NS_MAX], int t, struct sk_err *err)
{
	if (fds[t] >= 0 && setns(fds[t], sk_ns_type_clone_flag(t)) < 0)
		return sk_fail(err, errno, "join %s namespace", sk_ns_type_name(t));
	return 0;
}

int sk_ns_join_all(const int fds[SK_NS_MAX], struct sk_err *err)
{
	/* The user namespace first: it grants the capabilities the other joins need. The mount
	 * namespace last: joining it changes root and cwd. */
	if (join(fds, SK_NS_USER, err) < 0)
		return -1;
	for (int t = 0; t < SK_NS_MAX; t++)
		if (t != SK_NS_USER && t != SK_NS_MOUNT && join(fds, t, err) < 0)
			return -1;
	return join(fds, SK_NS_MOUNT, err);
}

static char *format_map(const struct sk_id_map *m, size_t n)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		return NULL;
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%u %u %u\n", m[i].container_id, m[i].host_id, m[i].size);
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

static int write_proc(pid_t pid, const char *file, const char *data, struct sk_err *err)
{
	_cleanup_free_ char *path = NULL;
	if (asprintf(&path, "/proc/%d/%s", (int)pid, file) < 0)
		return sk_fail(err, ENOMEM, "write %s", file);
	return sk_write_file_at(AT_FDCWD, path, data, strlen(data), err);
}

int sk_ns_write_id_maps(pid_t pid, const struct sk_linux *l, struct sk_err *err)
{
	_cleanup_free_ char *uids = format_map(l->uid_mappings, l->n_uid_mappings);
	_cleanup_free_ char *gids = format_map(l->gid_mappings, l->n_gid_mappings);

	if (!uids || !gids)
		return sk_fail(err, ENOMEM, "format id mappings");
	if (l->n_uid_mappings && write_proc(pid, "uid_map", uids, err) < 0)
		return sk_wrap(err, "user namespace");
	if (l->n_gid_mappings && write_proc(pid, "gid_map", gids, err) < 0)
		return sk_wrap(err, "user namespace");
	return 0;
}

/* A new network namespace starts with lo down: 127.0.0.1 would be unreachable inside the
 * container. runc and crun bring it up, and podman --network=none and ctr rely on it. */
int sk_ns_loopback_up(struct sk_err *err)
{
	struct ifreq ifr = {.ifr_name = "lo"};
	_cleanup_close_ int sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (sock < 0)
		return sk_fail(err, errno, "socket to set up lo");
	if (ioctl(sock, SIOCGIFFLAGS, &ifr) < 0)
		return sk_fail(err, errno, "get the flags of lo");
	if (ifr.ifr_flags & IFF_UP)
		return 0;
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(sock, SIOCSIFFLAGS, &ifr) < 0)
		return sk_fail(err, errno, "bring lo up");
	return 0;
}

int sk_ns_write_time_offsets(pid_t pid, const struct sk_linux *l, struct sk_err *err)
{
	_cleanup_free_ char *text = NULL;
	const struct sk_time_offset *b = &l->time_boottime, *m = &l->time_monotonic;

	if (!b->present && !m->present)
		return 0;
	if (asprintf(&text, "monotonic %lld %u\nboottime %lld %u\n", (long long)m->secs,
		     m->nanosecs, (long long)b->secs, b->nanosecs) < 0)
		return sk_fail(err, ENOMEM, "time offsets");
	if (write_proc(pid, "timens_offsets", text, err) < 0)
		return sk_wrap(err, "time namespace");
	return 0;
}

static uint32_t map_id(const struct sk_id_map *m, size_t n, uint32_t id)
{
	if (n == 0)
		return id;
	for (size_t i = 0; i < n; i++)
		if (id >= m[i].container_id && id - m[i].container_id < m[i].size)
			return m[i].host_id + (id - m[i].container_id);
	return (uint32_t)-1;
}

uid_t sk_ns_host_uid(const struct sk_linux *l, uid_t uid)
{
	if (!l->ns[SK_NS_USER].present)
		return uid;
	return map_id(l->uid_mappings, l->n_uid_mappings, uid);
}

gid_t sk_ns_host_gid(const struct sk_linux *l, gid_t gid)
{
	if (!l->ns[SK_NS_USER].present)
		return gid;
	return map_id(l->gid_mappings, l->n_gid_mappings, gid);
}
