package dev.hotlib.core;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.MutableCallSite;
import java.nio.file.Path;

/**
 * Release mode's binding for good, for a backend whose calls are method handles (FFM, JNR-FFI): one
 * process-wide {@link MutableCallSite} per function of hotlib.h, whose {@link #invoker} a backend keeps in a
 * static final field. The JIT treats a static final handle, and the target of a mutable call site behind it, as
 * constants, and inlines the call as it inlines the backend's static binding: an instance field or an argument
 * is not a constant, and a call through one measured 1.12x (benchmarks/README.md).
 *
 * <p>Retargeting a site throws away the compiled code of every caller: so one version at a time. A version
 * {@link #claim}s the sites before it loads, and a second claim is refused while the first holds them. At
 * {@link #release} every site is pointed at a target that throws IllegalStateException, before the version is
 * unloaded, so that a call racing the unload throws rather than jumps into unmapped code.
 */
public final class ForGoodSites {
    private final MutableCallSite[] sites;
    private Object owner;  // the claim that holds the sites, or null; guarded by this
    private Path ownerFile;

    /**
     * One site per function, of these types, in hotlib.h's order; each throws until bound. With no types, only
     * the claim: one version at a time, for a backend that binds for good another way (JNA, JavaCPP).
     */
    public ForGoodSites(MethodType... types) {
        sites = new MutableCallSite[types.length];
        for (int i = 0; i < types.length; i++) {
            sites[i] = new MutableCallSite(unbound(types[i]));
        }
    }

    /** The handle to keep in a static final field, for function {@code index}. */
    public MethodHandle invoker(int index) {
        return sites[index].dynamicInvoker();
    }

    /**
     * Takes the sites for the version about to be loaded from {@code file}, before it is loaded: refused while
     * another version holds them. The claim it returns binds and releases them.
     */
    public synchronized Object claim(Path file) throws LoadException {
        if (owner != null) {
            throw new LoadException("release mode binds one version for the program's life, and " + ownerFile
                    + " is still bound: close its host before loading another");
        }
        owner = new Object();
        ownerFile = file;
        return owner;
    }

    /** Points the sites at {@code targets}, for every thread; a null target leaves its site throwing. */
    public synchronized void bind(Object claim, MethodHandle... targets) {
        if (owner != claim || targets.length != sites.length) {
            throw new IllegalArgumentException("one target per site, under the claim that holds them");
        }
        for (int i = 0; i < sites.length; i++) {
            sites[i].setTarget(targets[i] != null ? targets[i] : unbound(sites[i].type()));
        }
        MutableCallSite.syncAll(sites);
    }

    /**
     * Points every site at a target that throws, for every thread, and frees them for another version; nothing
     * when {@code claim} no longer holds them. Call it before unloading the version.
     */
    public void release(Object claim) {
        release(claim, () -> { });
    }

    /**
     * {@link #release(Object)}, and {@code unbind} too, under the same lock, so that no other version's binding
     * can come between: for a binding that is not made of these sites (JNA's registered natives, JavaCPP's C
     * function pointers).
     */
    public synchronized void release(Object claim, Runnable unbind) {
        if (owner == claim) {
            unbind.run();
            for (MutableCallSite site : sites) {
                site.setTarget(unbound(site.type()));
            }
            MutableCallSite.syncAll(sites);
            owner = null;
            ownerFile = null;
        }
    }

    /** A target of {@code type} that throws IllegalStateException: no version is bound. */
    private static MethodHandle unbound(MethodType type) {
        MethodHandle thrower = MethodHandles.throwException(type.returnType(), IllegalStateException.class);
        return MethodHandles.foldArguments(MethodHandles.dropArguments(thrower, 1, type.parameterList()),
                UNBOUND_ERROR);
    }

    private static final MethodHandle UNBOUND_ERROR = unboundError();

    private static MethodHandle unboundError() {
        try {
            return MethodHandles.lookup().findStatic(ForGoodSites.class, "unboundError",
                    MethodType.methodType(IllegalStateException.class, String.class))
                    .bindTo("no version of the library is bound for good (release mode): it was unloaded");
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static IllegalStateException unboundError(String message) {
        return new IllegalStateException(message);
    }
}
