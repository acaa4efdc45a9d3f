// SPDX-License-Identifier: GPL-2.0
/*
 * A simulated vCPU for the file layer: see sim.h. Its rules mirror the
 * module's (src/vmx_regs.c, src/vmx_core.c): which states allow which
 * command, which errno each refusal gets, how map lines override, trim and
 * split each other, what wait returns once the vCPU is gone.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include "sim.h"
#include "xvmx_vmcs.h"

#define SIM(be)		((struct sim *)(be)->priv)

/* ------------------------------------------------------------ registers */

static int reg_index(const char *name)
{
	return xvmx_reg_lookup(name, strlen(name));
}

static void reg_set(struct sim *s, const char *name, u64 val)
{
	int i = reg_index(name);

	if (i >= 0)
		s->regs[i] = val;
}

static u64 reg_get(struct sim *s, const char *name)
{
	int i = reg_index(name);

	return i >= 0 ? s->regs[i] : 0;
}

/* SPEC "regs", initial state: flat 32-bit protected mode, paging off. */
static void regs_reset(struct sim *s)
{
	static const char *const data[] = { "ds", "es", "fs", "gs", "ss" };
	char name[16];
	unsigned int i;

	memset(s->regs, 0, xvmx_nregs * sizeof(*s->regs));
	reg_set(s, "flags", 0x2);
	reg_set(s, "cs", 0x8);
	reg_set(s, "cslimit", 0xffffffff);
	reg_set(s, "csperm", 0xc09b);
	for (i = 0; i < ARRAY_SIZE(data); i++) {
		reg_set(s, data[i], 0x10);
		snprintf(name, sizeof(name), "%slimit", data[i]);
		reg_set(s, name, 0xffffffff);
		snprintf(name, sizeof(name), "%sperm", data[i]);
		reg_set(s, name, 0xc093);
	}
	reg_set(s, "tr", 0x18);
	reg_set(s, "trlimit", 0xffff);
	reg_set(s, "trperm", 0x8b);
	reg_set(s, "ldtrperm", 0x10000);
	reg_set(s, "gdtrlimit", 0xffff);
	reg_set(s, "idtrlimit", 0xffff);
	reg_set(s, "cr0real", 0x31);
	reg_set(s, "cr0fake", 0x31);
	reg_set(s, "cr0mask", 0x60000020);
	reg_set(s, "cr4real", 0x2000);
	reg_set(s, "cr4mask", 0x2000);
	reg_set(s, "pat", 0x0007040600070406ULL);
	reg_set(s, "dr7", 0x400);
	reg_set(s, "xcr0", 1);
}

static void regs_apply(struct sim *s, const struct xvmx_regset *rs)
{
	unsigned int i;

	for (i = 0; i < rs->n; i++)
		s->regs[rs->v[i].idx] = rs->v[i].val;
}

/* ------------------------------------------------------------- script */

static int exit_reason(const char *w, size_t len, struct xvmx_exit *e)
{
	u64 v;
	unsigned int i;

	if (len && w[0] == '!') {
		e->reason = XEXIT_ENTRY_FAIL;
		w++, len--;
	}
	if (len > 1 && w[0] == '?') {
		if (xvmx_parse_u64(w + 1, len - 1, &v) || v > 0xffff)
			return -EINVAL;
		e->reason |= v;
		return 0;
	}
	if (len > 1 && w[0] == '#') {
		for (i = 0; i < 32; i++) {
			const char *n = xvmx_exc_name(i);

			if (n && strlen(n) == len && !memcmp(n, w, len))
				break;
		}
		if (i == 32 && (xvmx_parse_u64(w + 1, len - 1, &v) || v > 255))
			return -EINVAL;
		e->intinfo = INTR_INFO_VALID | XEV_TYPE(XEV_TYPE_HW) |
			     (i < 32 ? i : (unsigned int)v);
		return 0;
	}
	for (i = 0; i < XVMX_EXIT_REASONS; i++) {
		const char *n = xvmx_exit_name(i);

		if (n && strlen(n) == len && !memcmp(n, w, len)) {
			e->reason |= i;
			return 0;
		}
	}
	return -EINVAL;
}

