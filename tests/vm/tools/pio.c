// SPDX-License-Identifier: GPL-2.0
/*
 * pio: exactly one pread or pwrite, for files whose short and offset
 * reads and writes are the test (fpregs). dd loops on short writes and
 * spins on a write that returns 0; this does one system call and says
 * what it returned.
 *
 *   pio r FILE OFFSET LEN    prints "N HEX" (N bytes read, as hex)
 *   pio w FILE OFFSET HEX    writes the bytes of HEX, prints N written
 * On failure prints the strerror text and exits 1.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	static unsigned char buf[65536];
	size_t len, i;
	ssize_t n;
	off_t off;
	int fd;

	if (argc != 5 || (strcmp(argv[1], "r") && strcmp(argv[1], "w"))) {
		fprintf(stderr, "usage: pio r FILE OFF LEN | pio w FILE OFF HEX\n");
		return 2;
	}
	off = strtoll(argv[3], NULL, 0);
	fd = open(argv[2], argv[1][0] == 'r' ? O_RDONLY : O_WRONLY);
	if (fd < 0) {
		printf("%s\n", strerror(errno));
		return 1;
	}
	if (argv[1][0] == 'r') {
		len = strtoul(argv[4], NULL, 0);
		if (len > sizeof(buf))
			len = sizeof(buf);
		n = pread(fd, buf, len, off);
		if (n < 0) {
			printf("%s\n", strerror(errno));
			return 1;
		}
		printf("%zd ", n);
		for (i = 0; i < (size_t)n; i++)
			printf("%02x", buf[i]);
		printf("\n");
		return 0;
	}
	len = strlen(argv[4]) / 2;
	if (len > sizeof(buf))
		len = sizeof(buf);
	for (i = 0; i < len; i++) {
		unsigned int v;

		if (sscanf(argv[4] + 2 * i, "%2x", &v) != 1) {
			fprintf(stderr, "pio: bad hex\n");
			return 2;
		}
		buf[i] = v;
	}
	n = pwrite(fd, buf, len, off);
	if (n < 0) {
		printf("%s\n", strerror(errno));
		return 1;
	}
	printf("%zd\n", n);
	return 0;
}
