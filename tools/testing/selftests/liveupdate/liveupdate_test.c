// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/liveupdate across kexec reboots, in stages.
 *
 * The stage is kept in a preserved memfd (session "state", token 0): when
 * there is none, this is stage 1.  Every stage checks what the stage
 * before handed over, then, unless told "last", hands over fresh data for
 * the next one: memfds with random bytes (several MiB), an empty one, a
 * sparse sealed one with a file position, one written through huge pages
 * (which must come back as huge pages where memfds get them), many sessions with many files,
 * a session closed before the reboot, and one the next stage finishes
 * after retrieving only part of it.  A child process keeps the sessions
 * open until the reboot; the caller reboots with kexec -s.
 *
 * Stage 1 also checks the errno of each bad call.  Output is TAP, with the
 * plan at the end.
 *
 * "hold" only puts one memfd into a session "held" and leaves a child
 * holding it, its pid in /tmp/liveupdate-holder.pid: for tests of a
 * reboot into a kernel that cannot take it.
 *
 * "bench MIB [huge]" finishes a session "bench" handed over, if there is
 * one, and hands over a new one with a memfd of MIB MiB (none for 0),
 * written through huge pages if told: for timing the reboot with that
 * much preserved.
 *
 * "damaged chunk|version" is for a reboot with the first handed-over file
 * damaged on purpose (handoff_test.liveupdate_file=): before it, it hands
 * over a session "damaged" with two memfds; after it, it expects
 * RETRIEVE_FD of the first to fail with EBADMSG (its list of pages
 * damaged) or EOPNOTSUPP (a handler version this kernel cannot read), the
 * second to arrive intact and FINISH to work.
 *
 * "swapped" is for a machine with swap: before the reboot it hands over a
 * session "swapped" with a memfd pushed out to swap (MADV_PAGEOUT); after
 * the reboot it checks the memfd's bytes.
 *
 * "changed" is for a reboot after files changed behind the kernel's list:
 * before it, it hands over a session "changed" with CHANGED_FILES memfds
 * and leaves a child holding them (its pid in CHANGER_PID) that, on
 * SIGUSR1, changes each in its own way (writes into its pages, a hole
 * punched and written again, grown, shrunk, a hole filled through a
 * mapping, a page fallocate() made written, or nothing) and says so in
 * CHANGED_DONE; the caller sends it after loading the next kernel, which
 * lists the files.  The last file grows before that load instead.  After
 * the reboot each file must hold what it held last.
 *
 * "claimed hand|take|gone" is for a trial reboot whose kernel fails after
 * retrieving a session: "hand", before the trial, hands over a session
 * "claimed" with one memfd; "take", in the kernel on trial, retrieves it,
 * checks it and writes over it; "gone", in the fallback, expects
 * RETRIEVE_SESSION of it to fail with ENOENT, since its pages may have
 * changed.
 *
 * Usage: liveupdate_test next|last|hold|bench MIB [huge]|damaged chunk|version|swapped|changed
 *        liveupdate_test claimed hand|take|gone
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/liveupdate.h>

#define DEVICE		"/dev/liveupdate"
#define BIG_SIZE	(5 * 1024 * 1024 + 123)
#define SPARSE_SIZE	(1024 * 1024)
#define SPARSE_AT	(512 * 1024)
#define SPARSE_POS	4242
#define HUGE_SIZE	(4 * 1024 * 1024)
#define SWAP_SIZE	(8 * 1024 * 1024)
#define SHMEM_ENABLED	"/sys/kernel/mm/transparent_hugepage/shmem_enabled"
#define MANY_SESSIONS	100
#define MANY_FILES	7
#define CHANGED_FILES	8
#define CHANGER_PID	"/tmp/liveupdate-changer.pid"
#define CHANGED_DONE	"/tmp/liveupdate-changed.done"
#define PG		4096
/* The most outgoing sessions the kernel takes. */
#define LIMIT_SESSIONS	4096

static int tests;
static int failed;

static void result(int ok, const char *fmt, ...)
{
	va_list ap;

	printf("%s %d ", ok ? "ok" : "not ok", ++tests);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	if (!ok)
		failed++;
}

/* errno of a call that returned -1, or 0 when it succeeded. */
#define ERR(call)	((call) < 0 ? errno : 0)

static void expect_errno(int got, int want, const char *what)
{
	if (got == want)
		result(1, "%s gives %s", what, want ? strerrorname_np(want) : "0");
	else
		result(0, "%s gives %s, not %s", what,
		       got ? strerrorname_np(got) : "0",
		       want ? strerrorname_np(want) : "0");
}

