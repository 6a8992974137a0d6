/* The dependency of the "needsdep" test variant; deliberately left off the loader's search path. */
void hotlib_gone(void) {}
