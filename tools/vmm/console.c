// SPDX-License-Identifier: GPL-2.0
/*
 * The terminal behind COM1. Where stdin is a terminal it goes into raw
 * mode (the guest sees every key, Ctrl-C included) and Ctrl-A x ends
 * vmx, as in QEMU (Ctrl-A Ctrl-A sends one Ctrl-A); the terminal is
 * restored on every way out (atexit, fatal signals, vm_end). Output is
 * buffered and written at each newline, when the buffer fills, and
 * before vmx sleeps.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include "vmx.h"

#define CTRL_A		0x01

static struct termios saved;
static volatile int raw;
static bool input_ok = true;	/* stdin has not ended */
static bool escape;
static u8 obuf[4096];
static size_t olen;
static u8 ibuf[4096];
static size_t ihead, ilen;

void console_restore(void)
{
	if (raw) {
		raw = 0;
		tcsetattr(STDIN_FILENO, TCSADRAIN, &saved);
	}
}

void console_init(bool want_raw)
{
	struct termios t;

	if (!want_raw || !isatty(STDIN_FILENO) ||
	    tcgetattr(STDIN_FILENO, &saved))
		return;
	t = saved;
	cfmakeraw(&t);
	t.c_cc[VMIN] = 1;
	t.c_cc[VTIME] = 0;
	if (!tcsetattr(STDIN_FILENO, TCSADRAIN, &t))
		raw = 1;
}

void console_flush(void)
{
	size_t done = 0;
	ssize_t n;

	while (done < olen) {
		n = write(STDOUT_FILENO, obuf + done, olen - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;		/* stdout gone: drop it */
		done += n;
	}
	olen = 0;
}

bool console_pending_out(void)
{
	return olen > 0;
}

void console_out(u8 c)
{
	obuf[olen++] = c;
	if (c == '\n' || olen == sizeof(obuf))
		console_flush();
}

int console_fd(void)
{
	if (!input_ok || ilen == sizeof(ibuf))
		return -1;
	return STDIN_FILENO;
}

static void in_put(u8 c)
{
	if (ilen < sizeof(ibuf)) {
		ibuf[(ihead + ilen) % sizeof(ibuf)] = c;
		ilen++;
	}
}

void console_input(void)
{
	size_t room = sizeof(ibuf) - ilen;
	u8 buf[256];
	ssize_t n, i;

	if (room > sizeof(buf))
		room = sizeof(buf);
	n = read(STDIN_FILENO, buf, room);
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0) {
		input_ok = false;
		return;
	}
	for (i = 0; i < n; i++) {
		u8 c = buf[i];

		if (raw && escape) {
			escape = false;
			if (c == 'x' || c == 'X') {
				console_flush();
				vm_end(0, "Ctrl-A x");
				return;
			}
			if (c == 'h' || c == '?') {
				static const char help[] =
					"\r\nvmx: Ctrl-A x quits, "
					"Ctrl-A Ctrl-A sends Ctrl-A\r\n";

				if (write(STDERR_FILENO, help,
					  sizeof(help) - 1) < 0) {
				}
				continue;
			}
			if (c != CTRL_A)
				in_put(CTRL_A);
			in_put(c);
			continue;
		}
		if (raw && c == CTRL_A) {
			escape = true;
			continue;
		}
		in_put(c);
	}
	console_pump();
}

void console_pump(void)
{
	while (ilen && uart_rx_room()) {
		size_t run = sizeof(ibuf) - ihead;
		size_t n;

		if (run > ilen)
			run = ilen;
		n = uart_rx(ibuf + ihead, run);
		if (!n)
			break;
		ihead = (ihead + n) % sizeof(ibuf);
		ilen -= n;
	}
}
