#ifndef LUMBUNG_CISAL_H
#define LUMBUNG_CISAL_H
#include <stddef.h>
#include <stdint.h>

/// An ISA-L inflate stream for gzip members. Opaque to Swift.
typedef struct lb_isal_stream lb_isal_stream;

/// 1 when ISA-L's headers were present at build time and libisal.so.2 loads at run time.
int lb_isal_available(void);

/// A short reason when lb_isal_available() is 0 ("built without ISA-L headers", "libisal.so.2 not found").
const char *lb_isal_unavailable_reason(void);

lb_isal_stream *lb_isal_create(void);
void lb_isal_destroy(lb_isal_stream *stream);
/// Prepare for a new gzip member (header, deflate data and trailer are all handled by ISA-L).
void lb_isal_reset(lb_isal_stream *stream);

/// Status codes of lb_isal_inflate.
enum {
    LB_ISAL_OK = 0,          // progress; call again with more input or output space
    LB_ISAL_MEMBER_END = 1,  // one gzip member is complete and its CRC and length verified
    LB_ISAL_ERR_DATA = -1,   // invalid deflate data
    LB_ISAL_ERR_HEADER = -4, // invalid gzip wrapper
    LB_ISAL_ERR_CHECKSUM = -6,
    LB_ISAL_ERR_OTHER = -9
};

/// Inflate from `in` into `out`. `*in_used` and `*out_written` receive the bytes consumed and produced.
/// On LB_ISAL_MEMBER_END, `*in_used` excludes any input bytes ISA-L buffered past the member's end.
int lb_isal_inflate(lb_isal_stream *stream, const uint8_t *in, size_t in_len, size_t *in_used,
                    uint8_t *out, size_t out_len, size_t *out_written);
#endif
