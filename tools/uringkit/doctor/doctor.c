/* SPDX-License-Identifier: MIT */
/*
 * uringkit doctor: each check asks the system one question and prints one
 * finding ("ok", "note", "warn" or "FAIL") with the fix when there is one.
 * Only a FAIL (io_uring cannot be used by this process) makes the exit
 * status non-zero.
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <link.h>
#include <liburing.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <uringkit/ops.h>
#include "../uringkit.h"
#include "doctor.h"

struct doc {
	FILE *out;
	int fails, warns;
};

static void finding(struct doc *d, const char *level, const char *fix,
		    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void finding(struct doc *d, const char *level, const char *fix,
		    const char *fmt, ...)
{
	va_list ap;

	if (!strcmp(level, "FAIL"))
		d->fails++;
	if (!strcmp(level, "warn"))
		d->warns++;
	fprintf(d->out, "%-5s ", level);
	va_start(ap, fmt);
	vfprintf(d->out, fmt, ap);
	va_end(ap);
	fputc('\n', d->out);
	if (fix)
		fprintf(d->out, "      fix: %s\n", fix);
}

/* An integer from a /proc or /sys file; -1 when it cannot be read. */
static long read_long(const char *path)
{
	char buf[64];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	return strtol(buf, NULL, 10);
}

/* A "Name:  value" line of /proc/self/status or /proc/meminfo; -1 if none. */
static long proc_field(const char *path, const char *name)
{
	char line[256];
	size_t len = strlen(name);
	long v = -1;
	FILE *f = fopen(path, "re");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, name, len) && line[len] == ':') {
			v = strtol(line + len + 1, NULL, 10);
			break;
		}
	fclose(f);
	return v;
}

static bool in_group(gid_t g)
{
	gid_t groups[256];
	int i, n;

	if (getegid() == g)
		return true;
	n = getgroups(256, groups);
	for (i = 0; i < n; i++)
		if (groups[i] == g)
			return true;
	return false;
}

/* A raw io_uring_setup(2): 0 or -errno, the ring closed again. */
static int try_setup(unsigned flags)
{
	struct io_uring_params p;
	long fd;

	memset(&p, 0, sizeof(p));
	p.flags = flags;
	if (flags & IORING_SETUP_SQPOLL)
		p.sq_thread_idle = 10;
	fd = syscall(__NR_io_uring_setup, 8, &p);
	if (fd < 0)
		return -errno;
	close((int) fd);
	return 0;
}

/* ---- can this process have a ring? ----------------------------------------- */

