/* Register contexts for PE exception handling (seh_pe.c), in assembly because no C function
 * can see its caller's registers or load all of them at once (Windows' own RtlCaptureContext
 * and RtlRestoreContext are assembly for the same reason). Offsets are those of the x64
 * CONTEXT (include/excpt.h). */
#if defined(__x86_64__)
#define CTX_SIZE   0x4d0
#define CTX_FLAGS  0x30
#define CTX_MXCSR  0x34
#define CTX_EFLAGS 0x44
#define CTX_RAX 0x78
#define CTX_RCX 0x80
#define CTX_RDX 0x88
#define CTX_RBX 0x90
#define CTX_RSP 0x98
#define CTX_RBP 0xa0
#define CTX_RSI 0xa8
#define CTX_RDI 0xb0
#define CTX_R8  0xb8
#define CTX_R9  0xc0
#define CTX_R10 0xc8
#define CTX_R11 0xd0
#define CTX_R12 0xd8
#define CTX_R13 0xe0
#define CTX_R14 0xe8
#define CTX_R15 0xf0
#define CTX_RIP 0xf8
#define CTX_XMM(n) (0x1a0 + 16 * (n))
#define CONTEXT_FULL 0x10000b
/* The frame ke_pe_capture_call builds: a CONTEXT, 16-byte aligned (RSP is 8 off alignment at
 * entry), right under the return address. */
#define FRAME (CTX_SIZE + 8)

    .text

/* ke_pe_capture_call: entered by a jump from an export's PE entry point (src/ndis/ms_abi.c)
 * with the export's System V function in R10 (a Microsoft-ABI scratch register) and the PE
 * caller's arguments in RCX, RDX, R8, R9. Records the caller's registers as they were at its
 * call, then calls ke_pe_capture_run(context, fn, a0, a1, a2, a3) and returns its value.
 * After it, RSI, RDI and XMM6-15, which the Microsoft ABI preserves and System V does not,
 * are given back from the record. */
    .globl ke_pe_capture_call
    .hidden ke_pe_capture_call
    .type ke_pe_capture_call, @function
    .p2align 4
ke_pe_capture_call:
    .cfi_startproc
    subq $FRAME, %rsp
    .cfi_adjust_cfa_offset FRAME
    movq %rax, CTX_RAX(%rsp)
    movq %rcx, CTX_RCX(%rsp)
    movq %rdx, CTX_RDX(%rsp)
    movq %rbx, CTX_RBX(%rsp)
    movq %rbp, CTX_RBP(%rsp)
    movq %rsi, CTX_RSI(%rsp)
    movq %rdi, CTX_RDI(%rsp)
    movq %r8, CTX_R8(%rsp)
    movq %r9, CTX_R9(%rsp)
    movq %r10, CTX_R10(%rsp)
    movq %r11, CTX_R11(%rsp)
    movq %r12, CTX_R12(%rsp)
    movq %r13, CTX_R13(%rsp)
    movq %r14, CTX_R14(%rsp)
    movq %r15, CTX_R15(%rsp)
    leaq FRAME+8(%rsp), %rax        /* the caller's RSP once the call returns */
    movq %rax, CTX_RSP(%rsp)
    movq FRAME(%rsp), %rax          /* the return address: where the caller resumes */
    movq %rax, CTX_RIP(%rsp)
    pushfq
    popq %rax
    movl %eax, CTX_EFLAGS(%rsp)
    stmxcsr CTX_MXCSR(%rsp)
    movl $CONTEXT_FULL, CTX_FLAGS(%rsp)
    movdqa %xmm0, CTX_XMM(0)(%rsp)
    movdqa %xmm1, CTX_XMM(1)(%rsp)
    movdqa %xmm2, CTX_XMM(2)(%rsp)
    movdqa %xmm3, CTX_XMM(3)(%rsp)
    movdqa %xmm4, CTX_XMM(4)(%rsp)
    movdqa %xmm5, CTX_XMM(5)(%rsp)
    movdqa %xmm6, CTX_XMM(6)(%rsp)
    movdqa %xmm7, CTX_XMM(7)(%rsp)
    movdqa %xmm8, CTX_XMM(8)(%rsp)
    movdqa %xmm9, CTX_XMM(9)(%rsp)
    movdqa %xmm10, CTX_XMM(10)(%rsp)
    movdqa %xmm11, CTX_XMM(11)(%rsp)
    movdqa %xmm12, CTX_XMM(12)(%rsp)
    movdqa %xmm13, CTX_XMM(13)(%rsp)
    movdqa %xmm14, CTX_XMM(14)(%rsp)
    movdqa %xmm15, CTX_XMM(15)(%rsp)
    /* System V: (context, fn, a0 = RCX, a1 = RDX, a2 = R8, a3 = R9) */
    movq %rdx, %rax
    movq %rcx, %rdx
    movq %rax, %rcx
    movq %rsp, %rdi
    movq %r10, %rsi
    call ke_pe_capture_run
    movq CTX_RSI(%rsp), %rsi
    movq CTX_RDI(%rsp), %rdi
    movdqa CTX_XMM(6)(%rsp), %xmm6
    movdqa CTX_XMM(7)(%rsp), %xmm7
    movdqa CTX_XMM(8)(%rsp), %xmm8
    movdqa CTX_XMM(9)(%rsp), %xmm9
    movdqa CTX_XMM(10)(%rsp), %xmm10
    movdqa CTX_XMM(11)(%rsp), %xmm11
    movdqa CTX_XMM(12)(%rsp), %xmm12
    movdqa CTX_XMM(13)(%rsp), %xmm13
    movdqa CTX_XMM(14)(%rsp), %xmm14
    movdqa CTX_XMM(15)(%rsp), %xmm15
    addq $FRAME, %rsp
    .cfi_adjust_cfa_offset -FRAME
    ret
    .cfi_endproc
    .size ke_pe_capture_call, .-ke_pe_capture_call

