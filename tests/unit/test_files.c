// SPDX-License-Identifier: GPL-2.0
/*
 * The file layer (lib/xvmx_files.c) over the simulated vCPU
 * (tests/fuse/sim.c): per-open snapshots, the rest of a wait line, write
 * limits, all-or-nothing writes, O_TRUNC, and the errno of each refusal.
 * The same code serves debugfs and 9P in the module.
 */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "unit.h"
#include "sim.h"

#define SEG	"xvmx-unit-seg"

static struct sim sim;

static void setup(void)
{
	int fd = open("/dev/shm/" SEG, O_RDWR | O_CREAT, 0600);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(ftruncate(fd, 4 << 20), 0);
	close(fd);
	ck_assert_int_eq(sim_create(&sim, NULL), 0);
}

static void teardown(void)
{
	sim_destroy(&sim);
	unlink("/dev/shm/" SEG);
}

static void script(const char *text)
{
	const char *err;
	unsigned int line;

	ck_assert_int_eq(sim_set_script(&sim, text, strlen(text), &err,
					&line), 0);
}

static void fopen_(struct xvmx_open *o, enum xvmx_file_id f, bool trunc)
{
	ck_assert_int_eq(xvmx_file_open(o, &sim.be, f, trunc), 0);
}

/* One write of s to file f on a fresh open; its result. */
static long put(enum xvmx_file_id f, const char *s)
{
	struct xvmx_open o;
	size_t n = strlen(s);
	char *p = dup_exact(s, n);
	long r;

	fopen_(&o, f, false);
	r = xvmx_file_write(&o, p, n, 0);
	xvmx_file_release(&o);
	free(p);
	return r;
}

/* The whole file f read on a fresh open, in chunks of chunk bytes. */
static char *get(enum xvmx_file_id f, size_t chunk, long *err)
{
	struct xvmx_open o;
	size_t len = 0, cap = 1 << 20;
	char *buf = malloc(cap + 1);
	long r;

	ck_assert_ptr_nonnull(buf);
	fopen_(&o, f, false);
	while ((r = xvmx_file_read(&o, buf + len, chunk, len, true)) > 0) {
		len += r;
		ck_assert_uint_le(len + chunk, cap);
	}
	xvmx_file_release(&o);
	buf[len] = 0;
	if (err)
		*err = r;
	return buf;
}

#define PUT_OK(f, s)	ck_assert_int_eq(put(f, s), (long)strlen(s))

static bool has_line(const char *text, const char *line)
{
	size_t n = strlen(line);
	const char *p = text;

	for (; (p = strstr(p, line)); p++)
		if ((p == text || p[-1] == '\n') && p[n] == '\n')
			return true;
	return false;
}

START_TEST(files_table)
{
	const char *const names[] = {
		"ctl", "regs", "map", "status", "wait", "fpregs", "stats",
	};
	unsigned int i;

	ck_assert_uint_eq(xvmx_nfiles, ARRAY_SIZE(names));
	for (i = 0; i < ARRAY_SIZE(names); i++) {
		int k = xvmx_file_lookup(names[i], strlen(names[i]));

		ck_assert_int_eq(k, (int)i);
		ck_assert_uint_eq(xvmx_files[k].mode, 0600);
	}
	ck_assert_int_eq(xvmx_file_lookup("ctlx", 4), -1);
	ck_assert_int_eq(xvmx_file_lookup("ct", 2), -1);
	ck_assert_int_eq(xvmx_file_lookup("", 0), -1);
	ck_assert_uint_eq(xvmx_files[XF_CTL].access, XVMX_ACC_WRITE);
	ck_assert_uint_eq(xvmx_files[XF_WAIT].access, XVMX_ACC_READ);
	ck_assert_uint_eq(xvmx_file_write_max(XF_STATUS), 0);
	ck_assert_int_eq(xvmx_state_errno(XVMX_INACTIVE), -ENXIO);
	ck_assert_int_eq(xvmx_state_errno(XVMX_ENDING), -ENXIO);
	ck_assert_int_eq(xvmx_state_errno(XVMX_DEAD), -EIO);
	ck_assert_int_eq(xvmx_state_errno(XVMX_INIT), 0);
	ck_assert_int_eq(xvmx_state_errno(XVMX_READY), 0);
	ck_assert_int_eq(xvmx_state_errno(XVMX_RUNNING), 0);
	ck_assert_uint_ge(xvmx_file_write_max(XF_MAP), 65536);
}
END_TEST

