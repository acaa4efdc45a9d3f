// SPDX-License-Identifier: GPL-2.0
/*
 * xvmx guest memory: the state behind the `map` file. Segments are tmpfs or
 * memfd files opened as the opener of the xvmx file (struct xvmx_opener);
 * their pages are pinned while any EPT leaf may point at them, and the
 * list of mapped ranges is what `map` reads back.
 *
 * Long-term pinning here: the pages are shmem page-cache pages, held by a
 * page reference taken with shmem_read_mapping_page_gfp() (FOLL_LONGTERM is
 * a get_user_pages() flag, and there is no user mapping to pin through;
 * memfd_pin_folios() exists only from 6.11 on). What FOLL_LONGTERM
 * guarantees by migrating, that a pinned page is not in ZONE_MOVABLE or a
 * CMA area where it would block memory offlining and CMA allocations, holds
 * for every page the pin itself brings in: they are allocated with the
 * mapping's gfp minus __GFP_MOVABLE. A page already cached in such a place
 * (written before the map) stays there while mapped, and the map says so
 * once in the log. The pins are charged like long-term pins elsewhere:
 * to the opener's mm->pinned_vm, against its RLIMIT_MEMLOCK.
 *
 * A `map` write is two-phase so that it is all or nothing: prepare (writer's
 * context: open, check, pin) can fail freely; commit (vCPU kthread, guest
 * not running) first allocates every EPT table it needs, the only step that
 * can fail, and then rewrites leaves and ranges, which cannot.
 */
#include <linux/atomic.h>
#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/err.h>
#include <linux/fcntl.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/fs_struct.h>
#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/overflow.h>
#include <linux/pagemap.h>
#include <linux/refcount.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/shmem_fs.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vmalloc.h>
#include <asm/io.h>
#include "vmx_compat.h"
#include "vmx_ept.h"

/*
 * Pinned pages cannot be reclaimed, so a bound keeps one `map` line from
 * locking down all of RAM. Module-wide; a `map` write counts its new pages
 * before the old ones it overrides are released.
 */
static unsigned long map_limit_mb = 1024;
module_param(map_limit_mb, ulong, 0644);
MODULE_PARM_DESC(map_limit_mb, "most guest memory pinned by map, MiB (default 1024)");

static atomic_long_t xvmx_pinned_pages = ATOMIC_LONG_INIT(0);

long xvmx_map_pinned_pages(void)
{
	return atomic_long_read(&xvmx_pinned_pages);
}
XVMX_EXPORT_FOR_KUNIT(xvmx_map_pinned_pages);

/*
 * Read-only counters in /sys/module/xvmx/parameters, for the tests and
 * the bench: pinned_pages and ept_pages, each read by its function.
 */
struct xvmx_counter {
	long (*read)(void);
};

static int counter_get(char *buf, const struct kernel_param *kp)
{
	const struct xvmx_counter *c = kp->arg;

	return sysfs_emit(buf, "%ld\n", c->read());
}

static const struct kernel_param_ops counter_ops = {
	.get = counter_get,
};

static struct xvmx_counter pinned_pages_counter = { xvmx_map_pinned_pages };
module_param_cb(pinned_pages, &counter_ops, &pinned_pages_counter, 0444);
MODULE_PARM_DESC(pinned_pages, "pages pinned by map now (read-only)");

static struct xvmx_counter ept_pages_counter = { xvmx_ept_table_pages };
module_param_cb(ept_pages, &counter_ops, &ept_pages_counter, 0444);
MODULE_PARM_DESC(ept_pages, "4 KiB pages of EPT tables held now (read-only)");

/* Pages of one map line, shared by the ranges that are left of it. */
struct xvmx_pin {
	refcount_t ref;		/* xvmx_range structs pointing here */
	struct file *file;
	bool writable;		/* holds mapping_map_writable(); dirty on put */
	unsigned long counted;	/* pages still counted in xvmx_pinned_pages */
	struct mm_struct *mm;	/* charged for counted (pinned_vm), or NULL */
	char *name;		/* segment as the user wrote it */
	unsigned long n;
	struct page **pages;	/* NULL once released (or never taken) */
};

/* One line of a prepared write. */
struct xvmx_map_item {
	u64 lo, hi;
	struct xvmx_range *range;	/* the new range; NULL for unmap */
	struct xvmx_range *spare;	/* for splitting an older range */
};

struct xvmx_map_batch {
	unsigned int n;
	struct xvmx_map_item items[];
};

