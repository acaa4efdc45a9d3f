/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmx: a userspace VMM on the xvmx file tree, as 9front's vmx(1) is on
 * vmx(3). One file per device or concern; this header is what they share.
 *
 * One virtual CPU, driven through ctl/regs/map/wait (files.c). Guest RAM
 * is one POSIX shm segment (mem.c). The devices are a PC's legacy ones:
 * 8259A pair, 8254, 16550A on COM1, CMOS/RTC, fw_cfg, PCI configuration
 * mechanism 1 with a host bridge, a minimal i8042 and a few ports
 * (exith.c dispatches them). Device models take the time as an argument
 * (nanoseconds, CLOCK_MONOTONIC) so the unit tests can drive them.
 */
#ifndef VMX_H
#define VMX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "xvmx_regspage.h"
#include "xvmx_text.h"

#define KiB		1024ULL
#define MiB		(1024 * KiB)
#define GiB		(1024 * MiB)
#define PAGE_SIZE_4K	4096ULL
#define NSEC_PER_SEC	1000000000ULL
#define NEVER		UINT64_MAX

/* vmx.c: messages and the end of the run */
extern int verbose;
extern const char *argv0;

/* print "vmx: ..." to stderr (the console is restored first) */
void warnx_(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* the same, then end the run with status 2 */
void fatal(const char *fmt, ...)
	__attribute__((format(printf, 1, 2), noreturn));
/* verbose-only note */
void vlog(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * An event (`exc`, or an interrupt whose `*ack` came) that the module may
 * hold for a VM entry it has not made yet: set by `exc` and by an ack,
 * cleared by the next exit. Until then vmx posts no new `irq` while the
 * vCPU runs (vmx.c, irq_sync()).
 */
extern bool event_in_flight;

/* The guest asked to end the VM: exit status, reason for -v. */
void vm_end(int status, const char *why);
u64 now_ns(void);

/* ------------------------------------------------- files.c, vcpu.c */

#define EXIT_REGS_MAX	8

struct exitline {
	char cause[24];		/* "io", ".cpuid", "#gp", "?70" */
	bool entryfail;		/* '!' */
	u64 qual, pc, sp;
	u32 ilen, iinfo;
	bool has_excode, has_va, has_pa;
	u64 excode, va, pa;
	unsigned int nregs;	/* registers the exiting instruction reads */
	struct {
		char name[20];
		u64 val;
	} regs[EXIT_REGS_MAX];
};

/* Parse one wait line (not "*ack"); -1 if malformed. */
int exitline_parse(const char *line, struct exitline *e);

/* @map_wait: map wait where the tree offers it (not with -W) */
int files_open(const char *root, bool map_wait);
void files_close(void);
/* -errno */
int files_ctl(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* go (with @regs, name=value;...): >0 the exit line from the wait page */
int files_go(const char *regs, char *line, size_t size);
extern unsigned long page_exits;
int files_map(const char *lines);
int files_regs_write(const char *lines);
int files_wait_fd(void);
/* wait is read by a thread (9P): a line may be on its way after a stop */
bool files_wait_threaded(void);
/* one line of wait, non-blocking after poll said readable; -errno */
int files_wait_read(char *buf, size_t size);
/* a whole small file (status, stats); static buffer */
const char *files_read(const char *name);
/* quit the vCPU if we own it (idempotent, async-signal-safe) */
void files_quit(void);
/* does the module know register @name (read once at start) */
bool files_has_reg(const char *name);

/* ------------------------------------------------------------- vcpu.c */

extern unsigned long regs_reads;
/* GPRs vcpu_set() stored in the regs page rather than the go list */
extern unsigned long page_gpr_sets;
extern unsigned long cpuid_vmx_answers;	/* the rest: the module's table */
/* reads `regs` (files.c sets it) */
extern int (*vcpu_fetch)(char *buf, size_t size);

/*
 * Registers of the exit being handled. vcpu_get() takes a register from
 * the exit line when the module put it there, else from one `regs` read
 * per exit (counted in regs_reads); a GPR from the regs page where it is
 * mapped. vcpu_set() queues name=value for the next `go` (a GPR: in the
 * page). vcpu_begin() starts a new exit.
 */
void vcpu_begin(const struct exitline *e);
u64 vcpu_get(const char *name);
void vcpu_set(const char *name, u64 val);
/*
 * The queued list as `go` takes it (vcpu_begin() clears it); the GPRs set
 * in the regs page are marked for that go now.
 */
const char *vcpu_golist(void);
/* the page `regs` maps (files.c maps it where it can), or NULL */
extern volatile struct xvmx_regs_page *vcpu_regs_page;
/* register of a 4-bit GPR number as VMX encodes it (0 ax ... 15 r15) */
const char *gpr_name(unsigned int n);
/* load the snapshot from a regs text (tests and files.c) */
void vcpu_snapshot_parse(const char *text);

/* ------------------------------------------------------------- mem.c */

#define E820_RAM	1
#define E820_RESERVED	2
#define E820_ACPI	3
#define E820_MAX	16

struct e820ent {
	u64 addr, len;
	u32 type;
};

struct guestmem {
	u8 *ram;		/* the whole segment */
	u64 size;		/* bytes of RAM */
	u64 low;		/* RAM at [0, low) */
	u64 high;		/* RAM at [4 GiB, 4 GiB + high) */
	int fd;
	char seg[64];		/* /dev/shm name while it exists */
	struct e820ent e820[E820_MAX];
	unsigned int ne820;
};

extern struct guestmem mem;

#define LOW_RAM_MAX	(3 * GiB)	/* the rest goes above 4 GiB */
#define HIGH_RAM_BASE	(4 * GiB)

/* create the segment (anonymous when @shm is false: tests); 0 or -1 */
int mem_create(u64 size, bool shm, char *err, size_t errsize);
void mem_destroy(void);
/* map lines for the xvmx map file */
int mem_map_lines(char *buf, size_t size);
/* drop the /dev/shm name once the module holds the pages */
void mem_unlink(void);
/* host pointer to [gpa, gpa+len) inside RAM, or NULL */
void *gpa_ptr(u64 gpa, u64 len);
/* is [gpa, gpa+len) usable RAM below 4 GiB */
bool gpa_is_low_ram(u64 gpa, u64 len);
/* guest linear -> physical through the guest's paging; -1 on a fault */
int gva_to_gpa(u64 va, bool write, u64 *gpa);

/* ------------------------------------------------------- ksetup.c etc */

#define CMDLINE_MAX	65536

struct bootopts {
	const char *kernel;
	const char *initrd[8];	/* more than one only for multiboot */
	unsigned int ninitrd;
	const char *cmdline;
	bool long_entry;	/* bzImage: 64-bit boot protocol */
};

struct bootinfo {
	char regs[2048];	/* initial register lines for `regs` */
	const char *kind;	/* "pvh", "multiboot", "linux32", "linux64" */
	u64 entry;
	u64 kernel_lo, kernel_hi;
	u64 initrd_addr, initrd_size;
	u64 info_addr;		/* zero page, hvm_start_info or mbi */
};

/* load the kernel into mem; 0, or -1 with a message in err */
int load_kernel(const struct bootopts *o, struct bootinfo *bi, char *err,
		size_t errsize);
/* the pieces, for the unit tests */
int read_file(const char *path, u8 **buf, size_t *len, char *err,
	      size_t errsize);
int load_bzimage(const struct bootopts *o, const u8 *k, size_t klen,
		 struct bootinfo *bi, char *err, size_t errsize);
int load_pvh(const struct bootopts *o, const u8 *k, size_t klen,
	     u64 entry, struct bootinfo *bi, char *err, size_t errsize);
int load_multiboot(const struct bootopts *o, const u8 *k, size_t klen,
		   size_t hdroff, struct bootinfo *bi, char *err,
		   size_t errsize);
/*
 * Shared by the loaders: flat 32-bit (or 64-bit code) segments on our
 * GDT; the initrd at the top of RAM below @limit, above @floor.
 */
void boot_regs_flat(struct bootinfo *bi, bool longmode);
int boot_place_initrd(const char *path, u64 floor, u64 limit,
		      struct bootinfo *bi, char *err, size_t errsize);
/* PVH entry from the Xen note of an ELF image, 0 if none */
u64 elf_pvh_entry(const u8 *k, size_t klen);
/* offset of a valid multiboot v1 header in the first 8 KiB, or -1 */
long multiboot_header(const u8 *k, size_t klen);

/* Low-memory layout shared by the loaders (below the EBDA). */
#define BOOT_GDT	0x1000ULL
#define BOOT_INFO	0x7000ULL	/* zero page / start_info / mbi */
#define BOOT_MEMMAP	0x8000ULL
#define BOOT_MODS	0x9000ULL
#define BOOT_PT		0x10000ULL	/* 6 pages: 4 GiB identity map */
#define BOOT_CMDLINE	0x20000ULL	/* up to CMDLINE_MAX */
#define BOOT_AREA_END	0x30000ULL
#define BOOT_STACK	0x7000ULL

/* acpi.c: tables in the BIOS area; RSDP address (0 with -A) */
extern bool acpi_enabled;
u64 acpi_build(void);
#define ACPI_PM1_CNT	0x604		/* PM1a control block (2 bytes) */
#define ACPI_PM1_EVT	0x600		/* PM1a event block (4 bytes) */
#define ACPI_RESET_PORT	0xcf9
u32 acpi_io(bool in, u16 port, int size, u32 val);

/* ------------------------------------------------------------ devices */

/* pic.c: 8259A master/slave with ELCR */
void pic_reset(void);
void pic_set_irq(int irq, int level);
void pic_pulse(int irq);
/* vector the PIC would hand out now, -1 if none */
int pic_pending_vector(void);
/* the guest took @vector (INTA): move it from IRR to ISR */
void pic_intack(int vector);
u32 pic_io(bool in, u16 port, int size, u32 val);
u32 elcr_io(bool in, u16 port, int size, u32 val);

/* pit.c: 8254 and port 0x61 */
void pit_reset(u64 now);
u32 pit_io(bool in, u16 port, int size, u32 val, u64 now);
u32 port61_io(bool in, u16 port, int size, u32 val, u64 now);
/* raise IRQ 0 for every edge due by @now */
void pit_tick(u64 now);
/* when the next IRQ 0 edge is due (NEVER if none) */
u64 pit_deadline(void);

/* uart.c: 16550A on COM1, IRQ 4 */
void uart_reset(void);
u32 uart_io(bool in, u16 port, int size, u32 val);
/* bytes from the console for the receiver; how many it took */
size_t uart_rx(const u8 *buf, size_t len);
/* room in the receive FIFO */
size_t uart_rx_room(void);
/* transmitted bytes go here (console.c, or a test buffer) */
extern void (*uart_tx)(u8 c);

/* console.c: the terminal behind COM1 */
void console_init(bool raw);
void console_restore(void);
void console_out(u8 c);
void console_flush(void);
bool console_pending_out(void);
int console_fd(void);		/* stdin while it may give input, else -1 */
void console_input(void);	/* stdin is readable */
/* feed buffered input to the UART as it has room */
void console_pump(void);

/* rtc.c: MC146818 CMOS/RTC at 0x70/0x71 */
void rtc_reset(u64 ramsize, u64 low, u64 high);
u32 rtc_io(bool in, u16 port, int size, u32 val, u64 now);
/* the CMOS byte at @idx as the guest would read it (tests) */
u8 rtc_read(u8 idx, u64 now);

/* fwcfg.c: QEMU fw_cfg at 0x510/0x511 */
void fwcfg_reset(u64 ramsize, const char *cmdline);
u32 fwcfg_io(bool in, u16 port, int size, u32 val);

/* pci.c: configuration mechanism 1, a host bridge at 00:00.0 */
void pci_reset(void);
u32 pci_io(bool in, u16 port, int size, u32 val);

/* misc.c: 0x80, isa-debug-exit 0xf4, 0x92, i8042 0x60/0x64, 0xe9 */
void misc_reset(void);
u32 misc_io(bool in, u16 port, int size, u32 val);

/* exith.c: exits and ports */
enum exit_action {
	ACT_GO,			/* resume (pc moved in the go list) */
	ACT_HALT,		/* the guest waits for an interrupt */
	ACT_END,		/* vm_end() was called */
};

/* port dispatch (unknown: reads all ones, writes ignored) */
u32 io_port(bool in, u16 port, int size, u32 val);
enum exit_action handle_exit(const struct exitline *e);
/* devices' time-driven work up to @now */
void devices_tick(u64 now);
u64 devices_deadline(void);
void devices_reset(void);

/* cpuid.c */
void cpuid_init(void);
void cpuid_guest(u32 leaf, u32 sub, u64 xcr0, bool osxsave, u32 out[4]);
/* XCR0 bits the guest may enable */
u64 cpuid_xcr0_allowed(void);
/* what the module switches for the guest (regs has kernelgsbase) */
void cpuid_module_caps(bool kernelgsbase);
unsigned int cpuid_table_push(int *err);

/* msr.c: 0 ok, -1 for #GP */
void msr_reset(void);
int msr_read(u32 idx, u64 *val);
int msr_write(u32 idx, u64 val);

#endif /* VMX_H */
