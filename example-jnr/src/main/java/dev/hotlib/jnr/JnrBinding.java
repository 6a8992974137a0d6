package dev.hotlib.jnr;

import com.kenai.jffi.MemoryIO;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import jnr.ffi.Runtime;
import jnr.ffi.Struct;
import jnr.ffi.provider.InAccessibleMemoryIO;

/**
 * What a binding uses beside {@link JnrLibrary#bind}, which makes the user's own interface the binding of a
 * version: {@link Symbol} for a method whose C name is not its Java name, and {@link NativeStruct} for a struct the
 * host owns across versions.
 */
public final class JnrBinding {
    private static final MemoryIO IO = MemoryIO.getInstance();

    /** The C name of a method whose Java name is not it: {@code @Symbol("abi_version") int abiVersion();}. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.METHOD)
    public @interface Symbol {
        String value();
    }

    /**
     * A struct in native memory that the host owns: zeroed, from jffi, and freed by {@link #close} (jnr-ffi's
     * own memory waits for the garbage collector). A subclass declares its fields, then calls {@link #allocate}.
     * A second close frees nothing; a closed struct refuses every access with IllegalStateException, and a
     * binding handed one throws it before the call: C never sees freed memory.
     */
    public abstract static class NativeStruct extends Struct implements AutoCloseable {
        private long address;

        protected NativeStruct() {
            super(Runtime.getSystemRuntime());
        }

        /** Backs the fields declared so far with zeroed native memory. */
        protected final void allocate() {
            int size = Struct.size(this);
            address = IO.allocateMemory(size, true);
            useMemory(getRuntime().getMemoryManager().newPointer(address, size));
        }

        @Override
        public synchronized void close() {
            if (address != 0) {
                useMemory(new Freed(getRuntime()));
                IO.freeMemory(address);
                address = 0;
            }
        }
    }

    /**
     * A closed struct's memory: every access throws. It is not direct memory, so jnr-ffi asks it for an array
     * before it would pass it to C, and that throws too.
     */
    private static final class Freed extends InAccessibleMemoryIO {
        Freed(Runtime runtime) {
            super(runtime, 0, false);
        }

        @Override
        protected RuntimeException error() {
            return new IllegalStateException("the struct was closed: its memory is freed");
        }

        @Override
        public boolean hasArray() {
            throw error();
        }

        @Override
        public long size() {
            return 0;
        }
    }

    private JnrBinding() {}
}