#define XVMX_PAGES(lo, hi)	((unsigned long)(((hi) - (lo)) >> PAGE_SHIFT))

/* ------------------------------------------------------------ pins */

/*
 * Release pages [i, end) of @pin: a huge folio's run of pages with one
 * dirtying and one put of as many references as it pinned (pin_pages()).
 */
static void pin_put_pages(struct xvmx_pin *pin, unsigned long i,
			  unsigned long end)
{
	unsigned long k, done = 0;

	while (i < end) {
		struct folio *folio;

		if (!pin->pages[i]) {
			i++;
			continue;
		}
		folio = page_folio(pin->pages[i]);
		for (k = 1; i + k < end && pin->pages[i + k] &&
			    page_folio(pin->pages[i + k]) == folio; k++)
			;
		/* The guest may have written through EPT, behind its back. */
		if (pin->writable) {
			folio_lock(folio);
			folio_mark_dirty(folio);
			folio_unlock(folio);
		}
		folio_put_refs(folio, k);
		memset(&pin->pages[i], 0, k * sizeof(pin->pages[0]));
		pin->counted -= k;
		atomic_long_sub(k, &xvmx_pinned_pages);
		if (pin->mm)
			atomic64_sub(k, &pin->mm->pinned_vm);
		i += k;
		done += k;
		if (done >= 1024) {
			cond_resched();
			done = 0;
		}
	}
}

/*
 * A pin's page array, zeroed. Past a page it comes from vmalloc, whose
 * size goes up to a whole page: kvmalloc() takes it from kmalloc when it
 * can, whose pages go up to a power of two (half of it unused at worst),
 * and the array is 8 bytes a guest page (2 MiB a GiB mapped).
 */
static struct page **pin_array_alloc(unsigned long n)
{
	size_t size = array_size(n, sizeof(struct page *));

	return size <= PAGE_SIZE ? kzalloc(size, GFP_KERNEL) : vzalloc(size);
}

static void pin_release(struct xvmx_pin *pin)
{
	if (!refcount_dec_and_test(&pin->ref))
		return;
	pin_put_pages(pin, 0, pin->n);
	/* what is left counted: pages a failed prepare never took */
	atomic_long_sub(pin->counted, &xvmx_pinned_pages);
	if (pin->mm) {
		atomic64_sub(pin->counted, &pin->mm->pinned_vm);
		mmdrop(pin->mm);
	}
	if (pin->writable)
		mapping_unmap_writable(pin->file->f_mapping);
	fput(pin->file);
	kfree(pin->name);
	kvfree(pin->pages);
	kfree(pin);
}

/* ---------------------------------------------------------- ranges */

/* Release the pages backing [lo, hi), a part of r. */
static void range_put_pages(struct xvmx_mem *mem, struct xvmx_range *r,
			    u64 lo, u64 hi)
{
	unsigned long i = r->first + XVMX_PAGES(r->lo, lo);

	pin_put_pages(r->pin, i, i + XVMX_PAGES(lo, hi));
	mem->nr_pages -= XVMX_PAGES(lo, hi);
}

static void range_free(struct xvmx_range *r)
{
	if (!r)
		return;
	if (r->pin)
		pin_release(r->pin);
	kfree(r);
}

/* Drop the step page: its leaf must be gone already. */
static void mem_step_release(struct xvmx_mem *mem)
{
	range_free(mem->step);
	mem->step = NULL;
}

static void range_remove(struct xvmx_mem *mem, struct xvmx_range *r)
{
	range_put_pages(mem, r, r->lo, r->hi);
	list_del(&r->link);
	range_free(r);
}

/*
 * Take [lo, hi) away from every committed range: drop ranges inside it,
 * trim ranges that overlap one end, split the one range that may contain it
 * (using *spare), and release the pages no longer mapped. The EPT leaves of
 * [lo, hi) are already rewritten, so nothing maps those pages any more.
 * Returns true if any range overlapped.
 */
static bool mem_carve(struct xvmx_mem *mem, u64 lo, u64 hi,
		      struct xvmx_range **spare)
{
	struct xvmx_range *r, *tmp;
	bool hit = false;

