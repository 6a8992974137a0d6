package dev.hotlib.core;

import java.util.List;

/** A version that cannot be used: its file would not load, a required function is missing, or a probe failed. */
public class LoadException extends Exception {
    public LoadException(String reason) {
        super(reason);
    }

    public LoadException(String reason, Throwable cause) {
        super(reason, cause);
    }

    /** One line for every required function the file does not export: "it does not export step() and score()". */
    public static LoadException missing(List<String> symbols) {
        StringBuilder names = new StringBuilder();
        for (int i = 0; i < symbols.size(); i++) {
            if (i > 0) {
                names.append(i == symbols.size() - 1 ? " and " : ", ");
            }
            names.append(symbols.get(i)).append("()");
        }
        return new LoadException("it does not export " + names);
    }
}
