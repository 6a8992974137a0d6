package dev.hotlib.core;

/**
 * What {@code mvn -pl example-ffm exec:java} runs on a JDK too old for it (example-ffm/pom.xml, profile
 * jdk-17-to-21): one line that says which JDK the module needs and how to point JAVA_HOME at one. Compiled
 * for Java 17 with the rest of core, so it runs where the example cannot.
 */
public final class NeedsNewerJdk {
    private NeedsNewerJdk() {}

    /** {@code args}: the module, and the Java release it needs. */
    public static void main(String[] args) {
        System.err.println(args[0] + " needs JDK " + args[1] + " or newer (the FFM API), but Maven runs on Java "
                + System.getProperty("java.version")
                + ". Point JAVA_HOME at one: export JAVA_HOME=\"$(bin/find-jdk)\"");
        System.exit(1); // exec:java runs in Maven's JVM: this ends Maven too, with no stack trace after the line
    }
}