	list_for_each_entry_safe(r, tmp, &mem->ranges, link) {
		if (r->hi <= lo)
			continue;
		if (r->lo >= hi)
			break;
		hit = true;
		if (r->lo < lo && r->hi > hi) {
			struct xvmx_range *s = *spare;

			/* Ranges do not overlap: one split per line at most. */
			if (WARN_ON(!s))
				return hit;
			*spare = NULL;
			*s = *r;
			s->lo = hi;
			s->off = r->off + (hi - r->lo);
			s->first = r->first + XVMX_PAGES(r->lo, hi);
			refcount_inc(&r->pin->ref);
			list_add(&s->link, &r->link);
			range_put_pages(mem, r, lo, hi);
			r->hi = lo;
			return hit;
		} else if (r->lo < lo) {
			range_put_pages(mem, r, lo, r->hi);
			r->hi = lo;
		} else if (r->hi > hi) {
			range_put_pages(mem, r, r->lo, hi);
			r->first += XVMX_PAGES(r->lo, hi);
			r->off += hi - r->lo;
			r->lo = hi;
		} else {
			range_remove(mem, r);
		}
	}
	return hit;
}

static void mem_insert(struct xvmx_mem *mem, struct xvmx_range *n)
{
	struct xvmx_range *r;

	list_for_each_entry(r, &mem->ranges, link)
		if (r->lo >= n->hi)
			break;
	/* Before r, or at the tail when the loop ran off the end. */
	list_add_tail(&n->link, &r->link);
	mem->nr_pages += XVMX_PAGES(n->lo, n->hi);
}

static u64 range_hpa(void *ctx, unsigned long i)
{
	struct xvmx_range *r = ctx;

	return page_to_phys(r->pin->pages[r->first + i]);
}

static u64 range_leaf_flags(const struct xvmx_range *r)
{
	return xvmx_ept_leaf(0, r->access, r->memtype, r->ignore_pat);
}

/* ------------------------------------------------------------ mem */

int xvmx_mem_init(struct xvmx_mem *mem, u64 ept_caps)
{
	mutex_init(&mem->lock);
	INIT_LIST_HEAD(&mem->ranges);
	mem->nr_pages = 0;
	mem->step = NULL;
	return xvmx_ept_init(&mem->ept, &xvmx_ept_page_ops, NULL, ept_caps);
}
XVMX_EXPORT_FOR_KUNIT(xvmx_mem_init);

bool xvmx_mem_clear(struct xvmx_mem *mem)
{
	struct xvmx_range *r, *tmp;
	bool any;

	mutex_lock(&mem->lock);
	any = !list_empty(&mem->ranges) || mem->step;
	/* Leaves first: pages go back only when no entry points at them. */
	xvmx_ept_clear_all(&mem->ept);
	list_for_each_entry_safe(r, tmp, &mem->ranges, link)
		range_remove(mem, r);
	mem_step_release(mem);
	mutex_unlock(&mem->lock);
	return any;
}
XVMX_EXPORT_FOR_KUNIT(xvmx_mem_clear);

void xvmx_mem_destroy(struct xvmx_mem *mem)
{
	xvmx_mem_clear(mem);
	xvmx_ept_destroy(&mem->ept);
	mutex_destroy(&mem->lock);
}
XVMX_EXPORT_FOR_KUNIT(xvmx_mem_destroy);

u64 xvmx_mem_lookup_leaf(struct xvmx_mem *mem, u64 gpa)
{
	u64 e;

	mutex_lock(&mem->lock);
	e = xvmx_ept_lookup(&mem->ept, gpa);
	mutex_unlock(&mem->lock);
	return e;
}
XVMX_EXPORT_FOR_KUNIT(xvmx_mem_lookup_leaf);

/* b continues a where `map` can print both as one line. */
static bool range_merges(const struct xvmx_range *a,
			 const struct xvmx_range *b)
{
	return a->hi == b->lo && a->access == b->access &&
	       a->memtype == b->memtype && a->ignore_pat == b->ignore_pat &&
	       file_inode(a->pin->file) == file_inode(b->pin->file) &&
	       !strcmp(a->pin->name, b->pin->name) &&
	       a->off + (a->hi - a->lo) == b->off;
}