START_TEST(files_inactive)
{
	struct xvmx_open o;
	long err;
	char *s;

	s = get(XF_STATUS, 100, NULL);
	ck_assert_str_eq(s, "inactive\n");
	free(s);
	free(get(XF_REGS, 100, &err));
	ck_assert_int_eq(err, -ENXIO);
	free(get(XF_WAIT, 100, &err));
	ck_assert_int_eq(err, -ENXIO);
	free(get(XF_FPREGS, 100, &err));
	ck_assert_int_eq(err, -ENXIO);
	ck_assert_int_eq(put(XF_CTL, "go\n"), -ENXIO);
	ck_assert_int_eq(put(XF_REGS, "ax 1\n"), -ENXIO);
	/* map: the text is checked first, then the state */
	ck_assert_int_eq(put(XF_MAP, "--- wb 0x0 0x1000\n"), -ENXIO);
	ck_assert_int_eq(put(XF_MAP, "--- wb 0x0 0x1001\n"), -EINVAL);
	ck_assert_int_eq(put(XF_CTL, "quit\n"), -ENXIO);
	ck_assert_int_eq(put(XF_CTL, "bogus\n"), -EINVAL);
	/* O_TRUNC on map needs a vCPU to clear */
	ck_assert_int_eq(xvmx_file_open(&o, &sim.be, XF_MAP, true), -ENXIO);
	fopen_(&o, XF_MAP, false);
	xvmx_file_release(&o);
}
END_TEST

START_TEST(files_write_limits)
{
	size_t max = xvmx_file_write_max(XF_CTL);
	char *big = malloc(1 << 20);
	struct xvmx_open o;

	ck_assert_ptr_nonnull(big);
	memset(big, ' ', 1 << 20);
	memcpy(big, "init", 4);
	fopen_(&o, XF_CTL, false);
	ck_assert_int_eq(xvmx_file_write(&o, big, max + 1, 0), -EINVAL);
	ck_assert_int_eq(xvmx_file_write(&o, big, 0, 0), 0);
	ck_assert_int_eq(xvmx_file_write(&o, big, max, 0), (long)max);
	xvmx_file_release(&o);
	/* fpregs: a long write is cut, not refused */
	fopen_(&o, XF_FPREGS, false);
	ck_assert_int_eq(xvmx_file_write(&o, big, 1 << 20, 0), SIM_FPU_SIZE);
	ck_assert_int_eq(xvmx_file_write(&o, big, 8, SIM_FPU_SIZE - 4), 4);
	ck_assert_int_eq(xvmx_file_write(&o, big, 8, SIM_FPU_SIZE), 0);
	ck_assert_int_eq(xvmx_file_write(&o, big, 8, -1), -EINVAL);
	ck_assert_int_eq(xvmx_file_read(&o, big, 8, -1, false), -EINVAL);
	xvmx_file_release(&o);
	/* read-only files refuse writes */
	fopen_(&o, XF_STATUS, false);
	ck_assert_int_eq(xvmx_file_write(&o, "x\n", 2, 0), -EINVAL);
	xvmx_file_release(&o);
	fopen_(&o, XF_CTL, false);
	ck_assert_int_eq(xvmx_file_read(&o, big, 8, 0, false), -EINVAL);
	xvmx_file_release(&o);
	free(big);
}
END_TEST

START_TEST(files_regs_snapshot)
{
	struct xvmx_open o;
	char a[64], b[64];
	long n;

	PUT_OK(XF_CTL, "init");
	fopen_(&o, XF_REGS, false);
	n = xvmx_file_read(&o, a, 22, 0, false);
	ck_assert_int_eq(n, 22);
	ck_assert_int_eq(memcmp(a, "pc 0x0000000000000000\n", 22), 0);
	/* a change between reads: the snapshot of offset 0 is kept */
	PUT_OK(XF_REGS, "sp 0x1234\n");
	n = xvmx_file_read(&o, b, 22, 22, false);
	ck_assert_int_eq(memcmp(b, "sp 0x0000000000000000\n", 22), 0);
	/* reading offset 0 again takes a new one */
	n = xvmx_file_read(&o, a, 44, 0, false);
	ck_assert_int_eq(memcmp(a + 22, "sp 0x0000000000001234\n", 22), 0);
	xvmx_file_release(&o);
}
END_TEST

struct collect {
	char buf[64];
	size_t len;
	int fail;
};

static int collect_sink(void *ctx, const char *p, size_t n)
{
	struct collect *c = ctx;

	if (c->fail)
		return c->fail;
	ck_assert_uint_le(c->len + n, sizeof(c->buf));
	memcpy(c->buf + c->len, p, n);
	c->len += n;
	return 0;
}

