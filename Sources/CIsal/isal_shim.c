// ISA-L is optional: its header decides the struct layout at build time, and the library is
// loaded with dlopen at run time. Without either, lb_isal_available() is 0 and Lumbung uses zlib.
#include "CIsal.h"
#include <dlfcn.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#if __has_include(<isa-l/igzip_lib.h>)
#include <isa-l/igzip_lib.h>
#define LB_HAVE_ISAL_HEADERS 1
#endif

#ifdef LB_HAVE_ISAL_HEADERS
typedef void (*fn_init)(struct inflate_state *);
typedef int (*fn_inflate)(struct inflate_state *);
static fn_init p_init, p_reset;
static fn_inflate p_inflate;
#endif
static int loaded = 0;
static const char *reason = "not checked";
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void load(void) {
#ifdef LB_HAVE_ISAL_HEADERS
    const char *env = getenv("LUMBUNG_GZIP");
    if (env && strcmp(env, "zlib") == 0) { reason = "disabled by LUMBUNG_GZIP=zlib"; return; }
    void *h = dlopen("libisal.so.2", RTLD_NOW | RTLD_LOCAL);
    if (!h) h = dlopen("libisal.so", RTLD_NOW | RTLD_LOCAL);
    if (!h) { reason = "libisal.so.2 not found"; return; }
    p_init = (fn_init)dlsym(h, "isal_inflate_init");
    p_reset = (fn_init)dlsym(h, "isal_inflate_reset");
    p_inflate = (fn_inflate)dlsym(h, "isal_inflate");
    if (!p_init || !p_reset || !p_inflate) { reason = "libisal lacks isal_inflate"; return; }
    loaded = 1;
    reason = "";
#else
    reason = "built without ISA-L headers (install libisal-dev and rebuild)";
#endif
}

int lb_isal_available(void) { pthread_once(&once, load); return loaded; }
const char *lb_isal_unavailable_reason(void) { pthread_once(&once, load); return reason; }

#ifdef LB_HAVE_ISAL_HEADERS
struct lb_isal_stream { struct inflate_state state; };

lb_isal_stream *lb_isal_create(void) {
    if (!lb_isal_available()) return NULL;
    lb_isal_stream *s = (lb_isal_stream *)malloc(sizeof(lb_isal_stream));
    if (!s) return NULL;
    p_init(&s->state);
    s->state.crc_flag = ISAL_GZIP;
    return s;
}
void lb_isal_destroy(lb_isal_stream *s) { free(s); }
void lb_isal_reset(lb_isal_stream *s) {
    p_reset(&s->state);
    s->state.crc_flag = ISAL_GZIP;
}
int lb_isal_inflate(lb_isal_stream *s, const uint8_t *in, size_t in_len, size_t *in_used,
                    uint8_t *out, size_t out_len, size_t *out_written) {
    struct inflate_state *st = &s->state;
    if (in_len > 0xFFFFFFFFu) in_len = 0xFFFFFFFFu;
    if (out_len > 0xFFFFFFFFu) out_len = 0xFFFFFFFFu;
    st->next_in = (uint8_t *)in;
    st->avail_in = (uint32_t)in_len;
    st->next_out = out;
    st->avail_out = (uint32_t)out_len;
    int ret = p_inflate(st);
    size_t used = in_len - st->avail_in;
    *out_written = out_len - st->avail_out;
    if (ret < 0) {
        *in_used = used;
        switch (ret) {
        case ISAL_INVALID_WRAPPER: case ISAL_UNSUPPORTED_METHOD: return LB_ISAL_ERR_HEADER;
        case ISAL_INCORRECT_CHECKSUM: return LB_ISAL_ERR_CHECKSUM;
        case ISAL_INVALID_BLOCK: case ISAL_INVALID_SYMBOL: case ISAL_INVALID_LOOKBACK: return LB_ISAL_ERR_DATA;
        default: return LB_ISAL_ERR_OTHER;
        }
    }
    if (st->block_state == ISAL_BLOCK_FINISH) {
        // Bytes ISA-L pulled into its bit buffer beyond the trailer belong to the next member.
        size_t unread = (size_t)(st->read_in_length > 0 ? st->read_in_length / 8 : 0);
        *in_used = used >= unread ? used - unread : 0;
        return LB_ISAL_MEMBER_END;
    }
    *in_used = used;
    return LB_ISAL_OK;
}
#else
struct lb_isal_stream { int unused; };
lb_isal_stream *lb_isal_create(void) { return NULL; }
void lb_isal_destroy(lb_isal_stream *s) { (void)s; }
void lb_isal_reset(lb_isal_stream *s) { (void)s; }
int lb_isal_inflate(lb_isal_stream *s, const uint8_t *in, size_t in_len, size_t *in_used,
                    uint8_t *out, size_t out_len, size_t *out_written) {
    (void)s; (void)in; (void)in_len; (void)out; (void)out_len;
    *in_used = 0; *out_written = 0;
    return LB_ISAL_ERR_OTHER;
}
#endif