static int check_setup(struct doc *d)
{
	long disabled = read_long("/proc/sys/kernel/io_uring_disabled");
	long group = read_long("/proc/sys/kernel/io_uring_group");
	long seccomp = proc_field("/proc/self/status", "Seccomp");
	int err = try_setup(0);

	if (disabled == 0)
		finding(d, "ok", NULL, "kernel.io_uring_disabled = 0: io_uring "
			"is enabled for every process");
	else if (disabled == 1)
		finding(d, err ? "warn" : "note",
			"sysctl -w kernel.io_uring_disabled=0 (or add the user "
			"to the group kernel.io_uring_group names)",
			"kernel.io_uring_disabled = 1: only root (CAP_SYS_ADMIN) "
			"and members of group %ld (kernel.io_uring_group) may "
			"create rings; this process is %s", group,
			group >= 0 && in_group((gid_t) group) ? "in that group" :
			geteuid() == 0 ? "root" : "neither");
	else if (disabled == 2)
		finding(d, "warn", "sysctl -w kernel.io_uring_disabled=0 "
			"(as root; make it permanent in /etc/sysctl.d/)",
			"kernel.io_uring_disabled = 2: io_uring is switched off "
			"for every process, root included");
	else
		finding(d, "note", NULL, "kernel.io_uring_disabled is not there "
			"(a kernel before 6.6): nothing switches io_uring off by "
			"sysctl");

	if (seccomp == 2)
		finding(d, err ? "warn" : "note",
			err ? "run outside the filter, or allow io_uring_setup, "
			"io_uring_enter and io_uring_register in it (Docker: "
			"--security-opt seccomp=PROFILE with them allowed)" : NULL,
			"this process runs under a seccomp filter (as in most "
			"containers); filters often deny the io_uring calls");

	if (!err) {
		finding(d, "ok", NULL, "io_uring_setup works: this process can "
			"create rings");
		return 0;
	}
	if (err == -ENOSYS && seccomp == 2)
		finding(d, "FAIL", "allow io_uring_setup, io_uring_enter and "
			"io_uring_register in the seccomp profile, or run outside "
			"the container or sandbox",
			"io_uring_setup fails with ENOSYS under a seccomp filter: "
			"the filter blocks io_uring (the kernel may have it)");
	else if (err == -ENOSYS)
		finding(d, "FAIL", "use a kernel built with CONFIG_IO_URING=y "
			"(5.1 or later)",
			"io_uring_setup fails with ENOSYS: this kernel has no "
			"io_uring");
	else if (err == -EPERM && disabled == 2)
		finding(d, "FAIL", "sysctl -w kernel.io_uring_disabled=0",
			"io_uring_setup fails with EPERM because "
			"kernel.io_uring_disabled = 2");
	else if (err == -EPERM && disabled == 1)
		finding(d, "FAIL", "add the user to group kernel.io_uring_group "
			"names, or sysctl -w kernel.io_uring_disabled=0",
			"io_uring_setup fails with EPERM because "
			"kernel.io_uring_disabled = 1 and this process is not "
			"allowed");
	else if (err == -EPERM && seccomp == 2)
		finding(d, "FAIL", "allow io_uring_setup, io_uring_enter and "
			"io_uring_register in the seccomp profile, or run outside "
			"the container or sandbox",
			"io_uring_setup fails with EPERM under a seccomp filter: "
			"the filter denies it");
	else if (err == -EPERM)
		finding(d, "FAIL", "look for a security module (SELinux, "
			"AppArmor) or a sandbox that denies io_uring",
			"io_uring_setup fails with EPERM, and neither the sysctl "
			"nor a seccomp filter explains it");
	else if (err == -ENOMEM)
		finding(d, "FAIL", "raise RLIMIT_MEMLOCK (ulimit -l) or free "
			"memory", "io_uring_setup fails with ENOMEM: no memory "
			"for even an 8-entry ring (before 5.12 rings are charged "
			"to RLIMIT_MEMLOCK)");
	else
		finding(d, "FAIL", NULL, "io_uring_setup fails with %s (%s)",
			uk_errname(err), strerror(-err));
	return err;
}

/* ---- what a working ring can do ---------------------------------------------- */

static void check_memlock(struct doc *d)
{
	struct rlimit rl;
	char what[64];

	if (getrlimit(RLIMIT_MEMLOCK, &rl)) {
		finding(d, "note", NULL, "RLIMIT_MEMLOCK cannot be read");
		return;
	}
	if (rl.rlim_cur == RLIM_INFINITY || geteuid() == 0) {
		finding(d, "ok", NULL, "RLIMIT_MEMLOCK: %s; registered buffers "
			"are not limited by it here",
			rl.rlim_cur == RLIM_INFINITY ? "unlimited" :
			"limited, but root (CAP_IPC_LOCK) is exempt");
		return;
	}
	snprintf(what, sizeof(what), "%llu KiB",
		 (unsigned long long) rl.rlim_cur / 1024);
	finding(d, rl.rlim_cur < (64u << 20) ? "note" : "ok",
		rl.rlim_cur < (64u << 20) ? "raise it: ulimit -l, "
		"/etc/security/limits.conf (memlock) or systemd's LimitMEMLOCK="
		: NULL,
		"RLIMIT_MEMLOCK is %s: registered buffers "
		"(io_uring_register_buffers) may pin that much in total; ring "
		"memory itself counts against it only before 5.12", what);
}

