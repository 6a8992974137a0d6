/*
 * A guest of 200 MB or more, for the memory test of issue 11 (core's LargeLibrary compiles it with gcc into a
 * temporary folder; it is not part of the CMake build). The array is const and initialised, so it lies in
 * .rodata, in the file; exporting it keeps the linker from dropping it.
 *   gcc -shared -fPIC -O1 -I c-lib/include -DHOTLIB_FOO=1 -DHOTLIB_MB=200 -o libbig.so c-lib/variants/big.c
 */
#include "hotlib.h"

const unsigned char hotlib_big[(unsigned long) HOTLIB_MB << 20] = {HOTLIB_FOO};

int32_t abi_version(void) { return 1; }
int32_t foo(void) { return HOTLIB_FOO + hotlib_big[1]; }
const char *greeting(void) { return "a big library"; }

void update(hotlib_state *state) {
    state->frame += 1;
    state->value += hotlib_big[0];
}