static uint64_t xorshift(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static void fill(unsigned char *buf, size_t len, uint64_t seed)
{
	uint64_t s = seed * 0x9e3779b97f4a7c15ULL + 1;
	size_t i;

	for (i = 0; i < len; i++)
		buf[i] = xorshift(&s);
}

static int create_session(int dev, const char *name)
{
	struct liveupdate_ioctl_create_session arg = { .size = sizeof(arg) };

	snprintf((char *)arg.name, sizeof(arg.name), "%s", name);
	if (ioctl(dev, LIVEUPDATE_IOCTL_CREATE_SESSION, &arg) < 0)
		return -errno;
	return arg.fd;
}

static int retrieve_session(int dev, const char *name)
{
	struct liveupdate_ioctl_retrieve_session arg = { .size = sizeof(arg) };

	snprintf((char *)arg.name, sizeof(arg.name), "%s", name);
	if (ioctl(dev, LIVEUPDATE_IOCTL_RETRIEVE_SESSION, &arg) < 0)
		return -errno;
	return arg.fd;
}

static int preserve(int session, int fd, uint64_t token)
{
	struct liveupdate_session_preserve_fd arg = {
		.size = sizeof(arg), .fd = fd, .token = token,
	};

	return ioctl(session, LIVEUPDATE_SESSION_PRESERVE_FD, &arg) < 0 ? -errno : 0;
}

static int retrieve(int session, uint64_t token)
{
	struct liveupdate_session_retrieve_fd arg = {
		.size = sizeof(arg), .token = token,
	};

	if (ioctl(session, LIVEUPDATE_SESSION_RETRIEVE_FD, &arg) < 0)
		return -errno;
	return arg.fd;
}

static int finish(int session)
{
	struct liveupdate_session_finish arg = { .size = sizeof(arg) };

	return ioctl(session, LIVEUPDATE_SESSION_FINISH, &arg) < 0 ? -errno : 0;
}

static int memfd_with(const void *buf, size_t len, unsigned int flags)
{
	int fd = memfd_create("liveupdate-test", flags);

	if (fd < 0 || (len && pwrite(fd, buf, len, 0) != (ssize_t)len))
		return -1;
	return fd;
}

/* Are memfds given huge pages where they ask (MADV_HUGEPAGE)? */
static int huge_memfds(void)
{
	char buf[128] = "";
	FILE *f = fopen(SHMEM_ENABLED, "r");

	if (f) {
		if (!fgets(buf, sizeof(buf), f))
			buf[0] = '\0';
		fclose(f);
	}
	return strstr(buf, "[advise]") || strstr(buf, "[always]") ||
		strstr(buf, "[within_size]");
}

/* ShmemHugePages of /proc/meminfo, in KiB. */
static long shmem_huge_kib(void)
{
	char line[128];
	long kib = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "ShmemHugePages: %ld kB", &kib) == 1)
			break;
	if (f)
		fclose(f);
	return kib;
}