static void check_sqpoll(struct doc *d)
{
	int err = try_setup(IORING_SETUP_SQPOLL);

	if (!err)
		finding(d, "ok", NULL, "SQPOLL rings can be created by this "
			"process%s", geteuid() ? " without privileges" : "");
	else if (err == -EPERM)
		finding(d, "warn", "run with CAP_SYS_NICE, or use a kernel of "
			"5.11 or later (which allows SQPOLL to everyone)",
			"SQPOLL needs a privilege this process lacks (EPERM)");
	else
		finding(d, "warn", NULL, "SQPOLL rings fail with %s (%s)",
			uk_errname(err), strerror(-err));
}

static void check_hugepages(struct doc *d)
{
	long total = proc_field("/proc/meminfo", "HugePages_Total");
	long free_ = proc_field("/proc/meminfo", "HugePages_Free");
	long size = proc_field("/proc/meminfo", "Hugepagesize");
	void *p;

	if (total < 0) {
		finding(d, "note", NULL, "no huge page support shown in "
			"/proc/meminfo");
		return;
	}
	p = mmap(NULL, (size_t) (size > 0 ? size : 2048) * 1024,
		 PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB,
		 -1, 0);
	if (p != MAP_FAILED) {
		munmap(p, (size_t) (size > 0 ? size : 2048) * 1024);
		finding(d, "ok", NULL, "huge pages: %ld of %ld free (%ld KiB "
			"each); io_uring_queue_init_mem() can be given "
			"MAP_HUGETLB memory", free_, total, size);
		return;
	}
	finding(d, "note", "sysctl -w vm.nr_hugepages=8 (as root), or give "
		"io_uring_queue_init_mem() ordinary page-aligned memory",
		"no huge page is free (%ld reserved, %ld KiB each): ring memory "
		"from mmap(MAP_HUGETLB) for io_uring_queue_init_mem() fails "
		"with ENOMEM", total, size);
}

/* ---- which liburing.so.2 programs get ------------------------------------------ */

/* Whether the file at path is uringkit's library (it has our version node). */
static bool is_uringkit(const char *path)
{
	static const char tag[] = "URINGKIT_0.1";
	char buf[1 << 16];
	size_t keep = 0, n;
	bool found = false;
	FILE *f = fopen(path, "re");

	if (!f)
		return false;
	while (!found && (n = fread(buf + keep, 1, sizeof(buf) - keep, f)) > 0) {
		n += keep;
		found = memmem(buf, n, tag, sizeof(tag) - 1) != NULL;
		keep = sizeof(tag) - 1;
		memmove(buf, buf + n - keep, keep);
	}
	fclose(f);
	return found;
}

struct loaded {
	char paths[4][512];
	int n;
};

static int find_loaded(struct dl_phdr_info *info, size_t size, void *arg)
{
	struct loaded *l = arg;

	(void) size;
	if (info->dlpi_name && strstr(info->dlpi_name, "liburing") && l->n < 4)
		snprintf(l->paths[l->n++], sizeof(l->paths[0]), "%s",
			 info->dlpi_name);
	return 0;
}

/* The first liburing.so.2 the loader's cache lists ("" if none). */
static void cache_pick(char *out, size_t len)
{
	char line[1024], *arrow;
	FILE *p;

	out[0] = '\0';
	p = popen("ldconfig -p 2>/dev/null || /sbin/ldconfig -p 2>/dev/null", "r");
	if (!p)
		return;
	while (fgets(line, sizeof(line), p))
		if (strstr(line, "liburing.so.2 ") && (arrow = strstr(line, "=> "))) {
			arrow[strcspn(arrow, "\n")] = '\0';
			if (!out[0])
				snprintf(out, len, "%s", arrow + 3);
		}
	pclose(p);
}

