/* The PE32+ parser: any bytes give an image description or a one-line reason, never a read
 * outside the buffer (ASan watches) and never an import, section or relocation that points
 * outside the image it describes. */
#include <stdint.h>
#include <string.h>

#include "loader/pe.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ld_pe pe;
    char err[512] = "";
    bool ok = ld_pe_parse(data, size, &pe, err, sizeof err);
    if (!ok && (err[0] == '\0' || strchr(err, '\n') != NULL))
        __builtin_trap(); /* a refusal says why, in one line */
    if (ok) {
        for (size_t i = 0; i < pe.nsections; i++)
            if ((uint64_t)pe.sections[i].rva + pe.sections[i].virtual_size > pe.image_size)
                __builtin_trap();
        for (size_t i = 0; i < pe.nimports; i++)
            if ((uint64_t)pe.imports[i].iat_rva + 8 > pe.image_size || pe.imports[i].module == NULL)
                __builtin_trap();
    }
    ld_pe_free(&pe);
    return 0;
}