/* A memfd of HUGE_SIZE bytes written through a mapping with huge pages. */
static int huge_memfd(const unsigned char *buf)
{
	int fd = memfd_create("liveupdate-huge", 0);
	void *p;

	if (fd < 0 || ftruncate(fd, HUGE_SIZE))
		return -1;
	p = mmap(NULL, HUGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		return -1;
	madvise(p, HUGE_SIZE, MADV_HUGEPAGE);
	memcpy(p, buf, HUGE_SIZE);
	munmap(p, HUGE_SIZE);
	return fd;
}

/* Does @fd hold exactly @len bytes equal to @want? */
static int same_contents(int fd, const unsigned char *want, size_t len)
{
	unsigned char *got;
	struct stat st;
	int same;

	if (fstat(fd, &st) || st.st_size != (off_t)len)
		return 0;
	if (!len)
		return 1;
	got = malloc(len);
	if (!got)
		return 0;
	same = pread(fd, got, len, 0) == (ssize_t)len && !memcmp(got, want, len);
	free(got);
	return same;
}

/* Sessions up to the limit, ENOSPC past it, all given up on close. */
static void many_sessions(int dev)
{
	struct rlimit nofile = { LIMIT_SESSIONS + 64, LIMIT_SESSIONS + 64 };
	static int fds[LIMIT_SESSIONS];
	char name[32];
	int i, n;

	if (setrlimit(RLIMIT_NOFILE, &nofile)) {
		result(0, "RLIMIT_NOFILE raised for %d sessions", LIMIT_SESSIONS);
		return;
	}
	for (i = 0, n = 0; i < LIMIT_SESSIONS; i++) {
		snprintf(name, sizeof(name), "limit-%d", i);
		fds[i] = create_session(dev, name);
		n += fds[i] >= 0;
	}
	result(n == LIMIT_SESSIONS, "%d sessions at once (%d made)", LIMIT_SESSIONS, n);
	expect_errno(-create_session(dev, "one-too-many"), ENOSPC,
		     "CREATE_SESSION past the limit");
	for (i = 0; i < LIMIT_SESSIONS; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	i = create_session(dev, "limit-0");
	expect_errno(i < 0 ? -i : 0, 0, "CREATE_SESSION once the sessions are closed");
	close(i);
}

/* The errno of each bad call; stage 1 only. */
static void bad_calls(int dev)
{
	struct liveupdate_ioctl_create_session c;
	struct {
		struct liveupdate_ioctl_create_session arg;
		uint64_t tail;
	} longer;
	int s, t, fd, pipefd[2], i, n;
	struct liveupdate_session_finish fin;

	expect_errno(ERR(open(DEVICE, O_RDWR)), EBUSY, "a second open of " DEVICE);

	memset(&c, 0, sizeof(c));
	c.size = 4;
	snprintf((char *)c.name, sizeof(c.name), "short");
	expect_errno(ERR(ioctl(dev, LIVEUPDATE_IOCTL_CREATE_SESSION, &c)), EINVAL,
		     "CREATE_SESSION with a size below the structure");
	memset(&longer, 0, sizeof(longer));
	longer.arg.size = sizeof(longer);
	snprintf((char *)longer.arg.name, sizeof(longer.arg.name), "longer");
	longer.tail = 1;
	expect_errno(ERR(ioctl(dev, LIVEUPDATE_IOCTL_CREATE_SESSION, &longer)), E2BIG,
		     "CREATE_SESSION with a non-zero unknown tail");
	longer.tail = 0;
	expect_errno(ERR(ioctl(dev, LIVEUPDATE_IOCTL_CREATE_SESSION, &longer)), 0,
		     "CREATE_SESSION with a zero unknown tail");
	if (longer.arg.fd >= 0)
		close(longer.arg.fd);

	expect_errno(-create_session(dev, ""), EINVAL, "CREATE_SESSION with an empty name");
	memset(&c, 'x', sizeof(c));
	c.size = sizeof(c);
	expect_errno(ERR(ioctl(dev, LIVEUPDATE_IOCTL_CREATE_SESSION, &c)), EINVAL,
		     "CREATE_SESSION with an unterminated name");
	s = create_session(dev, "twice");
	expect_errno(s < 0 ? -s : 0, 0, "CREATE_SESSION twice: the first");
	expect_errno(-create_session(dev, "twice"), EEXIST, "CREATE_SESSION twice: the second");
	expect_errno(-retrieve_session(dev, "never-handed-over"), ENOENT,
		     "RETRIEVE_SESSION of an unknown name");
	expect_errno(ERR(ioctl(dev, _IO(LIVEUPDATE_IOCTL_TYPE, 0x3f), &c)), EINVAL,
		     "an unknown command on " DEVICE);

	fd = memfd_with("x", 1, 0);
	expect_errno(-preserve(s, 1000, 1), EBADF, "PRESERVE_FD of a closed descriptor");
	if (pipe(pipefd) == 0) {
		expect_errno(-preserve(s, pipefd[0], 1), ENOENT, "PRESERVE_FD of a pipe");
		close(pipefd[0]);
		close(pipefd[1]);
	}
	t = open("/dev/null", O_RDWR);
	expect_errno(-preserve(s, t, 1), ENOENT, "PRESERVE_FD of /dev/null");
	close(t);
	expect_errno(-preserve(s, fd, 7), 0, "PRESERVE_FD of a memfd");
	expect_errno(-preserve(s, fd, 9), EBUSY,
		     "PRESERVE_FD of the same memfd again under another token");
	t = memfd_with("y", 1, 0);
	expect_errno(-preserve(s, t, 7), EEXIST, "PRESERVE_FD with a token in use");
	close(t);
	t = create_session(dev, "twice-other");
	expect_errno(-preserve(t, fd, 8), EBUSY, "PRESERVE_FD of a file another session holds");
	expect_errno(-retrieve(s, 7), EINVAL, "RETRIEVE_FD on an outgoing session");
	memset(&fin, 0, sizeof(fin));
	fin.size = sizeof(fin);
	expect_errno(ERR(ioctl(s, LIVEUPDATE_SESSION_FINISH, &fin)), EINVAL,
		     "FINISH on an outgoing session");
	expect_errno(ERR(ioctl(s, _IO(LIVEUPDATE_IOCTL_TYPE, 0x4f), &fin)), EINVAL,
		     "an unknown command on a session");
	close(t);

	/* A session holds 500 files; closing it gives them all up. */
	for (i = 0, n = 0; i < 499; i++) {
		int m = memfd_with("z", 1, 0);

		n += preserve(s, m, 100 + i) == 0;
		close(m);
	}
	result(n == 499, "a session takes 500 files (%d more after the first)", n);
	close(fd);
	close(s);
	many_sessions(dev);
	s = create_session(dev, "twice");
	expect_errno(s < 0 ? -s : 0, 0, "CREATE_SESSION of a name whose session was closed");
	close(s);
}

/* Hand over what stage @stage + 1 checks. */
static int hand_over(int dev, int stage)
{
	unsigned char *big = malloc(BIG_SIZE), page[4096], one[64];
	int s, fd, i, j, ok = 1;
	long before;
	char name[32];

	fill(big, BIG_SIZE, stage);
	s = create_session(dev, "data");
	fd = memfd_with(big, BIG_SIZE, 0);
	ok &= s >= 0 && fd >= 0 && !preserve(s, fd, 1);
	fd = memfd_with(NULL, 0, 0);
	ok &= fd >= 0 && !preserve(s, fd, 2);
	fill(page, sizeof(page), stage + 1000);
	fd = memfd_create("sparse", MFD_ALLOW_SEALING);
	ok &= fd >= 0 && !ftruncate(fd, SPARSE_SIZE) &&
		pwrite(fd, page, sizeof(page), SPARSE_AT) == sizeof(page) &&
		!fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW) &&
		lseek(fd, SPARSE_POS, SEEK_SET) == SPARSE_POS &&
		!preserve(s, fd, 3);
	result(ok, "stage %d hands over session data: %d random bytes, an empty and a sparse memfd",
	       stage, BIG_SIZE);
	fill(big, HUGE_SIZE, stage + 2000);
	before = shmem_huge_kib();
	fd = huge_memfd(big);
	ok = fd >= 0 && !preserve(s, fd, 4);
	result(ok, "stage %d hands over a memfd of %d bytes written through huge pages",
	       stage, HUGE_SIZE);
	if (huge_memfds())
		result(shmem_huge_kib() - before >= 2048,
		       "stage %d: the memfd has huge pages (%ld KiB more)", stage,
		       shmem_huge_kib() - before);
	else
		printf("ok %d # SKIP memfds get no huge pages here (" SHMEM_ENABLED ")\n",
		       ++tests);

	for (i = 0; i < MANY_SESSIONS; i++) {
		snprintf(name, sizeof(name), "many-%d", i);
		s = create_session(dev, name);
		for (j = 0; j < MANY_FILES; j++) {
			fill(one, sizeof(one), stage * 10000 + i * 100 + j);
			fd = memfd_with(one, sizeof(one), 0);
			ok &= s >= 0 && fd >= 0 && !preserve(s, fd, j);
		}
	}
	result(ok, "stage %d hands over %d sessions of %d files", stage,
	       MANY_SESSIONS, MANY_FILES);

	s = create_session(dev, "closed");
	fd = memfd_with("gone", 4, 0);
	ok = s >= 0 && fd >= 0 && !preserve(s, fd, 1);
	close(s);
	s = create_session(dev, "finish");
	for (j = 0; j < 2; j++) {
		fill(page, sizeof(page), stage * 7 + j);
		fd = memfd_with(page, sizeof(page), 0);
		ok &= s >= 0 && fd >= 0 && !preserve(s, fd, j);
	}
	result(ok, "stage %d closes one session and hands over one to finish", stage);

	s = create_session(dev, "state");
	snprintf(name, sizeof(name), "%d", stage + 1);
	fd = memfd_with(name, strlen(name), 0);
	ok = s >= 0 && fd >= 0 && !preserve(s, fd, 0);
	result(ok, "stage %d hands over the stage number", stage);
	free(big);
	return ok;
}

/* Check what stage @stage - 1 handed over. */
static void check(int dev, int stage)
{
	unsigned char *big = malloc(BIG_SIZE), page[4096], one[64], *p;
	int s, fd, i, j, ok;
	long before;
	char name[32];
	struct stat st;

	fill(big, BIG_SIZE, stage - 1);
	s = retrieve_session(dev, "data");
	result(s >= 0, "RETRIEVE_SESSION data");
	expect_errno(-retrieve_session(dev, "data"), EINVAL,
		     "RETRIEVE_SESSION of a session retrieved already");
	fd = retrieve(s, 1);
	result(fd >= 0 && same_contents(fd, big, BIG_SIZE),
	       "the %d random bytes are the same after the reboot", BIG_SIZE);
	expect_errno(-retrieve(s, 1), ENOENT, "RETRIEVE_FD of a token retrieved already");
	expect_errno(-retrieve(s, 99), ENOENT, "RETRIEVE_FD of an unknown token");
	i = memfd_with("x", 1, 0);
	expect_errno(-preserve(s, i, 5), EINVAL, "PRESERVE_FD into a handed-over session");
	close(i);
	fd = retrieve(s, 2);
	result(fd >= 0 && !fstat(fd, &st) && st.st_size == 0,
	       "the empty memfd is empty after the reboot");
	fd = retrieve(s, 3);
	fill(page, sizeof(page), stage - 1 + 1000);
	p = fd >= 0 ? mmap(NULL, SPARSE_SIZE, PROT_READ, MAP_SHARED, fd, 0) : MAP_FAILED;
	ok = p != MAP_FAILED && !memcmp(p + SPARSE_AT, page, sizeof(page));
	for (i = 0; ok && i < SPARSE_SIZE; i++)
		if ((i < SPARSE_AT || i >= SPARSE_AT + (int)sizeof(page)) && p[i])
			ok = 0;
	result(ok, "the sparse memfd has its page and zeros elsewhere");
	result(fd >= 0 && fcntl(fd, F_GET_SEALS) == (F_SEAL_SHRINK | F_SEAL_GROW),
	       "the sparse memfd keeps its seals");
	result(fd >= 0 && lseek(fd, 0, SEEK_CUR) == SPARSE_POS,
	       "the sparse memfd keeps its file position");
	expect_errno(fd >= 0 ? ERR(ftruncate(fd, 2 * SPARSE_SIZE)) : -1, EPERM,
		     "growing the sealed memfd");
	fill(big, HUGE_SIZE, stage - 1 + 2000);
	before = shmem_huge_kib();
	j = retrieve(s, 4);
	result(j >= 0 && same_contents(j, big, HUGE_SIZE),
	       "the memfd written through huge pages is the same after the reboot");
	if (huge_memfds())
		result(shmem_huge_kib() - before >= 2048,
		       "its huge pages came back as huge pages (%ld KiB more)",
		       shmem_huge_kib() - before);
	else
		printf("ok %d # SKIP memfds get no huge pages here (" SHMEM_ENABLED ")\n",
		       ++tests);
	close(j);
	close(s);
	expect_errno(-retrieve_session(dev, "data"), ENOENT,
		     "RETRIEVE_SESSION of a session closed after retrieval");
	result(fd >= 0 && pread(fd, page, 1, SPARSE_AT) == 1,
	       "a retrieved memfd outlives its closed session");

	ok = 1;
	for (i = 0; i < MANY_SESSIONS; i++) {
		snprintf(name, sizeof(name), "many-%d", i);
		s = retrieve_session(dev, name);
		for (j = 0; j < MANY_FILES; j++) {
			fill(one, sizeof(one), (stage - 1) * 10000 + i * 100 + j);
			fd = s >= 0 ? retrieve(s, j) : -1;
			ok &= fd >= 0 && same_contents(fd, one, sizeof(one));
			close(fd);
		}
		ok &= s >= 0 && finish(s) == 0;
		close(s);
	}
	result(ok, "%d sessions of %d files each are the same after the reboot",
	       MANY_SESSIONS, MANY_FILES);

	expect_errno(-retrieve_session(dev, "closed"), ENOENT,
		     "RETRIEVE_SESSION of a session closed before the reboot");

	s = retrieve_session(dev, "finish");
	fill(page, sizeof(page), (stage - 1) * 7);
	fd = s >= 0 ? retrieve(s, 0) : -1;
	result(fd >= 0 && same_contents(fd, page, sizeof(page)),
	       "the first file of session finish");
	expect_errno(-finish(s), 0, "FINISH");
	expect_errno(-retrieve(s, 1), ENOENT, "RETRIEVE_FD after FINISH");
	result(fd >= 0 && same_contents(fd, page, sizeof(page)),
	       "a file retrieved before FINISH stays");
	close(fd);
	i = create_session(dev, "finish");
	result(i >= 0, "CREATE_SESSION of a finished session's name");
	close(i);
	close(s);
	free(big);
}

/* Leave a child holding the sessions until the reboot ends it. */
static void hold_sessions(int stage)
{
	pid_t pid;
	FILE *f;
	int fd;

	pid = fork();
	if (pid == 0) {
		setsid();
		fd = open("/dev/null", O_RDWR);
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		for (;;)
			pause();
	}
	f = fopen("/tmp/liveupdate-holder.pid", "w");
	if (f) {
		fprintf(f, "%d\n", pid);
		fclose(f);
	}
	result(pid > 0 && f, "stage %d: child %d holds the sessions for the reboot",
	       stage, pid);
}

/*
 * The session "bench": take the last one back, hand over @mib MiB, in
 * huge pages if @huge.
 */
static int timing_session(int dev, long mib, int huge)
{
	static char chunk[1 << 20];
	struct stat st;
	char *p = NULL;
	int s, fd;
	long i;

	s = retrieve_session(dev, "bench");
	if (s >= 0) {
		fd = retrieve(s, 0);
		result(fd >= 0 && !fstat(fd, &st), "the bench memfd came back, %lld MiB",
		       fd >= 0 ? (long long)st.st_size >> 20 : -1LL);
		result(!finish(s), "FINISH of session bench");
		close(fd);
		close(s);
	}
	if (!mib)
		return 0;
	memset(chunk, 0x5a, sizeof(chunk));
	s = create_session(dev, "bench");
	fd = memfd_create("bench", 0);
	if (fd >= 0 && huge) {
		p = ftruncate(fd, mib << 20) ? MAP_FAILED :
			mmap(NULL, mib << 20, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		if (p != MAP_FAILED && madvise(p, mib << 20, MADV_HUGEPAGE)) {
			munmap(p, mib << 20);
			p = MAP_FAILED;
		}
	}
	for (i = 0; fd >= 0 && p != MAP_FAILED && i < mib; i++) {
		if (p)
			memcpy(p + (i << 20), chunk, sizeof(chunk));
		else if (write(fd, chunk, sizeof(chunk)) != sizeof(chunk))
			break;
	}
	if (p && p != MAP_FAILED)
		munmap(p, mib << 20);
	result(s >= 0 && fd >= 0 && i == mib && !preserve(s, fd, 0),
	       "a session holds a memfd of %ld MiB", mib);
	close(fd);
	return 1;
}

/* The session "damaged", before or after the reboot that damages it. */
static void damaged_session(int dev, const char *how)
{
	int want = strcmp(how, "chunk") ? EOPNOTSUPP : EBADMSG;
	int s, fd, ok;

	s = retrieve_session(dev, "damaged");
	if (s == -ENOENT) {
		s = create_session(dev, "damaged");
		fd = memfd_with("first", 5, 0);
		ok = s >= 0 && fd >= 0 && !preserve(s, fd, 1);
		fd = memfd_with("second", 6, 0);
		ok &= fd >= 0 && !preserve(s, fd, 2);
		result(ok, "session damaged holds two memfds");
		close(dev);
		hold_sessions(1);
		return;
	}
	result(s >= 0, "RETRIEVE_SESSION damaged");
	expect_errno(-retrieve(s, 1), want, "RETRIEVE_FD of the damaged file");
	/* A damaged list is spent; an unreadable version stays unreadable. */
	expect_errno(-retrieve(s, 1), want == EBADMSG ? ENOENT : EOPNOTSUPP,
		     "RETRIEVE_FD of the damaged file again");
	fd = retrieve(s, 2);
	result(fd >= 0 && same_contents(fd, (const unsigned char *)"second", 6),
	       "the other file of the session arrives intact");
	expect_errno(-finish(s), 0, "FINISH of the session with the damaged file");
	close(fd);
	close(s);
}

/* Swap used, in KiB: SwapTotal - SwapFree of /proc/meminfo. */
static long swap_used_kib(void)
{
	long total = -1, free = -1, v;
	char line[128];
	FILE *f = fopen("/proc/meminfo", "r");

	while (f && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "SwapTotal: %ld kB", &v) == 1)
			total = v;
		else if (sscanf(line, "SwapFree: %ld kB", &v) == 1)
			free = v;
	}
	if (f)
		fclose(f);
	return total < 0 || free < 0 ? -1 : total - free;
}

