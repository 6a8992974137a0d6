package dev.hotlib.ffm;

/**
 * What {@code mvn -pl example-ffm exec:java} runs on JDK 17 to 21, where this module compiles only this class
 * (example-ffm/pom.xml, profile jdk-17-to-21): the FFM API is final from Java 22, so say so in one line.
 */
public final class NeedsJdk22 {
    public static void main(String[] args) {
        System.err.println("example-ffm needs JDK 22 or newer (the FFM API), but Maven runs on Java "
                + System.getProperty("java.version")
                + ". Point JAVA_HOME at one: export JAVA_HOME=\"$(bin/find-jdk)\"");
        System.exit(1); // exec:java runs in Maven's JVM: this ends Maven too, with no stack trace after the line
    }
}
