/*
 * The batch loader of ElfFuzzTest: reads one library path a line from stdin, and for each forks a child that
 * dlopen()s it with RTLD_LAZY (as the JVM's System.load does), dlclose()s it and exits 0 (1 when dlopen refused
 * it); when that child survived, a second child does the same with RTLD_NOW, which binds every function at load.
 * For each path it prints one line to stdout, as soon as the children are gone: the first death, else the
 * RTLD_NOW child's exit.
 *
 *   exit <status> - <path>           the child exited: 0 loaded and unloaded, 1 refused by dlopen, 127
 *                                    ld.so's fatal assertion ("Inconsistency detected by ld.so")
 *   signal <number> <object> <path>  the child died of a signal; a child still running after a few seconds
 *                                    is killed with SIGALRM, so a hang shows as signal 14
 *
 * <object> names the file that holds the instruction the child died at (ld-linux-x86-64.so.2 when it was the
 * loader itself, the library's own file name when it was the library's code), "?" when no file holds it, "-"
 * when the signal was not a fault; "lazy:" before it (or before "-") says the RTLD_LAZY child died. A child that
 * dies of SIGSEGV, SIGBUS, SIGILL or SIGFPE also writes to stderr where it was (the faulting instruction and
 * address), then dies of the same signal. dlopen's own error messages go to stderr too, so stderr is the log to
 * read when a line says a child died.
 *
 *   cc -O2 -o dlopen_batch dlopen_batch.c -ldl
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <ucontext.h>
#include <unistd.h>

static const char *current;
static int report = -1;  /* the child's end of the pipe that tells the parent where it died */

static void put(const char *s) {
    size_t n = strlen(s);
    while (n > 0) {
        ssize_t w = write(2, s, n);
        if (w <= 0) {
            return;
        }
        s += w;
        n -= (size_t) w;
    }
}

static void put_hex(unsigned long v) {
    char buf[19];
    int i = 18;
    buf[i] = '\0';
    do {
        buf[--i] = "0123456789abcdef"[v & 0xf];
        v >>= 4;
    } while (v != 0 && i > 2);
    buf[--i] = 'x';
    buf[--i] = '0';
    put(buf + i);
}

/* Says where the child died; dladdr is not async-signal-safe, but the child dies here in any case. */
static void died(int sig, siginfo_t *info, void *context) {
    unsigned long pc = (unsigned long) ((ucontext_t *) context)->uc_mcontext.gregs[REG_RIP];
    Dl_info where;
    put("dlopen_batch: ");
    put(current);
    put(": ");
    put(strsignal(sig));
    put(" at pc ");
    put_hex(pc);
    const char *object = "?";
    if (dladdr((void *) pc, &where) && where.dli_fname != NULL) {
        put(" (");
        put(where.dli_fname);
        put(" + ");
        put_hex(pc - (unsigned long) where.dli_fbase);
        put(")");
        object = strrchr(where.dli_fname, '/') != NULL ? strrchr(where.dli_fname, '/') + 1 : where.dli_fname;
    }
    if (report >= 0 && write(report, object, strlen(object)) < 0) {
        put("dlopen_batch: cannot tell where\n");
    }
    put(", address ");
    put_hex((unsigned long) info->si_addr);
    put("\n");
    signal(sig, SIG_DFL);
    raise(sig);
}

static void load(const char *path, int mode) {
    static const int fatal[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE};
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_sigaction = died;
    action.sa_flags = SA_SIGINFO | SA_RESETHAND;
    for (size_t i = 0; i < sizeof fatal / sizeof fatal[0]; i++) {
        sigaction(fatal[i], &action, NULL);
    }
    current = path;
    alarm(10);
    void *handle = dlopen(path, mode | RTLD_LOCAL);
    if (handle == NULL) {
        const char *error = dlerror();
        put("dlopen_batch: refused: ");
        put(error != NULL ? error : path);
        put("\n");
        _exit(1);
    }
    dlclose(handle);
    _exit(0);
}

/*
 * Loads {@code path} in a child with {@code mode}; prints its verdict line and returns 1 when it died, 0 when it
 * survived, -1 when the batch cannot go on. {@code prefix} goes before the object's name ("lazy:").
 */
static int verdict(const char *path, int mode, const char *prefix, int quiet_survival) {
    fflush(stderr);
    int pipe_fds[2];
    if (pipe(pipe_fds) < 0) {
        perror("dlopen_batch: pipe");
        return -1;
    }
    pid_t child = fork();
    if (child < 0) {
        perror("dlopen_batch: fork");
        return -1;
    }
    if (child == 0) {
        close(pipe_fds[0]);
        report = pipe_fds[1];
        load(path, mode);
    }
    close(pipe_fds[1]);
    int status;
    while (waitpid(child, &status, 0) < 0) {
        if (errno != EINTR) {
            perror("dlopen_batch: waitpid");
            return -1;
        }
    }
    char object[256];
    ssize_t n = read(pipe_fds[0], object, sizeof object - 1);
    close(pipe_fds[0]);
    object[n > 0 ? n : 0] = '\0';
    for (char *c = object; *c != '\0'; c++) {
        if (*c == ' ' || *c == '\n') {
            *c = '_';
        }
    }
    int died = WIFSIGNALED(status) || (WEXITSTATUS(status) != 0 && WEXITSTATUS(status) != 1);
    if (died || !quiet_survival) {
        if (WIFSIGNALED(status)) {
            printf("signal %d %s%s %s\n", WTERMSIG(status), prefix, n > 0 ? object : "-", path);
        } else {
            printf("exit %d %s- %s\n", WEXITSTATUS(status), prefix, path);
        }
    }
    return died;
}

int main(void) {
    char *line = NULL;
    size_t capacity = 0;
    ssize_t length;
    setvbuf(stdout, NULL, _IOLBF, 0);
    while ((length = getline(&line, &capacity, stdin)) > 0) {
        if (line[length - 1] == '\n') {
            line[--length] = '\0';
        }
        if (length == 0) {
            continue;
        }
        int lazy = verdict(line, RTLD_LAZY, "lazy:", 1);
        if (lazy < 0 || (lazy == 0 && verdict(line, RTLD_NOW, "", 0) < 0)) {
            return 2;
        }
    }
    free(line);
    return 0;
}