int xvmx_mem_print(struct xvmx_mem *mem, char *buf, size_t size)
{
	struct xvmx_range *r, *next;
	struct xvmx_map_line line;
	size_t len = 0;

	if (size)
		buf[0] = '\0';
	mutex_lock(&mem->lock);
	list_for_each_entry(r, &mem->ranges, link) {
		/* Printed already as part of the line its predecessor began. */
		if (r->link.prev != &mem->ranges &&
		    range_merges(list_prev_entry(r, link), r))
			continue;
		memset(&line, 0, sizeof(line));
		line.lo = r->lo;
		line.hi = r->hi;
		line.off = r->off;
		line.access = r->access;
		line.memtype = r->memtype;
		line.ignore_pat = r->ignore_pat;
		strscpy(line.seg, r->pin->name, sizeof(line.seg));
		next = r;
		while (!list_is_last(&next->link, &mem->ranges) &&
		       range_merges(next, list_next_entry(next, link))) {
			next = list_next_entry(next, link);
			line.hi = next->hi;
		}
		len += xvmx_print_map_line(buf + min(len, size),
					   size - min(len, size), &line);
	}
	mutex_unlock(&mem->lock);
	return len;
}
XVMX_EXPORT_FOR_KUNIT(xvmx_mem_print);

/* ------------------------------------------------------------ opener */

void xvmx_opener_get(struct xvmx_opener *who)
{
	who->cred = get_current_cred();
	get_fs_root(current->fs, &who->root);
	who->mm = current->mm;
	if (who->mm)
		mmgrab(who->mm);
	who->task = get_task_struct(current);
}
XVMX_EXPORT_FOR_KUNIT(xvmx_opener_get);

void xvmx_opener_put(struct xvmx_opener *who)
{
	put_task_struct(who->task);
	if (who->mm)
		mmdrop(who->mm);
	path_put(&who->root);
	put_cred(who->cred);
}
XVMX_EXPORT_FOR_KUNIT(xvmx_opener_put);

/*
 * Charge @n pinned pages to @who's mm, within its RLIMIT_MEMLOCK unless it
 * may lock memory at will; the caller runs with @who's credentials.
 */
static int opener_charge(const struct xvmx_opener *who, unsigned long n,
			 const char **err)
{
	unsigned long limit;

	if (!who || !who->mm)
		return 0;
	limit = task_rlimit(who->task, RLIMIT_MEMLOCK) >> PAGE_SHIFT;
	if (atomic64_add_return(n, &who->mm->pinned_vm) > limit &&
	    !capable(CAP_IPC_LOCK)) {
		atomic64_sub(n, &who->mm->pinned_vm);
		*err = "over the opener's locked-memory limit (RLIMIT_MEMLOCK)";
		return -ENOMEM;
	}
	return 0;
}

/* -------------------------------------------------------- prepare */

/*
 * Open a segment as @who, once (SPEC map). A bare name lives in /dev/shm
 * (POSIX shared memory); anything else must be an absolute path; both are
 * resolved from @who's root, in its mount namespace. The name is resolved
 * a single time, to an O_PATH file, which runs no open() of whatever the
 * name turns out to be (a FIFO, a device); only a tmpfs or memfd regular
 * file is then opened, from that very path, after the permission check
 * open(2) makes (may_open(): inode_permission(), append-only).
 */
static struct file *seg_open(const struct xvmx_opener *who, const char *seg,
			     bool write, const char **err)
{
	int flags = (write ? O_RDWR : O_RDONLY) | O_LARGEFILE | O_NONBLOCK;
	int mask = MAY_OPEN | MAY_READ | (write ? MAY_WRITE : 0);
	struct file *path, *file;
	struct inode *inode;
	char *name;
	int ret;

	if (!who) {
		*err = "no opener to open the segment as";
		return ERR_PTR(-EINVAL);
	}
	if (seg[0] == '/') {
		name = kstrdup(seg, GFP_KERNEL);
	} else {
		if (!seg[0] || strchr(seg, '/') || !strcmp(seg, ".") ||
		    !strcmp(seg, "..")) {
			*err = "bad segment name";
			return ERR_PTR(-EINVAL);
		}
		name = kasprintf(GFP_KERNEL, "/dev/shm/%s", seg);
	}
	if (!name) {
		*err = "out of memory";
		return ERR_PTR(-ENOMEM);
	}

	path = file_open_root(&who->root, name, O_PATH, 0);
	kfree(name);
	if (IS_ERR(path)) {
		*err = "cannot open segment";
		return path;
	}
	inode = file_inode(path);
	if (!S_ISREG(inode->i_mode) || !shmem_mapping(inode->i_mapping)) {
		*err = "segment is not a tmpfs or memfd file";
		file = ERR_PTR(-EINVAL);
		goto out_fput_path;
	}
	ret = xvmx_path_permission(&path->f_path, mask);
	if (!ret && write && IS_APPEND(inode))
		ret = -EPERM;
	if (ret) {
		*err = "cannot open segment";
		file = ERR_PTR(ret);
		goto out_fput_path;
	}
	file = dentry_open(&path->f_path, flags, who->cred);
	if (IS_ERR(file))
		*err = "cannot open segment";
out_fput_path:
	fput(path);
	return file;
}

