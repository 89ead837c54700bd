// SPDX-License-Identifier: GPL-2.0
/*
 * The exit-reason catalogue. Rows are data: one per reason, in code order.
 *
 * VMX: basic exit reasons 0-85, Intel SDM Vol. 3, Appendix C (reserved
 * numbers kept as rows marked REASON_RESERVED so every number has a row).
 * SVM: exit codes, AMD APM Vol. 2, Appendix C (0x000-0x0a6, 0x400-0x403 and
 * VMEXIT_INVALID_PMC, _IDLE_REQUIRED, _BUSY, _INVALID, -4 to -1), and the
 * SEV-ES/SNP VMGEXIT sub-codes from the GHCB specification, marked
 * REASON_VMGEXIT (they travel inside exit 0x403, no exit has them as code).
 *
 * `name` is what Linux's kvm_exit tracepoint prints (REASON_KERNEL_NAMED);
 * for numbers Linux does not name we use a name in the same style. `aliases`
 * holds the names other kernels and tools print: older kernels (reason 7 was
 * PENDING_INTERRUPT), libtraceevent's kvm plugin (EXIT_IOIO: the aliases are
 * the APM/kernel macro suffixes, and reason_find strips the EXIT_ prefix).
 */
#include <string.h>
#include <strings.h>
#include <stdio.h>

#include "core/reasons.h"