/* ke_pe_context_restore(const CONTEXT *context): loads every register of `context` and
 * continues at its RIP; never returns. RIP, RDI, RAX and the flags go through the 32 bytes
 * under the target RSP (the Microsoft ABI has no red zone there), so `context` must lie
 * elsewhere: the callers pass a copy deeper on the stack. */
    .globl ke_pe_context_restore
    .hidden ke_pe_context_restore
    .type ke_pe_context_restore, @function
    .p2align 4
ke_pe_context_restore:
    movq CTX_RSP(%rdi), %rax
    subq $32, %rax
    movq CTX_RIP(%rdi), %rcx
    movq %rcx, 24(%rax)
    movq CTX_RDI(%rdi), %rcx
    movq %rcx, 16(%rax)
    movq CTX_RAX(%rdi), %rcx
    movq %rcx, 8(%rax)
    movl CTX_EFLAGS(%rdi), %ecx
    andl $0x0cd5, %ecx              /* status flags and DF only: never TF */
    movq %rcx, 0(%rax)
    ldmxcsr CTX_MXCSR(%rdi)
    movdqu CTX_XMM(0)(%rdi), %xmm0
    movdqu CTX_XMM(1)(%rdi), %xmm1
    movdqu CTX_XMM(2)(%rdi), %xmm2
    movdqu CTX_XMM(3)(%rdi), %xmm3
    movdqu CTX_XMM(4)(%rdi), %xmm4
    movdqu CTX_XMM(5)(%rdi), %xmm5
    movdqu CTX_XMM(6)(%rdi), %xmm6
    movdqu CTX_XMM(7)(%rdi), %xmm7
    movdqu CTX_XMM(8)(%rdi), %xmm8
    movdqu CTX_XMM(9)(%rdi), %xmm9
    movdqu CTX_XMM(10)(%rdi), %xmm10
    movdqu CTX_XMM(11)(%rdi), %xmm11
    movdqu CTX_XMM(12)(%rdi), %xmm12
    movdqu CTX_XMM(13)(%rdi), %xmm13
    movdqu CTX_XMM(14)(%rdi), %xmm14
    movdqu CTX_XMM(15)(%rdi), %xmm15
    movq CTX_RCX(%rdi), %rcx
    movq CTX_RDX(%rdi), %rdx
    movq CTX_RBX(%rdi), %rbx
    movq CTX_RBP(%rdi), %rbp
    movq CTX_RSI(%rdi), %rsi
    movq CTX_R8(%rdi), %r8
    movq CTX_R9(%rdi), %r9
    movq CTX_R10(%rdi), %r10
    movq CTX_R11(%rdi), %r11
    movq CTX_R12(%rdi), %r12
    movq CTX_R13(%rdi), %r13
    movq CTX_R14(%rdi), %r14
    movq CTX_R15(%rdi), %r15
    movq %rax, %rsp
    popfq
    popq %rax
    popq %rdi
    ret
    .size ke_pe_context_restore, .-ke_pe_context_restore
#endif
    .section .note.GNU-stack,"",@progbits