/* One KEY=VALUE of an exit or step entry. */
static int entry_field(struct sim_entry *en, const char *w, size_t len,
		       const char **err)
{
	static const struct { const char *key; size_t off; bool is32; }
	fields[] = {
		{ "qual", offsetof(struct xvmx_exit, qual), false },
		{ "ilen", offsetof(struct xvmx_exit, ilen), true },
		{ "iinfo", offsetof(struct xvmx_exit, iinfo), true },
		{ "va", offsetof(struct xvmx_exit, va), false },
		{ "pa", offsetof(struct xvmx_exit, pa), false },
		{ "intinfo", offsetof(struct xvmx_exit, intinfo), true },
		{ "code", offsetof(struct xvmx_exit, intcode), true },
	};
	const char *eq = memchr(w, '=', len);
	size_t klen;
	unsigned int i;
	int r;
	u64 v;

	if (!eq || eq == w) {
		*err = "expected KEY=VALUE";
		return -EINVAL;
	}
	klen = eq - w;
	if (xvmx_parse_u64(eq + 1, w + len - eq - 1, &v)) {
		*err = "bad value";
		return -EINVAL;
	}
	for (i = 0; i < ARRAY_SIZE(fields); i++) {
		if (strlen(fields[i].key) != klen ||
		    memcmp(fields[i].key, w, klen))
			continue;
		if (en->kind != SIM_EXIT) {
			*err = "exit field on a step";
			return -EINVAL;
		}
		if (fields[i].is32 && v > 0xffffffffULL) {
			*err = "value too wide";
			return -EINVAL;
		}
		if (fields[i].is32)
			*(u32 *)((char *)&en->exit + fields[i].off) = v;
		else
			*(u64 *)((char *)&en->exit + fields[i].off) = v;
		if (!strcmp(fields[i].key, "code"))
			en->exit.intinfo |= INTR_INFO_HAS_ERROR_CODE;
		return 0;
	}
	r = xvmx_reg_lookup(w, klen);
	if (r < 0 || (xvmx_regs[r].flags & XREG_RO)) {
		*err = "unknown key or read-only register";
		return -EINVAL;
	}
	if (xvmx_regs[r].size < 8 && v >> (8 * xvmx_regs[r].size)) {
		*err = "value too wide";
		return -EINVAL;
	}
	if (en->regs.n == XVMX_REGSET_MAX) {
		*err = "too many registers";
		return -EINVAL;
	}
	en->regs.v[en->regs.n].idx = r;
	en->regs.v[en->regs.n].val = v;
	en->regs.n++;
	return 0;
}

static int parse_entry(const char *p, size_t len, struct sim_entry *en,
		       const char **err)
{
	const char *end = p + len, *w;
	size_t wl;
	bool first = true;

	memset(en, 0, sizeof(*en));
	while (p < end) {
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		if (p == end)
			break;
		w = p;
		while (p < end && *p != ' ' && *p != '\t')
			p++;
		wl = p - w;
		if (first) {
			first = false;
			if (wl == 3 && !memcmp(w, "ack", 3)) {
				en->kind = SIM_ACK;
			} else if (wl == 4 && !memcmp(w, "step", 4)) {
				en->kind = SIM_STEP;
			} else if (wl == 4 && !memcmp(w, "hang", 4)) {
				en->kind = SIM_HANG;
			} else if (wl == 4 && !memcmp(w, "dead", 4)) {
				while (p < end && (*p == ' ' || *p == '\t'))
					p++;
				en->kind = SIM_DEAD;
				if ((size_t)(end - p) >= sizeof(en->msg)) {
					*err = "message too long";
					return -EINVAL;
				}
				memcpy(en->msg, p, end - p);
				return 0;
			} else {
				en->kind = SIM_EXIT;
				if (exit_reason(w, wl, &en->exit)) {
					*err = "unknown exit";
					return -EINVAL;
				}
			}
			continue;
		}
		if (en->kind != SIM_EXIT && en->kind != SIM_STEP) {
			*err = "this entry takes no fields";
			return -EINVAL;
		}
		if (entry_field(en, w, wl, err))
			return -EINVAL;
	}
	if (first) {
		*err = "empty entry";
		return -EINVAL;
	}
	return 0;
}

