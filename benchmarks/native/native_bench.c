/*
 * The native baselines the Java benchmarks are compared with (benchmarks/run runs it):
 *  - the cost of calling foo(), greeting() (+ copying the string) and update(&state) through a function
 *    pointer taken with dlsym(), in ns of this thread's CPU time per call: what C code pays for the same calls;
 *  - the reload cycle the Java host does, in microseconds, per library (C, Rust, and the 200 MB C library):
 *    copy the file to a fresh name with the OS's own copy (copy_file_range), dlopen + dlsym every function +
 *    abi_version(), dlclose, unlink;
 *  - for the 200 MB library, `cp` of the same file (the program, started and waited for), in microseconds.
 * Prints JSON on stdout.   usage: hotlib_native_bench LIB_C LIB_RUST LIB_BIG TMPDIR [rounds-scale]
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "hotlib.h"

static double clock_ns(clockid_t clock) {
    struct timespec t;
    clock_gettime(clock, &t);
    return t.tv_sec * 1e9 + t.tv_nsec;
}

static double now_ns(void) {
    return clock_ns(CLOCK_MONOTONIC);
}

/* This thread's CPU time: the calls are timed with it, as the Java calls are (CpuShare), so that time spent
   waiting for a core that other work holds is not counted as the calls' cost. */
static double cpu_ns(void) {
    return clock_ns(CLOCK_THREAD_CPUTIME_ID);
}

static int by_value(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The q-quantile (0..1) of n samples, sorted in place, defined as JMH's percentiles are (commons-math's
   Percentile, legacy estimation): position q * (n + 1), interpolated between its two neighbours. */
static double quantile(double *v, int n, double q) {
    qsort(v, n, sizeof *v, by_value);
    double pos = q * (n + 1);
    if (pos < 1) return v[0];
    if (pos >= n) return v[n - 1];
    int lower = (int)pos;
    return v[lower - 1] + (pos - lower) * (v[lower] - v[lower - 1]);
}

static void print_stats(const char *name, double *v, int n, int last) {
    double min = quantile(v, n, 0), p5 = quantile(v, n, 0.05), p50 = quantile(v, n, 0.5);
    double p95 = quantile(v, n, 0.95), p99 = quantile(v, n, 0.99);
    printf("      \"%s\": {\"median\": %.4f, \"min\": %.4f, \"p5\": %.4f, \"p95\": %.4f, \"p99\": %.4f,"
           " \"n\": %d}%s\n", name, p50, min, p5, p95, p99, n, last ? "" : ",");
}

static void *must_sym(void *lib, const char *name) {
    void *f = dlsym(lib, name);
    if (!f) { fprintf(stderr, "%s: %s\n", name, dlerror()); exit(1); }
    return f;
}

typedef int32_t (*int_fn)(void);
typedef const char *(*str_fn)(void);
typedef void (*state_fn)(hotlib_state *);

static volatile int64_t sink;

/* ns per call, one sample per batch of `calls` calls. */
static void call_costs(const char *lib_path, int batches) {
    void *lib = dlopen(lib_path, RTLD_NOW | RTLD_LOCAL);
    if (!lib) { fprintf(stderr, "%s\n", dlerror()); exit(1); }
    int_fn foo = (int_fn)must_sym(lib, "foo");
    str_fn greeting = (str_fn)must_sym(lib, "greeting");
    state_fn update = (state_fn)must_sym(lib, "update");
    const long calls = 2000000;
    double *v = malloc(sizeof(double) * batches);
    hotlib_state state = {0, 0.0};
    char copy[256];

    printf("  \"calls\": {\n");
    for (int f = 0; f < 3; f++) {
        for (int b = -3; b < batches; b++) { /* 3 batches of warm-up */
            int64_t sum = 0;
            double t0 = cpu_ns();
            for (long i = 0; i < calls; i++) {
                if (f == 0) {
                    sum += foo();
                } else if (f == 1) { /* the string returned and copied, as Java copies it into a String */
                    const char *s = greeting();
                    size_t n = strlen(s);
                    memcpy(copy, s, n + 1);
                    sum += copy[n / 2];
                } else {
                    update(&state);
                }
            }
            double t1 = cpu_ns();
            sink += sum + state.frame;
            if (b >= 0) v[b] = (t1 - t0) / calls;
        }
        print_stats(f == 0 ? "foo" : f == 1 ? "greeting" : "update", v, batches, f == 2);
    }
    printf("  },\n");
    free(v);
    dlclose(lib);
}

