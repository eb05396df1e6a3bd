/* DriverEntry starts a thread of its own that never ends; DriverUnload returns with it still
 * running. OpenNDIS must report that thread, by its start routine, every time (not pass or
 * crash by chance when the code is unmapped under it). */
#define _GNU_SOURCE
#include <pthread.h>
#include <unistd.h>
#include "rogue.h"

static void *RogueWorker(void *Context)
{
    UNREFERENCED_PARAMETER(Context);
    for (;;)
        usleep(1000); /* expect ND1903: rogue_thread_after_unload */
    return NULL;
}

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    pthread_t Worker;
    pthread_create(&Worker, NULL, RogueWorker, NULL);
    pthread_detach(Worker);
    return RogueRegister(DriverObject, RegistryPath);
}