/* The same bytes, offsets and snapshot rule as xvmx_file_read, no buffer. */
START_TEST(files_read_snapshot)
{
	struct collect c = { .len = 0 };
	struct xvmx_open o;

	ck_assert(xvmx_file_is_snapshot(XF_REGS));
	ck_assert(xvmx_file_is_snapshot(XF_STATUS));
	ck_assert(!xvmx_file_is_snapshot(XF_WAIT));
	ck_assert(!xvmx_file_is_snapshot(XF_FPREGS));
	PUT_OK(XF_CTL, "init");
	fopen_(&o, XF_REGS, false);
	ck_assert_int_eq(xvmx_file_read_snapshot(&o, 22, 0, collect_sink, &c),
			 22);
	ck_assert_int_eq(memcmp(c.buf, "pc 0x0000000000000000\n", 22), 0);
	PUT_OK(XF_REGS, "sp 0x1234\n");
	ck_assert_int_eq(xvmx_file_read_snapshot(&o, 22, 22, collect_sink, &c),
			 22);
	ck_assert_int_eq(memcmp(c.buf + 22, "sp 0x0000000000000000\n", 22), 0);
	/* past the end: nothing, and the sink is not called */
	c.fail = -EFAULT;
	ck_assert_int_eq(xvmx_file_read_snapshot(&o, 8, 1 << 20, collect_sink,
						 &c), 0);
	/* the sink's error is the read's */
	ck_assert_int_eq(xvmx_file_read_snapshot(&o, 8, 0, collect_sink, &c),
			 -EFAULT);
	ck_assert_int_eq(xvmx_file_read_snapshot(&o, 8, -1, collect_sink, &c),
			 -EINVAL);
	xvmx_file_release(&o);
	fopen_(&o, XF_WAIT, false);
	ck_assert_int_eq(xvmx_file_read_snapshot(&o, 8, 0, collect_sink, &c),
			 -EINVAL);
	xvmx_file_release(&o);
}
END_TEST

START_TEST(files_regs_atomic)
{
	static const char *const bad[] = {
		"ax 1\nbogus 2\n", "ax 1\nexitreason 1\n", "ax 1\ncs 0x10000\n",
		"ax 1\nbx\n", "ax 1\nbx 1 2\n", "ax 1\nbx 1", "ax 1\nbx 0x\n",
	};
	char *before, *after;
	unsigned int i;

	PUT_OK(XF_CTL, "init\n");
	PUT_OK(XF_REGS, "ax\t0x42\n\nbx 7\n");
	before = get(XF_REGS, 4096, NULL);
	ck_assert(has_line(before, "ax 0x0000000000000042"));
	ck_assert(has_line(before, "bx 0x0000000000000007"));
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		ck_assert_int_eq(put(XF_REGS, bad[i]), -EINVAL);
		after = get(XF_REGS, 4096, NULL);
		ck_assert_str_eq(before, after);
		free(after);
	}
	free(before);
}
END_TEST