int sim_set_script(struct sim *s, const char *text, size_t len,
		   const char **err, unsigned int *line)
{
	struct sim_entry *sc;
	const char *p = text, *end = text + len, *nl;
	unsigned int n = 0;

	*line = 0;
	sc = calloc(SIM_SCRIPT_MAX, sizeof(*sc));
	if (!sc)
		return -ENOMEM;
	for (; p < end; p = nl + 1) {
		const char *q;

		(*line)++;
		nl = memchr(p, '\n', end - p);
		if (!nl)
			nl = end;
		for (q = p; q < nl && (*q == ' ' || *q == '\t'); q++)
			;
		if (q == nl || (nl - q >= 2 && q[0] == '/' && q[1] == '/'))
			continue;
		if (n == SIM_SCRIPT_MAX) {
			*err = "script too long";
			free(sc);
			return -EINVAL;
		}
		if (parse_entry(q, nl - q, &sc[n], err)) {
			free(sc);
			return -EINVAL;
		}
		n++;
	}
	pthread_mutex_lock(&s->lock);
	free(s->script);
	s->script = sc;
	s->nscript = n;
	s->pos = 0;
	pthread_mutex_unlock(&s->lock);
	return 0;
}

static int script_load(struct sim *s)
{
	const char *err = NULL;
	unsigned int line;
	char *text = NULL;
	size_t cap = 0, len = 0;
	FILE *f;
	int ret;

	f = fopen(s->script_path, "r");
	if (!f) {
		fprintf(stderr, "sim: %s: %s\n", s->script_path,
			strerror(errno));
		return -EINVAL;
	}
	for (;;) {
		size_t n;

		if (len + 4096 > cap) {
			char *t = realloc(text, cap + 65536);

			if (!t) {
				fclose(f);
				free(text);
				return -ENOMEM;
			}
			text = t;
			cap += 65536;
		}
		n = fread(text + len, 1, cap - len, f);
		if (!n)
			break;
		len += n;
	}
	fclose(f);
	ret = sim_set_script(s, text, len, &err, &line);
	if (ret == -EINVAL)
		fprintf(stderr, "sim: %s:%u: %s\n", s->script_path, line, err);
	free(text);
	return ret;
}

/* ------------------------------------------------------------- running */

static void notify(struct sim *s)
{
	pthread_cond_broadcast(&s->cond);
	if (s->ready)
		s->ready(s);
}

/* The read-only exit registers follow the last exit, as the VMCS does. */
static void take_exit(struct sim *s, const struct sim_entry *en)
{
	struct xvmx_exit *e = &s->exit;
	unsigned int basic;

	*e = en->exit;
	e->pc = reg_get(s, "pc");
	e->sp = reg_get(s, "sp");
	{
		static const char *const gpr[16] = {
			"ax", "cx", "dx", "bx", "sp", "bp", "si", "di", "r8",
			"r9", "r10", "r11", "r12", "r13", "r14", "r15",
		};
		unsigned int i;

		for (i = 0; i < 16; i++)
			e->gpr[i] = reg_get(s, gpr[i]);
	}
	reg_set(s, "exitreason", e->reason);
	reg_set(s, "exitqualification", e->qual);
	reg_set(s, "exitinstructionlen", e->ilen);
	reg_set(s, "exitinstructioninfo", e->iinfo);
	reg_set(s, "exitinterruptinfo", e->intinfo);
	reg_set(s, "exitinterruptcode", e->intcode);
	reg_set(s, "exitva", e->va);
	reg_set(s, "exitpa", e->pa);
	basic = e->reason & 0xffff;
	if (basic < XVMX_EXIT_REASONS)
		s->stats[basic]++;
	s->got |= SIM_GOT_EXIT;
	s->state = XVMX_READY;
}

static void die(struct sim *s, const char *msg)
{
	snprintf(s->errstr, sizeof(s->errstr), "%s", msg);
	s->state = XVMX_DEAD;
}

/* The guest runs: consume entries until one ends the run. */
static void run(struct sim *s)
{
	while (s->state == XVMX_RUNNING && s->pos < s->nscript) {
		const struct sim_entry *en = &s->script[s->pos++];

		switch (en->kind) {
		case SIM_ACK:
			if (!s->irq_pending)
				break;
			s->irq_pending = false;
			s->ackvec = s->irq.info & INTR_INFO_VECTOR_MASK;
			s->got |= SIM_GOT_ACK;
			notify(s);
			break;
		case SIM_STEP:
			break;
		case SIM_EXIT:
			regs_apply(s, &en->regs);
			take_exit(s, en);
			return;
		case SIM_DEAD:
			die(s, en->msg);
			return;
		case SIM_HANG:
			return;
		}
	}
}

