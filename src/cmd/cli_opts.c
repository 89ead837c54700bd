// SPDX-License-Identifier: GPL-2.0
/*
 * The options several commands take, defined once: the same name, letter,
 * argument and meaning wherever they appear (each command lists the ones it
 * takes in its own table).
 */
#include "analysis/analyze.h"
#include "cmd/cli.h"

const struct cli_opt cli_opt_help = {
	"help", 'h', CLI_NO_ARG, NULL, "print this help and exit", CLI_HELP, 0 };
const struct cli_opt cli_opt_version = {
	"version", 'V', CLI_NO_ARG, NULL, "print the version and exit", CLI_VERSION, 0 };
const struct cli_opt cli_opt_every = {
	"every", 0, CLI_OPTIONAL_ARG, "N", "print the cumulative table each time the exit count "
	"reaches a multiple of N (default " CLI_XSTR(CLI_EVERY_DEFAULT) "), then a final one. N "
	"goes after '=' (--every=N): the next word is never taken as N", CLI_EVERY, 0 };
const struct cli_opt cli_opt_pid = {
	"pid", 'p', CLI_ARG, "PID", "only the VM whose host process is PID (in a trace without "
	"thread group ids: the thread PID)", CLI_PID, 0 };
const struct cli_opt cli_opt_vcpu = {
	"vcpu", 0, CLI_ARG, "N", "only vCPU N", CLI_VCPU, 0 };
const struct cli_opt cli_opt_format = {
	"format", 'f', CLI_ARG, "table|json|csv", "output format (default table)", CLI_FORMAT, 0 };
const struct cli_opt cli_opt_sort = {
	"sort", 's', CLI_ARG, "count|time|code", "row order (default count; rate orders as count)",
	CLI_SORT, 0 };
const struct cli_opt cli_opt_top = {
	"top", 't', CLI_ARG, "K", "show the K first rows, the rest summed as 'other' (0: all)", CLI_TOP, 0 };
const struct cli_opt cli_opt_per_vm = {
	"per-vm", 0, CLI_NO_ARG, NULL, "also break the totals down per VM and vCPU", CLI_PER_VM, 0 };
const struct cli_opt cli_opt_skip_bad = {
	"skip-bad", 0, CLI_NO_ARG, NULL, "count malformed lines and go on (they are listed on "
	"stderr)", CLI_SKIP_BAD, 0 };
const struct cli_opt cli_opt_partial_ok = {
	"partial-ok", 0, CLI_NO_ARG, NULL, "exit 0 on an incomplete input (lines skipped, records "
	"cut, events lost, a damaged recording, reading stopped early) when something was read; "
	"without it such a read exits 1. Either way the output and stderr say what is missing "
	"and where", CLI_PARTIAL_OK, 0 };
const struct cli_opt cli_opt_isa = {
	"isa", 0, CLI_ARG, "vmx|svm", "the ISA of bare reason numbers, when the trace does not "
	"show it", CLI_ISA, 0 };
const struct cli_opt cli_opt_output = {
	"output", 'o', CLI_ARG, "FILE", "write the report(s) to FILE instead of stdout",
	CLI_OUTPUT, 0 };
const struct cli_opt cli_opt_duration = {
	"duration", 'D', CLI_ARG, "SECONDS", "stop after SECONDS", CLI_DURATION, 0 };
const struct cli_opt cli_opt_ringbuf = {
	"ringbuf", 0, CLI_ARG, "MIB", "the ring buffer size in MiB, a power of two (1 to 4096); "
	"events it has no room for are counted and reported as lost", CLI_RINGBUF, 0 };
/* How live collection attaches (live, serve): collect_apply takes them. */
const struct cli_opt cli_opt_backend = {
	"backend", 0, CLI_ARG, "auto|bpf|perf", "BPF aggregates in the kernel (default); perf "
	"samples the tracepoints with perf_event_open (the fallback)", CLI_BACKEND, 0 };
const struct cli_opt cli_opt_no_time = {
	"no-time", 0, CLI_NO_ARG, NULL, "count only: no kvm:kvm_entry, no time in exit (the "
	"cheapest)", CLI_NO_TIME, 0 };
