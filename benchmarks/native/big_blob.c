/*
 * The big library of the reload benchmarks: the C guest (c-lib/src/hotlib.c) linked with this const array,
 * so that the file is HOTLIB_BIG_BYTES larger, as Rust debug builds and C libraries with embedded data are.
 * Built by the benchmarks (Libs.big), never by the project's build, and never committed.
 */
#ifndef HOTLIB_BIG_BYTES
#define HOTLIB_BIG_BYTES (200u << 20)
#endif

/* Initialised, so it lands in .rodata, in the file (a zeroed array would be .bss and take no file space). */
const unsigned char hotlib_big_blob[HOTLIB_BIG_BYTES] = {1};