/*
 * The session "swapped": before the reboot, a memfd of SWAP_SIZE random
 * bytes pushed out to swap with MADV_PAGEOUT; after it, the same bytes.
 */
static void swapped_session(int dev)
{
	unsigned char *buf = malloc(SWAP_SIZE);
	unsigned int sum = 0;
	long before;
	int s, fd, i;
	void *p;

	fill(buf, SWAP_SIZE, 4242);
	s = retrieve_session(dev, "swapped");
	if (s >= 0) {
		fd = retrieve(s, 1);
		result(fd >= 0 && same_contents(fd, buf, SWAP_SIZE),
		       "the %d bytes that were in swap are the same after the reboot",
		       SWAP_SIZE);
		expect_errno(-finish(s), 0, "FINISH of session swapped");
		free(buf);
		return;
	}
	before = swap_used_kib();
	s = create_session(dev, "swapped");
	fd = memfd_with(buf, SWAP_SIZE, 0);
	p = fd >= 0 ? mmap(NULL, SWAP_SIZE, PROT_READ, MAP_SHARED, fd, 0) : MAP_FAILED;
	/* Only pages mapped here are paged out: fault them in first. */
	for (i = 0; p != MAP_FAILED && i < SWAP_SIZE; i += 4096)
		sum += ((unsigned char *)p)[i];
	result(p != MAP_FAILED && !madvise(p, SWAP_SIZE, MADV_PAGEOUT),
	       "MADV_PAGEOUT of a memfd of %d bytes (%u)", SWAP_SIZE, sum & 1);
	if (p != MAP_FAILED)
		munmap(p, SWAP_SIZE);
	result(swap_used_kib() - before >= SWAP_SIZE / 2048,
	       "at least half of it went to swap (%ld KiB)", swap_used_kib() - before);
	result(s >= 0 && fd >= 0 && !preserve(s, fd, 1),
	       "session swapped holds the memfd");
	free(buf);
	close(dev);
	hold_sessions(1);
}

