/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Runtime side of the exec trampoline: the embedded program goes into a memfd sealed against
 * writes, growth, shrinking and further sealing, so that even a process that reaches it through
 * /proc/<pid>/exe cannot change it; the memfd is created per container by the runtime process.
 */
#include "config.h"
#include <errno.h>
#include <fcntl.h>
#include <linux/memfd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "trampoline.h"

#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U
#endif
#ifndef F_SEAL_EXEC
#define F_SEAL_EXEC 0x0020
#endif

int sk_trampoline_open(struct sk_err *err)
{
	/* MFD_EXEC (6.3+) keeps the memfd executable under vm.memfd_noexec = 1. */
	int fd = memfd_create("skiff-trampoline", MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_EXEC);
	if (fd < 0 && errno == EINVAL)
		fd = memfd_create("skiff-trampoline", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd < 0)
		return sk_fail(err, errno, "memfd_create for the exec trampoline");
	const unsigned char *p = sk_trampoline_blob;
	size_t left = sk_trampoline_blob_len;
	while (left > 0) {
		ssize_t w = write(fd, p, left);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			sk_fail(err, errno, "write the exec trampoline");
			close(fd);
			return -1;
		}
		p += w;
		left -= (size_t)w;
	}
	int seals = F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE;
	if (fcntl(fd, F_ADD_SEALS, seals | F_SEAL_EXEC) < 0 &&
	    (errno != EINVAL || fcntl(fd, F_ADD_SEALS, seals) < 0)) {
		sk_fail(err, errno, "seal the exec trampoline");
		close(fd);
		return -1;
	}
	return fd;
}

int sk_trampoline_exec(int tramp_fd, const char *exe, char *const args[], char *const envp[])
{
	size_t n = 0;

	while (args[n])
		n++;
	char **argv = calloc(n + 2, sizeof(char *));
	if (!argv)
		return -1;
	argv[0] = (char *)exe;
	memcpy(argv + 1, args, n * sizeof(char *));
	if (tramp_fd >= 0) {
		syscall(SYS_execveat, tramp_fd, "", argv, envp, AT_EMPTY_PATH);
		if (errno != EACCES && errno != EPERM && errno != ENOSYS)
			goto out;
		/* memfd exec refused by the host: exec directly (SECURITY.md says what is lost). */
	}
	execve(exe, args, envp);
out:
	free(argv);
	return -1;
}