START_TEST(files_map)
{
	static const char l1[] = "rwx wb 0x0 0x4000 " SEG " 0x0\n";
	char lines[300 * 64];
	struct xvmx_open o;
	size_t n = 0;
	unsigned int i;
	char *m;

	PUT_OK(XF_CTL, "init\n");
	ck_assert_int_eq(put(XF_MAP, l1), (long)strlen(l1));
	PUT_OK(XF_MAP, "rwx wb 0x4000 0x8000 " SEG " 0x4000\n");
	m = get(XF_MAP, 7, NULL);	/* short reads of one snapshot */
	ck_assert_str_eq(m, "rwx wb 0x0 0x8000 " SEG " 0x0\n");
	free(m);
	/* the whole write or nothing; the newline is required */
	ck_assert_int_eq(put(XF_MAP, "--- wb 0x0 0x8000\nrwx wb 0x0 0x1000 "
			     SEG " 0x1\n"), -EINVAL);
	ck_assert_int_eq(put(XF_MAP, "--- wb 0x0 0x8000"), -EINVAL);
	ck_assert_int_eq(put(XF_MAP, "-w- wb 0x0 0x1000 " SEG " 0x0\n"),
			 -EINVAL);
	ck_assert_int_eq(put(XF_MAP, "rwx wb 0x0 0x1000 nosuch" SEG " 0x0\n"),
			 -ENOENT);
	ck_assert_int_eq(put(XF_MAP, "rwx wb 0x0 0x800000 " SEG " 0x0\n"),
			 -EINVAL);
	PUT_OK(XF_MAP, "\n\n");	/* nothing to do */
	m = get(XF_MAP, 4096, NULL);
	ck_assert_str_eq(m, "rwx wb 0x0 0x8000 " SEG " 0x0\n");
	free(m);
	/* a map longer than the first snapshot buffer: it grows */
	for (i = 0; i < 256; i++)
		n += snprintf(lines + n, sizeof(lines) - n,
			      "r-- wb! 0x%x 0x%x " SEG " 0x0\n",
			      (i * 2 + 16) << 12, (i * 2 + 17) << 12);
	ck_assert_int_eq(put(XF_MAP, lines), (long)n);
	m = get(XF_MAP, 4096, NULL);
	ck_assert_uint_eq(strlen(m), n + strlen(l1));
	free(m);
	PUT_OK(XF_MAP, "r-- wb 0x0 0x1000 " SEG " 0x0\n"
			     "r-- wb 0x0 0x1000 " SEG " 0x0\n");
	/* every segment is host RAM: other memory types would alias it */
	ck_assert_int_eq(put(XF_MAP, "r-- wt 0x0 0x1000 " SEG " 0x0\n"),
			 -EINVAL);
	ck_assert_int_eq(put(XF_MAP, "rwx uc! 0x0 0x1000 " SEG " 0x0\n"),
			 -EINVAL);
	PUT_OK(XF_MAP, "--- uc 0x5000 0x6000\n");
	/* more lines than one write takes */
	n = 0;
	for (i = 0; i < 257; i++)
		n += snprintf(lines + n, sizeof(lines) - n,
			      "--- wb 0x0 0x1000\n");
	ck_assert_int_eq(put(XF_MAP, lines), -EINVAL);
	/* O_TRUNC clears at open */
	fopen_(&o, XF_MAP, true);
	xvmx_file_release(&o);
	m = get(XF_MAP, 4096, NULL);
	ck_assert_str_eq(m, "");
	free(m);
}
END_TEST

START_TEST(files_wait_lines)
{
	static const char want[] =
		"io 0x3f80000 pc 0x0 sp 0x0 ilen 0x1 iinfo 0x0 ax 0x41\n";
	struct xvmx_open a, b;
	char buf[256];
	size_t i;

	script("io qual=0x3f80000 ilen=1 ax=0x41\nack\nio qual=0x3f80000\n");
	PUT_OK(XF_CTL, "init\n");
	fopen_(&a, XF_WAIT, false);
	fopen_(&b, XF_WAIT, false);
	ck_assert_int_eq(xvmx_file_read(&a, buf, 1, 0, true), -EAGAIN);
	ck_assert(!xvmx_file_wait_ready(&a));
	PUT_OK(XF_CTL, "go\n");
	ck_assert(xvmx_file_wait_ready(&a));
	/* one byte at a time: the rest stays with this open file */
	for (i = 0; i + 1 < sizeof(want); i++) {
		ck_assert_int_eq(xvmx_file_read(&a, buf + i, 1, 0, true), 1);
		ck_assert(xvmx_file_wait_ready(&a) == (i + 2 < sizeof(want)));
	}
	buf[i] = 0;
	ck_assert_str_eq(buf, want);
	/* taken: the other open sees nothing */
	ck_assert_int_eq(xvmx_file_read(&b, buf, 100, 0, true), -EAGAIN);
	/* an irq acked while the guest runs on, then the next exit */
	PUT_OK(XF_CTL, "irq 40\n");
	PUT_OK(XF_CTL, "go\n");
	ck_assert_int_eq(xvmx_file_read(&b, buf, 100, 0, true), 8);
	ck_assert_int_eq(memcmp(buf, "*ack 40\n", 8), 0);
	ck_assert_int_eq(xvmx_file_read(&b, buf, 100, 0, true), 54);
	ck_assert_int_eq(memcmp(buf, "io 0x3f80000 pc 0x0 sp 0x0 ilen 0x0 "
				"iinfo 0x0 ax 0x41\n", 54), 0);
	/* quit: readers are told, not left waiting */
	PUT_OK(XF_CTL, "quit\n");
	ck_assert(xvmx_file_wait_ready(&a));
	ck_assert_int_eq(xvmx_file_read(&a, buf, 100, 0, false), -ENXIO);
	xvmx_file_release(&a);
	xvmx_file_release(&b);
}
END_TEST

/* a sink that takes nothing, as a copy to a bad user buffer would */
static int sink_fault(void *ctx, const char *p, size_t n)
{
	(*(unsigned int *)ctx)++;
	return -EFAULT;
}

