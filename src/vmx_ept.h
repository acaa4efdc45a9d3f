/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xvmx guest memory: EPT page tables (vmx_ept_tables.c, pure table logic
 * that KUnit runs on software tables) and the `map` file's state behind them
 * (vmx_ept.c: segments, pinned shmem pages, the list of mapped ranges).
 *
 * Who calls what, where:
 *   writer's context (the `map` write):  xvmx_map_prepare(), for the opener
 *   any process context:                 xvmx_opener_get()/_put()
 *   vCPU kthread, guest not running:     xvmx_map_commit(), xvmx_mem_clear(),
 *                                        xvmx_mem_step_map()/_step_unmap()
 *   any process context:                 xvmx_mem_print(), xvmx_map_batch_free()
 * Everything here may sleep (mem->lock is a mutex; releasing pages takes
 * page locks): call it with preemption and interrupts enabled.
 * After commit/clear/step_map/step_unmap change EPT, the caller must
 * INVEPT (single context, xvmx_mem_eptp()) before the guest runs again.
 */
#ifndef XVMX_VMX_EPT_H
#define XVMX_VMX_EPT_H

#include <linux/types.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/path.h>
#include "xvmx_text.h"
#include "xvmx_vmcs.h"

/* ------------------------------------------------------- EPT page tables */

#define XVMX_EPT_LEVELS		4	/* 4-level walk, SDM 28.3.2 */
#define XVMX_EPT_ENTRIES	512
#define XVMX_EPT_PERM_MASK	(EPT_READ | EPT_WRITE | EPT_EXEC)
#define XVMX_EPT_ADDR_MASK	0x000ffffffffff000ULL	/* bits 51:12 */

/*
 * Where table pages come from. The module uses xvmx_ept_page_ops
 * (get_zeroed_page(GFP_KERNEL), virt_to_phys, phys_to_virt); KUnit passes
 * kmalloc'd pages with a fake physical mapping so that it can count and
 * fail allocations.
 * alloc returns a zeroed, 4 KiB aligned, 4 KiB table or NULL.
 */
struct xvmx_ept_ops {
	void *(*alloc)(void *priv);
	void (*free)(void *priv, void *table);
	u64 (*virt_to_phys)(void *priv, void *table);
	void *(*phys_to_virt)(void *priv, u64 pa);
};

extern const struct xvmx_ept_ops xvmx_ept_page_ops;

struct xvmx_ept {
	const struct xvmx_ept_ops *ops;
	void *priv;		/* passed to every ops callback */
	u64 *root;		/* the PML4 */
	u64 root_pa;
	u64 caps;		/* IA32_VMX_EPT_VPID_CAP: EPT_CAP_EXEC_ONLY, _2M */
	unsigned long nr_tables;	/* table pages held, root and spares included */
	u64 *spare;		/* tables freed by phase 2, linked by entry 0 */
};

/* Allocate the root table. -ENOMEM. */
int xvmx_ept_init(struct xvmx_ept *ept, const struct xvmx_ept_ops *ops,
		  void *priv, u64 caps);

/* Free every table page, root included. */
void xvmx_ept_destroy(struct xvmx_ept *ept);

/*
 * 0 if the access set (XMAP_* bits) can be mapped, -EINVAL if the leaf
 * would be an EPT misconfiguration (SDM 28.2.3.1): write without read, or
 * execute-only without EPT_CAP_EXEC_ONLY. An empty set is valid (= unmap).
 */
int xvmx_ept_check_access(const struct xvmx_ept *ept, u8 access);

/* The leaf value for host page @hpa: perms | memtype << 3 | ignore-PAT. */
u64 xvmx_ept_leaf(u64 hpa, u8 access, u8 memtype, bool ignore_pat);

/*
 * Phase 1 of a change: make sure every table down to the page table of
 * each 2 MiB chunk of [lo, hi) exists, splitting 2 MiB leaves there.
 * -ENOMEM leaves at most some new tables behind that map what was mapped
 * before, so the mapping is unchanged. lo/hi page aligned, hi <= 2^48.
 */
int xvmx_ept_populate(struct xvmx_ept *ept, u64 lo, u64 hi);

/*
 * Phase 1 of an unmap: split the 2 MiB leaves that [lo, hi) cuts (at most
 * the two at its ends); allocates nothing for what is not mapped. -ENOMEM
 * changes no translation.
 */