const struct cli_opt cli_opt_bpf_attach = {
	"bpf-attach", 0, CLI_ARG, "tp_btf|tracepoint", "BPF: how to attach to kvm_exit (default: "
	"tp_btf where the vendor module's BTF allows, else tracepoint)", CLI_BPF_ATTACH, 0 };
const struct cli_opt cli_opt_detail = {
	"detail", 0, CLI_ARG, "io,msr,cr,npf,vector|all", "also break the exits down by what "
	"each was about (I/O port, MSR, control register, guest-physical page, exception "
	"vector), decoded from its exit information as `exitstat explain` does (live with "
	"--backend perf: no MSR index)", CLI_DETAIL, 0 };
const struct cli_opt cli_opt_hotspots = {
	"hotspots", 0, CLI_OPTIONAL_ARG, "N", "the guest code that caused the exits: per reason "
	"the N guest RIPs with the most exits (default " CLI_XSTR(CLI_HOTSPOTS_DEFAULT) "; 0: "
	"all), the rest in an \"other\" row, and the reason's exits in guest kernel and user "
	"code (by the RIP's half of the address space); in every format (explain: instead of "
	"the details). N goes after '=' (--hotspots=N)", CLI_HOTSPOTS, 0 };
const struct cli_opt cli_opt_guest_symbols = {
	"guest-symbols", 0, CLI_ARG, "FILE", "with --hotspots: name each RIP symbol+0xOFF from the "
	"guest's System.map or a copy of its /proc/kallsyms", CLI_GUEST_SYMBOLS, 0 };
const struct cli_opt cli_opt_ready_file = {
	"ready-file", 0, CLI_ARG, "PATH", "once attached (before a CMD starts), write \"ready "
	"PID\" to PATH (a file, or a FIFO: blocks until it is read)", CLI_READY_FILE, 0 };
const struct cli_opt cli_opt_verbose = {
	"verbose", 'v', CLI_NO_ARG, NULL, "libbpf's messages; at the end, what the BPF backend "
	"recycled: the rows of ended vCPU threads, the hash keys of ended processes",
	CLI_VERBOSE, 0 };

/* The timeline analysis (report --analyze and plot); method: docs/analysis.md. */
const struct cli_opt cli_opt_window = {
	"window", 'w', CLI_ARG, "SECONDS", "timeline window (default: automatic, 1 ms doubled "
	"until the trace has at most " CLI_XSTR(ANALYZE_AUTO_MAX_WINDOWS) " windows)",
	CLI_WINDOW, 0 };
const struct cli_opt cli_opt_burst_factor = {
	"burst-factor", 0, CLI_ARG, "K", "a burst: a rate at least K times the typical rate "
	"(default 3)", CLI_BURST_FACTOR, 0 };
const struct cli_opt cli_opt_burst_min = {
	"burst-min-windows", 0, CLI_ARG, "M", "... for at least M windows (default 1)",
	CLI_BURST_MIN, 0 };
const struct cli_opt cli_opt_idle_factor = {
	"idle-factor", 0, CLI_ARG, "F", "idle: a rate below the typical rate / F (default 10)",
	CLI_IDLE_FACTOR, 0 };
const struct cli_opt cli_opt_rate_ratio = {
	"rate-ratio", 0, CLI_ARG, "R", "neighbouring phases within a rate ratio R may merge "
	"(default 2)", CLI_RATE_RATIO, 0 };
const struct cli_opt cli_opt_mix_distance = {
	"mix-distance", 0, CLI_ARG, "D", "... if their reason mixes are within D (default 0.3)",
	CLI_MIX_DISTANCE, 0 };
const struct cli_opt cli_opt_analyze = {
	"analyze", 0, CLI_NO_ARG, NULL, "the timeline, phases and bursts instead of the table "
	"(exitstat report --analyze --help tells its options)", CLI_ANALYZE, 0 };
const struct cli_opt cli_opt_format_no_csv = {
	"format", 'f', CLI_ARG, "table|json", "output format (default table)", CLI_FORMAT, 0 };
