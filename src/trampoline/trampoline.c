/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The trampoline: a tiny static program, embedded in skiff and run from a sealed memfd, whose
 * only job is execve(argv[1], argv + 2, envp). The container's process execs it first, so that
 * when the user's program starts, /proc/<pid>/exe no longer is the host's skiff binary but this
 * read-only copy: a container that execs /proc/self/exe (directly or as a #! interpreter) gets
 * the trampoline, and nothing it can write (CVE-2019-5736). No libc: raw syscalls only.
 */
#if defined(__x86_64__)
#define NR_write  1
#define NR_execve 59
#define NR_exit	  60
static long sys3(long n, long a, long b, long c)
{
	long r;
	__asm__ volatile("syscall"
			 : "=a"(r)
			 : "a"(n), "D"(a), "S"(b), "d"(c)
			 : "rcx", "r11", "memory");
	return r;
}
__asm__(".text\n.globl _start\n_start:\n\tmov %rsp, %rdi\n\tand $-16, %rsp\n\tcall "
	"tramp_main\n\thlt\n");
#elif defined(__aarch64__)
#define NR_write  64
#define NR_execve 221
#define NR_exit	  93
static long sys3(long n, long a, long b, long c)
{
	register long x8 __asm__("x8") = n;
	register long x0 __asm__("x0") = a;
	register long x1 __asm__("x1") = b;
	register long x2 __asm__("x2") = c;
	__asm__ volatile("svc 0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2) : "memory");
	return x0;
}
__asm__(".text\n.globl _start\n_start:\n\tmov x0, sp\n\tbl tramp_main\n");
#else
#error "the trampoline supports x86_64 and aarch64"
#endif

void tramp_main(long *sp) __attribute__((used, noreturn));

static unsigned long len(const char *s)
{
	unsigned long n = 0;
	while (s[n])
		n++;
	return n;
}

static void say(const char *s)
{
	sys3(NR_write, 2, (long)s, (long)len(s));
}

/* The usual reasons execve fails, worded as runc prints them; others are shown as "errno N". */
static const char *reason(unsigned long e)
{
	switch (e) {
	case 1:
		return "operation not permitted";
	case 2:
		return "no such file or directory";
	case 7:
		return "argument list too long";
	case 8:
		return "exec format error";
	case 12:
		return "cannot allocate memory";
	case 13:
		return "permission denied";
	case 20:
		return "not a directory";
	case 21:
		return "is a directory";
	case 26:
		return "text file busy";
	case 40:
		return "too many levels of symbolic links";
	default:
		return 0;
	}
}

void tramp_main(long *sp)
{
	long argc = sp[0];
	char **argv = (char **)(sp + 1);
	char **envp = argv + argc + 1;
	char num[24];
	int i = sizeof(num) - 1;

	if (argc >= 2) {
		long r = sys3(NR_execve, (long)argv[0], (long)(argv + 1), (long)envp);
		/* Only reached on failure (r = -errno): "skiff: exec PATH: REASON". */
		unsigned long e = (unsigned long)-r;
		const char *why = reason(e);
		num[i] = '\0';
		do
			num[--i] = (char)('0' + e % 10);
		while ((e /= 10) && i > 0);
		say("skiff: exec ");
		say(argv[0]);
		say(": ");
		say(why ? why : "errno ");
		say(why ? "" : num + i);
		say("\n");
	}
	for (;;)
		sys3(NR_exit, 127, 0, 0);
}
