# SPDX-License-Identifier: GPL-2.0
#
# xvmx top-level Makefile.
#
#   make            xvmx.ko against KDIR, and the userspace tools
#   make lint       checkpatch, sparse and W=1 -Werror (also part of check)
#   make check      host-side tests: check unit tests, fuzz corpus replays
#                   (ASan/UBSan), the FUSE harness, vmxctl, vmx, the verdict
#   make check-valgrind  the same host-side tests under valgrind
#   make fuzz       every libFuzzer target FUZZ_SECONDS (default 60) each
#   make vmtest     the emulator suites (Bochs with VMX, QEMU TCG)
#   make docs       regenerate Documentation/vmx.rst's generated tables
#   make test       deps + check + compat + dkms-test + vmtest
#   make bench      one Bochs boot measuring xvmx and KVM side by side
#                   (not part of test; README "Benchmark")
#
# KDIR defaults to the running kernel's build tree, else the newest Debian
# linux-headers-*-amd64 installed (these build hosts run a kernel without
# headers).

KDIR ?= $(firstword $(wildcard /lib/modules/$(shell uname -r)/build) \
	  $(lastword $(sort $(wildcard /usr/src/linux-headers-*-amd64))))

# CI turns warnings into errors.
ifeq ($(CI),true)
KWERROR := KCFLAGS=-Werror
endif

.PHONY: all module tools check check-valgrind fuzz vmtest test deps clean \
	guests demo docs lint bench bench-smp

all: module tools

demo:
	tests/vm/demo

module:
	$(MAKE) -C $(KDIR) M=$(CURDIR) W=1 $(KWERROR) modules

tools:
	$(MAKE) -C tools
	$(MAKE) -C tools/vmm vmx

guests:
	$(MAKE) -C tests/guests

deps:
	scripts/deps.sh

check: tools lint
	$(MAKE) -C tests/unit check
	$(MAKE) -C tests/unit9p check
	$(MAKE) -C tests/fuse check
	$(MAKE) -C tools/vmm check
	tools/test-vmxctl.sh
	scripts/docs.sh --check
	tests/vm/verdict-tests/run

check-valgrind: tools
	$(MAKE) -C tests/unit check-valgrind
	$(MAKE) -C tests/unit9p check-valgrind
	$(MAKE) -C tests/fuzz9p replay-valgrind
	$(MAKE) -C tests/fuse check-valgrind

# FUZZ_SECONDS=600 make fuzz: longer runs; new coverage lands in each
# target's build/corpus (make -C tests/fuzz merge keeps it).
fuzz:
	$(MAKE) -C tests/fuzz fuzz
	$(MAKE) -C tests/fuzz9p fuzz

# Kernel style: checkpatch over every source, sparse and W=1 -Werror over
# the module.
lint:
	scripts/checkpatch.sh
	scripts/sparse.sh $(KDIR)

# The parts of Documentation/vmx.rst generated from the module's tables.
docs: tools
	scripts/docs.sh

vmtest: guests tools
	tests/vm/run-all

test: deps
	$(MAKE) --no-print-directory check
	$(MAKE) --no-print-directory compat
	$(MAKE) --no-print-directory dkms-test
	$(MAKE) --no-print-directory vmtest

# The benchmark boot (tests/vm/suites/bench.sh, manual: not in vmtest).
# Debian's kernel (what users run, with kvm_intel) through PVH; Bochs at
# ips=3500000000, the TSC rate it advertises, and nolapic_timer, else
# Linux's APIC timer fires ~9x too often (RIG-NOTES); 1 GiB for the
# 256 MiB map figures (a segment for each side, one side at a time).
# Prints the "# bench:" lines; the whole serial log stays in BENCH_LOG.
BENCH_LOG ?= $(or $(TMPDIR),/tmp)/xvmx-bench.log
bench: guests tools
	@rc=0; tests/vm/run --kernel debian --suites bench --ips 3500000000 \
		--guests minimal \
		--append nolapic_timer --megs 1024 --timeout 3600 \
		--suite-timeout 3000 --log $(BENCH_LOG) || rc=$$?; \
	[ -f $(BENCH_LOG) ] && sed -n 's/^# bench: //p' $(BENCH_LOG); \
	echo "bench: serial log in $(BENCH_LOG)"; exit $$rc

# The round trip from the vCPU's CPU and from another (benchsmp.sh,
# manual): the same boot as bench's, with 2 CPUs.
bench-smp: guests tools
	@rc=0; tests/vm/run --kernel debian --suites benchsmp --ips 3500000000 \
		--smp 2 --append nolapic_timer --megs 512 --timeout 3600 \
		--suite-timeout 3000 --log $(BENCH_LOG) || rc=$$?; \
	[ -f $(BENCH_LOG) ] && sed -n 's/^# bench: //p' $(BENCH_LOG); \
	echo "bench-smp: serial log in $(BENCH_LOG)"; exit $$rc

clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) clean || true
	$(MAKE) -C tools clean
	$(MAKE) -C tests/unit clean
	$(MAKE) -C tests/unit9p clean
	$(MAKE) -C tests/fuzz clean
	$(MAKE) -C tests/fuzz9p clean
	$(MAKE) -C tests/fuse clean
	$(MAKE) -C tools/vmm clean
	$(MAKE) -C tests/guests clean

# Kernel compatibility and packaging (issue 15).
#   make compat      xvmx.ko with W=1, -Werror and sparse against 6.1 (host),
#                    6.12 (trixie chroot) and the newest 7.x (trixie-backports
#                    chroot); chroots cached by scripts/compat-env.sh
#   make install     module (DKMS when dkms is installed, else
#                    /lib/modules/KVER/updates), vmxctl, man page, completion;
#                    DESTDIR=, KVER=, PREFIX= (default /usr/local)
#   make uninstall   removes exactly what install put there
#   make dkms-test   DKMS and DESTDIR install round trips (TAP)
.PHONY: compat install uninstall dkms-test

compat:
	tests/compat/run

install: tools
	DESTDIR="$(DESTDIR)" PREFIX="$(or $(PREFIX),/usr/local)" KVER="$(KVER)" \
		KDIR="$(KDIR)" scripts/install.sh install

uninstall:
	DESTDIR="$(DESTDIR)" PREFIX="$(or $(PREFIX),/usr/local)" \
		scripts/install.sh uninstall

dkms-test:
	tests/compat/dkms-test.sh