static const struct exit_reason vmx_reasons[] = {
	{ ISA_VMX, 0, "EXCEPTION_NMI", "",
	  "Exception or NMI: a guest exception the hypervisor intercepts (e.g. #PF, #UD, #GP) or a non-maskable interrupt", REASON_KERNEL_NAMED },
	{ ISA_VMX, 1, "EXTERNAL_INTERRUPT", "",
	  "External interrupt: a host interrupt arrived while the guest ran", REASON_KERNEL_NAMED },
	{ ISA_VMX, 2, "TRIPLE_FAULT", "",
	  "Triple fault: the guest hit an exception while delivering a double fault (guest reset)", REASON_KERNEL_NAMED },
	{ ISA_VMX, 3, "INIT_SIGNAL", "",
	  "INIT signal arrived (CPU reset request, e.g. from another vCPU)", REASON_KERNEL_NAMED },
	{ ISA_VMX, 4, "SIPI_SIGNAL", "SIPI",
	  "Start-up IPI arrived while the vCPU waited for SIPI", REASON_KERNEL_NAMED },
	{ ISA_VMX, 5, "IO_SMI", "",
	  "I/O system-management interrupt right after an I/O instruction", 0 },
	{ ISA_VMX, 6, "OTHER_SMI", "SMI",
	  "Other system-management interrupt", 0 },
	{ ISA_VMX, 7, "INTERRUPT_WINDOW", "PENDING_INTERRUPT",
	  "Interrupt window: the guest became able to take an interrupt the hypervisor wants to inject", REASON_KERNEL_NAMED },
	{ ISA_VMX, 8, "NMI_WINDOW", "",
	  "NMI window: the guest became able to take a pending NMI", REASON_KERNEL_NAMED },
	{ ISA_VMX, 9, "TASK_SWITCH", "",
	  "Task switch (hardware task switching)", REASON_KERNEL_NAMED },
	{ ISA_VMX, 10, "CPUID", "",
	  "CPUID instruction (always intercepted)", REASON_KERNEL_NAMED },
	{ ISA_VMX, 11, "GETSEC", "",
	  "GETSEC instruction (Intel TXT)", 0 },
	{ ISA_VMX, 12, "HLT", "",
	  "HLT instruction: the guest went idle", REASON_KERNEL_NAMED },
	{ ISA_VMX, 13, "INVD", "",
	  "INVD instruction (invalidate caches)", REASON_KERNEL_NAMED },
	{ ISA_VMX, 14, "INVLPG", "",
	  "INVLPG instruction (TLB entry flush)", REASON_KERNEL_NAMED },
	{ ISA_VMX, 15, "RDPMC", "",
	  "RDPMC instruction (read performance counter)", REASON_KERNEL_NAMED },
	{ ISA_VMX, 16, "RDTSC", "",
	  "RDTSC instruction (read time-stamp counter)", REASON_KERNEL_NAMED },
	{ ISA_VMX, 17, "RSM", "",
	  "RSM instruction in SMM", 0 },
	{ ISA_VMX, 18, "VMCALL", "",
	  "VMCALL instruction: a hypercall", REASON_KERNEL_NAMED },
	{ ISA_VMX, 19, "VMCLEAR", "",
	  "VMCLEAR instruction (nested VMX)", REASON_KERNEL_NAMED },
	{ ISA_VMX, 20, "VMLAUNCH", "",
	  "VMLAUNCH instruction (nested VMX)", REASON_KERNEL_NAMED },
	{ ISA_VMX, 21, "VMPTRLD", "",
	  "VMPTRLD instruction (nested VMX)", REASON_KERNEL_NAMED },
	{ ISA_VMX, 22, "VMPTRST", "",
	  "VMPTRST instruction (nested VMX)", REASON_KERNEL_NAMED },
	{ ISA_VMX, 23, "VMREAD", "",
	  "VMREAD instruction (nested VMX)", REASON_KERNEL_NAMED },
	{ ISA_VMX, 24, "VMRESUME", "",
	  "VMRESUME instruction (nested VMX)", REASON_KERNEL_NAMED },
	{ ISA_VMX, 25, "VMWRITE", "",
	  "VMWRITE instruction (nested VMX)", REASON_KERNEL_NAMED },
	{ ISA_VMX, 26, "VMOFF", "VMXOFF",
	  "VMXOFF instruction (nested VMX)", REASON_KERNEL_NAMED },
	{ ISA_VMX, 27, "VMON", "VMXON",
	  "VMXON instruction (nested VMX)", REASON_KERNEL_NAMED },
	{ ISA_VMX, 28, "CR_ACCESS", "",
	  "Control-register access (MOV to/from CR0, CR3, CR4, CR8, CLTS, LMSW)", REASON_KERNEL_NAMED },
	{ ISA_VMX, 29, "DR_ACCESS", "",
	  "MOV to/from a debug register", REASON_KERNEL_NAMED },
	{ ISA_VMX, 30, "IO_INSTRUCTION", "",
	  "I/O instruction (IN, OUT, INS, OUTS): port I/O to an emulated device", REASON_KERNEL_NAMED },
	{ ISA_VMX, 31, "MSR_READ", "RDMSR",
	  "RDMSR instruction of an intercepted MSR", REASON_KERNEL_NAMED },
	{ ISA_VMX, 32, "MSR_WRITE", "WRMSR",
	  "WRMSR instruction of an intercepted MSR", REASON_KERNEL_NAMED },
	{ ISA_VMX, 33, "INVALID_STATE", "",
	  "VM-entry failure due to invalid guest state", REASON_KERNEL_NAMED },
	{ ISA_VMX, 34, "MSR_LOAD_FAIL", "",
	  "VM-entry failure due to MSR loading", REASON_KERNEL_NAMED },
	{ ISA_VMX, 35, "RESERVED_35", "",
	  "reserved", REASON_RESERVED },
	{ ISA_VMX, 36, "MWAIT_INSTRUCTION", "MWAIT",
	  "MWAIT instruction", REASON_KERNEL_NAMED },
	{ ISA_VMX, 37, "MONITOR_TRAP_FLAG", "MTF",
	  "Monitor trap flag: single-step after one guest instruction", REASON_KERNEL_NAMED },
	{ ISA_VMX, 38, "RESERVED_38", "",
	  "reserved", REASON_RESERVED },
	{ ISA_VMX, 39, "MONITOR_INSTRUCTION", "MONITOR",
	  "MONITOR instruction", REASON_KERNEL_NAMED },
	{ ISA_VMX, 40, "PAUSE_INSTRUCTION", "PAUSE",
	  "PAUSE instruction or PAUSE-loop exiting (spinning guest)", REASON_KERNEL_NAMED },
	{ ISA_VMX, 41, "MCE_DURING_VMENTRY", "",
	  "VM-entry failure due to a machine-check event", REASON_KERNEL_NAMED },
	{ ISA_VMX, 42, "RESERVED_42", "",
	  "reserved", REASON_RESERVED },
	{ ISA_VMX, 43, "TPR_BELOW_THRESHOLD", "",
	  "TPR below threshold: the guest lowered its task priority below the set value", REASON_KERNEL_NAMED },
	{ ISA_VMX, 44, "APIC_ACCESS", "",
	  "APIC access: guest access to the APIC page that needs emulation", REASON_KERNEL_NAMED },
	{ ISA_VMX, 45, "EOI_INDUCED", "VIRTUALIZED_EOI",
	  "Virtualized EOI: guest end-of-interrupt for a vector the hypervisor tracks", REASON_KERNEL_NAMED },
	{ ISA_VMX, 46, "GDTR_IDTR", "",
	  "Access to GDTR or IDTR (LGDT, LIDT, SGDT, SIDT)", REASON_KERNEL_NAMED },
	{ ISA_VMX, 47, "LDTR_TR", "",
	  "Access to LDTR or TR (LLDT, LTR, SLDT, STR)", REASON_KERNEL_NAMED },
	{ ISA_VMX, 48, "EPT_VIOLATION", "",
	  "EPT violation: guest access to guest-physical memory not (yet) mapped or not permitted", REASON_KERNEL_NAMED },
	{ ISA_VMX, 49, "EPT_MISCONFIG", "",
	  "EPT misconfiguration: KVM uses it to mark emulated MMIO", REASON_KERNEL_NAMED },
	{ ISA_VMX, 50, "INVEPT", "",
	  "INVEPT instruction (nested VMX)", REASON_KERNEL_NAMED },
	{ ISA_VMX, 51, "RDTSCP", "",
	  "RDTSCP instruction", REASON_KERNEL_NAMED },
	{ ISA_VMX, 52, "PREEMPTION_TIMER", "",
	  "VMX-preemption timer expired (KVM uses it for guest timers)", REASON_KERNEL_NAMED },
	{ ISA_VMX, 53, "INVVPID", "",
	  "INVVPID instruction (nested VMX)", REASON_KERNEL_NAMED },
	{ ISA_VMX, 54, "WBINVD", "WBNOINVD",
	  "WBINVD or WBNOINVD instruction", REASON_KERNEL_NAMED },
	{ ISA_VMX, 55, "XSETBV", "",
	  "XSETBV instruction (set extended control register)", REASON_KERNEL_NAMED },
	{ ISA_VMX, 56, "APIC_WRITE", "",
	  "APIC write: guest write to a virtual-APIC register that needs emulation", REASON_KERNEL_NAMED },
	{ ISA_VMX, 57, "RDRAND", "",
	  "RDRAND instruction", REASON_KERNEL_NAMED },
	{ ISA_VMX, 58, "INVPCID", "",
	  "INVPCID instruction", REASON_KERNEL_NAMED },
	{ ISA_VMX, 59, "VMFUNC", "",
	  "VMFUNC instruction (VM function the CPU cannot do itself)", REASON_KERNEL_NAMED },
	{ ISA_VMX, 60, "ENCLS", "",
	  "ENCLS instruction (SGX)", REASON_KERNEL_NAMED },
	{ ISA_VMX, 61, "RDSEED", "",
	  "RDSEED instruction", REASON_KERNEL_NAMED },
	{ ISA_VMX, 62, "PML_FULL", "",
	  "Page-modification log full (dirty-page logging buffer)", REASON_KERNEL_NAMED },
	{ ISA_VMX, 63, "XSAVES", "",
	  "XSAVES instruction", REASON_KERNEL_NAMED },
	{ ISA_VMX, 64, "XRSTORS", "",
	  "XRSTORS instruction", REASON_KERNEL_NAMED },
	{ ISA_VMX, 65, "PCONFIG", "",
	  "PCONFIG instruction", 0 },
	{ ISA_VMX, 66, "SPP", "SPP_EVENT",
	  "Sub-page permission (SPP) related event", 0 },
	{ ISA_VMX, 67, "UMWAIT", "",
	  "UMWAIT instruction", REASON_KERNEL_NAMED },
	{ ISA_VMX, 68, "TPAUSE", "",
	  "TPAUSE instruction", REASON_KERNEL_NAMED },
	{ ISA_VMX, 69, "LOADIWKEY", "",
	  "LOADIWKEY instruction (Key Locker)", 0 },
	{ ISA_VMX, 70, "ENCLV", "",
	  "ENCLV instruction (SGX)", 0 },
	{ ISA_VMX, 71, "RESERVED_71", "",
	  "reserved", REASON_RESERVED },
	{ ISA_VMX, 72, "ENQCMD_PASID_FAIL", "",
	  "ENQCMD PASID translation failure", 0 },
	{ ISA_VMX, 73, "ENQCMDS_PASID_FAIL", "",
	  "ENQCMDS PASID translation failure", 0 },
	{ ISA_VMX, 74, "BUS_LOCK", "",
	  "Bus lock: the guest did a split-lock or uncached locked access", REASON_KERNEL_NAMED },
	{ ISA_VMX, 75, "NOTIFY", "INSTRUCTION_TIMEOUT",
	  "Instruction timeout: the guest did not leave a window for a notify-window time", REASON_KERNEL_NAMED },
	{ ISA_VMX, 76, "SEAMCALL", "",
	  "SEAMCALL instruction (TDX)", 0 },
	{ ISA_VMX, 77, "TDCALL", "",
	  "TDCALL instruction (TDX guest call)", REASON_KERNEL_NAMED },
	{ ISA_VMX, 78, "RDMSRLIST", "",
	  "RDMSRLIST instruction", 0 },
	{ ISA_VMX, 79, "WRMSRLIST", "",
	  "WRMSRLIST instruction", 0 },
	{ ISA_VMX, 80, "URDMSR", "",
	  "URDMSR instruction (user-mode MSR read)", 0 },
	{ ISA_VMX, 81, "UWRMSR", "",
	  "UWRMSR instruction (user-mode MSR write)", 0 },
	{ ISA_VMX, 82, "RESERVED_82", "",
	  "reserved", REASON_RESERVED },
	{ ISA_VMX, 83, "RESERVED_83", "",
	  "reserved", REASON_RESERVED },
	{ ISA_VMX, 84, "MSR_READ_IMM", "RDMSR_IMM",
	  "RDMSR with an immediate MSR index", REASON_KERNEL_NAMED },
	{ ISA_VMX, 85, "MSR_WRITE_IMM", "WRMSR_IMM",
	  "WRMSRNS with an immediate MSR index", REASON_KERNEL_NAMED },
};

