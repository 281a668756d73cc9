// jemalloc's options, read by jemalloc itself before main runs (it looks for this symbol;
// MALLOC_CONF in the environment still overrides). One arena per CPU, each thread using the
// arena of the CPU it runs on: jemalloc's default of four per CPU held about 2 MiB more with
// 10,000 idle connections and gave no more speed on two cores (issue 18, bench/README.md).
extern "C" {
// NOLINTNEXTLINE: the name and type are jemalloc's.
const char* malloc_conf = "percpu_arena:percpu";
}
