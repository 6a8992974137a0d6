package dev.hotlib.core;

import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.IntSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

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

    /**
     * The view of a binding's calls: {@code abi_version}, {@code bar} and {@code greeting} are empty where the
     * version does not define them ({@code defines}), and so is a NULL greeting (null).
     */
    static Demo of(Predicate<String> defines, IntSupplier abiVersion, IntSupplier foo, IntSupplier bar,
            Supplier<String> greeting, Runnable update) {
        return new Demo() {
            @Override
            public OptionalInt abiVersion() {
                return defines.test("abi_version") ? OptionalInt.of(abiVersion.getAsInt()) : OptionalInt.empty();
            }

            @Override
            public int foo() {
                return foo.getAsInt();
            }

            @Override
            public OptionalInt bar() {
                return defines.test("bar") ? OptionalInt.of(bar.getAsInt()) : OptionalInt.empty();
            }

            @Override
            public Optional<String> greeting() {
                return defines.test("greeting") ? Optional.ofNullable(greeting.get()) : Optional.empty();
            }

            @Override
            public void update() {
                update.run();
            }
        };
    }
}
