package dev.hotlib.core;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;

/**
 * A file about to be loaded, as the checks before dlopen read it: its path, and which of its exported symbols
 * are not functions, from the library's own dynamic symbol table. A loader asks {@link #checkFunction} before
 * it hands a symbol to a binding as a function: calling data jumps into it and kills the JVM.
 *
 * @param path the file to dlopen(): the version's private copy
 * @param notFunctions each defined dynamic symbol that is not a function, with what it is (STT_OBJECT, ...)
 */
public record LibraryFile(Path path, Map<String, String> notFunctions) {

    public LibraryFile {
        notFunctions = Map.copyOf(notFunctions);
    }

    /**
     * Reads {@code path}'s symbol table, for a loader used without a host (tests, tools); a file the checks
     * refuse is refused here too, with the same line.
     */
    public static LibraryFile inspect(Path path) throws LoadException {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            ElfCheck.Report report = ElfCheck.inspect(ElfCheck.Source.of(channel, channel.size()));
            if (report.refusal().isPresent()) {
                throw new LoadException(report.refusal().get());
            }
            return new LibraryFile(path, report.notFunctions());
        } catch (IOException e) {
            throw new LoadException("it cannot be read (" + e + ")", e);
        }
    }

    /** Refuses {@code symbol} when this file exports it as something other than a function. */
    public void checkFunction(String symbol) throws LoadException {
        String what = notFunctions.get(symbol);
        if (what != null) {
            throw new LoadException(symbol + " is " + (what.equals("STT_OBJECT") || what.equals("STT_COMMON")
                    ? "data" : "not code") + " (" + what + "), not a function: calling it would crash the JVM");
        }
    }
}
