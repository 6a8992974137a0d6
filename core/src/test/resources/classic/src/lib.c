/* The sample's library: foo() is exported; bar() waits, commented out, for the user's first edit. */
#include <stdint.h>

__attribute__((visibility("default")))
int32_t foo(void) {
    return 4;
}

// __attribute__((visibility("default")))
// int32_t bar(void) {
//     return 10;
// }