int xvmx_ept_populate_clear(struct xvmx_ept *ept, u64 lo, u64 hi);

/*
 * Phase 2: write the leaves of [lo, hi) (populated before; cannot fail).
 * The leaf for page i (gpa lo + i * 4K) is @hpa(ctx, i) | @flags, where
 * flags come from xvmx_ept_leaf(0, ...). A whole aligned 2 MiB chunk whose
 * 512 pages are contiguous and aligned becomes one 2 MiB leaf (with
 * EPT_CAP_2M); its page table goes to the spare list.
 */
void xvmx_ept_set_range(struct xvmx_ept *ept, u64 lo, u64 hi, u64 flags,
			u64 (*hpa)(void *ctx, unsigned long i), void *ctx);

/* Zero the leaves of [lo, hi) (populated with _clear). Never fails. */
void xvmx_ept_clear_range(struct xvmx_ept *ept, u64 lo, u64 hi);

/* End of phase 2: free the spare tables. */
void xvmx_ept_put_spares(struct xvmx_ept *ept);

/* Free every table below the root and zero the root (root_pa unchanged). */
void xvmx_ept_clear_all(struct xvmx_ept *ept);

/*
 * The leaf entry mapping @gpa, or 0 if none; for a 2 MiB leaf, the 4 KiB
 * leaf it stands for (the page's address, bit 7 clear).
 */
u64 xvmx_ept_lookup(const struct xvmx_ept *ept, u64 gpa);

/* Whether a 2 MiB leaf maps @gpa. */
bool xvmx_ept_lookup_huge(const struct xvmx_ept *ept, u64 gpa);

/* EPT table pages the module holds, all vCPUs (ept_pages parameter). */
long xvmx_ept_table_pages(void);

/*
 * Replace the leaf of the page at @gpa (populated before) with @val and
 * return the old entry, for `step -map` (save, set, later restore).
 */
u64 xvmx_ept_swap_leaf(struct xvmx_ept *ept, u64 gpa, u64 val);

/* EPTP: root | 4-level walk | write-back paging structures (SDM 24.6.11) */
static inline u64 xvmx_ept_eptp(const struct xvmx_ept *ept)
{
	return ept->root_pa | EPTP_PWL4 | EPTP_MT_WB;
}

/* ---------------------------------------------------------- guest memory */

struct xvmx_pin;		/* pages of one map line, shared by its ranges */

/* One mapped range, as `map` reads back (before merging). */
struct xvmx_range {
	struct list_head link;	/* in xvmx_mem.ranges, sorted by lo */
	u64 lo, hi;
	u64 off;		/* segment file offset of the page at lo */
	u8 access, memtype;
	bool ignore_pat;
	struct xvmx_pin *pin;
	unsigned long first;	/* index in pin->pages of the page at lo */
};

struct xvmx_mem {
	struct mutex lock;	/* ranges and EPT: commit/clear/print */
	struct xvmx_ept ept;
	struct list_head ranges;
	unsigned long nr_pages;	/* pages pinned by committed ranges */
	struct xvmx_range *step;	/* the `step -map` page, while mapped */
};

/* Init with the EPT capabilities (MSR_VMX_EPT_VPID_CAP). -ENOMEM. */
int xvmx_mem_init(struct xvmx_mem *mem, u64 ept_caps);

/* xvmx_mem_clear() and free the tables. */
void xvmx_mem_destroy(struct xvmx_mem *mem);

static inline u64 xvmx_mem_eptp(const struct xvmx_mem *mem)
{
	return xvmx_ept_eptp(&mem->ept);
}

/*
 * Unmap everything (O_TRUNC, quit, unload) and release every pinned page.
 * Returns true if anything was mapped (INVEPT needed). Guest not running.
 */
bool xvmx_mem_clear(struct xvmx_mem *mem);

/*
 * Print the mapped ranges in the `map` write format, merged where adjacent
 * and identical (access, cache, '!', same segment file at contiguous
 * offsets). snprintf semantics: returns the full length, NUL-terminates
 * when size > 0. Takes mem->lock.
 */
int xvmx_mem_print(struct xvmx_mem *mem, char *buf, size_t size);

struct xvmx_map_batch;		/* one `map` write, prepared */

