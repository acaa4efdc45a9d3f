// SPDX-License-Identifier: GPL-2.0
/*
 * fpucheck: does the host task's FPU state survive a guest that runs on
 * the same CPU? Loads known values into xmm0-15 (ymm0-15 where AVX is
 * enabled) and MXCSR, spins with only integer instructions, stores the
 * registers back and compares; again and again for SECONDS. Any
 * difference is corruption by whoever ran on the CPU in between (the
 * vCPU kthread loads the guest's registers with XRSTOR and must give
 * the task's back).
 *
 *   fpucheck spin SECONDS   prints "fpucheck: ok CHECKS checks, N
 *                           involuntary switches" or the first corrupt
 *                           register, exit 1
 *   fpucheck size           the XSAVE area size for the XCR0 in use
 *                           (CPUID.(EAX=0xd,ECX=0):EBX), what fpregs is
 *   fpucheck xcr0           XCR0 (xgetbv 0) in hex
 *   fpucheck leakgo DIR [GO-ARGS]
 *                           fill xmm0-15 (ymm0-15 where AVX is on) with
 *                           0x5a bytes, then, with only raw syscalls so
 *                           that nothing touches them, write "go GO-ARGS"
 *                           to DIR/ctl and read one line of DIR/wait;
 *                           print the line. A guest that reads registers
 *                           it never wrote must not see 0x5a (the vCPU
 *                           kthread runs right after this task).
 */
#include <cpuid.h>
#include <fcntl.h>
#include <unistd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#define NREG	16
#define MXCSR_WANT	0x5f80	/* all masked, round up: not the default */

static uint8_t want[NREG][32] __attribute__((aligned(32)));
static uint8_t got[NREG][32] __attribute__((aligned(32)));
static uint32_t mxcsr_want = MXCSR_WANT, mxcsr_got;

static uint64_t xgetbv0(void)
{
	uint32_t lo, hi;

	asm volatile("xgetbv" : "=a" (lo), "=d" (hi) : "c" (0));
	return (uint64_t)hi << 32 | lo;
}

static int have_avx(void)
{
	unsigned int a, b, c, d;

	if (!__get_cpuid(1, &a, &b, &c, &d))
		return 0;
	if (!(c & bit_OSXSAVE) || !(c & bit_AVX))
		return 0;
	return (xgetbv0() & 6) == 6;
}

/* Load, spin LOOPS times on integer registers only, store. */
static void block_sse(unsigned long loops)
{
	asm volatile(
		"ldmxcsr %[mw]\n\t"
		"movdqu 0*32+%[w], %%xmm0\n\t"
		"movdqu 1*32+%[w], %%xmm1\n\t"
		"movdqu 2*32+%[w], %%xmm2\n\t"
		"movdqu 3*32+%[w], %%xmm3\n\t"
		"movdqu 4*32+%[w], %%xmm4\n\t"
		"movdqu 5*32+%[w], %%xmm5\n\t"
		"movdqu 6*32+%[w], %%xmm6\n\t"
		"movdqu 7*32+%[w], %%xmm7\n\t"
		"movdqu 8*32+%[w], %%xmm8\n\t"
		"movdqu 9*32+%[w], %%xmm9\n\t"
		"movdqu 10*32+%[w], %%xmm10\n\t"
		"movdqu 11*32+%[w], %%xmm11\n\t"
		"movdqu 12*32+%[w], %%xmm12\n\t"
		"movdqu 13*32+%[w], %%xmm13\n\t"
		"movdqu 14*32+%[w], %%xmm14\n\t"
		"movdqu 15*32+%[w], %%xmm15\n\t"
		"1: dec %[n]\n\t"
		"jnz 1b\n\t"
		"stmxcsr %[mg]\n\t"
		"movdqu %%xmm0, 0*32+%[g]\n\t"
		"movdqu %%xmm1, 1*32+%[g]\n\t"
		"movdqu %%xmm2, 2*32+%[g]\n\t"
		"movdqu %%xmm3, 3*32+%[g]\n\t"
		"movdqu %%xmm4, 4*32+%[g]\n\t"
		"movdqu %%xmm5, 5*32+%[g]\n\t"
		"movdqu %%xmm6, 6*32+%[g]\n\t"
		"movdqu %%xmm7, 7*32+%[g]\n\t"
		"movdqu %%xmm8, 8*32+%[g]\n\t"
		"movdqu %%xmm9, 9*32+%[g]\n\t"
		"movdqu %%xmm10, 10*32+%[g]\n\t"
		"movdqu %%xmm11, 11*32+%[g]\n\t"
		"movdqu %%xmm12, 12*32+%[g]\n\t"
		"movdqu %%xmm13, 13*32+%[g]\n\t"
		"movdqu %%xmm14, 14*32+%[g]\n\t"
		"movdqu %%xmm15, 15*32+%[g]\n\t"
		: [g] "=m" (got), [mg] "=m" (mxcsr_got), [n] "+r" (loops)
		: [w] "m" (want), [mw] "m" (mxcsr_want)
		: "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6",
		  "xmm7", "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13",
		  "xmm14", "xmm15", "cc");
}