/*
 * The opened file is what counts: shmem, and open for writing if the guest
 * may write. Consumes the reference on @file when it fails.
 */
static struct file *seg_check(struct file *file, bool write, const char **err)
{
	/* hugetlbfs memfds are not shmem: refused for now. */
	if (!S_ISREG(file_inode(file)->i_mode) ||
	    !shmem_mapping(file->f_mapping)) {
		*err = "segment is not a tmpfs or memfd file";
		fput(file);
		return ERR_PTR(-EINVAL);
	}
	if (write && !(file->f_mode & FMODE_WRITE)) {
		*err = "segment is not open for writing";
		fput(file);
		return ERR_PTR(-EACCES);
	}
	return file;
}

/*
 * The guest writes through EPT like a shared writable mmap would, so the
 * same rules hold: no write seals (memfd F_SEAL_WRITE/FUTURE_WRITE), and
 * while pinned, i_mmap_writable is raised so that F_SEAL_WRITE cannot be
 * added under us (mm/memfd.c refuses it with EBUSY then).
 */
static int seg_allow_write(struct file *file, const char **err)
{
	unsigned int seals = SHMEM_I(file_inode(file))->seals;

	if ((seals & (F_SEAL_WRITE | F_SEAL_FUTURE_WRITE)) ||
	    mapping_map_writable(file->f_mapping)) {
		*err = "segment is sealed against writing";
		return -EPERM;
	}
	return 0;
}

/* The mapping's gfp for pages a pin brings in: never movable (file head) */
static gfp_t pin_gfp(struct address_space *mapping)
{
	return mapping_gfp_constraint(mapping, ~__GFP_MOVABLE);
}

/*
 * Pages [*i, *i + nr) of @pin are @folio's from its page @idx on: one
 * folio reference each, of which the caller holds one already.
 */
static void pin_take(struct xvmx_pin *pin, unsigned long *i,
		     struct folio *folio, unsigned long idx, unsigned long nr,
		     unsigned long *movable)
{
	unsigned long k;

	if (nr > 1)
		folio_ref_add(folio, nr - 1);
	for (k = 0; k < nr; k++)
		pin->pages[*i + k] = folio_page(folio, idx + k);
	if (folio_zonenum(folio) == ZONE_MOVABLE)
		*movable += nr;
	*i += nr;
}

/*
 * Pages [*i, end) of @pin (the file's pages from @index + *i on) read one
 * at a time: shmem allocates what is not there (a hole) and brings back
 * what is swapped out. Each read returns the page with a reference, which
 * pins it; a huge folio's other pages need no read of their own.
 */
static int pin_read(struct xvmx_pin *pin, pgoff_t index, unsigned long *i,
		    unsigned long end, unsigned long *movable)
{
	struct address_space *mapping = pin->file->f_mapping;

	while (*i < end) {
		struct folio *folio;
		struct page *page;
		unsigned long idx, nr;

		if (fatal_signal_pending(current))
			return -EINTR;
		page = shmem_read_mapping_page_gfp(mapping, index + *i,
						   pin_gfp(mapping));
		if (IS_ERR(page))
			return PTR_ERR(page);
		folio = page_folio(page);
		idx = folio_page_idx(folio, page);
		nr = min_t(unsigned long, folio_nr_pages(folio) - idx, end - *i);
		pin_take(pin, i, folio, idx, nr, movable);
		cond_resched();
	}
	return 0;
}

/*
 * @folio, found in the file at @index + *i or before it, with the lookup's
 * reference, which is the pin of its first page here or dropped: its pages
 * from *i on, with no read. A fallocated folio is not uptodate yet, and is
 * cleared here as shmem clears it at its first use (shmem_get_folio_gfp(),
 * SGP_CACHE), under the folio lock so that one of them does it. A folio
 * truncated meanwhile, or poisoned, goes to pin_read(), which fails the
 * map as a read would have.
 */
static int pin_found(struct xvmx_pin *pin, pgoff_t index, unsigned long *i,
		     struct folio *folio, unsigned long *movable)
{
	struct address_space *mapping = pin->file->f_mapping;
	unsigned long off, k, nr;