static void check_library(struct doc *d)
{
	struct loaded l = { .n = 0 };
	char cache[512];
	Dl_info info;
	bool ours;
	int i;

	/* The library this tool runs on, by the address of one of its functions. */
	if (dladdr((void *) io_uring_queue_init, &info) && info.dli_fname) {
		ours = is_uringkit(info.dli_fname);
		finding(d, ours ? "ok" : "warn", ours ? NULL :
			"point LD_LIBRARY_PATH at uringkit's build or install "
			"directory", "this uringkit runs on %s (%s)",
			info.dli_fname, ours ? "uringkit's library" :
			"not uringkit's library");
	}
	dl_iterate_phdr(find_loaded, &l);
	for (i = 1; i < l.n; i++)
		finding(d, "warn", NULL, "a second liburing is loaded in this "
			"process too: %s", l.paths[i]);

	cache_pick(cache, sizeof(cache));
	if (getenv("LD_LIBRARY_PATH"))
		finding(d, "note", NULL, "LD_LIBRARY_PATH is set (%s): programs "
			"look for liburing.so.2 there first",
			getenv("LD_LIBRARY_PATH"));
	if (!cache[0]) {
		finding(d, "note", "run ldconfig (as root) after make install, "
			"so programs find it",
			"the loader's cache (ldconfig -p) lists no liburing.so.2: "
			"programs without an rpath or LD_LIBRARY_PATH find none");
		return;
	}
	if (is_uringkit(cache))
		finding(d, "ok", NULL, "programs linked with -luring get %s, "
			"uringkit's (first in the loader's cache)", cache);
	else
		finding(d, "note", "to use uringkit's instead: install it (make "
			"install) and run ldconfig so /usr/local/lib comes first, "
			"or set LD_LIBRARY_PATH for those programs",
			"programs linked with -luring get %s (first in the "
			"loader's cache), which is not uringkit's: it shadows "
			"uringkit's unless LD_LIBRARY_PATH or an rpath says "
			"otherwise", cache);
}

/* ---- the kernel against the op table ---------------------------------------- */

static void check_kernel(struct doc *d)
{
	char release[128], missing[512] = "";
	struct io_uring_probe *probe = io_uring_get_probe();
	int kver = uk_kernel_version(release, sizeof(release));
	int op, lacking = 0, newer = 0;
	size_t len = 0;

	for (op = 0; op < uringkit_op_count(); op++) {
		if (uringkit_op_kernel(op) > kver && kver > 0)
			newer++;
		if (probe && io_uring_opcode_supported(probe, op))
			continue;
		lacking++;
		if (len < sizeof(missing) - 40)
			len += (size_t) snprintf(missing + len, sizeof(missing) - len,
						 "%s%s (%d.%d)", lacking > 1 ? ", " : "",
						 uringkit_op_name(op),
						 uringkit_op_kernel(op) / 100,
						 uringkit_op_kernel(op) % 100);
	}
	if (!probe) {
		finding(d, "note", NULL, "Linux %s: the opcodes cannot be "
			"probed without a ring", release);
		return;
	}
	io_uring_free_probe(probe);
	if (!lacking)
		finding(d, "ok", NULL, "Linux %s supports all %d operations "
			"uringkit knows", release, uringkit_op_count());
	else
		finding(d, "note", newer ? "a newer kernel (see the versions) "
			"has them" : NULL,
			"Linux %s lacks %d of the %d operations uringkit knows: "
			"%s", release, lacking, uringkit_op_count(), missing);
}

int doctor_run(FILE *out, const char *version)
{
	struct doc d = { .out = out };
	char release[128];

	uk_kernel_version(release, sizeof(release));
	fprintf(out, "uringkit %s doctor on Linux %s\n\n", version, release);
	if (check_setup(&d) == 0) {
		check_kernel(&d);
		check_sqpoll(&d);
	}
	check_memlock(&d);
	check_hugepages(&d);
	check_library(&d);
	fputc('\n', out);
	if (d.fails)
		fprintf(out, "io_uring cannot be used by this process: see the "
			"FAIL line%s above.\n", d.fails > 1 ? "s" : "");
	else
		fprintf(out, "io_uring is usable here%s.\n", d.warns ?
			", with the warnings above" : "");
	return d.fails ? 1 : 0;
}
