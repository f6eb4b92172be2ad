#ifndef LUMBUNG_CZLIB_SHIM_H
#define LUMBUNG_CZLIB_SHIM_H
#include <zlib.h>

// zlib's init calls are macros that Swift cannot import: wrap them.
static inline int CZlib_inflateInit2(z_streamp strm, int windowBits) {
    return inflateInit2(strm, windowBits);
}
static inline int CZlib_deflateInit2(z_streamp strm, int level, int windowBits, int memLevel, int strategy) {
    return deflateInit2(strm, level, Z_DEFLATED, windowBits, memLevel, strategy);
}
#endif
