package dev.hotlib.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder.request;

import dev.hotlib.core.SkipsFailInCi.CannotRunAsRoot;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherFactory;

/** What a skip becomes, in CI and out of it, as root and as another user: a fixture run by JUnit's launcher. */
class SkipsFailInCiTest {
    private static final String LACKS = "Assumption failed: the machine lacks something";

    /** Two scenarios that skip: one anywhere, one that says root cannot run it. */
    @ExtendWith(SkipsFailInCi.class)
    static class Fixture {
        @Test
        void skips() {
            assumeTrue(false, "the machine lacks something");
        }

        @Test
        @CannotRunAsRoot("root reads any file")
        void skipsAsRoot() {
            assumeTrue(false, "running as root");
        }
    }

    @Test
    void inCiASkipFailsTheRunButAsRootTheScenarioRootCannotRun() {
        assertEquals(Map.of("skips", "FAILED: skipped in CI, where every scenario must run: " + LACKS,
                "skipsAsRoot", "SKIPPED: Assumption failed: running as root"), run("true", "root"));
    }

    @Test
    void inCiAsAnotherUserEverySkipFails() {
        Map<String, String> outcomes = run("true", "alice");
        assertTrue(outcomes.values().stream().allMatch(o -> o.startsWith("FAILED: skipped in CI")),
                outcomes.toString());
    }

    @Test
    void outsideCiASkipIsASkip() {
        assertEquals(Map.of("skips", "SKIPPED: " + LACKS,
                "skipsAsRoot", "SKIPPED: Assumption failed: running as root"), run("false", "alice"));
    }

    /** Runs the fixture with CI set to {@code ci} as the user {@code user}: each scenario's outcome, by name. */
    private static Map<String, String> run(String ci, String user) {
        Properties saved = (Properties) System.getProperties().clone();
        Map<String, String> outcomes = new java.util.concurrent.ConcurrentHashMap<>();
        try {
            System.setProperty("skipsFailInCi.ci", ci);
            System.setProperty("user.name", user);
            LauncherFactory.create().execute(request().selectors(selectClass(Fixture.class)).build(),
                    new TestExecutionListener() {
                        @Override
                        public void executionSkipped(TestIdentifier test, String reason) {
                            outcomes.put(name(test), "NOT RUN: " + reason);
                        }

                        @Override
                        public void executionFinished(TestIdentifier test, TestExecutionResult result) {
                            if (test.isTest()) {
                                outcomes.put(name(test), switch (result.getStatus()) {
                                    case SUCCESSFUL -> "PASSED";
                                    case ABORTED -> "SKIPPED: " + result.getThrowable().orElseThrow().getMessage();
                                    case FAILED -> "FAILED: " + result.getThrowable().orElseThrow().getMessage();
                                });
                            }
                        }
                    });
        } finally {
            System.setProperties(saved);
        }
        return outcomes;
    }

    private static String name(TestIdentifier test) {
        return test.getDisplayName().replace("()", "");
    }
}