static const char *const changed_names[CHANGED_FILES] = {
	"rewritten", "punched", "grown", "shrunk", "filled", "fallocated",
	"untouched", "grown-before-load",
};

/* File @i of the session "changed" before its change. */
static int changed_make(int i, const unsigned char *a)
{
	int fd = memfd_create(changed_names[i], 0);
	int ok = fd >= 0;

	switch (i) {
	case 2:
		ok &= pwrite(fd, a, PG, 0) == PG;
		break;
	case 4:
		ok &= !ftruncate(fd, 3 * PG) && pwrite(fd, a, PG, 0) == PG &&
			pwrite(fd, a + 2 * PG, PG, 2 * PG) == PG;
		break;
	case 5:
		ok &= !fallocate(fd, 0, 0, 3 * PG) && pwrite(fd, a, PG, 0) == PG;
		break;
	case 6:
		ok &= pwrite(fd, a, 2 * PG, 0) == 2 * PG;
		break;
	case 7:
		ok &= pwrite(fd, a, PG, 0) == PG;
		break;
	default:
		ok &= pwrite(fd, a, 3 * PG, 0) == 3 * PG;
	}
	return ok ? fd : -1;
}

/* Change file @i of the session "changed", with bytes from @b. */
static int changed_change(int i, int fd, const unsigned char *b)
{
	void *p;

	switch (i) {
	case 0:
		return pwrite(fd, b, 3 * PG, 0) == 3 * PG;
	case 1:
		return !fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
				  PG, PG) && pwrite(fd, b + PG, PG, PG) == PG;
	case 2:
		return !ftruncate(fd, 3 * PG) &&
			pwrite(fd, b + 2 * PG, PG, 2 * PG) == PG;
	case 3:
		return !ftruncate(fd, PG + 10);
	case 4:
		p = mmap(NULL, 3 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		if (p == MAP_FAILED)
			return 0;
		memcpy((char *)p + PG, b + PG, PG);
		return !munmap(p, 3 * PG);
	case 5:
		return pwrite(fd, b + PG, PG, PG) == PG;
	}
	return 1;
}