	if (folio->index > index + *i ||
	    index + *i - folio->index >= folio_nr_pages(folio)) {
		folio_put(folio);	/* not at *i: the next lookup's */
		return 0;
	}
	off = index + *i - folio->index;
	nr = min_t(unsigned long, folio_nr_pages(folio) - off, pin->n - *i);
	if (folio_test_hwpoison(folio) ||
	    (folio_test_large(folio) && folio_test_has_hwpoisoned(folio)))
		goto read;
	if (!folio_test_uptodate(folio)) {
		folio_lock(folio);
		if (folio->mapping != mapping) {
			folio_unlock(folio);
			goto read;
		}
		if (!folio_test_uptodate(folio)) {
			for (k = 0; k < folio_nr_pages(folio); k++)
				clear_highpage(folio_page(folio, k));
			flush_dcache_folio(folio);
			folio_mark_uptodate(folio);
		}
		folio_unlock(folio);
	}
	pin_take(pin, i, folio, off, nr, movable);
	return 0;
read:
	folio_put(folio);
	return pin_read(pin, index, i, *i + nr, movable);
}

/*
 * Every page of @pin, from the file's page @index on. What the file holds
 * comes from one walk of its page cache per batch of folios, up to the
 * next hole (a read of each page was over 90% of a map of pages in use);
 * a hole or a swapped-out page is read by itself.
 */
static int pin_pages(struct xvmx_pin *pin, pgoff_t index)
{
	struct address_space *mapping = pin->file->f_mapping;
	pgoff_t last = index + pin->n - 1;
	unsigned long i = 0, movable = 0;
	struct folio_batch fbatch;
	int ret = 0;

	folio_batch_init(&fbatch);
	while (i < pin->n && !ret) {
		pgoff_t next = index + i;
		unsigned int k, got;

		if (fatal_signal_pending(current)) {
			ret = -EINTR;
			break;
		}
		got = filemap_get_folios_contig(mapping, &next, last, &fbatch);
		if (!got) {
			ret = pin_read(pin, index, &i, i + 1, &movable);
			continue;
		}
		/* each folio's reference moves to the pin or is dropped */
		for (k = 0; k < got; k++) {
			if (ret)
				folio_put(fbatch.folios[k]);
			else
				ret = pin_found(pin, index, &i,
						fbatch.folios[k], &movable);
		}
		folio_batch_init(&fbatch);
		cond_resched();
	}
	if (movable)
		pr_info_ratelimited("xvmx: %lu pages of segment %s were already in ZONE_MOVABLE and are pinned there while mapped; fill a segment after mapping it to avoid that\n",
				    movable, pin->name);
	return ret;
}

static int prepare_line(struct xvmx_mem *mem, const struct xvmx_opener *who,
			const struct xvmx_map_line *l, struct file *seg,
			struct xvmx_map_item *it, const char **err)
{
	unsigned long n = XVMX_PAGES(l->lo, l->hi);
	bool write = l->access & XMAP_W;
	struct xvmx_range *r;
	struct xvmx_pin *pin;
	struct file *file;
	loff_t isize;
	long limit;
	int ret;

	it->lo = l->lo;
	it->hi = l->hi;
	if ((l->lo | l->hi | l->off) & ~PAGE_MASK || l->lo >= l->hi ||
	    l->hi > XVMX_GPA_LIMIT) {
		*err = "bad address";
		return -EINVAL;
	}
	/* One spare per line: a line splits at most one older range. */
	it->spare = kmalloc(sizeof(*it->spare), GFP_KERNEL);
	if (!it->spare) {
		*err = "out of memory";
		return -ENOMEM;
	}
	/* No access at all maps nothing: the same as an unmap line. */
	if (l->unmap || !(l->access & (XMAP_R | XMAP_W | XMAP_X)))
		return 0;

	if (xvmx_ept_check_access(&mem->ept, l->access)) {
		*err = (l->access & XMAP_W) ? "write access needs read access" :
			"execute-only access not supported";
		return -EINVAL;
	}
	/* EPT memory types: UC, WC, WT, WP, WB (SDM 28.2.6.1, 11.3). */
	if (l->memtype > 6 || l->memtype == 2 || l->memtype == 3) {
		*err = "bad memory type";
		return -EINVAL;
	}

	file = seg ? get_file(seg) : seg_open(who, l->seg, write, err);
	if (!IS_ERR(file))
		file = seg_check(file, write, err);
	if (IS_ERR(file))
		return PTR_ERR(file);
	isize = i_size_read(file_inode(file));
	if (l->off > isize || l->hi - l->lo > isize - l->off) {
		*err = "out of bounds";
		ret = -EINVAL;
		goto err_fput;
	}
	if (write) {
		ret = seg_allow_write(file, err);
		if (ret)
			goto err_fput;
	}