/* One instruction: 0, or -EIO when something else ended it. */
static int step(struct sim *s)
{
	while (s->pos < s->nscript) {
		const struct sim_entry *en = &s->script[s->pos++];

		switch (en->kind) {
		case SIM_ACK:
			if (s->irq_pending) {
				s->irq_pending = false;
				s->ackvec = s->irq.info & INTR_INFO_VECTOR_MASK;
				s->got |= SIM_GOT_ACK;
			}
			continue;
		case SIM_HANG:
			continue;
		case SIM_STEP:
			regs_apply(s, &en->regs);
			return 0;
		case SIM_EXIT:
			regs_apply(s, &en->regs);
			take_exit(s, en);
			return -EIO;
		case SIM_DEAD:
			die(s, en->msg);
			return -EIO;
		}
	}
	return 0;
}

/* ------------------------------------------------------------- the map */

static int seg_check(const struct xvmx_map_line *m, const char **err)
{
	char path[XVMX_SEG_MAX + 16];
	struct stat st;

	/* as the module: an absolute path, or a name in /dev/shm */
	if (m->seg[0] != '/' && strchr(m->seg, '/'))
		return *err = "bad segment name", -EINVAL;
	snprintf(path, sizeof(path), "%s%s", m->seg[0] == '/' ? "" : "/dev/shm/",
		 m->seg);
	if (stat(path, &st))
		return -errno;
	if (!S_ISREG(st.st_mode))
		return *err = "not a shared-memory file", -EINVAL;
	if (m->off > (u64)st.st_size ||
	    m->hi - m->lo > (u64)st.st_size - m->off)
		return *err = "out of bounds", -EINVAL;
	return 0;
}

/* Remove [lo, hi) from r[0..*n), splitting a range that spans it. */
static int punch(struct sim_range *r, unsigned int *n, u64 lo, u64 hi)
{
	unsigned int i, j;

	for (i = 0; i < *n; i++) {
		struct xvmx_map_line *m = &r[i].m;

		if (m->hi <= lo || m->lo >= hi)
			continue;
		if (m->lo < lo && m->hi > hi) {
			if (*n == SIM_RANGES_MAX)
				return -ENOMEM;
			memmove(&r[i + 2], &r[i + 1],
				(*n - i - 1) * sizeof(*r));
			r[i + 1] = r[i];
			r[i + 1].m.off += hi - m->lo;
			r[i + 1].m.lo = hi;
			m->hi = lo;
			(*n)++;
			return 0;
		}
		if (m->lo < lo) {
			m->hi = lo;
		} else if (m->hi > hi) {
			m->off += hi - m->lo;
			m->lo = hi;
		} else {
			for (j = i; j + 1 < *n; j++)
				r[j] = r[j + 1];
			(*n)--;
			i--;
		}
	}
	return 0;
}

static int map_apply(struct sim_range *r, unsigned int *n,
		     const struct xvmx_map_line *m)
{
	unsigned int i;
	int err = punch(r, n, m->lo, m->hi);

	if (err || m->unmap)
		return err;
	if (*n == SIM_RANGES_MAX)
		return -ENOMEM;
	for (i = 0; i < *n && r[i].m.lo < m->lo; i++)
		;
	memmove(&r[i + 1], &r[i], (*n - i) * sizeof(*r));
	r[i].m = *m;
	(*n)++;
	return 0;
}

/* ---------------------------------------------------------- the backend */

static int check_alive(struct sim *s)
{
	return xvmx_state_errno(s->state);
}

static int sb_status(const struct xvmx_backend *be, char *buf, size_t size)
{
	struct sim *s = SIM(be);
	int n;

	pthread_mutex_lock(&s->lock);
	n = xvmx_print_status(buf, size, s->state, s->errstr);
	pthread_mutex_unlock(&s->lock);
	return n;
}

static enum xvmx_state sb_state(const struct xvmx_backend *be)
{
	struct sim *s = SIM(be);
	enum xvmx_state st;

	pthread_mutex_lock(&s->lock);
	st = s->state;
	pthread_mutex_unlock(&s->lock);
	return st;
}

