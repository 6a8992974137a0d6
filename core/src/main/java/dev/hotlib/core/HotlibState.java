package dev.hotlib.core;

/**
 * The host's {@code hotlib_state}: allocated once by the host, in native memory, and passed to every
 * version's {@code update}, so it survives every reload. Each backend maps the struct its own way.
 */
public interface HotlibState extends AutoCloseable {
    /** {@code int64_t frame}. */
    long frame();

    /** {@code double value}. */
    double value();

    /** Frees the native memory; the host does it once, at exit. */
    @Override
    void close();
}
