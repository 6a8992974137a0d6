package dev.hotlib.core;

import java.util.Optional;
import java.util.OptionalInt;

/**
 * The demo ABI (c-lib/include/hotlib.h) as the suite calls it, whichever backend binds it: one version's
 * binding, reached through a pin, with the test's state. Each backend's test makes one from its binding.
 */
public interface Demo {
    /** {@code int32_t abi_version(void);} empty when the version does not define it. */
    OptionalInt abiVersion();

    /** {@code int32_t foo(void);} */
    int foo();

    /** {@code int32_t bar(void);} empty when the version does not define it. */
    OptionalInt bar();

    /** {@code const char *greeting(void);} empty when it returned NULL. */
    Optional<String> greeting();

    /** {@code void update(hotlib_state *state);} on the test's state. */
    void update();
}
