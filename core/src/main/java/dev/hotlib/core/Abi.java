package dev.hotlib.core;

import java.util.List;

/** The ABI of c-lib/include/hotlib.h, as the host checks it. */
public final class Abi {
    /** What abi_version() must return; a version reporting anything else is refused. */
    public static final int VERSION = 1;

    /** The symbols a version must export to be loaded, in the header's order. */
    public static final List<String> REQUIRED_SYMBOLS = List.of("abi_version", "foo", "greeting", "update");

    /** The symbol a version may leave out: bar() is then reported as not defined. */
    public static final String OPTIONAL_SYMBOL = "bar";

    private Abi() {}
}