static void reset(struct sim *s)
{
	regs_reset(s);
	memset(s->fpu, 0, sizeof(s->fpu));
	s->fpu[0] = 0x7f;	/* FCW 0x037f, MXCSR 0x1f80: FNINIT state */
	s->fpu[1] = 0x03;
	s->fpu[24] = 0x80;
	s->fpu[25] = 0x1f;
	s->nranges = 0;
	s->got = 0;
	s->exc_pending = s->irq_pending = false;
	s->extrap = (1U << 1) | (1U << 18);	/* #DB, #MC */
	s->cpuid.n = 0;
	memset(s->stats, 0, sizeof(s->stats));
	s->errstr[0] = 0;
	s->pos = 0;
}

static int sb_init(const struct xvmx_backend *be)
{
	struct sim *s = SIM(be);
	int err;

	if (sb_state(be) != XVMX_INACTIVE)
		return -EBUSY;
	if (s->script_path) {
		err = script_load(s);
		if (err)
			return err;
	}
	pthread_mutex_lock(&s->lock);
	if (s->state != XVMX_INACTIVE) {
		pthread_mutex_unlock(&s->lock);
		return -EBUSY;
	}
	reset(s);
	s->state = XVMX_READY;
	pthread_mutex_unlock(&s->lock);
	return 0;
}

static int sb_quit(const struct xvmx_backend *be)
{
	struct sim *s = SIM(be);

	pthread_mutex_lock(&s->lock);
	if (s->state == XVMX_INACTIVE) {
		pthread_mutex_unlock(&s->lock);
		return -ENXIO;
	}
	s->state = XVMX_INACTIVE;
	s->nranges = 0;
	s->got = 0;
	notify(s);
	pthread_mutex_unlock(&s->lock);
	return 0;
}

/*
 * One handler per ctl command of the text layer's table, indexed like it
 * (the module's are in src/vmx_commands.c); init and quit are the
 * backend's life cycle and never come here. Called with s->lock held.
 */
typedef int (*sim_ctl_fn)(struct sim *s, const struct xvmx_ctl *ctl,
			  const char **err);

static int sim_go(struct sim *s, const struct xvmx_ctl *ctl,
		  const char **err)
{
	if (s->state != XVMX_READY)
		return -EBUSY;
	regs_apply(s, &ctl->go);
	s->got &= ~SIM_GOT_EXIT;
	s->exc_pending = false;	/* delivered at this entry */
	s->state = XVMX_RUNNING;
	run(s);
	notify(s);
	return 0;
}

static int sim_stop(struct sim *s, const struct xvmx_ctl *ctl,
		    const char **err)
{
	if (s->state != XVMX_READY && s->state != XVMX_RUNNING)
		return -EBUSY;
	s->state = XVMX_READY;
	return 0;
}

static int sim_step(struct sim *s, const struct xvmx_ctl *ctl,
		    const char **err)
{
	int ret;

	if (s->state != XVMX_READY)
		return -EBUSY;
	if (ctl->step.map) {
		ret = seg_check(&ctl->step.line, err);
		if (ret)
			return ret;
	}
	s->got &= ~SIM_GOT_EXIT;
	s->exc_pending = false;
	ret = step(s);
	notify(s);
	return ret;
}

static int sim_exc(struct sim *s, const struct xvmx_ctl *ctl,
		   const char **err)
{
	if (s->exc_pending)
		return -EBUSY;
	s->exc = ctl->ev;
	s->exc_pending = true;
	return 0;
}

static int sim_irq(struct sim *s, const struct xvmx_ctl *ctl,
		   const char **err)
{
	s->irq_pending = ctl->has_ev;
	if (ctl->has_ev)
		s->irq = ctl->ev;
	return 0;
}

static int sim_extrap(struct sim *s, const struct xvmx_ctl *ctl,
		      const char **err)
{
	s->extrap = ctl->bitmap;
	return 0;
}

/* The simulator's CPUIDs are its script's exits: the table is kept only. */
static int sim_cpuid(struct sim *s, const struct xvmx_ctl *ctl,
		     const char **err)
{
	if (!ctl->cpuid.set) {
		s->cpuid.n = 0;
		return 0;
	}
	return xvmx_cpuid_set(&s->cpuid, &ctl->cpuid.e);
}

