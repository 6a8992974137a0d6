package dev.hotlib.jnr;

import dev.hotlib.core.Console;
import dev.hotlib.core.Host;
import dev.hotlib.core.Options;
import dev.hotlib.core.Pin;

/**
 * The hot-reload example with JNR-FFI: {@code mvn -pl example-jnr exec:java}, then edit c-lib/src/hotlib.c
 * and run {@code cmake --build build}. The FFI is in {@link JnrLibrary} (load, find, unload), {@link JnrDemo}
 * (the binding of hotlib.h) and {@link JnrState}.
 */
public final class Main {
    public static void main(String[] args) throws InterruptedException {
        Options options = Options.fromSystemProperties();                       // 1. the options (-Dhotlib.*)
        Console console = new Console(System.out, "JNR-FFI", options.waitingHint());
        try (Host<JnrDemo> host = new Host<>(JnrDemo::load, options.settings(), console)) { // 2. the host
            JnrState state = host.own(new JnrState());                          //    the state every version updates
            for (long tick = 0; tick < options.ticks(); tick++) {               // 3. each tick:
                host.reloadIfChanged();                                         //    poll; load, swap, unload the old
                if (host.loaded()) {
                    try (Pin<JnrDemo> pin = host.pin()) {                       //    pin the current version
                        JnrDemo hotlib = pin.binding();
                        console.call("foo()", true, hotlib::foo);
                        console.call("bar()", pin.defines("bar"), hotlib::bar);
                        console.call("greeting()", pin.defines("greeting"), hotlib::greeting);
                        console.call("update()", pin.defines("update"), () -> {
                            hotlib.update(state);
                            return state;
                        });
                    }                                                           //    closed: an old version may go
                }
                Thread.sleep(options.interval().toMillis());
            }
        }                                                                       // 4. close: unload, free, delete copies
    }
}