/* What file @i holds after its change, in @want; return its size. */
static size_t changed_want(int i, const unsigned char *a,
			   const unsigned char *b, unsigned char *want)
{
	memcpy(want, a, 3 * PG);
	switch (i) {
	case 0:
		memcpy(want, b, 3 * PG);
		return 3 * PG;
	case 1:
	case 4:
		memcpy(want + PG, b + PG, PG);
		return 3 * PG;
	case 2:
		memset(want + PG, 0, PG);
		memcpy(want + 2 * PG, b + 2 * PG, PG);
		return 3 * PG;
	case 3:
		return PG + 10;
	case 5:
		memcpy(want + PG, b + PG, PG);
		memset(want + 2 * PG, 0, PG);
		return 3 * PG;
	}
	return 2 * PG;
}

/*
 * The child that holds the session "changed" and, told by SIGUSR1,
 * changes its files, then writes how many it changed to CHANGED_DONE.
 */
static void changed_holder(const int *fds, const unsigned char *b)
{
	int i, n = 0, sig, fd;
	sigset_t set;
	FILE *f;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	setsid();
	fd = open("/dev/null", O_RDWR);
	dup2(fd, 0);
	dup2(fd, 1);
	dup2(fd, 2);
	if (!sigwait(&set, &sig))
		for (i = 0; i < CHANGED_FILES; i++)
			n += changed_change(i, fds[i], b);
	f = fopen(CHANGED_DONE, "w");
	if (f) {
		fprintf(f, "%d changed\n", n);
		fclose(f);
	}
	for (;;)
		pause();
}

