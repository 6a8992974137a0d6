/* The C guest. Edit it while the Java example runs, then `cmake --build build`. */
#include "hotlib.h"

int32_t abi_version(void) { return HOTLIB_ABI_VERSION; }

int32_t foo(void) { return 4; }

/* bar() is optional: uncomment it, rebuild, and watch "bar() is not defined" turn into a value.
int32_t bar(void) { return 10; }
*/

const char *greeting(void) { return "Hello from C"; }

void update(hotlib_state *state) {
    state->frame += 1;
    state->value += 0.5;
}