static const sim_ctl_fn sim_ctl_fns[XCTL_NR] = {
	[XCTL_GO]	= sim_go,
	[XCTL_STOP]	= sim_stop,
	[XCTL_STEP]	= sim_step,
	[XCTL_EXC]	= sim_exc,
	[XCTL_IRQ]	= sim_irq,
	[XCTL_EXTRAP]	= sim_extrap,
	[XCTL_CPUID]	= sim_cpuid,
};

static int ctl_locked(struct sim *s, const struct xvmx_ctl *ctl,
		      const char **err)
{
	int ret = check_alive(s);

	if (ret)
		return ret;
	if ((unsigned int)ctl->cmd >= XCTL_NR || !sim_ctl_fns[ctl->cmd])
		return -EINVAL;
	return sim_ctl_fns[ctl->cmd](s, ctl, err);
}

static int sb_ctl(const struct xvmx_backend *be, const struct xvmx_ctl *ctl,
		  const char **err)
{
	struct sim *s = SIM(be);
	int ret;

	pthread_mutex_lock(&s->lock);
	ret = ctl_locked(s, ctl, err);
	pthread_mutex_unlock(&s->lock);
	return ret;
}

static int sb_getregs(const struct xvmx_backend *be, char *buf, size_t size)
{
	struct sim *s = SIM(be);
	size_t n = 0;
	unsigned int i;
	int ret;

	pthread_mutex_lock(&s->lock);
	ret = check_alive(s);
	for (i = 0; !ret && i < xvmx_nregs; i++)
		n += xvmx_print_reg(n < size ? buf + n : NULL,
				    n < size ? size - n : 0, &xvmx_regs[i],
				    s->regs[i]);
	pthread_mutex_unlock(&s->lock);
	return ret ? ret : (int)n;
}

static int sb_setregs(const struct xvmx_backend *be,
		      const struct xvmx_regset *rs)
{
	struct sim *s = SIM(be);
	int ret;

	pthread_mutex_lock(&s->lock);
	ret = check_alive(s);
	if (!ret && s->state == XVMX_RUNNING)
		ret = -EBUSY;
	if (!ret)
		regs_apply(s, rs);
	pthread_mutex_unlock(&s->lock);
	return ret;
}

static int sb_map_print(const struct xvmx_backend *be, char *buf,
			size_t size)
{
	struct sim *s = SIM(be);
	struct xvmx_map_line cur;
	size_t n = 0;
	unsigned int i;
	int ret;

	pthread_mutex_lock(&s->lock);
	ret = check_alive(s);
	if (size)
		buf[0] = 0;
	for (i = 0; !ret && i < s->nranges; i++) {
		cur = s->ranges[i].m;
		while (i + 1 < s->nranges &&
		       xvmx_map_merge(&cur, &s->ranges[i + 1].m))
			i++;
		n += xvmx_print_map_line(n < size ? buf + n : NULL,
					 n < size ? size - n : 0, &cur);
	}
	pthread_mutex_unlock(&s->lock);
	return ret ? ret : (int)n;
}

static int sb_map_write(const struct xvmx_backend *be,
			const struct xvmx_map_line *lines, unsigned int n,
			const char **err)
{
	struct sim *s = SIM(be);
	struct sim_range *r;
	unsigned int i, nr;
	int ret = 0;

	/* validate everything first: all or nothing (SPEC "map") */
	for (i = 0; i < n; i++) {
		if (lines[i].unmap)
			continue;
		if ((lines[i].access & XMAP_W) && !(lines[i].access & XMAP_R))
			return *err = "write without read", -EINVAL;
		ret = seg_check(&lines[i], err);
		if (ret)
			return ret;
	}
	pthread_mutex_lock(&s->lock);
	r = s->next;
	ret = check_alive(s);
	if (ret)
		goto out_unlock;
	memcpy(r, s->ranges, s->nranges * sizeof(*r));
	nr = s->nranges;
	for (i = 0; i < n && !ret; i++)
		ret = map_apply(r, &nr, &lines[i]);
	if (ret) {
		*err = "too many ranges";
		goto out_unlock;
	}
	s->next = s->ranges;
	s->ranges = r;
	s->nranges = nr;
out_unlock:
	pthread_mutex_unlock(&s->lock);
	return ret;
}

static int sb_map_clear(const struct xvmx_backend *be)
{
	struct sim *s = SIM(be);
	int ret;

	pthread_mutex_lock(&s->lock);
	ret = check_alive(s);
	if (!ret)
		s->nranges = 0;
	pthread_mutex_unlock(&s->lock);
	return ret;
}

