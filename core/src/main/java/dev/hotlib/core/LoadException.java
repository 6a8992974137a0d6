package dev.hotlib.core;

/** A version that cannot be used: its file would not load, or a required symbol is missing. */
public class LoadException extends Exception {
    public LoadException(String reason) {
        super(reason);
    }

    public LoadException(String reason, Throwable cause) {
        super(reason, cause);
    }

    /** The message for a required symbol the file does not export. */
    public static LoadException missingSymbol(String symbol) {
        return new LoadException("it does not export " + symbol + "()");
    }
}
