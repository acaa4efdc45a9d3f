// SPDX-License-Identifier: GPL-2.0
/*
 * Exit lines and the registers of the exit being handled.
 *
 * An exit line carries the registers the exiting instruction reads (SPEC
 * "wait": io ax, string io also cx si di, .cpuid ax cx, ...); what it
 * does not carry comes from one read of `regs` per exit, counted so that
 * -v shows how often that still happens. Register changes are queued and
 * go with the next `go` as name=value;... .
 *
 * Where `regs` is mapped (include/xvmx_regspage.h, debugfs only) the GPRs
 * go through its page both ways: each exit leaves them all there, so a
 * GPR never costs a regs read, and a GPR set is stored there and marked
 * for the next go instead of going into the list.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "vmx.h"

unsigned long regs_reads;
int (*vcpu_fetch)(char *buf, size_t size);
volatile struct xvmx_regs_page *vcpu_regs_page;
unsigned long page_gpr_sets;
static unsigned int page_marks;	/* GPRs stored in the page, to be marked */

static const char *const gpr_names[16] = {
	"ax", "cx", "dx", "bx", "sp", "bp", "si", "di",
	"r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15",
};

/* @name's place in the regs page, or -1 (not a GPR, no page) */
static int page_gpr(const char *name)
{
	unsigned int i;

	if (!vcpu_regs_page)
		return -1;
	for (i = 0; i < ARRAY_SIZE(gpr_names); i++)
		if (!strcmp(gpr_names[i], name))
			return i;
	return -1;
}

/* ------------------------------------------------------- exit lines */

static int num(const char *s, u64 *v)
{
	char *end;

	errno = 0;
	*v = strtoull(s, &end, 0);
	return (errno || end == s) ? -1 : 0;
}

int exitline_parse(const char *line, struct exitline *e)
{
	char buf[512], *tok[64], *save = NULL, *t;
	unsigned int n = 0, i;
	u64 v;

	memset(e, 0, sizeof(*e));
	snprintf(buf, sizeof(buf), "%s", line);
	for (t = strtok_r(buf, " \t\n", &save); t && n < ARRAY_SIZE(tok);
	     t = strtok_r(NULL, " \t\n", &save))
		tok[n++] = t;
	if (n < 2 || (n & 1))
		return -1;
	t = tok[0];
	if (*t == '!') {
		e->entryfail = true;
		t++;
	}
	if (!*t || strlen(t) >= sizeof(e->cause))
		return -1;
	strcpy(e->cause, t);
	if (num(tok[1], &e->qual))
		return -1;
	for (i = 2; i + 1 < n; i += 2) {
		const char *k = tok[i];

		if (num(tok[i + 1], &v))
			return -1;
		if (!strcmp(k, "pc")) {
			e->pc = v;
		} else if (!strcmp(k, "sp")) {
			e->sp = v;
		} else if (!strcmp(k, "ilen")) {
			e->ilen = v;
		} else if (!strcmp(k, "iinfo")) {
			e->iinfo = v;
		} else if (!strcmp(k, "excode")) {
			e->excode = v;
			e->has_excode = true;
		} else if (!strcmp(k, "va")) {
			e->va = v;
			e->has_va = true;
		} else if (!strcmp(k, "pa")) {
			e->pa = v;
			e->has_pa = true;
		} else if (e->nregs < EXIT_REGS_MAX &&
			   strlen(k) < sizeof(e->regs[0].name)) {
			strcpy(e->regs[e->nregs].name, k);
			e->regs[e->nregs].val = v;
			e->nregs++;
		}
	}
	return 0;
}

/* -------------------------------------------------------- registers */

#define SNAP_MAX	160

static struct {
	char name[24];
	u64 val;
} snap[SNAP_MAX];
static unsigned int nsnap;
static bool snap_valid;
static const struct exitline *cur;
static char golist[4096];
static size_t golen;

void vcpu_snapshot_parse(const char *text)
{
	const char *p = text;

	nsnap = 0;
	while (*p && nsnap < SNAP_MAX) {
		const char *sp = strchr(p, ' '), *nl = strchr(p, '\n');

		if (!sp || !nl || sp > nl)
			break;
		if ((size_t)(sp - p) < sizeof(snap[0].name)) {
			memcpy(snap[nsnap].name, p, sp - p);
			snap[nsnap].name[sp - p] = 0;
			snap[nsnap].val = strtoull(sp + 1, NULL, 0);
			nsnap++;
		}
		p = nl + 1;
	}
	snap_valid = true;
}

void vcpu_begin(const struct exitline *e)
{
	cur = e;
	snap_valid = false;
	golen = 0;
	golist[0] = 0;
}

/* the value queued for @name in the go list, if any */
static bool golist_get(const char *name, u64 *v)
{
	size_t n = strlen(name);
	const char *p = golist, *hit = NULL;

	while ((p = strstr(p, name))) {
		if ((p == golist || p[-1] == ';') && p[n] == '=')
			hit = p + n + 1;
		p += n;
	}
	if (hit)
		*v = strtoull(hit, NULL, 0);
	return hit != NULL;
}

u64 vcpu_get(const char *name)
{
	char buf[16384];
	unsigned int i;
	u64 v;
	int n;

	if (golist_get(name, &v))
		return v;
	/* the exit left every GPR in the page; one set since is there too */
	n = cur ? page_gpr(name) : -1;
	if (n >= 0)
		return vcpu_regs_page->gpr[n];
	if (cur) {
		if (!strcmp(name, "pc"))
			return cur->pc;
		if (!strcmp(name, "sp"))
			return cur->sp;
		for (i = 0; i < cur->nregs; i++)
			if (!strcmp(cur->regs[i].name, name))
				return cur->regs[i].val;
	}
	if (!snap_valid) {
		n = vcpu_fetch ? vcpu_fetch(buf, sizeof(buf)) : -ENXIO;
		if (n < 0)
			fatal("regs: read: %s", strerror(-n));
		regs_reads++;
		vcpu_snapshot_parse(buf);
	}
	for (i = 0; i < nsnap; i++)
		if (!strcmp(snap[i].name, name))
			return snap[i].val;
	fatal("regs: the module has no register '%s'", name);
}

void vcpu_set(const char *name, u64 val)
{
	int n = page_gpr(name);

	if (n >= 0) {
		vcpu_regs_page->gpr[n] = val;
		page_marks |= 1U << n;
		page_gpr_sets++;
		return;
	}
	n = snprintf(golist + golen, sizeof(golist) - golen, "%s=0x%llx;",
			 name, (unsigned long long)val);

	if (n < 0 || (size_t)n >= sizeof(golist) - golen)
		fatal("go: register list too long");
	golen += n;
}

const char *vcpu_golist(void)
{
	/* the values stored before their marks (the module takes marks once) */
	if (page_marks) {
		__atomic_or_fetch(&vcpu_regs_page->load, page_marks,
				  __ATOMIC_RELEASE);
		page_marks = 0;
	}
	return golist;
}

const char *gpr_name(unsigned int n)
{
	return gpr_names[n & 15];
}