/*
 * Who a `map` write (or `step -map`) acts for: the process that opened the
 * file (debugfs) or /dev/xvmx (9P), as it was then, the same rule on both
 * front ends. Its credentials open the segment; its root, and with it its
 * mount namespace, resolves the segment's name; its mm is charged for the
 * pinned pages (mm->pinned_vm, what /proc/PID/status shows as VmPin),
 * against its RLIMIT_MEMLOCK unless it has CAP_IPC_LOCK, as RDMA and
 * io_uring do for their long-term pins.
 */
struct xvmx_opener {
	const struct cred *cred;
	struct path root;
	struct mm_struct *mm;		/* mmgrab()ed; NULL for a kthread */
	struct task_struct *task;	/* whose RLIMIT_MEMLOCK applies */
};

/* Process context: the current task's, and let it go. */
void xvmx_opener_get(struct xvmx_opener *who);
void xvmx_opener_put(struct xvmx_opener *who);

/*
 * Phase 1 of a `map` write, in process context, for @who (see struct
 * xvmx_opener): validate the n parsed lines, open the segments (tmpfs/memfd
 * only, in bounds, opened O_RDWR when the access has w), pin their pages
 * and charge them to @who. All or nothing: on error, everything taken is
 * released, *err gets a short static message and the return is -EINVAL
 * (bad access, not tmpfs, out of bounds, bad name), -ENOENT/-EACCES/...
 * (from opening the file), -EPERM (memfd write seal), -ENOMEM ("too much
 * memory mapped" past the module's pin limit, the opener's RLIMIT_MEMLOCK,
 * or allocation), -EINTR (fatal signal while pinning).
 * @mem is only read for its EPT capabilities.
 */
int xvmx_map_prepare(struct xvmx_mem *mem, const struct xvmx_opener *who,
		     const struct xvmx_map_line *lines, unsigned int n,
		     struct xvmx_map_batch **out, const char **err);

/*
 * The same with the segment files given (KUnit: shmem_file_setup() files):
 * files[i] is used instead of opening lines[i].seg, which is then only the
 * name `map` prints. The batch takes its own file references. files[i] may
 * be NULL (open by name, which needs @who); so may @files. @who NULL:
 * nothing is charged.
 */
struct file;
int xvmx_map_prepare_files(struct xvmx_mem *mem, const struct xvmx_opener *who,
			   const struct xvmx_map_line *lines,
			   struct file *const *files, unsigned int n,
			   struct xvmx_map_batch **out, const char **err);

/* Module-wide count of pages pinned by map (tests: nothing leaks). */
long xvmx_map_pinned_pages(void);

/*
 * Phase 2, on the vCPU kthread between exits: apply the lines in order
 * (later lines override earlier ones; unmap lines clear), trimming or
 * splitting older ranges and releasing the pages they no longer use.
 * -ENOMEM (EPT table allocation) changes nothing. Returns 1 if EPT changed
 * (INVEPT needed), 0 if not, or -ENOMEM. The batch still has to be freed
 * with xvmx_map_batch_free() (after a successful commit its pages belong
 * to @mem).
 */
int xvmx_map_commit(struct xvmx_mem *mem, struct xvmx_map_batch *batch);

/* Release whatever the batch still holds and free it. NULL is fine. */
void xvmx_map_batch_free(struct xvmx_map_batch *batch);

/*
 * `step -map addr segment offset`: map one 4 KiB page for one step.
 * Prepare the one-line batch (access rwx, 4 KiB) with xvmx_map_prepare()
 * in the writer's context; on the kthread, xvmx_mem_step_map() installs
 * the batch's page (-ENOMEM, or -EBUSY if a step page is still mapped:
 * nothing changed) and takes it over from the batch, so freeing the batch
 * early (an abandoned step) is safe. After the step, xvmx_mem_step_unmap()
 * rebuilds the leaf from the current ranges (a map write or clear in
 * between is fine) and releases the page; xvmx_mem_clear() does too.
 * INVEPT after each. save->old is the leaf the step replaced (debugging).
 */
struct xvmx_step_save {
	u64 gpa;
	u64 old;
};

int xvmx_mem_step_map(struct xvmx_mem *mem, struct xvmx_map_batch *batch,
		      struct xvmx_step_save *save);
void xvmx_mem_step_unmap(struct xvmx_mem *mem,
			 const struct xvmx_step_save *save);

/* The EPT leaf mapping @gpa, or 0 (debugging, tests). */
u64 xvmx_mem_lookup_leaf(struct xvmx_mem *mem, u64 gpa);

#endif /* XVMX_VMX_EPT_H */
