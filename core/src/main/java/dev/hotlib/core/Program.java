package dev.hotlib.core;

import java.io.IOException;
import java.io.PrintStream;

/**
 * The example program, the same for every backend: poll the library file, swap in a new version when one has
 * settled, call every function and print what it returns, sleep, and again.
 */
public final class Program {
    private Program() {}

    /** Runs the loop with {@code backend}, options from system properties, output on System.out. */
    public static <S extends HotlibState> void run(Backend<S> backend) {
        Options options;
        try {
            options = Options.fromSystemProperties();
        } catch (Options.OptionException e) {
            System.err.println("error: " + e.getMessage());
            System.exit(2);
            return;
        }
        try {
            run(backend, options, System.out);
        } catch (IOException e) {
            System.err.println("error: " + e.getMessage());
            System.exit(1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The loop itself. */
    public static <S extends HotlibState> void run(Backend<S> backend, Options options, PrintStream out)
            throws IOException, InterruptedException {
        Console console = new Console(out, backend.name());
        try (Host<S> host = new Host<>(backend, options, console)) {
            for (long tick = 0; tick < options.ticks(); tick++) {
                host.reloadIfChanged();                                     // poll, load, rebind, unload the old
                host.call(guest -> {                                       // call the current version
                    console.printCalls(guest, host.state());
                    return null;
                });
                Thread.sleep(options.interval());
            }
        }
    }
}
