package dev.hotlib.jnr;

import dev.hotlib.core.Backend;
import dev.hotlib.core.Console;
import dev.hotlib.core.Host;
import dev.hotlib.core.Options;
import dev.hotlib.core.Pin;
import java.util.OptionalInt;

/**
 * The hot-reload example with JNR-FFI: {@code mvn -pl example-jnr exec:java}, then edit
 * c-lib/src/hotlib.c and run {@code cmake --build build}.
 * The FFI is in {@link JnrHotlib} and {@link JnrState}.
 */
public final class Main {
    public static void main(String[] args) throws InterruptedException {
        Options options = Options.fromSystemProperties();                  // 1. the options (-Dhotlib.*)
        Backend<JnrState> backend = new Backend<>("JNR-FFI", JnrState::new, JnrHotlib::load,
                JnrHotlib::loadForGood);
        Console console = new Console(System.out, backend.name(), options.waitingHint());
        try (Host<JnrState> host = new Host<>(backend, options.host(), console)) {  // 2. the host
            for (long tick = 0; tick < options.ticks(); tick++) {          // 3. each tick:
                host.reloadIfChanged();                                    //    poll; load, swap, unload the old
                if (host.loaded()) {
                    try (Pin<JnrState> hotlib = host.pin()) {              //    pin the current version
                        console.print("foo() -> " + hotlib.foo());         //    call it, print what it returns
                        OptionalInt bar = hotlib.bar();
                        console.print(bar.isPresent() ? "bar() -> " + bar.getAsInt() : "bar() is not defined");
                        console.print(hotlib.greeting().map(text -> "greeting() -> \"" + text + "\"")
                                .orElse("greeting() returned NULL"));
                        hotlib.update(host.state());
                        console.print("update() -> frame " + host.state().frame() + ", value " + host.state().value());
                    }                                                      //    release: an old version may go now
                }
                Thread.sleep(options.interval().toMillis());
            }
        }                                                                  // 4. close: unload, free, delete the copies
    }
}