static const struct exit_reason svm_reasons[] = {
	{ ISA_SVM, 0x000, "read_cr0", "READ_CR0",
	  "Read of CR0 (MOV from CR0)", REASON_KERNEL_NAMED },
	{ ISA_SVM, 0x001, "read_cr1", "READ_CR1",
	  "Read of CR1 (MOV from CR1)", 0 },
	{ ISA_SVM, 0x002, "read_cr2", "READ_CR2",
	  "Read of CR2 (MOV from CR2)", REASON_KERNEL_NAMED },
	{ ISA_SVM, 0x003, "read_cr3", "READ_CR3",
	  "Read of CR3 (MOV from CR3)", REASON_KERNEL_NAMED },
	{ ISA_SVM, 0x004, "read_cr4", "READ_CR4",
	  "Read of CR4 (MOV from CR4)", REASON_KERNEL_NAMED },
	{ ISA_SVM, 0x005, "read_cr5", "READ_CR5",
	  "Read of CR5 (MOV from CR5)", 0 },
	{ ISA_SVM, 0x006, "read_cr6", "READ_CR6",
	  "Read of CR6 (MOV from CR6)", 0 },
	{ ISA_SVM, 0x007, "read_cr7", "READ_CR7",
	  "Read of CR7 (MOV from CR7)", 0 },
	{ ISA_SVM, 0x008, "read_cr8", "READ_CR8",
	  "Read of CR8 (MOV from CR8)", REASON_KERNEL_NAMED },
	{ ISA_SVM, 0x009, "read_cr9", "READ_CR9",
	  "Read of CR9 (MOV from CR9)", 0 },
	{ ISA_SVM, 0x00a, "read_cr10", "READ_CR10",
	  "Read of CR10 (MOV from CR10)", 0 },
	{ ISA_SVM, 0x00b, "read_cr11", "READ_CR11",
	  "Read of CR11 (MOV from CR11)", 0 },
	{ ISA_SVM, 0x00c, "read_cr12", "READ_CR12",
	  "Read of CR12 (MOV from CR12)", 0 },
	{ ISA_SVM, 0x00d, "read_cr13", "READ_CR13",
	  "Read of CR13 (MOV from CR13)", 0 },
	{ ISA_SVM, 0x00e, "read_cr14", "READ_CR14",
	  "Read of CR14 (MOV from CR14)", 0 },
	{ ISA_SVM, 0x00f, "read_cr15", "READ_CR15",
	  "Read of CR15 (MOV from CR15)", 0 },
	{ ISA_SVM, 0x010, "write_cr0", "WRITE_CR0",
	  "Write of CR0 (MOV to CR0)", REASON_KERNEL_NAMED },
	{ ISA_SVM, 0x011, "write_cr1", "WRITE_CR1",
	  "Write of CR1 (MOV to CR1)", 0 },
	{ ISA_SVM, 0x012, "write_cr2", "WRITE_CR2",
	  "Write of CR2 (MOV to CR2)", REASON_KERNEL_NAMED },
	{ ISA_SVM, 0x013, "write_cr3", "WRITE_CR3",
	  "Write of CR3 (MOV to CR3)", REASON_KERNEL_NAMED },
	{ ISA_SVM, 0x014, "write_cr4", "WRITE_CR4",
	  "Write of CR4 (MOV to CR4)", REASON_KERNEL_NAMED },
	{ ISA_SVM, 0x015, "write_cr5", "WRITE_CR5",
	  "Write of CR5 (MOV to CR5)", 0 },
	{ ISA_SVM, 0x016, "write_cr6", "WRITE_CR6",
	  "Write of CR6 (MOV to CR6)", 0 },
	{ ISA_SVM, 0x017, "write_cr7", "WRITE_CR7",
	  "Write of CR7 (MOV to CR7)", 0 },
	{ ISA_SVM, 0x018, "write_cr8", "WRITE_CR8",
	  "Write of CR8 (MOV to CR8)", REASON_KERNEL_NAMED },
	{ ISA_SVM, 0x019, "write_cr9", "WRITE_CR9",
	  "Write of CR9 (MOV to CR9)", 0 },
	{ ISA_SVM, 0x01a, "write_cr10", "WRITE_CR10",
	  "Write of CR10 (MOV to CR10)", 0 },
	{ ISA_SVM, 0x01b, "write_cr11", "WRITE_CR11",
	  "Write of CR11 (MOV to CR11)", 0 },
	{ ISA_SVM, 0x01c, "write_cr12", "WRITE_CR12",
	  "Write of CR12 (MOV to CR12)", 0 },
	{ ISA_SVM, 0x01d, "write_cr13", "WRITE_CR13",
	  "Write of CR13 (MOV to CR13)", 0 },
	{ ISA_SVM, 0x01e, "write_cr14", "WRITE_CR14",
	  "Write of CR14 (MOV to CR14)", 0 },
	{ ISA_SVM, 0x01f, "write_cr15", "WRITE_CR15",
	  "Write of CR15 (MOV to CR15)", 0 },
	{ ISA_SVM, 0x020, "read_dr0", "READ_DR0",
	  "Read of DR0 (MOV from DR0)", REASON_KERNEL_NAMED },
	{ ISA_SVM, 0x021, "read_dr1", "READ_DR1",
	  "Read of DR1 (MOV from DR1)", REASON_KERNEL_NAMED },
	{ ISA_SVM, 0x022, "read_dr2", "READ_DR2",
	  "Read of DR2 (MOV from DR2)", REASON_KERNEL_NAMED },
	{ ISA_SVM, 0x023, "read_dr3", "READ_DR3",
	  "Read of DR3 (MOV from DR3)", REASON_KERNEL_NAMED },
	{ ISA_SVM, 0x024, "read_dr4", "READ_DR4",
	  "Read of DR4 (MOV from DR4)", REASON_KERNEL_NAMED },
	{ ISA_SVM, 0x025, "read_dr5", "READ_DR5",
	  "Read of DR5 (MOV from DR5)", REASON_KERNEL_NAMED },
	{ ISA_SVM, 0x026, "read_dr6", "READ_DR6",
	  "Read of DR6 (MOV from DR6)", REASON_KERNEL_NAMED },
	{ ISA_SVM, 0x027, "read_dr7", "READ_DR7",
	  "Read of DR7 (MOV from DR7)", REASON_KERNEL_NAMED },
	{ ISA_SVM, 0x028, "read_dr8", "READ_DR8",
	  "Read of DR8 (MOV from DR8)", 0 },
	{ ISA_SVM, 0x029, "read_dr9", "READ_DR9",
	  "Read of DR9 (MOV from DR9)", 0 },
	{ ISA_SVM, 0x02a, "read_dr10", "READ_DR10",
	  "Read of DR10 (MOV from DR10)", 0 },
	{ ISA_SVM, 0x02b, "read_dr11", "READ_DR11",
	  "Read of DR11 (MOV from DR11)", 0 },
	{ ISA_SVM, 0x02c, "read_dr12", "READ_DR12",
	  "Read of DR12 (MOV from DR12)", 0 },
	{ ISA_SVM, 0x02d, "read_dr13", "READ_DR13",
	  "Read of DR13 (MOV from DR13)", 0 },
	{ ISA_SVM, 0x02e, "read_dr14", "READ_DR14",
	  "Read of DR14 (MOV from DR14)", 0 },
	{ ISA_SVM, 0x02f, "read_dr15", "READ_DR15",
	  "Read of DR15 (MOV from DR15)", 0 },
	{ ISA_SVM, 0x030, "write_dr0", "WRITE_DR0",
	  "Write of DR0 (MOV to DR0)", REASON_KERNEL_NAMED },
	{ ISA_SVM, 0x031, "write_dr1", "WRITE_DR1",
	  "Write of DR1 (MOV to DR1)", REASON_KERNEL_NAMED },
	{ ISA_SVM, 0x032, "write_dr2", "WRITE_DR2",
	  "Write of DR2 (MOV to DR2)", REASON_KERNEL_NAMED },
	{ ISA_SVM, 0x033, "write_dr3", "WRITE_DR3",
	  "Write of DR3 (MOV to DR3)", REASON_KERNEL_NAMED },
	{ ISA_SVM, 0x034, "write_dr4", "WRITE_DR4",
	  "Write of DR4 (MOV to DR4)", REASON_KERNEL_NAMED },
	{ ISA_SVM, 0x035, "write_dr5", "WRITE_DR5",
	  "Write of DR5 (MOV to DR5)", REASON_KERNEL_NAMED },
	{ ISA_SVM, 0x036, "write_dr6", "WRITE_DR6",
	  "Write of DR6 (MOV to DR6)", REASON_KERNEL_NAMED },
	{ ISA_SVM, 0x037, "write_dr7", "WRITE_DR7",
	  "Write of DR7 (MOV to DR7)", REASON_KERNEL_NAMED },
	{ ISA_SVM, 0x038, "write_dr8", "WRITE_DR8",
	  "Write of DR8 (MOV to DR8)", 0 },
	{ ISA_SVM, 0x039, "write_dr9", "WRITE_DR9",
	  "Write of DR9 (MOV to DR9)", 0 },
	{ ISA_SVM, 0x03a, "write_dr10", "WRITE_DR10",
	  "Write of DR10 (MOV to DR10)", 0 },
	{ ISA_SVM, 0x03b, "write_dr11", "WRITE_DR11",
	  "Write of DR11 (MOV to DR11)", 0 },
	{ ISA_SVM, 0x03c, "write_dr12", "WRITE_DR12",
	  "Write of DR12 (MOV to DR12)", 0 },
	{ ISA_SVM, 0x03d, "write_dr13", "WRITE_DR13",
	  "Write of DR13 (MOV to DR13)", 0 },
	{ ISA_SVM, 0x03e, "write_dr14", "WRITE_DR14",
	  "Write of DR14 (MOV to DR14)", 0 },
	{ ISA_SVM, 0x03f, "write_dr15", "WRITE_DR15",
	  "Write of DR15 (MOV to DR15)", 0 },
	{ ISA_SVM, 0x040, "DE excp", "EXCP_DE EXCP0",
	  "Exception vector 0 (#DE, divide error) intercepted", REASON_KERNEL_NAMED },
	{ ISA_SVM, 0x041, "DB excp", "EXCP_DB EXCP1",
	  "Exception vector 1 (#DB, debug) intercepted", REASON_KERNEL_NAMED },
	{ ISA_SVM, 0x042, "NMI excp", "EXCP_NMI EXCP2",
	  "Exception vector 2 (#NMI, non-maskable interrupt vector) intercepted", 0 },
	{ ISA_SVM, 0x043, "BP excp", "EXCP_BP EXCP3",
	  "Exception vector 3 (#BP, breakpoint (INT3)) intercepted", REASON_KERNEL_NAMED },
	{ ISA_SVM, 0x044, "OF excp", "EXCP_OF EXCP4",
	  "Exception vector 4 (#OF, overflow (INTO)) intercepted", REASON_KERNEL_NAMED },
	{ ISA_SVM, 0x045, "BR excp", "EXCP_BR EXCP5",
	  "Exception vector 5 (#BR, BOUND range exceeded) intercepted", REASON_KERNEL_NAMED },
	{ ISA_SVM, 0x046, "UD excp", "EXCP_UD EXCP6",
	  "Exception vector 6 (#UD, invalid opcode) intercepted", REASON_KERNEL_NAMED },
	{ ISA_SVM, 0x047, "NM excp", "EXCP_NM EXCP7",
	  "Exception vector 7 (#NM, device not available (FPU)) intercepted", REASON_KERNEL_NAMED },
	{ ISA_SVM, 0x048, "DF excp", "EXCP_DF EXCP8",
	  "Exception vector 8 (#DF, double fault) intercepted", REASON_KERNEL_NAMED },
	{ ISA_SVM, 0x049, "CSO excp", "EXCP_CSO EXCP9",
	  "Exception vector 9 (#CSO, coprocessor segment overrun) intercepted", 0 },
	{ ISA_SVM, 0x04a, "TS excp", "EXCP_TS EXCP10",
	  "Exception vector 10 (#TS, invalid TSS) intercepted", REASON_KERNEL_NAMED },
	{ ISA_SVM, 0x04b, "NP excp", "EXCP_NP EXCP11",
	  "Exception vector 11 (#NP, segment not present) intercepted", REASON_KERNEL_NAMED },
	{ ISA_SVM, 0x04c, "SS excp", "EXCP_SS EXCP12",
	  "Exception vector 12 (#SS, stack fault) intercepted", REASON_KERNEL_NAMED },
	{ ISA_SVM, 0x04d, "GP excp", "EXCP_GP EXCP13",
	  "Exception vector 13 (#GP, general protection) intercepted", REASON_KERNEL_NAMED },
	{ ISA_SVM, 0x04e, "PF excp", "EXCP_PF EXCP14",
	  "Exception vector 14 (#PF, page fault) intercepted", REASON_KERNEL_NAMED },
	{ ISA_SVM, 0x04f, "excp15", "EXCP15",
	  "Exception vector 15 (reserved vector 15) intercepted", 0 },
	{ ISA_SVM, 0x050, "MF excp", "EXCP_MF EXCP16",
	  "Exception vector 16 (#MF, x87 floating-point error) intercepted", REASON_KERNEL_NAMED },
	{ ISA_SVM, 0x051, "AC excp", "EXCP_AC EXCP17",
	  "Exception vector 17 (#AC, alignment check) intercepted", REASON_KERNEL_NAMED },
	{ ISA_SVM, 0x052, "MC excp", "EXCP_MC EXCP18",
	  "Exception vector 18 (#MC, machine check) intercepted", REASON_KERNEL_NAMED },
	{ ISA_SVM, 0x053, "XF excp", "EXCP_XF EXCP19",
	  "Exception vector 19 (#XF, SIMD floating-point error) intercepted", REASON_KERNEL_NAMED },
	{ ISA_SVM, 0x054, "VE excp", "EXCP_VE EXCP20",
	  "Exception vector 20 (#VE, virtualization exception) intercepted", 0 },
	{ ISA_SVM, 0x055, "CP excp", "EXCP_CP EXCP21",
	  "Exception vector 21 (#CP, control protection) intercepted", 0 },
	{ ISA_SVM, 0x056, "excp22", "EXCP22",
	  "Exception vector 22 (reserved vector 22) intercepted", 0 },
	{ ISA_SVM, 0x057, "excp23", "EXCP23",
	  "Exception vector 23 (reserved vector 23) intercepted", 0 },
	{ ISA_SVM, 0x058, "excp24", "EXCP24",
	  "Exception vector 24 (reserved vector 24) intercepted", 0 },
	{ ISA_SVM, 0x059, "excp25", "EXCP25",
	  "Exception vector 25 (reserved vector 25) intercepted", 0 },
	{ ISA_SVM, 0x05a, "excp26", "EXCP26",
	  "Exception vector 26 (reserved vector 26) intercepted", 0 },
	{ ISA_SVM, 0x05b, "excp27", "EXCP27",
	  "Exception vector 27 (reserved vector 27) intercepted", 0 },
	{ ISA_SVM, 0x05c, "HV excp", "EXCP_HV EXCP28",
	  "Exception vector 28 (#HV, hypervisor injection exception) intercepted", 0 },
	{ ISA_SVM, 0x05d, "VC excp", "EXCP_VC EXCP29",
	  "Exception vector 29 (#VC, VMM communication exception (SEV-ES)) intercepted", 0 },
	{ ISA_SVM, 0x05e, "SX excp", "EXCP_SX EXCP30",
	  "Exception vector 30 (#SX, security exception) intercepted", 0 },
	{ ISA_SVM, 0x05f, "excp31", "EXCP31",
	  "Exception vector 31 (reserved vector 31) intercepted", 0 },
	{ ISA_SVM, 0x060, "interrupt", "INTR",
	  "Physical (host) interrupt arrived while the guest ran", REASON_KERNEL_NAMED },
	{ ISA_SVM, 0x061, "nmi", "NMI",
	  "Physical NMI", REASON_KERNEL_NAMED },
	{ ISA_SVM, 0x062, "smi", "SMI",
	  "Physical system-management interrupt", REASON_KERNEL_NAMED },
	{ ISA_SVM, 0x063, "init", "INIT",
	  "Physical INIT signal", REASON_KERNEL_NAMED },
	{ ISA_SVM, 0x064, "vintr", "VINTR",
	  "Virtual interrupt window: the guest can take the interrupt KVM wants to inject", REASON_KERNEL_NAMED },
	{ ISA_SVM, 0x065, "cr0_sel_write", "CR0_SEL_WRITE",
	  "Write of CR0 that changes bits other than TS or MP", REASON_KERNEL_NAMED },
	{ ISA_SVM, 0x066, "read_idtr", "IDTR_READ",
	  "Read of IDTR (SIDT)", REASON_KERNEL_NAMED },
	{ ISA_SVM, 0x067, "read_gdtr", "GDTR_READ",
	  "Read of GDTR (SGDT)", REASON_KERNEL_NAMED },
	{ ISA_SVM, 0x068, "read_ldtr", "LDTR_READ",
	  "Read of LDTR (SLDT)", REASON_KERNEL_NAMED },
	{ ISA_SVM, 0x069, "read_rt", "TR_READ read_tr",
	  "Read of TR (STR)", REASON_KERNEL_NAMED },
	{ ISA_SVM, 0x06a, "write_idtr", "IDTR_WRITE",
	  "Write of IDTR (LIDT)", REASON_KERNEL_NAMED },
	{ ISA_SVM, 0x06b, "write_gdtr", "GDTR_WRITE",
	  "Write of GDTR (LGDT)", REASON_KERNEL_NAMED },
	{ ISA_SVM, 0x06c, "write_ldtr", "LDTR_WRITE",
	  "Write of LDTR (LLDT)", REASON_KERNEL_NAMED },
	{ ISA_SVM, 0x06d, "write_rt", "TR_WRITE write_tr",
	  "Write of TR (LTR)", REASON_KERNEL_NAMED },
	{ ISA_SVM, 0x06e, "rdtsc", "RDTSC",
	  "RDTSC instruction", REASON_KERNEL_NAMED },
	{ ISA_SVM, 0x06f, "rdpmc", "RDPMC",
	  "RDPMC instruction", REASON_KERNEL_NAMED },
	{ ISA_SVM, 0x070, "pushf", "PUSHF",
	  "PUSHF instruction", REASON_KERNEL_NAMED },
	{ ISA_SVM, 0x071, "popf", "POPF",
	  "POPF instruction", REASON_KERNEL_NAMED },
	{ ISA_SVM, 0x072, "cpuid", "CPUID",
	  "CPUID instruction", REASON_KERNEL_NAMED },
	{ ISA_SVM, 0x073, "rsm", "RSM",
	  "RSM instruction", REASON_KERNEL_NAMED },
	{ ISA_SVM, 0x074, "iret", "IRET",
	  "IRET instruction (KVM uses it to find the end of an NMI)", REASON_KERNEL_NAMED },
	{ ISA_SVM, 0x075, "swint", "SWINT",
	  "Software interrupt (INTn)", REASON_KERNEL_NAMED },
	{ ISA_SVM, 0x076, "invd", "INVD",
	  "INVD instruction", REASON_KERNEL_NAMED },
	{ ISA_SVM, 0x077, "pause", "PAUSE",
	  "PAUSE instruction or pause-filter exit (spinning guest)", REASON_KERNEL_NAMED },
	{ ISA_SVM, 0x078, "hlt", "HLT",
	  "HLT instruction: the guest went idle", REASON_KERNEL_NAMED },
	{ ISA_SVM, 0x079, "invlpg", "INVLPG",
	  "INVLPG instruction", REASON_KERNEL_NAMED },
	{ ISA_SVM, 0x07a, "invlpga", "INVLPGA",
	  "INVLPGA instruction", REASON_KERNEL_NAMED },
	{ ISA_SVM, 0x07b, "io", "IOIO",
	  "I/O instruction (IN, OUT, INS, OUTS): port I/O to an emulated device", REASON_KERNEL_NAMED },
	{ ISA_SVM, 0x07c, "msr", "MSR",
	  "RDMSR or WRMSR of an intercepted MSR", REASON_KERNEL_NAMED },
	{ ISA_SVM, 0x07d, "task_switch", "TASK_SWITCH",
	  "Task switch", REASON_KERNEL_NAMED },
	{ ISA_SVM, 0x07e, "ferr_freeze", "FERR_FREEZE",
	  "FP error freeze (FERR# while IGNNE# is deasserted)", REASON_KERNEL_NAMED },
	{ ISA_SVM, 0x07f, "shutdown", "SHUTDOWN",
	  "Shutdown (triple fault)", REASON_KERNEL_NAMED },
	{ ISA_SVM, 0x080, "vmrun", "VMRUN",
	  "VMRUN instruction (nested SVM)", REASON_KERNEL_NAMED },
	{ ISA_SVM, 0x081, "hypercall", "VMMCALL",
	  "VMMCALL instruction: a hypercall", REASON_KERNEL_NAMED },
	{ ISA_SVM, 0x082, "vmload", "VMLOAD",
	  "VMLOAD instruction (nested SVM)", REASON_KERNEL_NAMED },
	{ ISA_SVM, 0x083, "vmsave", "VMSAVE",
	  "VMSAVE instruction (nested SVM)", REASON_KERNEL_NAMED },
	{ ISA_SVM, 0x084, "stgi", "STGI",
	  "STGI instruction", REASON_KERNEL_NAMED },
	{ ISA_SVM, 0x085, "clgi", "CLGI",
	  "CLGI instruction", REASON_KERNEL_NAMED },
	{ ISA_SVM, 0x086, "skinit", "SKINIT",
	  "SKINIT instruction", REASON_KERNEL_NAMED },
	{ ISA_SVM, 0x087, "rdtscp", "RDTSCP",
	  "RDTSCP instruction", REASON_KERNEL_NAMED },
	{ ISA_SVM, 0x088, "icebp", "ICEBP",
	  "ICEBP instruction (INT1)", REASON_KERNEL_NAMED },
	{ ISA_SVM, 0x089, "wbinvd", "WBINVD WBNOINVD",
	  "WBINVD or WBNOINVD instruction", REASON_KERNEL_NAMED },
	{ ISA_SVM, 0x08a, "monitor", "MONITOR MONITORX",
	  "MONITOR or MONITORX instruction", REASON_KERNEL_NAMED },
	{ ISA_SVM, 0x08b, "mwait", "MWAIT MWAITX",
	  "MWAIT or MWAITX instruction, unconditional", REASON_KERNEL_NAMED },
	{ ISA_SVM, 0x08c, "mwait_cond", "MWAIT_COND MWAIT_CONDITIONAL",
	  "MWAIT or MWAITX instruction, if monitor hardware is armed", 0 },
	{ ISA_SVM, 0x08d, "xsetbv", "XSETBV",
	  "XSETBV instruction", REASON_KERNEL_NAMED },
	{ ISA_SVM, 0x08e, "rdpru", "RDPRU",
	  "RDPRU instruction", 0 },
	{ ISA_SVM, 0x08f, "write_efer_trap", "EFER_WRITE_TRAP",
	  "Write of EFER, after it completed (SEV-ES trap)", REASON_KERNEL_NAMED },
	{ ISA_SVM, 0x090, "write_cr0_trap", "CR0_WRITE_TRAP",
	  "Write of CR0, after it completed (SEV-ES trap)", REASON_KERNEL_NAMED },
	{ ISA_SVM, 0x091, "write_cr1_trap", "CR1_WRITE_TRAP",
	  "Write of CR1, after it completed (SEV-ES trap)", 0 },
	{ ISA_SVM, 0x092, "write_cr2_trap", "CR2_WRITE_TRAP",
	  "Write of CR2, after it completed (SEV-ES trap)", 0 },
	{ ISA_SVM, 0x093, "write_cr3_trap", "CR3_WRITE_TRAP",
	  "Write of CR3, after it completed (SEV-ES trap)", 0 },
	{ ISA_SVM, 0x094, "write_cr4_trap", "CR4_WRITE_TRAP",
	  "Write of CR4, after it completed (SEV-ES trap)", REASON_KERNEL_NAMED },
	{ ISA_SVM, 0x095, "write_cr5_trap", "CR5_WRITE_TRAP",
	  "Write of CR5, after it completed (SEV-ES trap)", 0 },
	{ ISA_SVM, 0x096, "write_cr6_trap", "CR6_WRITE_TRAP",
	  "Write of CR6, after it completed (SEV-ES trap)", 0 },
	{ ISA_SVM, 0x097, "write_cr7_trap", "CR7_WRITE_TRAP",
	  "Write of CR7, after it completed (SEV-ES trap)", 0 },
	{ ISA_SVM, 0x098, "write_cr8_trap", "CR8_WRITE_TRAP",
	  "Write of CR8, after it completed (SEV-ES trap)", REASON_KERNEL_NAMED },
	{ ISA_SVM, 0x099, "write_cr9_trap", "CR9_WRITE_TRAP",
	  "Write of CR9, after it completed (SEV-ES trap)", 0 },
	{ ISA_SVM, 0x09a, "write_cr10_trap", "CR10_WRITE_TRAP",
	  "Write of CR10, after it completed (SEV-ES trap)", 0 },
	{ ISA_SVM, 0x09b, "write_cr11_trap", "CR11_WRITE_TRAP",
	  "Write of CR11, after it completed (SEV-ES trap)", 0 },
	{ ISA_SVM, 0x09c, "write_cr12_trap", "CR12_WRITE_TRAP",
	  "Write of CR12, after it completed (SEV-ES trap)", 0 },
	{ ISA_SVM, 0x09d, "write_cr13_trap", "CR13_WRITE_TRAP",
	  "Write of CR13, after it completed (SEV-ES trap)", 0 },
	{ ISA_SVM, 0x09e, "write_cr14_trap", "CR14_WRITE_TRAP",
	  "Write of CR14, after it completed (SEV-ES trap)", 0 },
	{ ISA_SVM, 0x09f, "write_cr15_trap", "CR15_WRITE_TRAP",
	  "Write of CR15, after it completed (SEV-ES trap)", 0 },
	{ ISA_SVM, 0x0a0, "invlpgb", "INVLPGB",
	  "INVLPGB instruction (broadcast TLB invalidation)", 0 },
	{ ISA_SVM, 0x0a1, "invlpgb_illegal", "INVLPGB_ILLEGAL",
	  "Illegal INVLPGB instruction", 0 },
	{ ISA_SVM, 0x0a2, "invpcid", "INVPCID",
	  "INVPCID instruction", REASON_KERNEL_NAMED },
	{ ISA_SVM, 0x0a3, "mcommit", "MCOMMIT",
	  "MCOMMIT instruction", 0 },
	{ ISA_SVM, 0x0a4, "tlbsync", "TLBSYNC",
	  "TLBSYNC instruction", 0 },
	{ ISA_SVM, 0x0a5, "buslock", "BUS_LOCK BUSLOCK",
	  "Bus lock: the guest did a split-lock or uncached locked access", REASON_KERNEL_NAMED },
	{ ISA_SVM, 0x0a6, "idle-halt", "IDLE_HLT idle_hlt",
	  "HLT with no interrupt pending (idle HLT intercept)", REASON_KERNEL_NAMED },
	{ ISA_SVM, 0x400, "npf", "NPF",
	  "Nested page fault: guest access to guest-physical memory not (yet) mapped, or emulated MMIO", REASON_KERNEL_NAMED },
	{ ISA_SVM, 0x401, "avic_incomplete_ipi", "AVIC_INCOMPLETE_IPI",
	  "AVIC: an IPI the hardware could not deliver by itself", REASON_KERNEL_NAMED },
	{ ISA_SVM, 0x402, "avic_unaccelerated_access", "AVIC_UNACCELERATED_ACCESS AVIC_NOACCEL",
	  "AVIC: guest access to an APIC register the hardware does not virtualize", REASON_KERNEL_NAMED },
	{ ISA_SVM, 0x403, "vmgexit", "VMGEXIT",
	  "VMGEXIT instruction (SEV-ES/SNP guest request through the GHCB)", REASON_KERNEL_NAMED },
	{ ISA_SVM, 0x80000001, "vmgexit_mmio_read", "VMGEXIT_MMIO_READ",
	  "VMGEXIT: MMIO read", REASON_KERNEL_NAMED | REASON_VMGEXIT },
	{ ISA_SVM, 0x80000002, "vmgexit_mmio_write", "VMGEXIT_MMIO_WRITE",
	  "VMGEXIT: MMIO write", REASON_KERNEL_NAMED | REASON_VMGEXIT },
	{ ISA_SVM, 0x80000003, "vmgexit_nmi_complete", "VMGEXIT_NMI_COMPLETE",
	  "VMGEXIT: NMI handling completed", REASON_KERNEL_NAMED | REASON_VMGEXIT },
	{ ISA_SVM, 0x80000004, "vmgexit_ap_hlt_loop", "VMGEXIT_AP_HLT_LOOP",
	  "VMGEXIT: AP parked in its HLT loop", REASON_KERNEL_NAMED | REASON_VMGEXIT },
	{ ISA_SVM, 0x80000005, "vmgexit_ap_jump_table", "VMGEXIT_AP_JUMP_TABLE",
	  "VMGEXIT: set or get the AP jump table", REASON_KERNEL_NAMED | REASON_VMGEXIT },
	{ ISA_SVM, 0x80000010, "vmgexit_page_state_change", "VMGEXIT_PSC",
	  "VMGEXIT: SNP page state change (private/shared)", REASON_KERNEL_NAMED | REASON_VMGEXIT },
	{ ISA_SVM, 0x80000011, "vmgexit_guest_request", "VMGEXIT_GUEST_REQUEST",
	  "VMGEXIT: SNP guest request to the firmware", REASON_KERNEL_NAMED | REASON_VMGEXIT },
	{ ISA_SVM, 0x80000012, "vmgexit_ext_guest_request", "VMGEXIT_EXT_GUEST_REQUEST",
	  "VMGEXIT: SNP extended guest request", REASON_KERNEL_NAMED | REASON_VMGEXIT },
	{ ISA_SVM, 0x80000013, "vmgexit_ap_creation", "VMGEXIT_AP_CREATION",
	  "VMGEXIT: SNP AP creation", REASON_KERNEL_NAMED | REASON_VMGEXIT },
	{ ISA_SVM, 0x80000014, "vmgexit_hv_doorbell_page", "VMGEXIT_HV_DOORBELL_PAGE",
	  "VMGEXIT: #HV doorbell page", REASON_VMGEXIT },
	{ ISA_SVM, 0x80000015, "vmgexit_hv_ipi", "VMGEXIT_HV_IPI",
	  "VMGEXIT: #HV IPI", REASON_VMGEXIT },
	{ ISA_SVM, 0x80000016, "vmgexit_hv_timer", "VMGEXIT_HV_TIMER",
	  "VMGEXIT: #HV timer", REASON_VMGEXIT },
	{ ISA_SVM, 0x80000017, "vmgexit_apic_id_list", "VMGEXIT_APIC_ID_LIST",
	  "VMGEXIT: APIC ID list", REASON_VMGEXIT },
	{ ISA_SVM, 0x80000018, "vmgexit_snp_run_vmpl", "VMGEXIT_SNP_RUN_VMPL",
	  "VMGEXIT: run another VMPL", REASON_VMGEXIT },
	{ ISA_SVM, 0x8000fffd, "vmgexit_hypervisor_feature", "VMGEXIT_HV_FEATURES",
	  "VMGEXIT: hypervisor feature query", REASON_KERNEL_NAMED | REASON_VMGEXIT },
	{ ISA_SVM, 0x8000fffe, "vmgexit_term_request", "VMGEXIT_TERM_REQUEST",
	  "VMGEXIT: guest asks to be terminated", REASON_VMGEXIT },
	{ ISA_SVM, 0x8000ffff, "vmgexit_unsupported_event", "VMGEXIT_UNSUPPORTED_EVENT",
	  "VMGEXIT: unsupported event", REASON_VMGEXIT },
	{ ISA_SVM, 0xfffffffc, "invalid_pmc", "INVALID_PMC VMEXIT_INVALID_PMC",
	  "VMRUN failed: invalid PMC state (APM VMEXIT_INVALID_PMC, -4)", 0 },
	{ ISA_SVM, 0xfffffffd, "idle_required", "IDLE_REQUIRED VMEXIT_IDLE_REQUIRED",
	  "VMRUN failed: the core's sibling must be idle (APM VMEXIT_IDLE_REQUIRED, -3)", 0 },
	{ ISA_SVM, 0xfffffffe, "busy", "BUSY VMEXIT_BUSY",
	  "VMRUN failed: the VMSA is busy (APM VMEXIT_BUSY, -2)", 0 },
	{ ISA_SVM, 0xffffffff, "invalid_guest_state", "ERR INVALID",
	  "Invalid guest state in the VMCB: VMRUN failed", REASON_KERNEL_NAMED },
};

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