static void block_avx(unsigned long loops)
{
	asm volatile(
		"ldmxcsr %[mw]\n\t"
		"vmovdqu 0*32+%[w], %%ymm0\n\t"
		"vmovdqu 1*32+%[w], %%ymm1\n\t"
		"vmovdqu 2*32+%[w], %%ymm2\n\t"
		"vmovdqu 3*32+%[w], %%ymm3\n\t"
		"vmovdqu 4*32+%[w], %%ymm4\n\t"
		"vmovdqu 5*32+%[w], %%ymm5\n\t"
		"vmovdqu 6*32+%[w], %%ymm6\n\t"
		"vmovdqu 7*32+%[w], %%ymm7\n\t"
		"vmovdqu 8*32+%[w], %%ymm8\n\t"
		"vmovdqu 9*32+%[w], %%ymm9\n\t"
		"vmovdqu 10*32+%[w], %%ymm10\n\t"
		"vmovdqu 11*32+%[w], %%ymm11\n\t"
		"vmovdqu 12*32+%[w], %%ymm12\n\t"
		"vmovdqu 13*32+%[w], %%ymm13\n\t"
		"vmovdqu 14*32+%[w], %%ymm14\n\t"
		"vmovdqu 15*32+%[w], %%ymm15\n\t"
		"1: dec %[n]\n\t"
		"jnz 1b\n\t"
		"stmxcsr %[mg]\n\t"
		"vmovdqu %%ymm0, 0*32+%[g]\n\t"
		"vmovdqu %%ymm1, 1*32+%[g]\n\t"
		"vmovdqu %%ymm2, 2*32+%[g]\n\t"
		"vmovdqu %%ymm3, 3*32+%[g]\n\t"
		"vmovdqu %%ymm4, 4*32+%[g]\n\t"
		"vmovdqu %%ymm5, 5*32+%[g]\n\t"
		"vmovdqu %%ymm6, 6*32+%[g]\n\t"
		"vmovdqu %%ymm7, 7*32+%[g]\n\t"
		"vmovdqu %%ymm8, 8*32+%[g]\n\t"
		"vmovdqu %%ymm9, 9*32+%[g]\n\t"
		"vmovdqu %%ymm10, 10*32+%[g]\n\t"
		"vmovdqu %%ymm11, 11*32+%[g]\n\t"
		"vmovdqu %%ymm12, 12*32+%[g]\n\t"
		"vmovdqu %%ymm13, 13*32+%[g]\n\t"
		"vmovdqu %%ymm14, 14*32+%[g]\n\t"
		"vmovdqu %%ymm15, 15*32+%[g]\n\t"
		"vzeroupper\n\t"
		: [g] "=m" (got), [mg] "=m" (mxcsr_got), [n] "+r" (loops)
		: [w] "m" (want), [mw] "m" (mxcsr_want)
		: "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6",
		  "xmm7", "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13",
		  "xmm14", "xmm15", "cc");
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int spin(double seconds)
{
	int avx = have_avx(), width = avx ? 32 : 16, r, i;
	unsigned long checks = 0;
	struct rusage ru;
	double end;

	for (r = 0; r < NREG; r++)
		for (i = 0; i < 32; i++)
			want[r][i] = (uint8_t)(0x80 + r * 7 + i * 3);
	printf("fpucheck: checking %s0-15 and MXCSR for %.0f s\n",
	       avx ? "ymm" : "xmm", seconds);
	fflush(stdout);
	end = now() + seconds;
	do {
		if (avx)
			block_avx(2000000);
		else
			block_sse(2000000);
		checks++;
		for (r = 0; r < NREG; r++) {
			if (!memcmp(want[r], got[r], width))
				continue;
			printf("fpucheck: CORRUPT %cmm%d after %lu checks: got",
			       avx ? 'y' : 'x', r, checks);
			for (i = 0; i < width; i++)
				printf(" %02x", got[r][i]);
			printf("\n");
			return 1;
		}
		if (mxcsr_got != mxcsr_want) {
			printf("fpucheck: CORRUPT mxcsr %#x after %lu checks\n",
			       mxcsr_got, checks);
			return 1;
		}
	} while (now() < end);
	getrusage(RUSAGE_SELF, &ru);
	printf("fpucheck: ok %lu checks, %ld involuntary switches\n", checks,
	       ru.ru_nivcsw);
	return 0;
}

/* write(ctl, cmd); read(wait, line): raw syscalls with xmm/ymm full */
static long leak_syscalls(int ctl, const char *cmd, long len, int wait,
			  char *line, long size, int avx)
{
	static uint8_t fill[32] __attribute__((aligned(32)));
	long wr, rd;

	memset(fill, 0x5a, sizeof(fill));
	if (avx)
		asm volatile("vmovdqu %0, %%ymm0\n\t"
			     "vmovdqu %%ymm0, %%ymm1\n\t"
			     "vmovdqu %%ymm0, %%ymm2\n\t"
			     "vmovdqu %%ymm0, %%ymm3\n\t"
			     "vmovdqu %%ymm0, %%ymm4\n\t"
			     "vmovdqu %%ymm0, %%ymm5\n\t"
			     "vmovdqu %%ymm0, %%ymm6\n\t"
			     "vmovdqu %%ymm0, %%ymm7\n\t"
			     "vmovdqu %%ymm0, %%ymm8\n\t"
			     "vmovdqu %%ymm0, %%ymm15\n\t"
			     : : "m" (fill) : "xmm0", "xmm1", "xmm2", "xmm3",
			       "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm15");
	else
		asm volatile("movdqu %0, %%xmm0\n\t"
			     "movdqa %%xmm0, %%xmm1\n\t"
			     "movdqa %%xmm0, %%xmm2\n\t"
			     "movdqa %%xmm0, %%xmm3\n\t"
			     "movdqa %%xmm0, %%xmm4\n\t"
			     "movdqa %%xmm0, %%xmm5\n\t"
			     "movdqa %%xmm0, %%xmm6\n\t"
			     "movdqa %%xmm0, %%xmm7\n\t"
			     "movdqa %%xmm0, %%xmm8\n\t"
			     "movdqa %%xmm0, %%xmm15\n\t"
			     : : "m" (fill) : "xmm0", "xmm1", "xmm2", "xmm3",
			       "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm15");
	asm volatile("syscall" : "=a" (wr)
		     : "0" (1L), "D" ((long)ctl), "S" (cmd), "d" (len)
		     : "rcx", "r11", "memory");
	if (wr != len)
		return wr < 0 ? wr : -5;
	asm volatile("syscall" : "=a" (rd)
		     : "0" (0L), "D" ((long)wait), "S" (line), "d" (size - 1)
		     : "rcx", "r11", "memory");
	return rd;
}

static int leakgo(const char *dir, const char *args)
{
	char path[512], cmd[512], line[512];
	int ctl, wait;
	long n;

	snprintf(path, sizeof(path), "%s/ctl", dir);
	ctl = open(path, O_WRONLY);
	snprintf(path, sizeof(path), "%s/wait", dir);
	wait = open(path, O_RDONLY);
	if (ctl < 0 || wait < 0) {
		perror(path);
		return 1;
	}
	snprintf(cmd, sizeof(cmd), args ? "go %s\n" : "go\n", args);
	n = leak_syscalls(ctl, cmd, strlen(cmd), wait, line, sizeof(line),
			  have_avx());
	if (n <= 0) {
		fprintf(stderr, "fpucheck: leakgo: go or wait failed (%ld)\n",
			n);
		return 1;
	}
	line[n] = 0;
	fputs(line, stdout);
	return 0;
}

int main(int argc, char **argv)
{
	unsigned int a, b, c, d;

	if ((argc == 3 || argc == 4) && !strcmp(argv[1], "leakgo"))
		return leakgo(argv[2], argc == 4 ? argv[3] : NULL);

	if (argc == 3 && !strcmp(argv[1], "spin"))
		return spin(atof(argv[2]));
	if (argc == 2 && !strcmp(argv[1], "size")) {
		__cpuid_count(0xd, 0, a, b, c, d);
		printf("%u\n", b);
		return 0;
	}
	if (argc == 2 && !strcmp(argv[1], "xcr0")) {
		printf("%#llx\n", (unsigned long long)xgetbv0());
		return 0;
	}
	fprintf(stderr, "usage: fpucheck spin SECONDS | size | xcr0 | "
		"leakgo DIR [GO-ARGS]\n");
	return 2;
}
