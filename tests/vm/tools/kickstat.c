// SPDX-License-Identifier: GPL-2.0
/*
 * kickstat: does `stop` reach a spinning guest at once, or only at its
 * next preemption-timer exit? For each of N rounds: read the preempt
 * count from stats, stop the guest, read it again, go again. A command
 * kicks the vCPU out of the guest with an IPI; a lost kick leaves the
 * command waiting for the preemption timer, which then shows as a
 * preempt exit inside the round. Prints "kickstat: R of N stops saw a
 * preemption-timer exit". Run it on another CPU than the guest's.
 *
 *   kickstat DIR N   (the guest must be running: `go` into a spin loop)
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char root[256];

static void put(const char *file, const char *s)
{
	char p[300];
	int fd;

	snprintf(p, sizeof(p), "%s/%s", root, file);
	fd = open(p, O_WRONLY);
	if (fd < 0 || write(fd, s, strlen(s)) != (ssize_t)strlen(s)) {
		perror(p);
		exit(1);
	}
	close(fd);
}

static unsigned long preempts(void)
{
	char p[300], buf[4096], *l;
	unsigned long n = 0;
	ssize_t len;
	int fd;

	snprintf(p, sizeof(p), "%s/stats", root);
	fd = open(p, O_RDONLY);
	if (fd < 0) {
		perror(p);
		exit(1);
	}
	len = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (len < 0) {
		perror(p);
		exit(1);
	}
	buf[len] = 0;
	l = strstr(buf, "\npreempt ");
	if (l)
		n = strtoul(l + 9, NULL, 10);
	else if (!strncmp(buf, "preempt ", 8))
		n = strtoul(buf + 8, NULL, 10);
	return n;
}

int main(int argc, char **argv)
{
	unsigned long i, n, late = 0, p0, p1;

	if (argc != 3) {
		fprintf(stderr, "usage: kickstat DIR N\n");
		return 2;
	}
	snprintf(root, sizeof(root), "%s", argv[1]);
	n = strtoul(argv[2], NULL, 0);
	for (i = 0; i < n; i++) {
		p0 = preempts();
		put("ctl", "stop\n");
		p1 = preempts();
		if (p1 != p0)
			late++;
		put("ctl", "go\n");
	}
	printf("kickstat: %lu of %lu stops saw a preemption-timer exit\n",
	       late, n);
	return 0;
}
