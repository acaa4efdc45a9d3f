/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A simulated vCPU behind the file layer (include/xvmx_files.h), for the
 * FUSE harness, the check tests of the file layer and the whole-write
 * fuzzer. It keeps registers, the map, the FPU image, events and exit
 * counts the way the module does, and answers `go` and `step` with exits
 * taken from a script the test supplies. It runs no guest code: what a
 * guest does under VMX is proven in the emulator rig, not here.
 *
 * Script: one entry a line; blank lines and lines starting with "//" are
 * skipped. Each `go` consumes entries up to the next exit:
 *
 *   NAME [KEY=VALUE...]  an exit: NAME is an exit reason (io, .hlt,
 *                        eptfault, ...), an exception (#gp, #14), ?N, or
 *                        any of those after '!' (VM-entry failure).
 *                        KEYs: qual ilen iinfo va pa code intinfo, or a
 *                        writable register, set before the exit (the
 *                        exit's pc, sp and ax are the registers').
 *   ack                  the posted irq (if any) is taken: "*ack N"
 *   step [REG=VALUE...]  a step that completes (for `step`; `go` skips it)
 *   dead MESSAGE         the vCPU dies with MESSAGE
 *   hang                 the guest runs on until `stop` or `quit`
 *
 * A `step` consumes one entry: step completes it, an exit fails it (EIO,
 * the exit goes to wait). Past the script's end a `go` runs forever and a
 * `step` completes.
 */
#ifndef XVMX_SIM_H
#define XVMX_SIM_H

#include <pthread.h>
#include "xvmx_files.h"

#define SIM_FPU_SIZE	832	/* XSAVE standard format: x87, SSE, AVX */
#define SIM_RANGES_MAX	512
#define SIM_SCRIPT_MAX	4096

enum sim_kind {
	SIM_EXIT,
	SIM_ACK,
	SIM_STEP,
	SIM_DEAD,
	SIM_HANG,
};

struct sim_entry {
	enum sim_kind kind;
	struct xvmx_exit exit;	/* SIM_EXIT: pc, sp, ax filled at the exit */
	struct xvmx_regset regs;	/* set before the exit or step */
	char msg[128];		/* SIM_DEAD: as the module's XVMX_ERRMAX */
};

struct sim_range {
	struct xvmx_map_line m;	/* never an unmap line */
};

struct sim {
	struct xvmx_backend be;	/* be.priv points back here */
	pthread_mutex_t lock;
	pthread_cond_t cond;	/* state, got: for wait */

	enum xvmx_state state;
	char errstr[128];
	u64 *regs;		/* xvmx_nregs values */
	unsigned char fpu[SIM_FPU_SIZE];
	struct sim_range *ranges;	/* sorted by lo, disjoint */
	unsigned int nranges;
	struct sim_range *next;		/* a map write builds the new list here */
	unsigned int got;	/* SIM_GOT_* */
	struct xvmx_exit exit;
	unsigned int ackvec;
	bool exc_pending, irq_pending;
	struct xvmx_event exc, irq;
	u32 extrap;
	struct xvmx_cpuid_table cpuid;	/* kept, never answered from */
	u64 stats[XVMX_EXIT_REASONS];

	struct sim_entry *script;
	unsigned int nscript, pos;
	char *script_path;	/* reread at every init when set */

	/* a blocked wait asks this now and then: true abandons it (EINTR) */
	bool (*interrupted)(void);
	/* told when a wait line becomes ready (poll notification) */
	void (*ready)(struct sim *s);
};

#define SIM_GOT_EXIT	0x1
#define SIM_GOT_ACK	0x2

/* The backend of @s; -ENOMEM. @script_path may be NULL. */
int sim_create(struct sim *s, const char *script_path);
void sim_destroy(struct sim *s);

/*
 * Replace the script with @text (rewinds). -EINVAL with *err and
 * *line (1-based) set on a bad entry, the old script kept.
 */
int sim_set_script(struct sim *s, const char *text, size_t len,
		   const char **err, unsigned int *line);

#endif /* XVMX_SIM_H */
