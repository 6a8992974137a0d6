package dev.hotlib.core;

/**
 * One loaded version (cr.h calls it the guest): the library its backend opened, and the user's binding of it.
 * Callers reach the binding only through a {@link Pin}, which keeps the version loaded while they call it.
 *
 * @param library the version as the loader opened it; the host unloads it
 * @param binding the user's binding of this version's functions, of any type
 * @param <B> the binding's type
 */
public record Guest<B>(Library library, B binding) {

    /**
     * Binds an opened {@code library} with {@code bind}, which finds its functions and runs any probe; when it
     * throws, the library is closed before the exception goes on, so a refused version never stays loaded.
     */
    public static <B> Guest<B> bind(Library library, Binder<B> bind) throws LoadException {
        try {
            return new Guest<>(library, bind.bind());
        } catch (LoadException | RuntimeException | Error e) {
            try {
                library.close();
            } catch (RuntimeException | Error closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
    }

    /** Makes the binding of an opened library, refusing it by throwing. */
    @FunctionalInterface
    public interface Binder<B> {
        B bind() throws LoadException;
    }
}
