// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz whole sequences of opens, writes and reads on the file layer
 * (lib/xvmx_files.c) over the simulated vCPU (tests/fuse/sim.c): what a
 * user can do with echo and cat, in any order, on any file.
 *
 * Input: records "OP SLOT LEN PAYLOAD[LEN]". Four open files (slots) start
 * on ctl, regs, map and wait; OP picks write, read, reopen (of any file,
 * with or without O_TRUNC), an fpregs write at an offset, or a quick ctl
 * command (init, go, ...) so that runs reach the active states.
 *
 * Invariants, besides ASan/UBSan/leaks: every error is one the interface
 * documents; a refused regs, map or ctl write changed nothing (the vCPU's
 * state is byte-identical after it); reads never return more than asked;
 * a write that succeeds returns its length (fpregs: at most it).
 */
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"
#include "sim.h"

#define SLOTS		4
#define SEG		"xvmx-fuzz-seg"
#define SNAP_SIZE	(1 << 20)

static const char script[] =
	"io qual=0x3f80000 ilen=1 ax=0x41\n"
	"ack\n"
	"#gp code=0x10 ilen=2\n"
	"step pc=0x1001\n"
	".hlt ilen=1\n"
	"eptfault qual=0x181 va=0x1000 pa=0x2000\n"
	"!entrystate\n"
	"hang\n"
	"?63\n"
	"dead fuzzed 'to' death\n";

static const char *const quick[] = {
	"init", "go", "stop", "step", "quit", "irq 32", "exc #gp,0",
	"go pc=0x1000;ax=1;",
};

static struct sim sim;
static char *before, *after;

static void setup(void)
{
	const char *err;
	unsigned int line;
	int fd;

	FUZZ_ASSERT(sim_create(&sim, NULL) == 0);
	FUZZ_ASSERT(sim_set_script(&sim, script, sizeof(script) - 1, &err,
				   &line) == 0);
	fd = open("/dev/shm/" SEG, O_RDWR | O_CREAT, 0600);
	FUZZ_ASSERT(fd >= 0 && ftruncate(fd, 1 << 20) == 0);
	close(fd);
	before = malloc(SNAP_SIZE);
	after = malloc(SNAP_SIZE);
	FUZZ_ASSERT(before && after);
}

/*
 * What a refused write must leave as it was: the simulated vCPU's state,
 * byte for byte (status, registers, FPU image, map, pending events).
 */
static size_t state_save(char *buf)
{
	size_t n = 0;

#define SAVE(p, len) do { memcpy(buf + n, (p), (len)); n += (len); } while (0)
	SAVE(&sim.state, sizeof(sim.state));
	SAVE(sim.errstr, sizeof(sim.errstr));
	SAVE(sim.regs, xvmx_nregs * sizeof(*sim.regs));
	SAVE(sim.fpu, sizeof(sim.fpu));
	SAVE(&sim.nranges, sizeof(sim.nranges));
	SAVE(sim.ranges, sim.nranges * sizeof(*sim.ranges));
	SAVE(&sim.exc_pending, sizeof(sim.exc_pending));
	SAVE(&sim.irq_pending, sizeof(sim.irq_pending));
	SAVE(&sim.extrap, sizeof(sim.extrap));
#undef SAVE
	FUZZ_ASSERT(n < SNAP_SIZE);
	return n;
}

static bool documented(long err)
{
	switch (-err) {
	case EINVAL:	/* malformed text */
	case ENXIO:	/* inactive */
	case EIO:	/* dead, failed step */
	case EBUSY:	/* state does not allow it */
	case EAGAIN:	/* non-blocking wait */
	case ENOENT:	/* map: no such segment */
	case ENOMEM:	/* map: too many ranges */
		return true;
	default:
		return false;
	}
}

static void do_write(struct xvmx_open *o, const char *p, size_t n,
		     long long off)
{
	bool guarded = o->file != XF_FPREGS;
	bool step = false;
	size_t b = 0, a;
	long r;

	if (guarded)
		b = state_save(before);
	r = xvmx_file_write(o, p, n, off);
	/* a step that ran into an exit fails with EIO after running */
	if (o->file == XF_CTL && r == -EIO)
		step = true;
	if (r < 0) {
		FUZZ_ASSERT(documented(r));
		if (guarded && !step) {
			a = state_save(after);
			FUZZ_ASSERT(a == b && !memcmp(before, after, a));
		}
		return;
	}
	if (o->file == XF_FPREGS)
		FUZZ_ASSERT((size_t)r <= n);
	else
		FUZZ_ASSERT((size_t)r == n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum xvmx_file_id start[SLOTS] = {
		XF_CTL, XF_REGS, XF_MAP, XF_WAIT,
	};
	struct xvmx_open o[SLOTS];
	static char buf[8192];
	unsigned int i;
	size_t pos = 0;

	if (!sim.regs)
		setup();
	sim.be.ops->quit(&sim.be);
	for (i = 0; i < SLOTS; i++)
		FUZZ_ASSERT(xvmx_file_open(&o[i], &sim.be, start[i], false) ==
			    0);

	while (pos + 3 <= size) {
		unsigned int op = data[pos], slot = data[pos + 1] % SLOTS;
		size_t n = data[pos + 2];
		const char *p = (const char *)data + pos + 3;
		long r;

		if (n > size - pos - 3)
			n = size - pos - 3;
		pos += 3 + n;
		switch (op % 5) {
		case 0:
			do_write(&o[slot], p, n, 0);
			break;
		case 1:
			r = xvmx_file_read(&o[slot], buf, (n + 1) * 16,
					   (op >> 3) * 64, true);
			FUZZ_ASSERT(r < 0 ? documented(r) :
				    (size_t)r <= (n + 1) * 16);
			break;
		case 2: {
			enum xvmx_file_id f = xvmx_files[(op >> 3) %
							 xvmx_nfiles].id;
			int err;

			xvmx_file_release(&o[slot]);
			err = xvmx_file_open(&o[slot], &sim.be, f, op & 0x80);
			if (err) {
				/* only a map clear can fail: reopen without */
				FUZZ_ASSERT(documented(err));
				FUZZ_ASSERT(xvmx_file_open(&o[slot], &sim.be,
							   f, false) == 0);
			}
			break;
		}
		case 3: {
			struct xvmx_open fp;

			FUZZ_ASSERT(xvmx_file_open(&fp, &sim.be, XF_FPREGS,
						   false) == 0);
			do_write(&fp, p, n, (op >> 3) * 32);
			xvmx_file_release(&fp);
			break;
		}
		case 4: {
			struct xvmx_open c;
			const char *q = quick[(op >> 3) % ARRAY_SIZE(quick)];

			FUZZ_ASSERT(xvmx_file_open(&c, &sim.be, XF_CTL,
						   false) == 0);
			do_write(&c, q, strlen(q), 0);
			xvmx_file_release(&c);
			break;
		}
		}
	}
	for (i = 0; i < SLOTS; i++)
		xvmx_file_release(&o[i]);
	return 0;
}
