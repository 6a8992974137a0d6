package dev.hotlib.jna;

import dev.hotlib.core.Backend;
import dev.hotlib.core.Console;
import dev.hotlib.core.Host;
import dev.hotlib.core.Options;
import dev.hotlib.core.Pin;
import java.util.OptionalInt;

/**
 * The hot-reload example with JNA: {@code mvn -pl example-jna exec:java}, then edit
 * c-lib/src/hotlib.c and run {@code cmake --build build}.
 * The FFI is in {@link JnaHotlib} and {@link JnaState}.
 */
public final class Main {
    public static void main(String[] args) throws InterruptedException {
        Options options = Options.fromSystemProperties();                  // 1. the options (-Dhotlib.*)
        Backend<JnaState> backend = new Backend<>("JNA", JnaState::new, JnaHotlib::load,
                JnaHotlib::loadForGood);
        Console console = new Console(System.out, backend.name(), options.waitingHint());
        try (Host<JnaState> host = new Host<>(backend, options.host(), console)) {  // 2. the host
            for (long tick = 0; tick < options.ticks(); tick++) {          // 3. each tick:
                host.reloadIfChanged();                                    //    poll; load, swap, unload the old
                if (host.loaded()) {
                    try (Pin<JnaState> hotlib = host.pin()) {              //    pin the current version
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
