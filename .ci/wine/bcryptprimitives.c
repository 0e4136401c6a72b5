/* A stand-in for bcryptprimitives.dll, which Wine 8.0 (Debian 12) does not have. Rust's std
   (1.78 and later) takes its random seeds from ProcessPrng in it, so without it every Rust .exe
   stops before main (0xc0000135). This forwards to RtlGenRandom (SystemFunction036). */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length)
{
    while (length > 0) {
        ULONG n = length > 0x10000000 ? 0x10000000 : (ULONG)length;
        if (!SystemFunction036(data, n))
            return FALSE;
        data += n;
        length -= n;
    }
    return TRUE;
}