/* Copies `from` to a new file `to` with copy_file_range, as Files.copy and cp do on Linux. */
static void copy_file(const char *from, const char *to) {
    int in = open(from, O_RDONLY);
    struct stat st;
    if (in < 0 || fstat(in, &st) != 0) { perror(from); exit(1); }
    int out = open(to, O_CREAT | O_EXCL | O_WRONLY, 0700);
    if (out < 0) { perror(to); exit(1); }
    for (off_t left = st.st_size; left > 0;) {
        ssize_t n = copy_file_range(in, NULL, out, NULL, (size_t)left, 0);
        if (n <= 0) { perror(to); exit(1); }
        left -= n;
    }
    if (close(out) != 0 || close(in) != 0) { perror(to); exit(1); }
}

/* µs per phase of the reload cycle, one sample per cycle, each cycle with a fresh file name. */
static void reload_cycle(const char *name, const char *lib_path, const char *tmp, int cycles, int warmups) {
    static const char *symbols[] = {"abi_version", "foo", "bar", "greeting", "update"};
    double *phase[4];
    for (int p = 0; p < 4; p++) phase[p] = malloc(sizeof(double) * cycles);
    char path[4096];
    for (int c = -warmups; c < cycles; c++) {
        snprintf(path, sizeof path, "%s/native-%s-%d-%d.so", tmp, name, (int)getpid(), c + warmups);
        double t0 = now_ns();
        copy_file(lib_path, path);
        double t1 = now_ns();
        void *lib = dlopen(path, RTLD_NOW | RTLD_LOCAL);
        if (!lib) { fprintf(stderr, "%s\n", dlerror()); exit(1); }
        for (int s = 0; s < 5; s++) sink += (int64_t)(intptr_t)dlsym(lib, symbols[s]);
        sink += ((int_fn)must_sym(lib, "abi_version"))();
        double t2 = now_ns();
        if (dlclose(lib) != 0) { fprintf(stderr, "%s\n", dlerror()); exit(1); }
        double t3 = now_ns();
        unlink(path);
        double t4 = now_ns();
        if (c >= 0) {
            phase[0][c] = (t1 - t0) / 1e3;
            phase[1][c] = (t2 - t1) / 1e3;
            phase[2][c] = (t3 - t2) / 1e3;
            phase[3][c] = (t4 - t0) / 1e3;
        }
    }
    printf("    \"%s\": {\n", name);
    print_stats("copy", phase[0], cycles, 0);
    print_stats("loadBind", phase[1], cycles, 0);
    print_stats("unload", phase[2], cycles, 0);
    print_stats("cycle", phase[3], cycles, 1);
    printf("    },\n");
    for (int p = 0; p < 4; p++) free(phase[p]);
}

/* µs per `cp FROM TMP/cp-N.so`: the program started, run and waited for, as a shell would; then unlinked. */
static void cp_times(const char *from, const char *tmp, int runs) {
    extern char **environ;
    double *v = malloc(sizeof(double) * runs);
    char path[4096];
    for (int r = -2; r < runs; r++) {
        snprintf(path, sizeof path, "%s/cp-%d-%d.so", tmp, (int)getpid(), r + 2);
        char *argv[] = {"cp", (char *)from, path, NULL};
        pid_t pid;
        int status;
        double t0 = now_ns();
        if (posix_spawnp(&pid, "cp", NULL, NULL, argv, environ) != 0 || waitpid(pid, &status, 0) != pid
            || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
            fprintf(stderr, "cp %s %s failed\n", from, path);
            exit(1);
        }
        double t1 = now_ns();
        unlink(path);
        if (r >= 0) v[r] = (t1 - t0) / 1e3;
    }
    print_stats("cp", v, runs, 1);
    free(v);
}

int main(int argc, char **argv) {
    if (argc < 5) {
        fprintf(stderr, "usage: %s LIB_C LIB_RUST LIB_BIG TMPDIR [scale]\n", argv[0]);
        return 2;
    }
    const char *tmp = argv[4];
    int scale = argc > 5 ? atoi(argv[5]) : 1;
    if (scale < 1) scale = 1;
    printf("{\n  \"unit\": {\"calls\": \"ns/call\", \"reload\": \"us\"},\n");
    call_costs(argv[1], 25 * scale);
    printf("  \"reload\": {\n");
    reload_cycle("c", argv[1], tmp, 300 * scale, 20);
    reload_cycle("rust", argv[2], tmp, 300 * scale, 20);
    reload_cycle("big", argv[3], tmp, 15 * scale, 2);
    printf("    \"bigCp\": {\n");
    cp_times(argv[3], tmp, 15 * scale);
    printf("    }\n  }\n}\n");
    return 0;
}
