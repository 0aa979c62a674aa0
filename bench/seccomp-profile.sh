#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# bench/seccomp-profile.sh: prints an OCI linux.seccomp object the size and shape of a
# container engine's default profile: errno by default, ~400 allowed names (every x86_64
# syscall except the ones that reach the host -- mount, module loading, kexec, ptrace, bpf,
# namespaces... -- plus the 32-bit names), and argument-checked rules for personality, clone
# and socket. Generated from the kernel headers, so it follows the machine's syscall table.
set -eu

HDR=/usr/include/x86_64-linux-gnu/asm/unistd_64.h
BLOCKED=" acct add_key bpf clock_adjtime clock_settime clone clone3 create_module
 delete_module finit_module get_kernel_syms get_mempolicy init_module ioperm iopl kcmp
 kexec_file_load kexec_load keyctl lookup_dcookie mbind mount mount_setattr move_mount
 move_pages name_to_handle_at nfsservctl open_by_handle_at open_tree fsopen fsconfig fsmount
 fspick perf_event_open personality pivot_root process_vm_readv process_vm_writev ptrace
 query_module quotactl quotactl_fd reboot request_key set_mempolicy setns settimeofday socket
 swapon swapoff sysfs _sysctl umount2 unshare uselib userfaultfd ustat vm86 vm86old
 afs_syscall getpmsg putpmsg security tuxcall vserver lsm_get_self_attr lsm_set_self_attr
 lsm_list_modules "
X86_32=" _llseek _newselect chown32 fadvise64_64 fchown32 fcntl64 fstat64 fstatat64
 fstatfs64 ftruncate64 getegid32 geteuid32 getgid32 getgroups32 getresgid32 getresuid32
 getuid32 lchown32 lstat64 mmap2 recv send sendfile64 setfsgid32 setfsuid32 setgid32
 setgroups32 setregid32 setresgid32 setresuid32 setreuid32 setuid32 sigreturn socketcall
 stat64 statfs64 truncate64 ugetrlimit waitpid sigaction sigpending sigprocmask sigsuspend
 signal ipc olduname oldfstat oldlstat oldstat readdir select_tai clock_gettime64
 clock_nanosleep_time64 futex_time64 ppoll_time64 pselect6_time64 recvmmsg_time64
 rt_sigtimedwait_time64 semtimedop_time64 timer_gettime64 timer_settime64
 timerfd_gettime64 timerfd_settime64 utimensat_time64 mq_timedsend_time64
 mq_timedreceive_time64 io_pgetevents_time64 sched_rr_get_interval_time64
 clock_getres_time64 "

names() {
	sed -n 's/^#define __NR_\([a-z0-9_]*\) .*/\1/p' "$HDR" | while read -r n; do
		case "$BLOCKED" in *" $n "*) ;; *) echo "$n" ;; esac
	done
	for n in $X86_32; do echo "$n"; done
}

printf '{"defaultAction":"SCMP_ACT_ERRNO","defaultErrnoRet":1,'
printf '"architectures":["SCMP_ARCH_X86_64","SCMP_ARCH_X86","SCMP_ARCH_X32"],"syscalls":['
printf '{"names":['
names | sort -u | sed 's/.*/"&"/' | paste -sd, -
printf '],"action":"SCMP_ACT_ALLOW"}'
for v in 0 8 131072 131080 4294967295; do
	printf ',{"names":["personality"],"action":"SCMP_ACT_ALLOW",'
	printf '"args":[{"index":0,"value":%s,"op":"SCMP_CMP_EQ"}]}' "$v"
done
printf ',{"names":["clone"],"action":"SCMP_ACT_ALLOW",'
printf '"args":[{"index":0,"value":2114060288,"valueTwo":0,"op":"SCMP_CMP_MASKED_EQ"}]}'
printf ',{"names":["clone3"],"action":"SCMP_ACT_ERRNO","errnoRet":38}'
printf ',{"names":["socket"],"action":"SCMP_ACT_ALLOW",'
printf '"args":[{"index":0,"value":40,"op":"SCMP_CMP_NE"}]}'
printf ']}\n'
