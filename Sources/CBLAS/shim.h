#include <cblas.h>

/* OpenBLAS's own (exported, undeclared in cblas.h): stops its thread pool; the next threaded call
   starts it again. OpenBLAS calls it itself before a fork. */
int blas_thread_shutdown_(void);