static int sb_stats(const struct xvmx_backend *be, char *buf, size_t size)
{
	struct sim *s = SIM(be);
	int ret;

	pthread_mutex_lock(&s->lock);
	ret = check_alive(s);
	if (!ret)
		ret = xvmx_print_stats(buf, size, s->stats);
	pthread_mutex_unlock(&s->lock);
	return ret;
}

static bool ready_locked(struct sim *s)
{
	return (s->got & (SIM_GOT_EXIT | SIM_GOT_ACK)) ||
	       s->state == XVMX_DEAD || s->state == XVMX_INACTIVE;
}

static int sb_wait(const struct xvmx_backend *be, char *buf, size_t size)
{
	struct sim *s = SIM(be);
	struct timespec ts;
	int ret;

	pthread_mutex_lock(&s->lock);
	for (;;) {
		ret = check_alive(s);
		if (ret)
			break;
		if (s->got & SIM_GOT_ACK) {
			s->got &= ~SIM_GOT_ACK;
			ret = xvmx_print_ack(buf, size, s->ackvec);
			break;
		}
		if (s->got & SIM_GOT_EXIT) {
			s->got &= ~SIM_GOT_EXIT;
			ret = xvmx_print_exit(buf, size, &s->exit);
			break;
		}
		if (s->interrupted && s->interrupted()) {
			ret = -EINTR;
			break;
		}
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 20 * 1000 * 1000;
		if (ts.tv_nsec >= 1000000000) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000;
		}
		pthread_cond_timedwait(&s->cond, &s->lock, &ts);
	}
	pthread_mutex_unlock(&s->lock);
	return ret;
}

static bool sb_wait_ready(const struct xvmx_backend *be)
{
	struct sim *s = SIM(be);
	bool r;

	pthread_mutex_lock(&s->lock);
	r = ready_locked(s);
	pthread_mutex_unlock(&s->lock);
	return r;
}

static long sb_fpregs(const struct xvmx_backend *be, char *buf, size_t len,
		      long long off, bool write)
{
	struct sim *s = SIM(be);
	long ret;

	pthread_mutex_lock(&s->lock);
	ret = check_alive(s);
	if (!ret && write && s->state == XVMX_RUNNING)
		ret = -EBUSY;
	if (!ret && off < SIM_FPU_SIZE) {
		ret = len < (size_t)(SIM_FPU_SIZE - off) ? (long)len :
		      SIM_FPU_SIZE - off;
		if (write)
			memcpy(s->fpu + off, buf, ret);
		else
			memcpy(buf, s->fpu + off, ret);
	}
	pthread_mutex_unlock(&s->lock);
	return ret;
}

static const struct xvmx_backend_ops sim_ops = {
	.status = sb_status,
	.state = sb_state,
	.init = sb_init,
	.quit = sb_quit,
	.ctl = sb_ctl,
	.getregs = sb_getregs,
	.setregs = sb_setregs,
	.map_print = sb_map_print,
	.map_write = sb_map_write,
	.map_clear = sb_map_clear,
	.stats = sb_stats,
	.wait = sb_wait,
	.wait_ready = sb_wait_ready,
	.fpregs = sb_fpregs,
};

int sim_create(struct sim *s, const char *script_path)
{
	memset(s, 0, sizeof(*s));
	s->be.ops = &sim_ops;
	s->be.priv = s;
	s->regs = calloc(xvmx_nregs, sizeof(*s->regs));
	s->ranges = calloc(SIM_RANGES_MAX, sizeof(*s->ranges));
	s->next = calloc(SIM_RANGES_MAX, sizeof(*s->next));
	s->script_path = script_path ? strdup(script_path) : NULL;
	if (!s->regs || !s->ranges || !s->next ||
	    (script_path && !s->script_path)) {
		sim_destroy(s);
		return -ENOMEM;
	}
	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->cond, NULL);
	s->state = XVMX_INACTIVE;
	return 0;
}

void sim_destroy(struct sim *s)
{
	free(s->regs);
	free(s->ranges);
	free(s->next);
	free(s->script);
	free(s->script_path);
	s->regs = NULL;
	s->ranges = NULL;
	s->next = NULL;
	s->script = NULL;
	s->script_path = NULL;
}
