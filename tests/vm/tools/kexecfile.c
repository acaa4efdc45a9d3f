// SPDX-License-Identifier: GPL-2.0
/*
 * kexecfile: the two kexec steps the reboot suites need, without
 * kexec-tools (not in the initramfs):
 *
 *   kexecfile -l KERNEL INITRD CMDLINE   kexec_file_load() for a reboot
 *   kexecfile -p KERNEL INITRD CMDLINE   the same as the crash kernel
 *   kexecfile -e                         reboot into the loaded kernel
 *
 * On failure prints the strerror text and exits 1; -e does not return
 * when it works.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/kexec.h>
#include <linux/reboot.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static int load(const char *kernel, const char *initrd, const char *cmdline,
		unsigned long flags)
{
	int kfd, ifd;

	kfd = open(kernel, O_RDONLY);
	if (kfd < 0) {
		fprintf(stderr, "%s: %s\n", kernel, strerror(errno));
		return 1;
	}
	ifd = open(initrd, O_RDONLY);
	if (ifd < 0) {
		fprintf(stderr, "%s: %s\n", initrd, strerror(errno));
		return 1;
	}
	/* the length counts the terminating NUL (kexec_file_load(2)) */
	if (syscall(SYS_kexec_file_load, kfd, ifd, strlen(cmdline) + 1,
		    cmdline, flags)) {
		fprintf(stderr, "kexec_file_load: %s\n", strerror(errno));
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 5 && !strcmp(argv[1], "-l"))
		return load(argv[2], argv[3], argv[4], 0);
	if (argc == 5 && !strcmp(argv[1], "-p"))
		return load(argv[2], argv[3], argv[4], KEXEC_FILE_ON_CRASH);
	if (argc == 2 && !strcmp(argv[1], "-e")) {
		sync();
		syscall(SYS_reboot, LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2,
			LINUX_REBOOT_CMD_KEXEC, NULL);
		fprintf(stderr, "reboot(LINUX_REBOOT_CMD_KEXEC): %s\n",
			strerror(errno));
		return 1;
	}
	fprintf(stderr, "usage: kexecfile -l|-p KERNEL INITRD CMDLINE | kexecfile -e\n");
	return 2;
}