const char *isa_name(enum exit_isa isa)
{
	switch (isa) {
	case ISA_VMX:
		return "vmx";
	case ISA_SVM:
		return "svm";
	case ISA_NONE:
		return "none";
	default:
		return "unknown";
	}
}

int isa_parse(const char *s, enum exit_isa *isa)
{
	if (!strcasecmp(s, "vmx") || !strcasecmp(s, "intel")) {
		*isa = ISA_VMX;
		return 0;
	}
	if (!strcasecmp(s, "svm") || !strcasecmp(s, "amd")) {
		*isa = ISA_SVM;
		return 0;
	}
	return -1;
}

const struct exit_reason *reasons_table(enum exit_isa isa, size_t *n)
{
	if (isa == ISA_VMX) {
		*n = ARRAY_SIZE(vmx_reasons);
		return vmx_reasons;
	}
	if (isa == ISA_SVM) {
		*n = ARRAY_SIZE(svm_reasons);
		return svm_reasons;
	}
	*n = 0;
	return NULL;
}

const struct exit_reason *reason_lookup(enum exit_isa isa, uint32_t code)
{
	const struct exit_reason *t;
	size_t n, lo = 0, hi;

	if (isa == ISA_VMX) {
		/* Bits 16-26 and 30 are reserved (SDM 28.2.1): such a number is no VMX reason. */
		if (code & ~(VMX_EXIT_BASIC_MASK | VMX_EXIT_ENCLAVE_MODE | VMX_EXIT_PENDING_MTF |
			     VMX_EXIT_FROM_ROOT | VMX_EXIT_FAILED_ENTRY))
			return NULL;
		code &= VMX_EXIT_BASIC_MASK;
	}
	t = reasons_table(isa, &n);
	hi = n;
	/* Rows are sorted by code (the catalogue test checks it). */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (t[mid].code == code)
			return &t[mid];
		if (t[mid].code < code)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* Does the space-separated list contain the word name[0..len) (case-insensitively)? */
static bool list_has(const char *list, const char *name, size_t len)
{
	const char *p = list;

	while (*p) {
		size_t w = strcspn(p, " ");

		if (w == len && !strncasecmp(p, name, len))
			return true;
		p += w;
		p += strspn(p, " ");
	}
	return false;
}

static const struct exit_reason *find_in(enum exit_isa isa, const char *name, size_t len,
					 bool exact_case, bool aliases)
{
	const struct exit_reason *t;
	size_t n;

	t = reasons_table(isa, &n);
	for (size_t i = 0; i < n; i++) {
		const char *cn = t[i].name;

		if (strlen(cn) == len &&
		    (exact_case ? !strncmp(cn, name, len) : !strncasecmp(cn, name, len)))
			return &t[i];
		if (aliases && list_has(t[i].aliases, name, len))
			return &t[i];
	}
	return NULL;
}

/* Prefixes that headers and tools put before a reason's name. */
static const char *const name_prefixes[] = {
	"EXIT_REASON_", "SVM_EXIT_", "SVM_VMGEXIT_", "VMEXIT_", "EXIT_",
};

const struct exit_reason *reason_find_n(const char *name, size_t len, enum exit_isa hint)
{
	enum exit_isa order[2] = { ISA_VMX, ISA_SVM };
	const struct exit_reason *r;

	if (hint == ISA_SVM) {
		order[0] = ISA_SVM;
		order[1] = ISA_VMX;
	}
	/* 1. The kernel's own spelling, case and all: unique across ISAs. */
	for (int i = 0; i < 2; i++)
		if ((r = find_in(order[i], name, len, true, false)))
			return r;
	/* 2. Any case, any alias, preferring the hinted ISA. */
	for (int i = 0; i < 2; i++)
		if ((r = find_in(order[i], name, len, false, true)))
			return r;
	/* 3. With a header or tool prefix stripped (EXIT_IOIO, EXIT_REASON_HLT). */
	for (size_t p = 0; p < ARRAY_SIZE(name_prefixes); p++) {
		size_t pl = strlen(name_prefixes[p]);

		if (len <= pl || strncasecmp(name, name_prefixes[p], pl))
			continue;
		/* EXIT_ and SVM_ prefixes are SVM spellings (trace-cmd's plugin, svm.h). */
		if (p != 0 && hint == ISA_UNKNOWN) {
			order[0] = ISA_SVM;
			order[1] = ISA_VMX;
		}
		for (int i = 0; i < 2; i++)
			if ((r = find_in(order[i], name + pl, len - pl, false, true)))
				return r;
	}
	return NULL;
}

const struct exit_reason *reason_find(const char *name, enum exit_isa hint)
{
	return reason_find_n(name, strlen(name), hint);
}

/* VMX names of the 2.6.31-2.6.32 kernels (vmx_exit_reasons_str) not in vmx_reasons in another case. */
static const struct {
	uint32_t code;
	const char *name;
} old_vmx_names[] = {
	{ 0, "exception" },
	{ 1, "ext_irq" },
	{ 12, "halt" },
	{ 18, "hypercall" },	/* also SVM's name for VMMCALL: the trace decides */
	{ 43, "tpr_below_thres" },
};

const struct exit_reason *reason_find_old_vmx(const char *name, size_t len)
{
	for (size_t i = 0; i < ARRAY_SIZE(old_vmx_names); i++)
		if (strlen(old_vmx_names[i].name) == len && !strncmp(old_vmx_names[i].name, name, len))
			return reason_lookup(ISA_VMX, old_vmx_names[i].code);
	return NULL;
}

const char *reason_old_vmx_names(const struct exit_reason *r)
{
	for (size_t i = 0; r->isa == ISA_VMX && i < ARRAY_SIZE(old_vmx_names); i++)
		if (old_vmx_names[i].code == r->code)
			return old_vmx_names[i].name;
	return NULL;
}

/* Add r to out[0..*n) unless it is there, or it is of the ISA not wanted. */
static void add_found(const struct exit_reason *r, enum exit_isa only,
		      const struct exit_reason **out, size_t max, size_t *n)
{
	if (!r || (only != ISA_UNKNOWN && r->isa != only))
		return;
	for (size_t i = 0; i < *n; i++)
		if (out[i] == r)
			return;
	if (*n < max)
		out[(*n)++] = r;
}

size_t reason_find_all(const char *name, enum exit_isa only, const struct exit_reason **out,
		       size_t max)
{
	size_t len = strlen(name), n = 0;

	add_found(reason_find_n(name, len, only), only, out, max, &n);
	for (enum exit_isa isa = ISA_VMX; isa <= ISA_SVM; isa++) {
		add_found(find_in(isa, name, len, false, true), only, out, max, &n);
		for (size_t p = 0; p < ARRAY_SIZE(name_prefixes); p++) {
			size_t pl = strlen(name_prefixes[p]);

			if (len > pl && !strncasecmp(name, name_prefixes[p], pl))
				add_found(find_in(isa, name + pl, len - pl, false, true), only, out,
					  max, &n);
		}
	}
	add_found(reason_find_old_vmx(name, len), only, out, max, &n);
	return n;
}

/*
 * VMX and SVM reasons with the same meaning: a VMX basic reason and a range
 * of SVM codes (VMX's one CR_ACCESS is SVM's read_crN/write_crN, SVM's one
 * msr is VMX's MSR_READ and MSR_WRITE, SVM's npf is VMX's EPT violation and
 * misconfiguration).
 */
static const struct {
	uint32_t vmx, svm_lo, svm_hi;
} same_meaning[] = {
	{ 0, 0x040, 0x05f },	/* EXCEPTION_NMI: the SVM exception intercepts */
	{ 0, 0x061, 0x061 },	/* ... and nmi */
	{ 1, 0x060, 0x060 },	/* EXTERNAL_INTERRUPT, interrupt */
	{ 2, 0x07f, 0x07f },	/* TRIPLE_FAULT, shutdown */
	{ 3, 0x063, 0x063 },	/* INIT_SIGNAL, init */
	{ 6, 0x062, 0x062 },	/* OTHER_SMI, smi */
	{ 7, 0x064, 0x064 },	/* INTERRUPT_WINDOW, vintr */
	{ 8, 0x074, 0x074 },	/* NMI_WINDOW, iret (KVM's NMI window on SVM) */
	{ 9, 0x07d, 0x07d },	/* TASK_SWITCH, task_switch */
	{ 10, 0x072, 0x072 },	/* CPUID, cpuid */
	{ 12, 0x078, 0x078 },	/* HLT, hlt */
	{ 12, 0x0a6, 0x0a6 },	/* ... and idle-halt */
	{ 13, 0x076, 0x076 },	/* INVD, invd */
	{ 14, 0x079, 0x079 },	/* INVLPG, invlpg */
	{ 15, 0x06f, 0x06f },	/* RDPMC, rdpmc */
	{ 16, 0x06e, 0x06e },	/* RDTSC, rdtsc */
	{ 17, 0x073, 0x073 },	/* RSM, rsm */
	{ 18, 0x081, 0x081 },	/* VMCALL, hypercall (VMMCALL) */
	{ 20, 0x080, 0x080 },	/* VMLAUNCH, vmrun */
	{ 24, 0x080, 0x080 },	/* VMRESUME, vmrun */
	{ 28, 0x000, 0x01f },	/* CR_ACCESS, read_cr0 ... write_cr15 */
	{ 28, 0x065, 0x065 },	/* ... and cr0_sel_write */
	{ 29, 0x020, 0x03f },	/* DR_ACCESS, read_dr0 ... write_dr15 */
	{ 30, 0x07b, 0x07b },	/* IO_INSTRUCTION, io */
	{ 31, 0x07c, 0x07c },	/* MSR_READ, msr */
	{ 32, 0x07c, 0x07c },	/* MSR_WRITE, msr */
	{ 33, 0xffffffff, 0xffffffff },	/* INVALID_STATE, invalid_guest_state */
	{ 36, 0x08b, 0x08c },	/* MWAIT_INSTRUCTION, mwait and mwait_cond */
	{ 39, 0x08a, 0x08a },	/* MONITOR_INSTRUCTION, monitor */
	{ 40, 0x077, 0x077 },	/* PAUSE_INSTRUCTION, pause */
	{ 44, 0x402, 0x402 },	/* APIC_ACCESS, avic_unaccelerated_access */
	{ 46, 0x066, 0x067 },	/* GDTR_IDTR, read_idtr read_gdtr */
	{ 46, 0x06a, 0x06b },	/* ... write_idtr write_gdtr */
	{ 47, 0x068, 0x069 },	/* LDTR_TR, read_ldtr read_tr */
	{ 47, 0x06c, 0x06d },	/* ... write_ldtr write_tr */
	{ 48, 0x400, 0x400 },	/* EPT_VIOLATION, npf */
	{ 49, 0x400, 0x400 },	/* EPT_MISCONFIG, npf (KVM's emulated MMIO) */
	{ 51, 0x087, 0x087 },	/* RDTSCP, rdtscp */
	{ 54, 0x089, 0x089 },	/* WBINVD, wbinvd */
	{ 55, 0x08d, 0x08d },	/* XSETBV, xsetbv */
	{ 56, 0x402, 0x402 },	/* APIC_WRITE, avic_unaccelerated_access */
	{ 58, 0x0a2, 0x0a2 },	/* INVPCID, invpcid */
	{ 74, 0x0a5, 0x0a5 },	/* BUS_LOCK, buslock */
};

size_t reason_same_meaning(const struct exit_reason *r, const struct exit_reason **out,
			   size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < ARRAY_SIZE(same_meaning); i++) {
		if (r->isa == ISA_VMX && r->code == same_meaning[i].vmx) {
			for (uint64_t c = same_meaning[i].svm_lo; c <= same_meaning[i].svm_hi; c++)
				add_found(reason_lookup(ISA_SVM, (uint32_t)c), ISA_SVM, out, max, &n);
		} else if (r->isa == ISA_SVM && same_meaning[i].svm_lo <= r->code &&
			   r->code <= same_meaning[i].svm_hi) {
			add_found(reason_lookup(ISA_VMX, same_meaning[i].vmx), ISA_VMX, out, max, &n);
		}
	}
	return n;
}