/* The session "changed", before the reboot or after it. */
static void changed_session(int dev)
{
	static unsigned char a[3 * PG], b[3 * PG], want[3 * PG];
	int fds[CHANGED_FILES], s, i, ok = 1;
	sigset_t set;
	size_t len;
	pid_t pid;
	FILE *f;

	fill(a, sizeof(a), 31);
	fill(b, sizeof(b), 32);
	s = retrieve_session(dev, "changed");
	if (s >= 0) {
		for (i = 0; i < CHANGED_FILES; i++) {
			fds[i] = retrieve(s, i + 1);
			len = changed_want(i, a, b, want);
			result(fds[i] >= 0 && same_contents(fds[i], want, len),
			       "memfd %s holds its %zu bytes as they were last",
			       changed_names[i], len);
			if (fds[i] >= 0)
				close(fds[i]);
		}
		expect_errno(-finish(s), 0, "FINISH of session changed");
		close(s);
		return;
	}
	s = create_session(dev, "changed");
	for (i = 0; i < CHANGED_FILES; i++) {
		fds[i] = changed_make(i, a);
		ok &= s >= 0 && fds[i] >= 0 && !preserve(s, fds[i], i + 1);
	}
	result(ok, "session changed holds %d memfds", CHANGED_FILES);
	/* Listed at PRESERVE_FD, changed before the load lists it again. */
	result(pwrite(fds[7], a + PG, PG, PG) == PG,
	       "memfd %s grows before the load", changed_names[7]);
	close(dev);
	/* Blocked before the fork, so that no signal comes too early. */
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);
	pid = fork();
	if (pid == 0)
		changed_holder(fds, b);
	f = fopen(CHANGER_PID, "w");
	if (f) {
		fprintf(f, "%d\n", pid);
		fclose(f);
	}
	result(pid > 0 && f, "child %d holds session changed and changes it on SIGUSR1",
	       pid);
}

