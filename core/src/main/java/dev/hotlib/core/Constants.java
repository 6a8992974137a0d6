package dev.hotlib.core;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code static} constants of one type that a class declares: how a binding's base class finds the functions
 * its subclass declares as constants, whatever the backend.
 */
public final class Constants {
    private Constants() {}

    /** The values of the static fields of {@code type} that {@code owner} declares, in the order they are declared. */
    public static <T> List<T> of(Class<?> owner, Class<T> type) {
        List<T> values = new ArrayList<>();
        for (Field field : owner.getDeclaredFields()) {
            if (field.getType() == type && Modifier.isStatic(field.getModifiers())) {
                try {
                    field.setAccessible(true);
                    values.add(type.cast(field.get(null)));
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return values;
    }
}