static int sink_take(void *ctx, const char *p, size_t n)
{
	memcpy(ctx, p, n);
	return 0;
}

/* A wait read whose copy fails leaves its bytes for the next read. */
START_TEST(files_wait_sink_fault)
{
	static const char want[] =
		"io 0x3f80000 pc 0x0 sp 0x0 ilen 0x1 iinfo 0x0 ax 0x41\n";
	struct xvmx_open a;
	unsigned int faults = 0;
	char buf[256];

	script("io qual=0x3f80000 ilen=1 ax=0x41\n");
	PUT_OK(XF_CTL, "init\n");
	fopen_(&a, XF_WAIT, false);
	ck_assert_int_eq(xvmx_file_read_wait(&a, 100, true, sink_fault,
					     &faults), -EAGAIN);
	ck_assert_uint_eq(faults, 0);
	PUT_OK(XF_CTL, "go\n");
	ck_assert_int_eq(xvmx_file_read_wait(&a, 100, true, sink_fault,
					     &faults), -EFAULT);
	ck_assert_uint_eq(faults, 1);
	ck_assert(xvmx_file_wait_ready(&a));
	/* the first 3 bytes, a failed read of the rest, then the rest */
	ck_assert_int_eq(xvmx_file_read_wait(&a, 3, true, sink_take, buf), 3);
	ck_assert_int_eq(xvmx_file_read_wait(&a, 100, true, sink_fault,
					     &faults), -EFAULT);
	ck_assert_int_eq(xvmx_file_read_wait(&a, 100, true, sink_take,
					     buf + 3), sizeof(want) - 4);
	buf[sizeof(want) - 1] = 0;
	ck_assert_str_eq(buf, want);
	ck_assert(!xvmx_file_wait_ready(&a));
	ck_assert_int_eq(xvmx_file_read_wait(&a, 100, true, sink_take, buf),
			 -EAGAIN);
	xvmx_file_release(&a);
	/* only wait reads this way */
	fopen_(&a, XF_REGS, false);
	ck_assert_int_eq(xvmx_file_read_wait(&a, 100, true, sink_take, buf),
			 -EINVAL);
	xvmx_file_release(&a);
	PUT_OK(XF_CTL, "quit\n");
}
END_TEST

START_TEST(files_states)
{
	char *s;

	script("hang\n");
	PUT_OK(XF_CTL, "init\n");
	ck_assert_int_eq(put(XF_CTL, "init\n"), -EBUSY);
	PUT_OK(XF_CTL, "stop\n");
	PUT_OK(XF_CTL, "go\n");
	s = get(XF_STATUS, 100, NULL);
	ck_assert_str_eq(s, "running\n");
	free(s);
	ck_assert_int_eq(put(XF_CTL, "go\n"), -EBUSY);
	ck_assert_int_eq(put(XF_CTL, "step\n"), -EBUSY);
	ck_assert_int_eq(put(XF_REGS, "ax 1\n"), -EBUSY);
	PUT_OK(XF_CTL, "exc #ud\n");
	ck_assert_int_eq(put(XF_CTL, "exc #ud\n"), -EBUSY);
	PUT_OK(XF_CTL, "stop\n");
	PUT_OK(XF_CTL, "quit\n");
	script("dead it's gone\n");
	PUT_OK(XF_CTL, "init\n");
	PUT_OK(XF_CTL, "go\n");
	s = get(XF_STATUS, 3, NULL);
	ck_assert_str_eq(s, "dead 'it''s gone'\n");
	free(s);
	ck_assert_int_eq(put(XF_CTL, "go\n"), -EIO);
	ck_assert_int_eq(put(XF_REGS, "ax 1\n"), -EIO);
	ck_assert_int_eq(put(XF_CTL, "init\n"), -EBUSY);
	PUT_OK(XF_CTL, "quit\n");
}
END_TEST

Suite *files_suite(void)
{
	Suite *s = suite_create("files");
	TCase *tc = tcase_create("layer");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, files_table);
	tcase_add_test(tc, files_inactive);
	tcase_add_test(tc, files_write_limits);
	tcase_add_test(tc, files_regs_snapshot);
	tcase_add_test(tc, files_read_snapshot);
	tcase_add_test(tc, files_regs_atomic);
	tcase_add_test(tc, files_map);
	tcase_add_test(tc, files_wait_lines);
	tcase_add_test(tc, files_wait_sink_fault);
	tcase_add_test(tc, files_states);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}
