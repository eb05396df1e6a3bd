/* A system thread's start routine gets its context, in either convention: DriverEntry starts
 * one with PsCreateSystemThread, waits on its thread object, and registers only if the
 * routine saw the context and ran at PASSIVE_LEVEL. Built as a .so and as a PE image (whose
 * routine takes its argument in RCX). */
#include "../rogue/rogue.h"

static volatile LONG Seen;
static volatile KIRQL SeenIrql = HIGH_LEVEL;

static VOID Start(PVOID Context)
{
    Seen = *(PLONG)Context;
    SeenIrql = KeGetCurrentIrql();
    PsTerminateSystemThread(STATUS_SUCCESS);
}

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    static LONG Token = 0x5EED;
    HANDLE Thread;
    OBJECT_ATTRIBUTES Attributes;
    InitializeObjectAttributes(&Attributes, NULL, OBJ_KERNEL_HANDLE, NULL, NULL);
    NTSTATUS Status = PsCreateSystemThread(&Thread, THREAD_ALL_ACCESS, &Attributes, NULL, NULL, Start, &Token);
    if (!NT_SUCCESS(Status))
        return Status;
    PVOID Object;
    Status = ObReferenceObjectByHandle(Thread, SYNCHRONIZE, NULL, KernelMode, &Object, NULL);
    ZwClose(Thread);
    if (!NT_SUCCESS(Status))
        return Status;
    KeWaitForSingleObject(Object, Executive, KernelMode, FALSE, NULL);
    ObDereferenceObject(Object);
    DbgPrint("system_thread: context %s, IRQL %u\n", Seen == 0x5EED ? "seen" : "LOST", SeenIrql);
    if (Seen != 0x5EED || SeenIrql != PASSIVE_LEVEL)
        return STATUS_UNSUCCESSFUL;
    return RogueRegister(DriverObject, RegistryPath);
}
