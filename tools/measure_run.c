// Benchmark helper for tools/bench-*: runs a command and reports its wall time, CPU time and peak RSS.
// /usr/bin/time prints centiseconds, too coarse for runs of a few milliseconds; this prints microseconds.
// The peak RSS is wait4's ru_maxrss, the number /usr/bin/time -v calls "Maximum resident set size".
// Usage: measure_run REPORT_FILE COMMAND [ARG...]
//   writes "wall_seconds cpu_seconds peak_rss_kib" (cpu = user + sys) to REPORT_FILE and exits with the
//   command's exit status; the command's stdout and stderr pass through.
#define _GNU_SOURCE
#include <stdio.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double seconds(struct timeval t) { return (double)t.tv_sec + (double)t.tv_usec * 1e-6; }

int main(int argc, char** argv) {
  if (argc < 3) {
    fputs("usage: measure_run REPORT_FILE COMMAND [ARG...]\n", stderr);
    return 2;
  }
  struct timespec start, end;
  clock_gettime(CLOCK_MONOTONIC, &start);
  pid_t child = fork();
  if (child == 0) {
    execvp(argv[2], argv + 2);
    perror(argv[2]);
    _exit(127);
  }
  int status = 0;
  struct rusage usage;
  if (child < 0 || wait4(child, &status, 0, &usage) < 0) {
    perror("measure_run");
    return 2;
  }
  clock_gettime(CLOCK_MONOTONIC, &end);
  FILE* report = fopen(argv[1], "w");
  if (!report) {
    perror(argv[1]);
    return 2;
  }
  double wall = (double)(end.tv_sec - start.tv_sec) + (double)(end.tv_nsec - start.tv_nsec) * 1e-9;
  fprintf(report, "%.6f %.6f %ld\n", wall, seconds(usage.ru_utime) + seconds(usage.ru_stime), usage.ru_maxrss);
  fclose(report);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
