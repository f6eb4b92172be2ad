// CSIMD is header-only (static inline functions in include/CSIMD.h); SwiftPM needs one source file.
#include "CSIMD.h"
