package dev.hotlib.jnr;

import dev.hotlib.core.Guest;
import dev.hotlib.core.LibraryFile;
import dev.hotlib.core.LoadException;
import dev.hotlib.jnr.JnrBinding.Symbol;
import jnr.ffi.annotations.Encoding;

/**
 * The demo's binding of c-lib/include/hotlib.h with JNR-FFI: the user's own interface, one method per function,
 * which jnr-ffi implements for each version. Only {@code foo} is required; a call to an optional function the
 * version lacks throws UnsatisfiedLinkError, so ask {@code pin.defines(...)} first. Reach it through a pin: a
 * binding kept past its pin calls code that may be unmapped.
 */
public interface JnrDemo {
    @Symbol("abi_version") int abiVersion();  // int32_t abi_version(void);
    int foo();                                 // int32_t foo(void);
    int bar();                                 // int32_t bar(void);
    @Encoding("UTF-8") String greeting();      // const char *greeting(void);  (null for NULL, copied at once)
    void update(JnrState state);               // void update(hotlib_state *state);

    /** Opens {@code file} with {@link JnrLibrary}, binds it, and refuses any abi_version() but 1. */
    static Guest<JnrDemo> load(LibraryFile file) throws LoadException {
        JnrLibrary library = JnrLibrary.open(file);
        return Guest.bind(library, () -> {
            JnrDemo demo = library.bind(JnrDemo.class, "foo");
            int abi = library.defines("abi_version") ? demo.abiVersion() : 1;
            if (abi != 1) {
                throw new LoadException("abi_version() returned " + abi + ", this host needs 1");
            }
            return demo;
        });
    }
}