static void claimed_session(int dev, const char *step)
{
	static unsigned char buf[4 * PG];
	int s, fd;

	fill(buf, sizeof(buf), 51);
	if (!strcmp(step, "hand")) {
		s = create_session(dev, "claimed");
		fd = memfd_with(buf, sizeof(buf), 0);
		result(s >= 0 && fd >= 0 && !preserve(s, fd, 1),
		       "session claimed holds a memfd");
		close(dev);
		hold_sessions(1);
	} else if (!strcmp(step, "take")) {
		s = retrieve_session(dev, "claimed");
		fd = s >= 0 ? retrieve(s, 1) : -1;
		result(fd >= 0 && same_contents(fd, buf, sizeof(buf)),
		       "on trial: session claimed arrives, its memfd intact");
		memset(buf, 0xee, sizeof(buf));
		result(fd >= 0 && pwrite(fd, buf, sizeof(buf), 0) == sizeof(buf),
		       "on trial: its memfd is written over");
	} else {
		expect_errno(-retrieve_session(dev, "claimed"), ENOENT,
			     "in the fallback: RETRIEVE_SESSION of the session the failed kernel took");
	}
}

int main(int argc, char **argv)
{
	int dev, state, stage = 1, next, fd;
	const char *mode = argc > 1 ? argv[1] : "";
	char buf[16] = "";

	if (!((argc == 2 && (!strcmp(mode, "next") || !strcmp(mode, "last") ||
			     !strcmp(mode, "hold") || !strcmp(mode, "swapped") ||
			     !strcmp(mode, "changed"))) ||
	      ((argc == 3 || (argc == 4 && !strcmp(argv[3], "huge"))) &&
	       !strcmp(mode, "bench")) ||
	      (argc == 3 && !strcmp(mode, "damaged") &&
	       (!strcmp(argv[2], "chunk") || !strcmp(argv[2], "version"))) ||
	      (argc == 3 && !strcmp(mode, "claimed") &&
	       (!strcmp(argv[2], "hand") || !strcmp(argv[2], "take") ||
		!strcmp(argv[2], "gone"))))) {
		fprintf(stderr,
			"usage: %s next|last|hold|bench MIB [huge]|damaged chunk|version|swapped|changed\n"
			"       %s claimed hand|take|gone\n", argv[0], argv[0]);
		return 2;
	}
	printf("TAP version 13\n");
	dev = open(DEVICE, O_RDWR);
	result(dev >= 0, "open " DEVICE);
	if (dev < 0)
		goto out;

	if (!strcmp(mode, "bench")) {
		if (timing_session(dev, atol(argv[2]), argc == 4)) {
			close(dev);
			hold_sessions(0);
		}
		goto out;
	}
	if (!strcmp(mode, "damaged")) {
		damaged_session(dev, argv[2]);
		goto out;
	}
	if (!strcmp(mode, "swapped")) {
		swapped_session(dev);
		goto out;
	}
	if (!strcmp(mode, "claimed")) {
		claimed_session(dev, argv[2]);
		goto out;
	}
	if (!strcmp(mode, "changed")) {
		changed_session(dev);
		goto out;
	}
	if (!strcmp(mode, "hold")) {
		state = create_session(dev, "held");
		fd = memfd_with("held", 4, 0);
		result(state >= 0 && fd >= 0 && !preserve(state, fd, 1),
		       "a session holds a memfd");
		close(dev);
		hold_sessions(1);
		goto out;
	}

	next = !strcmp(mode, "next");
	state = retrieve_session(dev, "state");
	if (state >= 0) {
		fd = retrieve(state, 0);
		if (fd >= 0 && pread(fd, buf, sizeof(buf) - 1, 0) > 0)
			stage = atoi(buf);
		result(stage > 1, "stage %d: the stage number was handed over", stage);
		finish(state);
		close(fd);
		close(state);
		check(dev, stage);
	} else {
		result(state == -ENOENT, "stage 1: no stage number handed over");
		bad_calls(dev);
	}

	if (next && hand_over(dev, stage)) {
		close(dev);
		hold_sessions(stage);
	} else if (next) {
		failed++;
	}
out:
	printf("1..%d\n", tests);
	return failed ? 1 : 0;
}
