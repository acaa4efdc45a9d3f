// SPDX-License-Identifier: GPL-2.0
/*
 * drain: wait until the terminal on standard output has sent everything
 * written to it (tcdrain(3)), then exit 0.
 *
 * A write to the serial console returns once the bytes are in the tty
 * layer's buffer; the UART sends them afterwards, a character per
 * interrupt. A suite that crashes, kexecs or resets the kernel right
 * after printing the verdict's "reboot expected" line would lose the
 * line with the buffer: it runs this in between.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	(void)argv;
	if (argc != 1) {
		fprintf(stderr, "usage: drain\n");
		return 2;
	}
	if (tcdrain(STDOUT_FILENO)) {
		fprintf(stderr, "drain: tcdrain: %s\n", strerror(errno));
		return 1;
	}
	return 0;
}
