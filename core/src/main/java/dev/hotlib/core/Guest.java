package dev.hotlib.core;

/**
 * One loaded version (cr.h calls it the guest): the library its backend opened, and the user's binding of it.
 * Callers reach the binding only through a {@link Pin}, which keeps the version loaded while they call it.
 *
 * @param library the version as the loader opened it; the host unloads it
 * @param binding the user's binding of this version's functions, of any type
 * @param <B> the binding's type
 */
public record Guest<B>(Library library, B binding) {}