size_t vmx_exit_flags_str(uint32_t full, char *buf, size_t len)
{
	static const struct {
		uint32_t bit;
		const char *name;
	} bits[] = {
		{ VMX_EXIT_FAILED_ENTRY, "FAILED_VMENTRY" },
		{ VMX_EXIT_ENCLAVE_MODE, "ENCLAVE_MODE" },
		{ VMX_EXIT_PENDING_MTF, "PENDING_MTF" },
		{ VMX_EXIT_FROM_ROOT, "FROM_VMX_ROOT" },
	};
	size_t used = 0;

	if (len)
		buf[0] = '\0';
	for (size_t i = 0; i < ARRAY_SIZE(bits); i++) {
		int w;

		if (!(full & bits[i].bit))
			continue;
		w = snprintf(buf + used, len > used ? len - used : 0, "%s%s",
			     used ? " " : "", bits[i].name);
		if (w > 0)
			used += (size_t)w;
	}
	return used;
}

const char *reason_name(enum exit_isa isa, uint32_t code, char *buf, size_t len)
{
	const struct exit_reason *r = reason_lookup(isa, code);

	if (r)
		return r->name;
	if (isa == ISA_NONE && code == EXIT_REASON_CUT_OFF)
		return "reason_cut_off";
	snprintf(buf, len, "unknown_0x%x", code);
	return buf;
}
