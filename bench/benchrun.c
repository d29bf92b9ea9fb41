/*
 * benchrun.c - run shell commands several times, interleaved, and print the
 * median and minimum wall time, the peak resident set size and the median
 * CPU time (user + system) of each.
 *
 *   benchrun [-n RUNS] LABEL=COMMAND...
 *
 * Interleaving (A B C A B C ...) spreads machine noise over all commands
 * alike, so ratios between them are meaningful even on a busy host. Peak RSS
 * comes from wait4(), which covers the shell and the command it runs.
 * CPU time tells a command that waits from one that keeps every core busy:
 * on N cores no run can take less than its CPU time / N. Output, one line
 * per command: "LABEL median_s min_s max_rss_kb median_cpu_s".
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_CMDS 16
#define MAX_RUNS 99

/* Insertion sort: a handful of timings (the project lints raw qsort away). */
static void sort_doubles(double *v, int n)
{
    int i, j;
    for (i = 1; i < n; i++) {
        double x = v[i];
        for (j = i; j > 0 && v[j - 1] > x; j--)
            v[j] = v[j - 1];
        v[j] = x;
    }
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double seconds(const struct timeval *tv)
{
    return (double)tv->tv_sec + (double)tv->tv_usec / 1e6;
}

/* Run one command; returns wall seconds, stores peak RSS (KB) and CPU
 * seconds (user + system), -1 on failure. */
static double run_once(const char *cmd, long *rss, double *cpu)
{
    struct rusage ru;
    int status;
    double t0 = now();
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
        _exit(127);
    }
    if (wait4(pid, &status, 0, &ru) < 0)
        return -1;
    *rss = ru.ru_maxrss;
    *cpu = seconds(&ru.ru_utime) + seconds(&ru.ru_stime);
    if (!WIFEXITED(status) || (WEXITSTATUS(status) != 0 && WEXITSTATUS(status) != 1)) {
        fprintf(stderr, "benchrun: command failed (status %d): %s\n", status, cmd);
        return -1;
    }
    return now() - t0;
}

int main(int argc, char **argv)
{
    const char *label[MAX_CMDS], *cmd[MAX_CMDS];
    double times[MAX_CMDS][MAX_RUNS], cpus[MAX_CMDS][MAX_RUNS];
    long peak[MAX_CMDS] = {0};
    int runs = 5, ncmd = 0, i, r;

    for (i = 1; i < argc; i++) {
        char *eq;
        if (strcmp(argv[i], "-n") == 0 && i + 1 < argc) {
            runs = (int)strtol(argv[++i], NULL, 10);
            continue;
        }
        eq = strchr(argv[i], '=');
        if (!eq || ncmd == MAX_CMDS) {
            fprintf(stderr, "usage: benchrun [-n RUNS] LABEL=COMMAND...\n");
            return 2;
        }
        *eq = '\0';
        label[ncmd] = argv[i];
        cmd[ncmd++] = eq + 1;
    }
    if (runs < 1 || runs > MAX_RUNS || ncmd == 0) {
        fprintf(stderr, "usage: benchrun [-n RUNS] LABEL=COMMAND...\n");
        return 2;
    }
    for (r = 0; r < runs; r++) {
        for (i = 0; i < ncmd; i++) {
            long rss = 0;
            times[i][r] = run_once(cmd[i], &rss, &cpus[i][r]);
            if (times[i][r] < 0)
                return 1;
            if (rss > peak[i])
                peak[i] = rss;
        }
    }
    for (i = 0; i < ncmd; i++) {
        sort_doubles(times[i], runs);
        sort_doubles(cpus[i], runs);
        printf("%s %.3f %.3f %ld %.3f\n", label[i], times[i][runs / 2], times[i][0], peak[i],
               cpus[i][runs / 2]);
    }
    return 0;
}