	limit = map_limit_mb << (20 - PAGE_SHIFT);
	if (atomic_long_add_return(n, &xvmx_pinned_pages) > limit) {
		atomic_long_sub(n, &xvmx_pinned_pages);
		*err = "too much memory mapped";
		ret = -ENOMEM;
		goto err_unwrite;
	}
	ret = opener_charge(who, n, err);
	if (ret)
		goto err_uncount;

	pin = kzalloc(sizeof(*pin), GFP_KERNEL);
	r = kzalloc(sizeof(*r), GFP_KERNEL);
	if (pin)
		pin->pages = pin_array_alloc(n);
	if (!pin || !r || !pin->pages) {
		*err = "out of memory";
		ret = -ENOMEM;
		goto err_free;
	}
	pin->name = kstrdup(l->seg, GFP_KERNEL);
	if (!pin->name) {
		*err = "out of memory";
		ret = -ENOMEM;
		goto err_free;
	}
	refcount_set(&pin->ref, 1);
	pin->file = file;
	pin->writable = write;
	pin->counted = n;
	if (who && who->mm) {
		pin->mm = who->mm;
		mmgrab(pin->mm);
	}
	pin->n = n;
	r->lo = l->lo;
	r->hi = l->hi;
	r->off = l->off;
	r->access = l->access;
	r->memtype = l->memtype;
	r->ignore_pat = l->ignore_pat;
	r->pin = pin;
	r->first = 0;
	/* From here on, range_free() undoes everything. */
	it->range = r;

	ret = pin_pages(pin, l->off >> PAGE_SHIFT);
	if (ret)
		*err = ret == -EINTR ? "interrupted" : "cannot read segment";
	return ret;

err_free:
	if (pin) {
		kfree(pin->name);
		kvfree(pin->pages);
	}
	kfree(pin);
	kfree(r);
	if (who && who->mm)
		atomic64_sub(n, &who->mm->pinned_vm);
err_uncount:
	atomic_long_sub(n, &xvmx_pinned_pages);
err_unwrite:
	if (write)
		mapping_unmap_writable(file->f_mapping);
err_fput:
	fput(file);
	return ret;
}

void xvmx_map_batch_free(struct xvmx_map_batch *b)
{
	unsigned int i;

	if (!b)
		return;
	for (i = 0; i < b->n; i++) {
		range_free(b->items[i].range);
		kfree(b->items[i].spare);
	}
	kfree(b);
}
XVMX_EXPORT_FOR_KUNIT(xvmx_map_batch_free);

int xvmx_map_prepare(struct xvmx_mem *mem, const struct xvmx_opener *who,
		     const struct xvmx_map_line *lines, unsigned int n,
		     struct xvmx_map_batch **out, const char **err)
{
	return xvmx_map_prepare_files(mem, who, lines, NULL, n, out, err);
}
XVMX_EXPORT_FOR_KUNIT(xvmx_map_prepare);

/*
 * Everything runs with @who's credentials: opening, and capable() for
 * RLIMIT_MEMLOCK (a 9P worker, or a writer that is not the opener).
 */
int xvmx_map_prepare_files(struct xvmx_mem *mem, const struct xvmx_opener *who,
			   const struct xvmx_map_line *lines,
			   struct file *const *files, unsigned int n,
			   struct xvmx_map_batch **out, const char **err)
{
	const struct cred *old = NULL;
	struct xvmx_map_batch *b;
	unsigned int i;
	int ret = 0;

	*out = NULL;
	b = kzalloc(struct_size(b, items, n), GFP_KERNEL);
	if (!b) {
		*err = "out of memory";
		return -ENOMEM;
	}
	b->n = n;
	if (who)
		old = override_creds(who->cred);
	for (i = 0; i < n && !ret; i++)
		ret = prepare_line(mem, who, &lines[i],
				   files ? files[i] : NULL, &b->items[i], err);
	if (who)
		revert_creds(old);
	if (ret) {
		xvmx_map_batch_free(b);
		return ret;
	}
	*out = b;
	return 0;
}
XVMX_EXPORT_FOR_KUNIT(xvmx_map_prepare_files);

/* ---------------------------------------------------------- commit */

