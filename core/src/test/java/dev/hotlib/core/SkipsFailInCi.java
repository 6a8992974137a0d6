package dev.hotlib.core;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import org.opentest4j.TestAbortedException;

/**
 * In CI ({@code CI=true}), a scenario that skips fails the run: a skip must not hide a failure there. Only a
 * scenario marked {@link CannotRunAsRoot} may skip, and only when the run is root's: CI runs the whole suite as
 * root, then, in {@code .ci/as-nobody}, the scenarios tagged {@value #CANNOT_RUN_AS_ROOT} as the user nobody,
 * where they must pass.
 */
public final class SkipsFailInCi implements TestExecutionExceptionHandler {

    /** The JUnit tag of the scenarios marked {@link CannotRunAsRoot}: {@code mvn test -Dgroups=...} selects them. */
    public static final String CANNOT_RUN_AS_ROOT = "cannot-run-as-root";

    /** A scenario that cannot run as root (root reads any file); it runs, and must pass, for any other user. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.METHOD)
    @Tag(CANNOT_RUN_AS_ROOT)
    public @interface CannotRunAsRoot {
        /** Why root cannot run it. */
        String value();
    }

    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable thrown) throws Throwable {
        if (thrown instanceof TestAbortedException && inCi() && !mayNotRunHere(context)) {
            throw new AssertionError("skipped in CI, where every scenario must run: " + thrown.getMessage(), thrown);
        }
        throw thrown;
    }

    /** {@code CI=true}; the property {@code skipsFailInCi.ci} stands in for it in SkipsFailInCiTest. */
    private static boolean inCi() {
        return "true".equals(System.getProperty("skipsFailInCi.ci", System.getenv("CI")));
    }

    private static boolean mayNotRunHere(ExtensionContext context) {
        CannotRunAsRoot reason = context.getRequiredTestMethod().getAnnotation(CannotRunAsRoot.class);
        return reason != null && "root".equals(System.getProperty("user.name"));
    }
}
