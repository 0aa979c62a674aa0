/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What `events` reports: the stats event of a container's cgroup in runc's JSON shape (its
 * types/events.go, as runc 1.1 emits it), and the OOM watch (eventfd on memory.oom_control for
 * v1, inotify on memory.events for v2).
 */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include "cgroup.h"
#include "error.h"

/* {"type":"stats","id":ID,"data":{cpu, cpuset, memory, pids, blkio, hugetlb, intel_rdt,
 * network_interfaces}} on one line. Missing files leave their fields out or zero. */
int sk_stats_event(const char *id, struct sk_cgroup *cg, char **ret, struct sk_err *err);
/* {"type":TYPE,"id":ID} */
int sk_stats_simple_event(const char *type, const char *id, char **ret, struct sk_err *err);

struct sk_oom_watch {
	int fd;		    /* poll it for POLLIN; -1 when not open */
	bool v1;	    /* eventfd on memory.oom_control, else inotify on memory.events */
	char *events_path;  /* memory.oom_control (v1) or memory.events (v2) */
	uint64_t oom_kills; /* v2: the last OOM count seen */
};
/* Opens the watch on the memory cgroup (v1 when the memory controller is there, else v2). */
int sk_oom_watch_open(struct sk_cgroup *cg, struct sk_oom_watch *w, struct sk_err *err);
/* Consumes what the fd reported; true when the cgroup hit its limit (v2: a new oom_kill). */
bool sk_oom_watch_fired(struct sk_oom_watch *w);
void sk_oom_watch_close(struct sk_oom_watch *w);