int xvmx_map_commit(struct xvmx_mem *mem, struct xvmx_map_batch *b)
{
	bool changed = false;
	unsigned int i;
	int ret = 0;

	mutex_lock(&mem->lock);
	/*
	 * Phase 1: every table the batch needs, and the 2 MiB leaves it cuts
	 * split; -ENOMEM maps nothing new.
	 */
	for (i = 0; i < b->n; i++) {
		struct xvmx_map_item *it = &b->items[i];

		if (it->range)
			ret = xvmx_ept_populate(&mem->ept, it->lo, it->hi);
		else
			ret = xvmx_ept_populate_clear(&mem->ept, it->lo, it->hi);
		if (ret)
			goto out_unlock;
	}

	/* Phase 2: leaves, then ranges, line by line: later lines win. */
	for (i = 0; i < b->n; i++) {
		struct xvmx_map_item *it = &b->items[i];
		struct xvmx_range *r = it->range;

		if (r)
			xvmx_ept_set_range(&mem->ept, r->lo, r->hi,
					   range_leaf_flags(r), range_hpa, r);
		else
			xvmx_ept_clear_range(&mem->ept, it->lo, it->hi);
		if (mem_carve(mem, it->lo, it->hi, &it->spare))
			changed = true;
		if (r) {
			mem_insert(mem, r);
			it->range = NULL;
			changed = true;
		}
	}
	ret = changed;
out_unlock:
	xvmx_ept_put_spares(&mem->ept);
	mutex_unlock(&mem->lock);
	return ret;
}
XVMX_EXPORT_FOR_KUNIT(xvmx_map_commit);

/* ------------------------------------------------------------ step */

/* The committed range holding @gpa, or NULL. */
static struct xvmx_range *mem_find(struct xvmx_mem *mem, u64 gpa)
{
	struct xvmx_range *r;

	list_for_each_entry(r, &mem->ranges, link) {
		if (r->lo > gpa)
			break;
		if (gpa < r->hi)
			return r;
	}
	return NULL;
}

/*
 * The step's page moves from the batch to @mem, so that it stays pinned for
 * as long as the leaf may point at it, even if the batch is freed first
 * (a `step` abandoned by a signal); step_unmap or clear releases it.
 */
int xvmx_mem_step_map(struct xvmx_mem *mem, struct xvmx_map_batch *b,
		      struct xvmx_step_save *save)
{
	struct xvmx_range *r;
	int ret;

	if (WARN_ON(b->n != 1 || !b->items[0].range))
		return -EINVAL;
	r = b->items[0].range;
	mutex_lock(&mem->lock);
	ret = -EBUSY;
	if (mem->step)
		goto out_unlock;
	ret = xvmx_ept_populate(&mem->ept, r->lo, r->lo + PAGE_SIZE);
	if (ret)
		goto out_unlock;
	b->items[0].range = NULL;
	mem->step = r;
	save->gpa = r->lo;
	save->old = xvmx_ept_swap_leaf(&mem->ept, r->lo,
			xvmx_ept_leaf(range_hpa(r, 0), r->access, r->memtype,
				      r->ignore_pat));
out_unlock:
	mutex_unlock(&mem->lock);
	return ret;
}
XVMX_EXPORT_FOR_KUNIT(xvmx_mem_step_map);

/*
 * The leaf is rebuilt from the range list rather than from save->old: a map
 * write or clear may have run while the step was under way, and the old
 * entry may name a page released since.
 */
void xvmx_mem_step_unmap(struct xvmx_mem *mem,
			 const struct xvmx_step_save *save)
{
	struct xvmx_range *r;
	u64 gpa;

	mutex_lock(&mem->lock);
	if (!mem->step)
		goto out_unlock;
	gpa = mem->step->lo;
	WARN_ON_ONCE(gpa != save->gpa);
	r = mem_find(mem, gpa);
	if (!r)
		xvmx_ept_clear_range(&mem->ept, gpa, gpa + PAGE_SIZE);
	/* A map write since may have made the chunk one 2 MiB leaf: right. */
	else if (!xvmx_ept_lookup_huge(&mem->ept, gpa))
		xvmx_ept_swap_leaf(&mem->ept, gpa,
			xvmx_ept_leaf(range_hpa(r, XVMX_PAGES(r->lo, gpa)),
				      r->access, r->memtype, r->ignore_pat));
	mem_step_release(mem);
out_unlock:
	mutex_unlock(&mem->lock);
}
XVMX_EXPORT_FOR_KUNIT(xvmx_mem_step_unmap);
