// libedit's readline-compatible API (Debian: libedit-dev), for `lumbung repl`'s line editing and
// history. Only the handful of calls the REPL needs are wrapped.
#ifndef LUMBUNG_CEDITLINE_SHIM_H
#define LUMBUNG_CEDITLINE_SHIM_H
#include <stdio.h>
#include <editline/readline.h>

static inline char *lumbung_readline(const char *prompt) { return readline(prompt); }
static inline void lumbung_add_history(const char *line) { add_history(line); }
static inline void lumbung_read_history(const char *path) { read_history(path); }
static inline void lumbung_write_history(const char *path) { write_history(path); }
static inline void lumbung_stifle_history(int count) { stifle_history(count); }
#endif
